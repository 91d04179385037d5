import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import type { RecapEvent, TaskResultEvent } from '../../src/report/events.js';
import { toJsonLine } from '../../src/report/json.js';
import { renderRecap } from '../../src/report/recap.js';
import { resultLines } from '../../src/report/pretty.js';
import { K8sbmError } from '../../src/source/errors.js';
import type { ExecRequest } from '../../src/transport/connection.js';
import { type Responder, respond } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

const recapOf = (events: { event: string }[]): RecapEvent => events.find((e) => e.event === 'recap') as RecapEvent;
const noColor = new Chalk({ level: 0 });

/** Every exec any host was sent, in order, as "host: argv". */
function recorder(): { calls: string[]; responder: Responder } {
  const calls: string[] = [];
  return { calls, responder: (req: ExecRequest, host: string) => { calls.push(`${host}: ${req.argv.join(' ')}`); return undefined; } };
}

const ok: Responder[] = [respond('check', { stdout: 'healthy' }), respond('upgrade', { stdout: 'done' })];

describe('health gates', () => {
  it('run before-gates, the batch, after-gates, then the next batch', async () => {
    const rec = recorder();
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2', 'n3'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  serial: 1
  gates:
    before:
      - name: healthy before
        command: check before
    after:
      - name: healthy after
        command: check after
        that: "'healthy' in result.stdout"
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, ...ok],
    });
    assert.equal(r.outcome.exitCode, 0);
    assert.deepEqual(rec.calls, [
      'n1: check before', 'n1: upgrade', 'n1: check after',
      'n2: check before', 'n2: upgrade', 'n2: check after',
      'n3: check before', 'n3: upgrade', 'n3: check after',
    ]);
    assert.deepEqual(r.lines.slice(0, 3), [
      'n1 gate before batch 1/3: healthy before ok', 'n1 upgrade changed', 'n1 gate after batch 1/3: healthy after ok',
    ]);
    const gateEvent = r.results.find((x) => x.gate !== undefined && x.host === 'n2' && x.gate.phase === 'after');
    assert.deepEqual(gateEvent?.gate, { name: 'healthy after', phase: 'after', batch: 2, batches: 3 });
    assert.equal(recapOf(r.events).stopped, undefined);
  });

  it('an after-gate failing on one host stops the rollout even when the batch may lose a host; the recap says where and why', async () => {
    const rec = recorder();
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2', 'n3', 'n4'] }),
        'site.yml': `
- name: roll
  hosts: nodes
  gather_facts: false
  serial: 2
  gates:
    after:
      - name: node ready
        command: check ready
        that: result.stdout == "Ready"
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, (req, host) => (req.argv[0] === 'check' ? { stdout: host === 'n2' ? 'NotReady' : 'Ready' } : undefined), ...ok],
    });
    // Without the gate, 1 of 2 failed hosts would not stop a serial play: batch 2 would start.
    assert.ok(!rec.calls.some((c) => c.startsWith('n3:') || c.startsWith('n4:')), rec.calls.join('\n'));
    assert.ok(rec.calls.includes('n1: upgrade') && rec.calls.includes('n2: upgrade'));
    const recap = recapOf(r.events);
    assert.ok(recap.stopped);
    const { msg, ...place } = recap.stopped;
    assert.deepEqual(place, {
      name: 'node ready', phase: 'after', batch: 1, batches: 2, play: 'roll', host: 'n2', delegatedTo: undefined, code: undefined,
      file: place.file, line: 8, untouched: ['n3', 'n4'],
    });
    assert.match(msg, /until condition still false: result.stdout == "Ready"/);
    assert.equal(recap.hosts.n2!.failed, 1);
    assert.equal(recap.hosts.n1!.failed, 0);
    assert.deepEqual(recap.hosts.n3, { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 });
    assert.equal(r.outcome.exitCode, 1);
    const failed = r.results.find((x) => x.status === 'failed')!;
    assert.deepEqual(failed.detail, ['stdout:', '  NotReady'], 'the failure shows the output the condition judged');
    // Humans: the recap names batch, gate, host and why, and the hosts not started.
    const text = renderRecap(recap, noColor, 80).join('\n');
    assert.match(text, /ROLLOUT STOPPED after batch 1\/2 of play "roll"/);
    assert.match(text, /gate "node ready" \(\S*site\.yml:8\) failed on n2/);
    assert.match(text, /until condition still false/);
    assert.match(text, /not started on: n3, n4/);
    // Scripts: the JSON recap carries the same.
    const json = JSON.parse(toJsonLine(recap)) as RecapEvent;
    assert.equal(json.stopped?.host, 'n2');
    assert.equal(json.stopped?.name, 'node ready');
    assert.equal(json.stopped?.batch, 1);
    const warning = r.events.find((e) => e.event === 'warning');
    assert.match(JSON.stringify(warning), /rollout stopped after batch 1\/2 of play \\"roll\\": gate \\"node ready\\" failed on n2/);
  });

  it('a failing before-gate leaves its batch untouched; a delegated, run_once gate names where it ran', async () => {
    const rec = recorder();
    let checks = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ cp: ['cp1'], nodes: ['n1', 'n2', 'n3'] }),
        'site.yml': `
- name: roll
  hosts: nodes
  gather_facts: false
  serial: 1
  gates:
    before:
      - name: quorum
        command: check quorum
        delegate_to: cp1
        run_once: true
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, (req) => (req.argv[0] === 'check' ? (++checks === 2 ? { code: 1, stderr: 'member 2 unreachable' } : { stdout: 'ok' }) : undefined), ...ok],
    });
    assert.deepEqual(rec.calls, ['cp1: check quorum', 'n1: upgrade', 'cp1: check quorum']);
    const stop = recapOf(r.events).stopped!;
    assert.equal(stop.phase, 'before');
    assert.equal(stop.batch, 2);
    assert.equal(stop.host, 'n2');
    assert.equal(stop.delegatedTo, 'cp1');
    assert.deepEqual(stop.untouched, ['n2', 'n3']);
    assert.match(stop.msg, /exit|1/);
    assert.match(renderRecap(recapOf(r.events), noColor, 80).join('\n'), /failed on n2 \(checked on cp1\)/);
  });

  it('retries a gate until it passes, a failing command included', async () => {
    let n = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  gates:
    before:
      - name: settles
        command: check settle
        that: result.stdout == "healthy"
        retries: 5
        delay: 0
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      // First a failing command, then a false condition, then the pass.
      responders: [(req) => (req.argv[0] === 'check' ? [{ code: 1, stderr: 'connection refused' }, { stdout: 'unhealthy' }, { stdout: 'healthy' }][n++] : undefined), ...ok],
    });
    assert.equal(n, 3);
    assert.deepEqual(r.lines, ['n1 gate before batch 1/1: settles ok', 'n1 upgrade changed']);
    assert.equal(r.outcome.exitCode, 0);
  });

  it('a gate whose retries run out fails with the attempts counted and the output shown', async () => {
    let n = 0;
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  serial: 1
  gates:
    before:
      - name: settles
        command: check settle
        that: "'healthy' in result.stdout"
        retries: 2
        delay: 0
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [(req) => (req.argv[0] === 'check' ? (n++, { stdout: 'degraded' }) : undefined), ...ok],
    });
    assert.equal(n, 3, 'one attempt and two retries on the first batch, nothing on the second');
    const stop = recapOf(r.events).stopped!;
    assert.match(stop.msg, /retries exhausted \(3 attempts\): until condition still false: 'healthy' in result\.stdout/);
    assert.deepEqual(stop.untouched, ['n1', 'n2']);
    assert.ok(!r.lines.some((l) => l.includes('upgrade')));
  });

  it('check mode runs read-only before-gates, shows the others, and changes nothing', async () => {
    const rec = recorder();
    const r = await runEngine({
      check: true,
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  serial: 1
  gates:
    before:
      - name: reads
        command: check reads
        read_only: true
      - name: might write
        command: check writes
    after:
      - name: after it
        command: check after
        that: result.stdout == "v2"
        retries: 3
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, ...ok],
    });
    assert.deepEqual(rec.calls, ['n1: check reads', 'n2: check reads'], 'only the read-only gate ran; the upgrade did not');
    const shown = (name: string, host: string): TaskResultEvent => r.results.find((x) => x.host === host && x.gate?.name === name)!;
    assert.equal(shown('might write', 'n1').status, 'skipped');
    assert.match(shown('might write', 'n1').msg, /check mode: not run \(the gate is not declared read_only\); would check: command succeeds/);
    assert.match(shown('after it', 'n2').msg, /check mode: not run \(the batch was only predicted\); would check: result.stdout == "v2" \(up to 4 attempts, 5 s apart\)/);
    assert.equal(shown('reads', 'n2').status, 'ok');
    assert.equal(r.outcome.exitCode, 0);
  });

  it('check mode: a read-only before-gate that fails stops the plan too', async () => {
    const rec = recorder();
    const r = await runEngine({
      check: true,
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  serial: 1
  gates:
    before:
      - name: reads
        command: check reads
        read_only: true
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, respond('check', { code: 2, stderr: 'unhealthy' })],
    });
    assert.deepEqual(rec.calls, ['n1: check reads']);
    assert.equal(recapOf(r.events).stopped?.name, 'reads');
    assert.equal(r.outcome.exitCode, 1);
  });
});

