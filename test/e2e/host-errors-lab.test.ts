/**
 * Errors that come from a lab node read as the user's errors, through the real CLI: a stable
 * code, the host, the task's file:line and a hint, and never a stack frame (not even at -vvv).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';

let lab: TestLab;
let node: string;
const dirs: string[] = [];

before(async () => {
  lab = await startLab({ name: 'hosterr', nodes: 1 });
  node = lab.nodes[0]!.name;
  // A file only root can reach: /root is 0700 and so is the folder inside it.
  const made = await labSsh(lab, node, 'chmod 0700 /root && mkdir -p /root/secret && chmod 0700 /root/secret && echo s > /root/secret/f && echo made');
  assert.equal(made.stdout.trim(), 'made', made.stderr);
});
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await lab?.down();
});

// `ops` logs in with the lab's key; without become it is an ordinary user.
const site = `- hosts: all
  gather_facts: false
  vars: { ansible_user: ops }
  tasks:
    - name: look at the secret
      stat: { path: /root/secret/f }
      become: {{BECOME}}
      register: st
    - name: what it saw
      debug: { msg: "exists={{ st.stat.exists }}" }
`;

function project(become: boolean): string {
  const dir = writeTree({ 'site.yml': site.replace('{{BECOME}}', String(become)) });
  dirs.push(dir);
  return dir;
}

const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
/** A stack frame ("at fn (file.js:1:2)", "at file:1:2", "node:internal/..."): never shown for a user's error. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$|node:internal|internal error|K8SBM_INTERNAL/m;

describe('a stat the connecting user may not make', () => {
  it('with become the file is there (so "permission denied" below is about the user, not the file)', () => {
    const dir = project(true);
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const seen = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.task === 'what it saw');
    assert.equal(seen?.msg, 'exists=true');
  });

  it('pretty: the coded error with the host, the task\'s place and the hint, and no stack frame', () => {
    const dir = project(false);
    for (const extra of [[], ['-vvv']]) {
      const r = k8sbm(['run', 'site.yml', ...base(), ...extra], dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const out = r.stdout + r.stderr;
      assert.match(out, new RegExp(`failed: \\[${node}\\] => K8SBM_FACT_UNREADABLE: cannot inspect /root/secret/f: permission denied \\(/root cannot be searched`));
      assert.match(out, new RegExp(`\\n {4}${join(dir, 'site.yml').replace(/[.]/g, '\\.')}:5:7\\n`));
      assert.match(out, /\n {4}hint: run the task with become: true/);
      assert.doesNotMatch(out, STACK_FRAME);
      assert.doesNotMatch(out, /exists=/, 'the failed task stops the host: nothing read "absent"');
    }
  });

  it('JSON: code, host, file and line, hint; the detail holds no stack frame', () => {
    const dir = project(false);
    const r = k8sbm(['run', 'site.yml', ...base(), '--json', '-vvv'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const failed = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.status === 'failed');
    assert.equal(failed.length, 1, r.stdout);
    const e = failed[0]!;
    assert.deepEqual([e.host, e.task, e.file, e.line, e.code], [node, 'look at the secret', join(dir, 'site.yml'), 5, 'K8SBM_FACT_UNREADABLE']);
    assert.match(String(e.msg), /^K8SBM_FACT_UNREADABLE: cannot inspect \/root\/secret\/f: permission denied/);
    assert.match(String(e.hint), /become: true/);
    const detail = e.detail as string[];
    assert.equal(detail[0], `${join(dir, 'site.yml')}:5:7`);
    assert.doesNotMatch(detail.join('\n'), STACK_FRAME);
    assert.equal(r.stderr, '');
  });
});

describe('a host that cannot be reached', () => {
  it('is K8SBM_UNREACHABLE with the task\'s place, in JSON and in the pretty output', () => {
    // Nothing listens on port 1 of the node: the connection is refused.
    const dir = writeTree({
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: anything\n      command: "true"\n',
      'inv.ini': `${node} ansible_host=${lab.nodes[0]!.address} ansible_port=1 ansible_user=root ansible_ssh_private_key_file=${lab.keyFile}\n`,
    });
    dirs.push(dir);
    const args = ['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', lab.knownHostsFile, '--connect-timeout', '30'];
    const json = k8sbm([...args, '--json'], dir);
    assert.equal(json.code, 1, json.stdout + json.stderr);
    const u = jsonEvents(json.stdout).find((e) => e.event === 'task_result')!;
    assert.deepEqual([u.status, u.code, u.host, u.line], ['unreachable', 'K8SBM_UNREACHABLE', node, 4]);
    assert.match(String(u.msg), /^K8SBM_UNREACHABLE: connection refused/);
    assert.equal((u.detail as string[])[0], `${join(dir, 'site.yml')}:4:7`);
    const pretty = k8sbm(args, dir);
    assert.match(pretty.stdout, new RegExp(`unreachable: \\[${node}\\] => K8SBM_UNREACHABLE: connection refused`));
    assert.doesNotMatch(pretty.stdout + pretty.stderr, STACK_FRAME);
  });
});

describe('a NUL byte in a command, and become_user from a variable', () => {
  it('the NUL is K8SBM_NUL_BYTE at the task, the connection lives on, and become_user is rendered', () => {
    const dir = writeTree({
      'site.yml': `- hosts: all
  gather_facts: false
  vars: { ansible_user: root, runner: ops }
  tasks:
    - name: nul in argv
      command: { argv: ["echo", "a\\u0000b"] }
      ignore_errors: true
    - name: nul in the environment
      command: "true"
      environment: { X: "a\\u0000b" }
      ignore_errors: true
    - name: still connected
      command: echo alive
      register: alive
    - name: as the user a variable names
      command: id -un
      become: true
      become_user: "{{ runner }}"
      register: who
    - debug: { msg: "{{ alive.stdout }} {{ who.stdout }}" }
`,
    });
    dirs.push(dir);
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const events = jsonEvents(r.stdout).filter((e) => e.event === 'task_result');
    const nul = events.filter((e) => String(e.task).startsWith('nul'));
    assert.deepEqual(nul.map((e) => [e.status, e.code]), [['failed', 'K8SBM_NUL_BYTE'], ['failed', 'K8SBM_NUL_BYTE']]);
    assert.equal((nul[0]!.detail as string[])[0], `${join(dir, 'site.yml')}:5:7`);
    assert.ok(!events.some((e) => e.status === 'unreachable'), 'the connection was not lost');
    assert.equal(events.at(-1)?.msg, 'alive ops');
    assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME);
  });
});

describe('timeout: over SSH', () => {
  it('stops the task with K8SBM_TASK_TIMEOUT and leaves nothing of it running on the node', async () => {
    const marker = `sleep 43.${process.pid}`;
    const dir = writeTree({
      'site.yml': `- hosts: all
  gather_facts: false
  vars: { ansible_user: root }
  tasks:
    - name: hangs
      shell: "${marker}; echo done"
      timeout: 2
      ignore_errors: true
    - name: after it
      command: echo alive
`,
    });
    dirs.push(dir);
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = jsonEvents(r.stdout).filter((e) => e.event === 'task_result');
    assert.deepEqual(results.map((e) => [e.task, e.status, e.code ?? null]), [['hangs', 'failed', 'K8SBM_TASK_TIMEOUT'], ['after it', 'changed', null]]);
    // slee[p]: the shell running pgrep holds the pattern in its own command line, not the marker.
    const left = await labSsh(lab, node, `pgrep -af 'slee[p] ${marker.slice(6)}' || true`);
    assert.equal(left.stdout.trim(), '', `still running on the node: ${left.stdout}`);
  });
});
