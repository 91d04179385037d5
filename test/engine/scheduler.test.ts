import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecapEvent } from '../../src/report/events.js';
import { respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

const inv = memoryInventory({ web: ['w1', 'w2'], db: ['d1'] });
const recapOf = (events: { event: string }[]): RecapEvent => events.find((e) => e.event === 'recap') as RecapEvent;

describe('linear strategy', () => {
  it('finishes a task on every host before the next task starts', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': inv,
        'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: one
      debug: { msg: "a {{ inventory_hostname }}" }
    - name: two
      debug: { msg: "b" }
`,
      },
    });
    const tasks = r.results.map((x) => x.task);
    assert.deepEqual(tasks, ['one', 'one', 'one', 'two', 'two', 'two']);
    assert.equal(r.outcome.exitCode, 0);
    assert.deepEqual(Object.keys(recapOf(r.events).hosts).sort(), ['d1', 'w1', 'w2']);
  });

  it('stops a failed host and lets the others go on; the recap says where and why', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': inv,
        'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: break w2
      fail: { msg: "w2 is broken" }
      when: inventory_hostname == "w2"
    - name: after
      debug: { msg: "still here" }
`,
      },
    });
    assert.ok(r.lines.includes('w2 break w2 failed'));
    assert.ok(r.lines.includes('w1 break w2 skipped'));
    assert.ok(!r.lines.includes('w2 after ok'));
    assert.ok(r.lines.includes('w1 after ok') && r.lines.includes('d1 after ok'));
    const recap = recapOf(r.events);
    assert.equal(recap.hosts.w2!.failed, 1);
    assert.equal(recap.failures.length, 1);
    assert.equal(recap.failures[0]!.host, 'w2');
    assert.equal(recap.failures[0]!.line, 5); // where the task starts
    assert.match(recap.failures[0]!.msg, /w2 is broken/);
    assert.equal(r.outcome.exitCode, 1);
  });

  it('reports an unreachable host and carries on with the others', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': inv,
        'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: probe
      command: uptime
`,
      },
      responders: [respond('uptime', { stdout: 'up' })],
      unreachable: { d1: 'connection refused' },
    });
    assert.ok(r.lines.includes('d1 probe unreachable'));
    assert.ok(r.lines.includes('w1 probe changed'));
    const recap = recapOf(r.events);
    assert.equal(recap.hosts.d1!.unreachable, 1);
    assert.deepEqual(recap.execs, { w1: 1, w2: 1 }, 'one exec per reachable host, none counted for the unreachable one');
    assert.equal(r.outcome.exitCode, 1);
  });

  it('any_errors_fatal ends the play for every host', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': inv,
        'site.yml': `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - fail: { msg: boom }
      when: inventory_hostname == "w1"
    - name: never reached
      debug: { msg: x }
`,
      },
    });
    assert.ok(!r.results.some((x) => x.task === 'never reached'));
    assert.equal(r.outcome.exitCode, 1);
  });

  it('serial runs batches in order and max_fail_percentage stops the play', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ all_hosts: ['h1', 'h2', 'h3', 'h4'] }),
        'site.yml': `
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - name: t
      debug: { msg: x }
`,
      },
    });
    assert.deepEqual(r.results.map((x) => x.host), ['h1', 'h2', 'h3', 'h4']);
    const starts = r.events.filter((e) => e.event === 'task_start').map((e) => (e as { hosts: readonly string[] }).hosts);
    assert.deepEqual(starts, [['h1'], ['h2', 'h3'], ['h4']]);

    const f = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ all_hosts: ['h1', 'h2', 'h3', 'h4'] }),
        'site.yml': `
- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 10
  tasks:
    - fail: { msg: x }
      when: inventory_hostname == "h1"
    - name: t
      debug: { msg: x }
`,
      },
    });
    assert.ok(!f.results.some((x) => x.host === 'h3' || x.host === 'h4'), 'second batch must not run');
  });

  it('a templated serial takes its size from the play\'s vars, and -e overrides them', async () => {
    const play = `
- hosts: all
  gather_facts: false
  vars: { size: "50%" }
  serial: "{{ batch | default(size) }}"
  tasks:
    - name: t
      debug: { msg: x }
`;
    const batchesOf = (r: Awaited<ReturnType<typeof runEngine>>): readonly string[][] =>
      r.events.filter((e) => e.event === 'task_start').map((e) => [...(e as { hosts: readonly string[] }).hosts]);
    const files = { 'hosts.ini': memoryInventory({ all_hosts: ['h1', 'h2', 'h3', 'h4'] }), 'site.yml': play };
    assert.deepEqual(batchesOf(await runEngine({ files })), [['h1', 'h2'], ['h3', 'h4']]);
    assert.deepEqual(batchesOf(await runEngine({ files, extraVars: ['batch=3'] })), [['h1', 'h2', 'h3'], ['h4']]);
    await assert.rejects(runEngine({ files, extraVars: ['batch=many'] }), (e: Error & { code?: string }) => e.code === 'K8SBM_SERIAL_INVALID' && /got "many"/.test(e.message));
  });
});

describe('handlers', () => {
  const files = (notify: string) => ({
    'hosts.ini': memoryInventory({ web: ['w1', 'w2'] }),
    'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: change on w1 only
      command: touch-it
      when: inventory_hostname == "w1"
      notify: ${notify}
    - name: change twice
      command: touch-it
      when: inventory_hostname == "w1"
      notify: restart app
    - name: no change
      debug: { msg: x }
      notify: reload other
  handlers:
    - name: reload other
      debug: { msg: other }
    - name: restart app
      debug: { msg: restart }
    - name: topic handler
      debug: { msg: topic }
      listen: web changed
`,
  });

  it('run once per notified host, in definition order, at the end of the section', async () => {
    const r = await runEngine({ files: files('[restart app, web changed]'), responders: [respond('touch-it', {})] });
    const handlerLines = r.lines.filter((l) => /restart app|topic handler|reload other/.test(l));
    assert.deepEqual(handlerLines, ['w1 restart app ok', 'w1 topic handler ok']);
    const idxHandler = r.lines.indexOf('w1 restart app ok');
    const idxLastTask = r.lines.lastIndexOf('w2 no change ok');
    assert.ok(idxHandler > idxLastTask, 'handlers run after the tasks');
  });

  it('every handler listening to a topic runs, also after one of them is skipped by its when', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1'] }),
        'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - command: touch-it
      notify: reload app
  handlers:
    - name: reload by one means
      debug: { msg: one }
      when: false
      listen: reload app
    - name: reload by another
      debug: { msg: other }
      listen: reload app
`,
      },
      responders: [respond('touch-it', {})],
    });
    assert.deepEqual(r.lines.filter((l) => /reload/.test(l)), ['w1 reload by one means skipped', 'w1 reload by another ok']);
  });

  it('meta: flush_handlers runs them at that point', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1'] }),
        'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - command: touch-it
      notify: h
    - meta: flush_handlers
    - name: after flush
      debug: { msg: x }
  handlers:
    - name: h
      debug: { msg: handled }
`,
      },
      responders: [respond('touch-it', {})],
    });
    assert.ok(r.lines.indexOf('w1 h ok') < r.lines.indexOf('w1 after flush ok'));
    assert.equal(r.lines.filter((l) => l === 'w1 h ok').length, 1);
  });
});