describe('health gates with strategy free', () => {
  it('gather every host of the batch, gate it as a whole, then let hosts run at their own pace', async () => {
    const rec = recorder();
    const r = await runEngine({
      files: {
        'hosts.ini': memoryInventory({ nodes: ['n1', 'n2', 'n3', 'n4'] }),
        'site.yml': `
- hosts: nodes
  gather_facts: false
  strategy: free
  serial: 2
  gates:
    before:
      - name: ready
        command: check ready
    after:
      - name: done
        command: check done
        that: result.stdout == "healthy"
  tasks:
    - name: upgrade
      command: upgrade
`,
      },
      responders: [rec.responder, (req, host) => (req.argv[0] === 'check' ? { stdout: req.argv[1] === 'done' && host === 'n4' ? 'sick' : 'healthy' } : undefined), ...ok],
    });
    const batchOf = (c: string): number => (/^n[12]:/.test(c) ? 1 : 2);
    const phases = rec.calls.map((c) => `${batchOf(c)} ${c.split(': ')[1]}`);
    // Within a batch: both before-gates, then both upgrades, then both after-gates.
    assert.deepEqual(phases, ['1 check ready', '1 check ready', '1 upgrade', '1 upgrade', '1 check done', '1 check done',
      '2 check ready', '2 check ready', '2 upgrade', '2 upgrade', '2 check done', '2 check done']);
    const stop = recapOf(r.events).stopped!;
    assert.deepEqual([stop.batch, stop.phase, stop.host, stop.untouched], [2, 'after', 'n4', []]);
    assert.match(renderRecap(recapOf(r.events), noColor, 80).join('\n'), /no batch was left to start/);
  });
});

