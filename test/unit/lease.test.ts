import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addEntries, notifiedHandlerIds, parseJournal, removeEntries, serializeJournal } from '../../src/engine/handler-journal.js';
import { describeHolder, formatAge, hostLockedError, leaseText, parseSessionOutput, staleness, type HeldLease } from '../../src/engine/lease.js';
import type { RoleInstance, Task } from '../../src/playbook/model.js';

const held = (over: Partial<HeldLease> = {}): HeldLease => ({
  file: '/run/k8sbm/lock', age: 3, owner: 'alice@ws', pid: '42', run: 'abc123', command: 'run site.yml', started: 1_796_220_000, boot: 'b1', unreadable: false, ...over,
});

describe('the lease as data', () => {
  it('its text is one key=value a line, whatever the values hold', () => {
    assert.equal(leaseText({ owner: 'a\nrun=evil@ws', pid: 1, runId: 'r1', command: 'run x\ty.yml' }), 'owner=a run=evil@ws\npid=1\nrun=r1\ncommand=run x y.yml');
  });

  it('reads what the session script prints: held, unreadable, error, the journal', () => {
    const out = [
      'path.lock=/run/k8sbm/lock', 'path.journal=/var/lib/k8sbm/handlers', 'boot=b2', 'lease=held', 'held=/run/k8sbm/lock', 'age=7',
      'lease.owner=alice@ws', 'lease.pid=42', 'lease.run=abc123', 'lease.command=run site.yml', 'lease.started=1796220000', 'lease.boot=b1',
      'journal:{"handler":"x"}', '',
    ].join('\n');
    const a = parseSessionOutput(out);
    assert.deepEqual(a.lease, { kind: 'held', lease: held({ age: 7 }) });
    assert.deepEqual([a.lockFile, a.journalFile, a.boot, a.journal], ['/run/k8sbm/lock', '/var/lib/k8sbm/handlers', 'b2', ['{"handler":"x"}']]);
    const root = parseSessionOutput('lease=held\nheld=/run/k8sbm/lock\nage=1\nlease.unreadable=1\n');
    assert.equal(root.lease.kind === 'held' && describeHolder(root.lease.lease), 'a run as root (its lease /run/k8sbm/lock is readable by root only)');
    assert.deepEqual(parseSessionOutput('lease=error cannot write in /run/k8sbm\n').lease, { kind: 'error', msg: 'cannot write in /run/k8sbm' });
    assert.equal(parseSessionOutput('').lease.kind, 'error');
  });

  it('is stale after two minutes without a heartbeat, or from before the last boot', () => {
    assert.equal(staleness(held({ age: 120 }), 'b1'), undefined);
    assert.equal(staleness(held({ age: 121 }), 'b1'), 'no heartbeat for 2min');
    assert.equal(staleness(held({ age: 5 }), 'b2'), 'it was taken before the node last booted');
    assert.deepEqual([formatAge(59), formatAge(3600), formatAge(7200), formatAge(5 * 86_400)], ['59s', '60min', '2h', '5 days']);
  });

  it('K8SBM_HOST_LOCKED names who holds the host and since when, live or stale', () => {
    const live = hostLockedError('node01', held(), 'b1');
    assert.equal(live.code, 'K8SBM_HOST_LOCKED');
    assert.equal(live.message, 'node01 is locked by a run (run site.yml) by alice@ws (pid 42, run id abc123) since 2026-12-02T14:00:00Z (heartbeat 3s ago): it is changing the host now');
    const stale = hostLockedError('node01', held({ age: 86_400 }), 'b1');
    assert.match(stale.message, /and the lease is stale: no heartbeat for 24h$/);
    assert.match(String(stale.hint), /`k8sbm unlock node01`/);
  });
});

describe('the handler journal as data', () => {
  const role = { name: 'web' } as RoleInstance;
  const task = (over: Partial<Task>): Task => ({ kind: 'task', module: 'command', args: {}, when: [], tags: [], vars: {}, notify: [], listen: [], loc: { file: 'f', line: 1, col: 1 }, moduleLoc: { file: 'f', line: 1, col: 1 }, ...over }) as Task;

  it('names the handlers a notify reaches: by name, topic or role : name; unnamed listeners by the topic', () => {
    const handlers = [task({ name: 'restart a' }), task({ name: 'reload', role, listen: ['web stack'] }), task({ listen: ['web stack'] })];
    assert.deepEqual(notifiedHandlerIds(handlers, ['restart a']), ['restart a']);
    assert.deepEqual(notifiedHandlerIds(handlers, ['web stack']), ['web : reload', 'web stack']);
    assert.deepEqual(notifiedHandlerIds(handlers, ['web : reload', 'no such']), ['web : reload']);
  });

  it('keeps the first notification of a handler, removes what ran, and lines it does not know', () => {
    const from = { run: 'r1', at: '2026-12-02T14:00:00Z', by: 'a@ws' };
    let j = parseJournal(['{"handler":"x","run":"r0","at":"t0","by":"b@ws"}', 'not json']);
    j = addEntries(j, ['x', 'y'], from);
    assert.deepEqual(j.entries.map((e) => `${e.handler}:${e.run}`), ['x:r0', 'y:r1']);
    j = removeEntries(j, new Set(['x']));
    assert.equal(serializeJournal(j), '{"handler":"y","run":"r1","at":"2026-12-02T14:00:00Z","by":"a@ws"}\nnot json\n');
    assert.equal(serializeJournal({ entries: [], other: [] }), '');
  });
});
