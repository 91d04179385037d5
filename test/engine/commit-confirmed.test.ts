import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecRequest } from '../../src/transport/connection.js';
import { respond, type Responder } from '../../src/transport/memory.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';

const script = (req: ExecRequest): string | undefined => (req.argv[0] === 'sh' && req.argv[1] === '-c' ? req.argv[3] : undefined);

/** The node's side of commit_confirmed: armed, then confirmed, or (on `lockedOut` hosts) refused and rolled back. */
function node(lockedOut: readonly string[], seen: { host: string; name: string; argv: readonly string[] }[]): Responder {
  return (req, host) => {
    const name = script(req);
    if (!name?.startsWith('k8sbm-confirm')) return undefined;
    seen.push({ host, name, argv: req.argv });
    if (name === 'k8sbm-confirm-arm') return { stdout: 'timer=process\n' };
    if (name === 'k8sbm-confirm') return lockedOut.includes(host) ? { code: 255, stderr: 'Permission denied (publickey)' } : { stdout: 'confirmed\n' };
    if (name === 'k8sbm-confirm-status') return { stdout: 'rolled-back\nrestore lines exit 0\n' };
    return undefined;
  };
}

const files = (block: string) => ({
  'hosts.ini': memoryInventory({ nodes: ['h1', 'h2'] }),
  'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${block}    - name: after\n      command: "true"\n`,
});