describe('health gates in the human output', () => {
  it('a gate check mode does not run says what it would check without -v', () => {
    const line = resultLines({
      event: 'task_result', host: 'n1', task: 'gate after batch 1/2: ready', module: 'command', file: 'site.yml', line: 3, status: 'skipped',
      msg: 'check mode: not run (the batch was only predicted); would check: result.rc == 0', durationMs: 0, predicted: true,
      gate: { name: 'ready', phase: 'after', batch: 1, batches: 2 },
    }, noColor, { verbosity: 0 });
    assert.deepEqual(line, ['skipped: [n1] => check mode: not run (the batch was only predicted); would check: result.rc == 0']);
  });
});

describe('bad gate definitions are refused before anything runs', () => {
  const cases: { what: string; gates: string; code: string; line: number; col: number; hint: RegExp }[] = [
    { what: 'gates that are a list', gates: '  gates:\n    - name: x\n      command: check\n', code: 'K8SBM_GATE_INVALID', line: 5, col: 5, hint: /before: \[\.\.\.\], after/ },
    { what: 'a misspelt phase', gates: '  gates:\n    befor: []\n', code: 'K8SBM_UNKNOWN_KEYWORD', line: 5, col: 5, hint: /did you mean "before"/ },
    { what: 'a phase that is not a list', gates: '  gates:\n    before: {name: x}\n', code: 'K8SBM_GATE_INVALID', line: 5, col: 13, hint: /each gate a mapping/ },
    { what: 'a gate without a name', gates: '  gates:\n    before:\n      - command: check\n', code: 'K8SBM_GATE_INVALID', line: 6, col: 9, hint: /add name:/ },
    { what: 'until instead of that', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        until: result.rc == 0\n', code: 'K8SBM_UNKNOWN_KEYWORD', line: 8, col: 9, hint: /`that:`/ },
    { what: 'ignore_errors on a gate', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        ignore_errors: true\n', code: 'K8SBM_UNKNOWN_KEYWORD', line: 8, col: 9, hint: /not a gate/ },
    { what: 'a gate with no module', gates: '  gates:\n    after:\n      - name: x\n        that: true\n', code: 'K8SBM_TASK_NO_MODULE', line: 6, col: 9, hint: /command: uptime/ },
    { what: 'a misspelt module', gates: '  gates:\n    after:\n      - name: x\n        comand: check\n', code: 'K8SBM_UNKNOWN_MODULE', line: 7, col: 9, hint: /did you mean "command"/ },
    { what: 'a condition that does not parse', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        that: "result.rc =="\n', code: 'K8SBM_EXPR_SYNTAX', line: 8, col: 28, hint: /./ },
    { what: 'a when that does not parse', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        when: "a =="\n', code: 'K8SBM_EXPR_SYNTAX', line: 8, col: 20, hint: /./ },
    { what: 'a delegate_to with an unknown filter', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        delegate_to: "{{ groups.cp | frist }}"\n', code: 'K8SBM_EXPR_UNSUPPORTED', line: 8, col: 38, hint: /first/ },
    { what: 'negative retries', gates: '  gates:\n    after:\n      - name: x\n        command: check\n        retries: -1\n', code: 'K8SBM_KEYWORD_INVALID', line: 8, col: 18, hint: /whole number/ },
    { what: 'two gates of one name', gates: '  gates:\n    after:\n      - name: x\n        command: check\n      - name: x\n        command: check\n', code: 'K8SBM_GATE_INVALID', line: 8, col: 9, hint: /its own name/ },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const rec = recorder();
      const err = await runEngine({
        files: { 'hosts.ini': memoryInventory({ nodes: ['n1'] }), 'site.yml': `- hosts: nodes\n  gather_facts: false\n  serial: 1\n${c.gates}  tasks:\n    - command: upgrade\n` },
        responders: [rec.responder],
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof K8sbmError, String(err));
      assert.equal(err.code, c.code, err.message);
      assert.equal(err.loc?.file.endsWith('site.yml'), true);
      assert.deepEqual([err.loc?.line, err.loc?.col], [c.line, c.col], err.message);
      assert.match(err.hint ?? '', c.hint);
      assert.deepEqual(rec.calls, [], 'nothing was sent to a host');
    });
  }
});
