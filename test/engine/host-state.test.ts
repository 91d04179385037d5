/**
 * The run lock and the handler journal through the engine, on in-memory hosts whose lease and
 * journal scripts run for real with the local sh, each host in a sandbox folder of its own.
 * (test/e2e/run-lock-lab.test.ts does the same over SSH on lab nodes, through the CLI.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BEAT_PATIENCE_MS, leaseText, type RunIdentity } from '../../src/engine/lease.js';
import { sessionArgv } from '../../src/engine/lease-script.js';
import type { TaskResultEvent, WarningEvent } from '../../src/report/events.js';
import type { ExecRequest, ExecResult } from '../../src/transport/connection.js';
import { respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine, type EngineCase } from '../helpers/engine.js';
import { tempDir } from '../helpers/temp.js';

const inv = memoryInventory({ nodes: ['a', 'b'] });
const me = (runId: string): RunIdentity => ({ owner: 'me@ws', pid: 1, runId, command: 'run site.yml' });
const other: RunIdentity = { owner: 'other@ws9', pid: 999, runId: 'feedf00d', command: 'run other.yml' };

/** Runs the k8sbm-* scripts sent to a memory host with the local sh, in ROOT/HOST. */
function nodeScripts(root: string, seen: string[] = []): (req: ExecRequest, host: string) => Partial<ExecResult> | undefined {
  return (req, host) => {
    const name = String(req.argv[3] ?? '');
    if (req.argv[0] !== 'sh' || req.argv[1] !== '-c' || !/^k8sbm-(session|beat|release|journal)$/.test(name)) return undefined;
    seen.push(`${host} ${name}`);
    const argv = [...req.argv];
    if (name === 'k8sbm-session') argv[5] = join(root, host);
    const r = spawnSync(argv[0]!, argv.slice(1), { input: req.stdin ?? '', encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

const lockOf = (root: string, host: string): string => join(root, host, 'run', 'lock');
const journalOf = (root: string, host: string): string => join(root, host, 'lib', 'handlers');
const warnings = (events: readonly { event: string }[]): string[] => events.filter((e): e is WarningEvent => e.event === 'warning').map((e) => e.msg);

function holdLease(root: string, host: string, who: RunIdentity): void {
  const r = spawnSync('sh', sessionArgv('take', leaseText(who), join(root, host)).slice(1), { encoding: 'utf8' });
  assert.match(r.stdout, /lease=taken/);
}

const touchPlay = `
- hosts: all
  gather_facts: false
  tasks:
    - name: change
      command: touch-it
`;

describe('the run lock, through the engine', () => {
  it('is held on every host while the run changes them, and gone after it', async (t) => {
    const root = tempDir('hoststate', t);
    const during: string[] = [];
    const seen: string[] = [];
    const r = await runEngine({
      files: { 'hosts.ini': inv, 'site.yml': touchPlay },
      hostState: { identity: me('r1') },
      responders: [nodeScripts(root, seen), respond('touch-it', (req) => { during.push(String(existsSync(lockOf(root, 'a')) && existsSync(lockOf(root, 'b')))); return {}; })],
    });
    assert.equal(r.outcome.exitCode, 0, r.lines.join('\n'));
    assert.deepEqual(during, ['true', 'true']);
    assert.equal(existsSync(lockOf(root, 'a')) || existsSync(lockOf(root, 'b')), false, 'released');
    assert.deepEqual(seen.filter((s) => s.startsWith('a ')), ['a k8sbm-session', 'a k8sbm-release']);
    assert.deepEqual(r.outcome.execCounts, { a: 3, b: 3 }, 'one exec to take, one to release, beside the task');
  });

  it('a host another run holds fails at once with K8SBM_HOST_LOCKED; the others go on', async (t) => {
    const root = tempDir('hoststate', t);
    holdLease(root, 'a', other);
    const before = readFileSync(lockOf(root, 'a'), 'utf8');
    const r = await runEngine({
      files: { 'hosts.ini': inv, 'site.yml': touchPlay },
      hostState: { identity: me('r2') },
      responders: [nodeScripts(root), respond('touch-it', {})],
    });
    assert.equal(r.outcome.exitCode, 1);
    assert.deepEqual(r.lines, ['a run lock failed', 'b change changed']);
    const failed = r.results[0]!;
    assert.equal(failed.code, 'K8SBM_HOST_LOCKED');
    assert.match(failed.msg, /^K8SBM_HOST_LOCKED: a is locked by a run \(run other\.yml\) by other@ws9 \(pid 999, run id feedf00d\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(heartbeat \d+s ago\)/);
    assert.match(String(failed.hint), /wait for that run to end/);
    assert.equal(readFileSync(lockOf(root, 'a'), 'utf8'), before, 'the other run\'s lease stays as it was');
    assert.deepEqual(r.connections.get('a')!.calls.map((c) => c.argv[3]), ['k8sbm-session'], 'nothing else ran on the locked host');
    assert.equal(existsSync(lockOf(root, 'b')), false);
  });

  it('a stale lease is reported as stale, with the unlock hint, and left in place', async (t) => {
    const root = tempDir('hoststate', t);
    holdLease(root, 'a', other);
    utimesSync(lockOf(root, 'a'), 1_000_000, 1_000_000);
    const r = await runEngine({
      files: { 'hosts.ini': memoryInventory({ nodes: ['a'] }), 'site.yml': touchPlay },
      hostState: { identity: me('r3') },
      responders: [nodeScripts(root), respond('touch-it', {})],
    });
    const failed = r.results[0]!;
    assert.equal(failed.code, 'K8SBM_HOST_LOCKED');
    assert.match(failed.msg, /the lease is stale: no heartbeat for \d+ days/);
    assert.match(String(failed.hint), /`k8sbm unlock a`/);
    assert.ok(existsSync(lockOf(root, 'a')));
  });

  it('check mode takes no lease and writes nothing; a held lease is a warning', async (t) => {
    const root = tempDir('hoststate', t);
    holdLease(root, 'a', other);
    const r = await runEngine({
      files: { 'hosts.ini': inv, 'site.yml': touchPlay },
      check: true,
      hostState: { identity: me('r4') },
      responders: [nodeScripts(root), respond('touch-it', {})],
    });
    assert.ok(warnings(r.events).some((w) => /^a: a run \(run other\.yml\) by other@ws9 .* is in progress on a/.test(w)), warnings(r.events).join('\n'));
    assert.ok(!r.results.some((x) => x.task === 'run lock'));
    assert.equal(existsSync(join(root, 'b')), false, 'nothing written for b');
  });

  it('the heartbeat touches the lease while the run is on the host', async (t) => {
    const root = tempDir('hoststate', t);
    const scripts = nodeScripts(root);
    let armed = false;
    let sawBeat!: () => void;
    const beat = new Promise<void>((resolve) => { sawBeat = resolve; });
    let mtimeAfterBeat = 0;
    // The heartbeat's timer does not keep a process alive (an SSH connection does); here nothing else would.
    const alive = setInterval(() => undefined, 1000);
    const beatKinds: boolean[] = [];
    t.after(() => clearInterval(alive));
    const r = await runEngine({
      files: { 'hosts.ini': memoryInventory({ nodes: ['a'] }), 'site.yml': touchPlay },
      hostState: { identity: me('r5'), heartbeatMs: 10 },
      responders: [
        (req, host) => {
          const counts = armed && req.argv[3] === 'k8sbm-beat';
          if (req.argv[3] === 'k8sbm-beat') beatKinds.push(req.light === true && req.patient === BEAT_PATIENCE_MS);
          const res = scripts(req, host);
          if (counts) { mtimeAfterBeat = statSync(lockOf(root, 'a')).mtimeMs; sawBeat(); }
          return res;
        },
        // The task makes the lease look old and waits for a beat: the run is on the host meanwhile.
        (req) => {
          if (req.argv[0] !== 'touch-it') return undefined;
          utimesSync(lockOf(root, 'a'), 1, 1);
          armed = true;
          return beat.then(() => ({}));
        },
      ],
    });
    assert.equal(r.outcome.exitCode, 0, r.lines.join('\n'));
    // A beat may wait for the host shell rather than cost the host an sshd session and a login.
    assert.ok(beatKinds.length > 0 && beatKinds.every(Boolean), `beats light and patient: ${beatKinds.join(', ')}`);
    // The recap's execs are the play's (take the lease, the task, release) however many beats the
    // run's length took; the beats are counted apart.
    assert.equal(r.outcome.execCounts.a, 3);
    assert.equal(r.outcome.recap.upkeep?.a, beatKinds.length);
    assert.ok(Date.now() - mtimeAfterBeat < 60_000, `the beat left the lease's mtime at ${mtimeAfterBeat}`);
    assert.equal(existsSync(lockOf(root, 'a')), false);
  });
});

const journalPlay = `
- hosts: all
  gather_facts: false
  vars: { svc_password: s3cret-value }
  handlers:
    - name: "restart {{ svc_password }}"
      command: restart-it
  tasks:
    - name: configure
      command: configure-it
      changed_when: "{{ first | default(false) | bool }}"
      notify: "restart {{ svc_password }}"
    - name: a later step
      fail: { msg: broken on purpose }
      when: first | default(false) | bool
`;

describe('the handler journal, through the engine', () => {
  const run = (root: string, extra: Partial<EngineCase>, runId: string, calls: string[]) => runEngine({
    files: { 'hosts.ini': memoryInventory({ nodes: ['a'] }), 'site.yml': journalPlay },
    hostState: { identity: me(runId) },
    responders: [nodeScripts(root), (req) => { if (/-it$/.test(String(req.argv[0]))) { calls.push(String(req.argv[0])); return {}; } return undefined; }],
    ...extra,
  });

  it('keeps a notified handler across a failed run, runs it in the next one, then forgets it', async (t) => {
    const root = tempDir('hoststate', t);
    const calls: string[] = [];
    const first = await run(root, { extraVars: ['first=true'] }, 'run1', calls);
    assert.equal(first.outcome.exitCode, 1);
    assert.deepEqual(calls, ['configure-it'], 'the handler did not run');
    const text = readFileSync(journalOf(root, 'a'), 'utf8');
    const entry = JSON.parse(text) as Record<string, string>;
    assert.deepEqual([entry.handler, entry.run, entry.by], ['restart {{ svc_password }}', 'run1', 'me@ws']);
    assert.doesNotMatch(text, /s3cret/, 'the journal holds the name as written, no value');
    assert.equal(statSync(journalOf(root, 'a')).mode & 0o777, 0o600);
    const configure = first.results.find((x) => x.task === 'configure') as TaskResultEvent;
    assert.equal(configure.execs, 1, 'the module\'s own exec: the journal write is the engine\'s');
    assert.equal(first.outcome.execCounts.a, 4, 'take the lease, the task, its journal entry, release');

    const planned = await run(root, { check: true }, 'plan1', calls);
    assert.ok(warnings(planned.events).some((w) => w.includes('is pending from an earlier run (run id run1') && w.includes('would run')));
    assert.ok(planned.results.some((x) => x.task === 'restart {{ svc_password }}'.replace('{{ svc_password }}', 's3cret-value')));
    assert.equal(readFileSync(journalOf(root, 'a'), 'utf8'), text, 'check mode leaves the journal as it is');

    calls.length = 0;
    const second = await run(root, {}, 'run2', calls);
    assert.equal(second.outcome.exitCode, 0, second.lines.join('\n'));
    assert.deepEqual(calls, ['configure-it', 'restart-it']);
    assert.ok(warnings(second.events).some((w) => /^a: handler "restart \{\{ svc_password \}\}" is pending from an earlier run \(run id run1, .*\): it runs at the end of this play$/.test(w)), warnings(second.events).join('\n'));
    assert.equal(existsSync(journalOf(root, 'a')), false, 'the entry is gone once the handler ran');

    calls.length = 0;
    const third = await run(root, {}, 'run3', calls);
    assert.deepEqual(calls, ['configure-it']);
    assert.equal(third.outcome.recap.hosts.a!.changed, 0);
  });

  it('a pending handler no play of the run defines is kept, with a warning', async (t) => {
    const root = tempDir('hoststate', t);
    const calls: string[] = [];
    await run(root, { extraVars: ['first=true'] }, 'run1', calls);
    const text = readFileSync(journalOf(root, 'a'), 'utf8');
    const r = await run(root, { files: { 'hosts.ini': memoryInventory({ nodes: ['a'] }), 'site.yml': touchPlay } }, 'run2', calls);
    assert.ok(warnings(r.events).some((w) => w.includes('did not run: no play of this run that reached a defines it')));
    assert.equal(readFileSync(journalOf(root, 'a'), 'utf8'), text);
  });
});