describe('commit_confirmed in the engine', () => {
  it('arms each host with its paths, confirms where a new connection works, and fails the host that rolled back', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    const r = await runEngine({
      files: files(`    - name: guarded\n      commit_confirmed: { timeout: 1, paths: ["/etc/{{ inventory_hostname }}.conf"], restore: ["kill -HUP 1"] }\n      block:\n        - name: change\n          command: "true"\n`),
      responders: [node(['h2'], seen), respond('true', {})],
    });
    const arm = seen.filter((s) => s.name === 'k8sbm-confirm-arm');
    assert.deepEqual(arm.map((s) => [s.host, s.argv[6], s.argv[8], s.argv[9], s.argv.slice(10)]).sort(), [
      ['h1', '1', 'kill -HUP 1', '', ['/etc/h1.conf']], ['h2', '1', 'kill -HUP 1', '', ['/etc/h2.conf']],
    ]);
    assert.deepEqual([...r.lines].sort(), [
      'h1 commit confirmed: guarded ok', 'h1 commit confirmed: guarded ok', 'h2 commit confirmed: guarded ok',
      'h1 change changed', 'h2 change changed',
      'h2 commit confirmed: guarded failed',
      'h1 after changed',
    ].sort());
    // Armed before the block's tasks, confirmed after them.
    assert.ok(r.lines.indexOf('h1 change changed') > r.lines.indexOf('h1 commit confirmed: guarded ok'));
    assert.ok(r.lines.lastIndexOf('h1 commit confirmed: guarded ok') > r.lines.indexOf('h2 change changed'));
    const failed = r.results.find((e) => e.host === 'h2' && e.status === 'failed');
    assert.equal(failed?.code, 'K8SBM_COMMIT_ROLLED_BACK');
    assert.match(failed!.msg, /rolled back by the node after 1 s: a new SSH connection failed: exit 255: Permission denied \(publickey\); restored \/etc\/h2\.conf and ran the restore lines/);
    assert.deepEqual(failed!.detail, ['rollback: restore lines exit 0']);
    assert.ok(!r.lines.includes('h2 after changed'));
  });

  it('a block that changes nothing arms nothing and confirms nothing', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    const block = `    - name: guarded\n      commit_confirmed: 7\n      block:\n        - debug: { msg: nothing to change }\n`;
    const r = await runEngine({ files: files(block), responders: [node([], seen), respond('true', {})] });
    assert.deepEqual(seen, []);
    const cc = r.results.filter((e) => e.module === 'commit_confirmed');
    assert.deepEqual(cc.map((e) => [e.host, e.status, e.msg]).sort(), [
      ['h1', 'ok', 'the block changed nothing: no rollback armed, nothing to confirm'],
      ['h2', 'ok', 'the block changed nothing: no rollback armed, nothing to confirm'],
    ]);
  });

  it('a block none of whose tasks runs with the run\'s tags says nothing at all', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    const block = `    - name: guarded\n      commit_confirmed: 7\n      tags: [sshd]\n      block:\n        - command: "true"\n    - name: other\n      command: "true"\n      tags: [firewall]\n`;
    const r = await runEngine({ files: files(block), responders: [node([], seen), respond('true', {})], tags: ['firewall'] });
    assert.deepEqual(seen, []);
    assert.deepEqual(r.results.filter((e) => e.module === 'commit_confirmed'), []);
    assert.deepEqual([...r.lines].sort(), ['h1 other changed', 'h2 other changed']);
  });

  it('a host for which the block does not apply is not armed; check mode arms nothing and says what it would do', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    const block = `    - name: guarded\n      when: inventory_hostname == "h1"\n      commit_confirmed: 7\n      block:\n        - copy: { dest: /etc/x.conf, content: "x" }\n`;
    // The copy's look at the node: the file does not exist yet.
    const absent: Responder = (req) => (String(req.argv[2]).includes('echo k8sbm-file 1') ? { stdout: 'k8sbm-file 1\nparent=1\nexists=0\nancestor=/etc\n' } : undefined);
    const r = await runEngine({ files: files(block), responders: [node([], seen), absent, respond('true', {})], check: true });
    assert.deepEqual(seen, []);
    const cc = r.results.filter((e) => e.module === 'commit_confirmed');
    assert.deepEqual(cc.map((e) => e.host), ['h1']);
    assert.deepEqual(r.lines.filter((l) => l.startsWith('h1 ')).slice(0, 2), ['h1 copy changed', 'h1 commit confirmed: guarded ok'], r.lines.join('\n'));
    assert.equal(cc[0]!.predicted, true);
    assert.match(cc[0]!.msg, /would apply the changes above under commit-confirmed: snapshot \/etc\/x\.conf, arm a 7 s rollback timer/);
  });

  it('pushes a host\'s deadline back after the block while its confirmation waits to dial, and no longer once it has', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    let waiting = false;
    let dialled = false;
    let pushesWhileWaiting = 0;
    let pushesAfterDial = 0;
    let pushedTwice!: () => void;
    const twice = new Promise<void>((resolve) => { pushedTwice = resolve; });
    const extend: Responder = (req, host) => {
      if (script(req) !== 'k8sbm-confirm-extend') return undefined;
      if (host === 'h1' && dialled) pushesAfterDial++;
      else if (host === 'h1' && waiting && ++pushesWhileWaiting === 2) pushedTwice();
      return { stdout: 'extended\n' };
    };
    const r = await runEngine({
      files: files(`    - name: guarded\n      commit_confirmed: 1\n      block:\n        - name: change\n          command: "true"\n`),
      responders: [extend, node([], seen), respond('true', {})],
      // h1's confirmation waits for its turn to dial (the run's handshakes are capped) until its
      // deadline was pushed twice; 10 s at most, so that a run that stopped pushing fails here.
      beforeConnect: async (host, nth) => {
        if (host !== 'h1' || nth === 0) return;
        waiting = true;
        let guard: NodeJS.Timeout | undefined;
        await Promise.race([twice, new Promise<void>((resolve) => { guard = setTimeout(resolve, 10_000); })]);
        clearTimeout(guard);
        dialled = true;
      },
    });
    assert.equal(pushesWhileWaiting, 2, 'the deadline moved while the confirmation waited');
    assert.equal(pushesAfterDial, 0, 'and not after it dialled');
    const confirmed = r.results.filter((e) => e.module === 'commit_confirmed' && /^confirmed through a new SSH connection/.test(e.msg));
    assert.deepEqual(confirmed.map((e) => e.host).sort(), ['h1', 'h2']);
    assert.equal(r.outcome.exitCode, 0);
  });

  it('a templated timeout is each host\'s own value; a value that is not whole seconds fails that host before anything runs there', async () => {
    const seen: { host: string; name: string; argv: readonly string[] }[] = [];
    const inventory = memoryInventory({ nodes: ['h1', 'h2'] }).replace(/^h1$/m, 'h1 confirm_after=9').replace(/^h2$/m, 'h2 confirm_after=soon');
    const r = await runEngine({
      files: { ...files(`    - name: guarded\n      commit_confirmed: { timeout: "{{ confirm_after }}" }\n      block:\n        - name: change\n          command: "true"\n`), 'hosts.ini': inventory },
      responders: [node([], seen), respond('true', {})],
    });
    assert.deepEqual(seen.filter((s) => s.name === 'k8sbm-confirm-arm').map((s) => [s.host, s.argv[6]]), [['h1', '9']]);
    assert.ok(r.results.some((e) => e.host === 'h1' && /the node rolls back in 9 s unless confirmed/.test(e.msg)));
    // Armed just before the block's first change: the change is the task that fails on h2.
    const failed = r.results.find((e) => e.host === 'h2' && e.status === 'failed');
    assert.equal(failed?.task, 'change');
    assert.equal(failed?.code, 'K8SBM_KEYWORD_INVALID');
    assert.match(failed!.msg, /commit_confirmed timeout \{\{ confirm_after \}\} is "soon" on h2, not a whole number of seconds/);
    assert.ok(!r.lines.includes('h2 change changed'));
  });
});
