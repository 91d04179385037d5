import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecRequest } from '../../src/transport/connection.js';
import { respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

const one = memoryInventory({ web: ['w1'] });
const play = (tasks: string, extra = '') => `
- hosts: web
  gather_facts: false
${extra}  tasks:
${tasks}`;

describe('loops and register', () => {
  it('loops over items with loop_control, registers results, and later tasks read them', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - name: each
      debug: { msg: "{{ idx }}={{ pkg.name }}" }
      loop: [{ name: a }, { name: b }]
      loop_control: { loop_var: pkg, index_var: idx, label: "{{ pkg.name }}" }
      register: out
    - name: check
      assert:
        that:
          - out.results | length == 2
          - out.results[1].msg == "1=b"
          - out.results[0].pkg.name == "a"
`),
      },
    });
    assert.deepEqual(r.lines, ['w1 each [a] ok', 'w1 each [b] ok', 'w1 check ok']);
  });

  it('a loop over something that is not a list fails with a code and the place', async () => {
    const r = await runEngine({ files: { 'hosts.ini': one, 'site.yml': play(`    - name: bad\n      debug: { msg: x }\n      loop: "{{ inventory_hostname }}"\n`) } });
    assert.equal(r.results[0]!.status, 'failed');
    assert.match(r.results[0]!.msg, /K8SBM_LOOP_NOT_LIST/);
  });

  it('until retries until the condition holds', async () => {
    let n = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - name: wait
      command: poll
      register: p
      until: p.stdout == "ready"
      retries: 5
      delay: 0
      changed_when: false
`),
      },
      responders: [respond('poll', () => ({ stdout: ++n >= 3 ? 'ready' : 'wait' }))],
    });
    assert.equal(n, 3);
    assert.deepEqual(r.lines, ['w1 wait ok']);
  });

  it('until retries a failed attempt too, sees the result as `result` without register, and says what stayed false', async () => {
    let n = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - name: wait
      command: poll
      until: result.stdout == "ready"
      retries: 2
      delay: 0
      changed_when: false
`),
      },
      responders: [respond('poll', () => [{ code: 1, stderr: 'refused' }, { stdout: 'starting' }, { stdout: 'still starting' }][n++]!)],
    });
    assert.equal(n, 3);
    assert.deepEqual(r.lines, ['w1 wait failed']);
    assert.equal(r.results[0]!.msg, 'retries exhausted (3 attempts): until condition still false: result.stdout == "ready"');
    assert.deepEqual(r.results[0]!.detail, ['stdout:', '  still starting']);
  });

  it('changed_when, failed_when and ignore_errors decide the status', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - name: never changed
      command: probe
      changed_when: false
    - name: fail on output
      command: probe
      register: pr
      failed_when: "'ERROR' in pr.stdout"
      ignore_errors: true
    - name: still running
      debug: { msg: x }
`),
      },
      responders: [respond('probe', { stdout: 'ERROR: disk' })],
    });
    assert.deepEqual(r.lines, ['w1 never changed ok', 'w1 fail on output failed', 'w1 still running ok']);
    assert.equal(r.results[1]!.ignored, true);
    assert.equal(r.outcome.exitCode, 0);
  });

  it('failed_when judges a command that exits non-zero: false keeps the task ok with its rc registered', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - name: status
      command: probe
      register: st
      failed_when: false
      changed_when: false
    - name: told
      debug: { msg: "rc={{ st.rc }}" }
    - name: judged
      command: probe
      register: st2
      failed_when: st2.rc != 3
`),
      },
      responders: [respond('probe', { code: 3, stdout: 'stopped' })],
    });
    assert.deepEqual(r.lines, ['w1 status ok', 'w1 told ok', 'w1 judged ok']);
    assert.equal(r.results[1]!.msg, 'rc=3');
    assert.equal(r.outcome.exitCode, 0);
  });
});

describe('variables', () => {
  it('follow precedence: role defaults < inventory < play vars < set_fact < extra vars', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': '[web]\nw1 from_inv=inventory level=inventory\n',
        'group_vars/web.yml': 'gv: group\nlevel: group_vars\n',
        'site.yml': play(`
    - assert:
        that:
          - from_inv == "inventory"
          - gv == "group"
          - level == "play"
          - pv == "play"
          - ev == "extra"
    - set_fact: { level: fact, pv: fact }
    - assert: { that: [level == "fact", pv == "fact", ev == "extra"] }
`, '  vars: { level: play, pv: play, ev: play }\n'),
      },
      extraVars: ['ev=extra'],
    });
    assert.deepEqual(r.results.map((x) => x.status), ['ok', 'ok', 'ok']);
  });

  it('set_fact in a loop: each item sees what the items before it set; extra vars still win', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play(`
    - set_fact: { acc: "{{ (acc | default([])) + [item] }}", ev: fact }
      loop: [a, b, c]
    - assert:
        that:
          - acc == ["a", "b", "c"]
          - ev == "extra"
`),
      },
      extraVars: ['ev=extra'],
    });
    assert.deepEqual(r.results.map((x) => x.status), ['ok', 'ok', 'ok', 'ok'], 'three items, then the assert');
  });

  it('an undefined variable fails the task with code, file and line', async () => {
    const r = await runEngine({ files: { 'hosts.ini': one, 'site.yml': play(`    - name: uses missing\n      debug: { msg: "{{ nope }}" }\n`) } });
    assert.equal(r.results[0]!.status, 'failed');
    assert.match(r.results[0]!.msg, /K8SBM_UNDEFINED_VAR/);
    assert.match(r.results[0]!.msg + (r.results[0]!.detail ?? []).join('\n'), /nope/);
    assert.equal(r.outcome.exitCode, 1);
  });

  it('a when that is not a boolean is an error, not a guess', async () => {
    const r = await runEngine({ files: { 'hosts.ini': one, 'site.yml': play(`    - name: odd\n      debug: { msg: x }\n      when: inventory_hostname\n`) } });
    assert.equal(r.results[0]!.status, 'failed');
    assert.match(r.results[0]!.msg, /K8SBM_CONDITION_NOT_BOOLEAN/);
  });
});

describe('tags and start-at-task', () => {
  const files = {
    'hosts.ini': one,
    'site.yml': play(`
    - name: a
      debug: { msg: a }
      tags: [alpha]
    - name: b
      debug: { msg: b }
      tags: [beta]
    - name: c
      debug: { msg: c }
      tags: [always]
    - name: d
      debug: { msg: d }
      tags: [never, debugonly]
    - name: e
      debug: { msg: e }
`),
  };
  it('--tags, --skip-tags, always and never', async () => {
    assert.deepEqual((await runEngine({ files })).results.map((x) => x.task), ['a', 'b', 'c', 'e']);
    assert.deepEqual((await runEngine({ files, tags: ['alpha'] })).results.map((x) => x.task), ['a', 'c']);
    assert.deepEqual((await runEngine({ files, skipTags: ['beta', 'always'] })).results.map((x) => x.task), ['a', 'e']);
    assert.deepEqual((await runEngine({ files, tags: ['debugonly'] })).results.map((x) => x.task), ['c', 'd']);
    assert.deepEqual((await runEngine({ files, tags: ['untagged'] })).results.map((x) => x.task), ['c', 'e']);
  });
  it('a play whose tasks --tags select none is passed over without gathering facts; a play with no task at all still gathers', async () => {
    const site = `
- hosts: web
  name: facts only
- hosts: web
  name: alpha play
  tasks:
    - { name: a, debug: { msg: a }, tags: [alpha] }
- hosts: web
  name: beta play
  tasks:
    - { name: b, debug: { msg: b }, tags: [beta] }
`;
    const r = await runEngine({ files: { 'hosts.ini': one, 'site.yml': site }, tags: ['alpha'] });
    assert.deepEqual(r.lines, ['w1 Gathering Facts ok', 'w1 Gathering Facts ok', 'w1 a ok']);
    const starts = r.events.filter((e) => e.event === 'play_start');
    assert.deepEqual(starts.map((e) => [e.play, e.event === 'play_start' ? e.skipped : undefined]), [['facts only', undefined], ['alpha play', undefined], ['beta play', 'tags']]);
    // Without a tag filter every play runs.
    assert.deepEqual((await runEngine({ files: { 'hosts.ini': one, 'site.yml': site } })).lines.filter((l) => l.includes('Gathering')).length, 3);
    // --skip-tags that leaves nothing of a play passes it over too.
    const skipped = await runEngine({ files: { 'hosts.ini': one, 'site.yml': site }, skipTags: ['beta'] });
    assert.deepEqual(skipped.lines, ['w1 Gathering Facts ok', 'w1 Gathering Facts ok', 'w1 a ok']);
  });
  it('a play with gates still runs them when --tags select none of its tasks', async () => {
    const site = `
- hosts: web
  gather_facts: false
  gates:
    before:
      - { name: healthy, debug: { msg: ok } }
  tasks:
    - { name: b, debug: { msg: b }, tags: [beta] }
`;
    const r = await runEngine({ files: { 'hosts.ini': one, 'site.yml': site }, tags: ['alpha'] });
    assert.deepEqual(r.lines, ['w1 gate before batch 1/1: healthy ok']);
  });
  it('--start-at-task skips what comes before the named task', async () => {
    assert.deepEqual((await runEngine({ files, startAtTask: 'c' })).results.map((x) => x.task), ['c', 'e']);
  });
});

describe('check mode', () => {
  it('a command check mode does not run: changed_when/failed_when that need its output are not judged; a constant one is', async () => {
    const r = await runEngine({
      files: { 'hosts.ini': one, 'site.yml': play(`    - name: needs output
      command: mkthing
      register: out
      changed_when: "'created' in out.stdout"
      failed_when: out.rc not in [0, 1]
    - name: never a change
      command: readthing
      changed_when: false
`) },
      check: true,
      detailedExitCode: true,
    });
    assert.deepEqual(r.lines, ['w1 needs output changed', 'w1 never a change ok']);
    assert.equal(r.outcome.exitCode, 2);
  });
  it('never runs a command; one that would run is a predicted change: exit 2 with detailed exit code', async () => {
    const calls: ExecRequest[] = [];
    const r = await runEngine({
      files: { 'hosts.ini': one, 'site.yml': play(`    - name: risky\n      command: rm-everything\n`) },
      responders: [(req) => { calls.push(req); return { code: 1 }; }],
      check: true,
      detailedExitCode: true,
    });
    assert.deepEqual(r.lines, ['w1 risky changed']);
    assert.equal(r.results[0]!.predicted, true);
    assert.ok(!calls.some((c) => c.argv.includes('rm-everything')));
    assert.equal(r.outcome.exitCode, 2);
  });

  it('check_mode: false runs the task for real even in check mode', async () => {
    let ran = 0;
    const r = await runEngine({
      files: { 'hosts.ini': one, 'site.yml': play(`    - name: read-only probe\n      command: probe\n      check_mode: false\n      changed_when: false\n`) },
      responders: [respond('probe', () => { ran++; return { stdout: 'x' }; })],
      check: true,
    });
    assert.equal(ran, 1);
    assert.deepEqual(r.lines, ['w1 read-only probe ok']);
  });
});

describe('run_once, delegate_to and includes', () => {
  it('run_once runs on the first host and shares the registered result', async () => {
    let ran = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1', 'w2', 'w3'] }),
        'site.yml': play(`
    - name: once
      command: token
      register: tok
      run_once: true
    - name: everyone sees it
      assert: { that: tok.stdout == "abc" }
`),
      },
      responders: [respond('token', () => { ran++; return { stdout: 'abc' }; })],
    });
    assert.equal(ran, 1);
    assert.deepEqual(r.lines, ['w1 once changed', 'w1 everyone sees it ok', 'w2 everyone sees it ok', 'w3 everyone sees it ok']);
  });

  it('run_once hands the variables set_fact set (also in a loop) to every host', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1', 'w2'] }),
        'site.yml': play(`
    - name: once
      set_fact: { picked: "{{ inventory_hostname }}-{{ item }}" }
      loop: [a, b]
      run_once: true
    - name: everyone sees what the first host set
      assert: { that: picked == "w1-b" }
`),
      },
    });
    assert.deepEqual(r.lines.slice(-2), ['w1 everyone sees what the first host set ok', 'w2 everyone sees what the first host set ok']);
  });

  it('delegate_to runs the command on the delegate with the host\'s variables', async () => {
    const seen: string[] = [];
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1'], lb: ['lb1'] }),
        'site.yml': play(`
    - name: drain
      command: "drain {{ inventory_hostname }}"
      delegate_to: lb1
`),
      },
      responders: [(req, host) => { seen.push(`${host}:${req.argv.join(' ')}`); return {}; }],
    });
    assert.deepEqual(r.lines, ['w1 drain changed']);
    assert.ok(seen.includes('lb1:drain w1'), seen.join(','));
    // As in Ansible's recap: the change counts for w1; lb1, only a delegate here, has no line.
    assert.deepEqual(Object.keys(r.outcome.recap.hosts), ['w1']);
    assert.equal(r.outcome.recap.hosts.w1!.changed, 1);
  });

  it('include_tasks loads the file per host when reached; a circular include is an error', async () => {
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ web: ['w1', 'w2'] }),
        'site.yml': play(`
    - include_tasks: "{{ inventory_hostname }}.yml"
`),
        'w1.yml': '- name: from w1\n  debug: { msg: one }\n',
        'w2.yml': '- name: from w2\n  debug: { msg: two }\n',
      },
    });
    assert.deepEqual(r.lines.sort(), ['w1 from w1 ok', 'w2 from w2 ok']);

    const c = await runEngine({
      files: {
        'hosts.ini': one,
        'site.yml': play('    - include_tasks: a.yml\n'),
        'a.yml': '- include_tasks: b.yml\n',
        'b.yml': '- include_tasks: a.yml\n',
      },
    });
    assert.equal(c.outcome.exitCode, 1);
    assert.ok(c.results.some((x) => x.status === 'failed' && /K8SBM_CIRCULAR_INCLUDE/.test(x.msg)), c.lines.join('\n'));
  });
});