describe('blocks', () => {
  it('rescue takes failed hosts, always runs for everyone, rescued hosts are not failures', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1', 'w2'] }),
        'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - name: may fail
          fail: { msg: nope }
          when: inventory_hostname == "w1"
        - name: rest of block
          debug: { msg: x }
      rescue:
        - name: rescue it
          debug: { msg: rescued }
      always:
        - name: always
          debug: { msg: always }
    - name: after block
      debug: { msg: x }
`,
      },
    });
    assert.ok(r.lines.includes('w1 may fail failed'));
    assert.ok(!r.lines.includes('w1 rest of block ok'));
    assert.ok(r.lines.includes('w2 rest of block ok'));
    assert.ok(r.lines.includes('w1 rescue it ok'));
    assert.ok(!r.lines.includes('w2 rescue it ok'));
    assert.ok(r.lines.includes('w1 always ok') && r.lines.includes('w2 always ok'));
    assert.ok(r.lines.includes('w1 after block ok'));
    const recap = recapOf(r.events);
    assert.equal(recap.hosts.w1!.failed, 0);
    assert.equal(recap.hosts.w1!.rescued, 1);
    assert.equal(r.outcome.exitCode, 0);
  });

  it('always runs for a failed host without rescue, and the failure stands', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1'] }),
        'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - fail: { msg: nope }
      always:
        - name: cleanup
          debug: { msg: x }
    - name: after
      debug: { msg: x }
`,
      },
    });
    assert.ok(r.lines.includes('w1 cleanup ok'));
    assert.ok(!r.lines.includes('w1 after ok'));
    assert.equal(r.outcome.exitCode, 1);
  });

  it('block when and vars pass down to the tasks inside', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1', 'w2'] }),
        'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - when: inventory_hostname == "w2"
      vars: { greeting: hello }
      block:
        - name: inner
          assert: { that: greeting == "hello" }
`,
      },
    });
    assert.deepEqual(r.lines, ['w1 inner skipped', 'w2 inner ok']);
  });
});
