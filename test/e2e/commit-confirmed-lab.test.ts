/**
 * Commit-confirmed blocks on lab nodes, over real SSH, through the CLI. Lab nodes have no systemd
 * as PID 1, so the rollback is the detached process (setsid) the node runs by itself:
 * - a harmless block is applied and confirmed: the file changed, the snapshot and the rollback
 *   process are gone;
 * - a block that makes sshd refuse new logins is not confirmed: the node restores its files and
 *   reloads sshd within the timer, the run fails that host with K8SBM_COMMIT_ROLLED_BACK, the
 *   other host is confirmed, and the node takes logins again with its file byte-exact;
 * - k8sbm SIGKILLed after the change, before the confirmation: the node rolls back by itself;
 * - check mode says what it would arm and leaves the node byte-identical.
 * Waits are on conditions on the node (files, processes), with generous bounds; never sleeps.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { eventually } from '../helpers/ssh-env.js';

let lab: TestLab;
let n1: string;
let n2: string;
const children = new Set<ReturnType<typeof spawn>>();

before(async () => {
  lab = await startLab({ name: 'ccconfirm', nodes: 2 });
  n1 = lab.nodes[0]!.name;
  n2 = lab.nodes[1]!.name;
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await lab?.down();
});

const onNode = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
const confirmDir = (node: string): string => onNode(node, 'var/lib/k8sbm/confirm');
const snapshots = (node: string): string[] => (existsSync(confirmDir(node)) ? readdirSync(confirmDir(node)) : []);

/** Bytes, mode and owner of a file on the node, as the machine sees them. */
function fileState(node: string, path: string): string {
  const p = onNode(node, path);
  if (!existsSync(p)) return 'absent';
  const st = statSync(p);
  return `${st.mode.toString(8)} ${st.uid}:${st.gid} ${readFileSync(p).toString('base64')}`;
}

/** The command lines of the node's processes that are a pending rollback. */
async function rollbackProcesses(node: string): Promise<string[]> {
  const r = await labSsh(lab, node, 'for f in /proc/[0-9]*/cmdline; do tr "\\000" " " < "$f" 2>/dev/null; echo; done');
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l.startsWith('k8sbm-rollback') || l.includes(' k8sbm-rollback '));
}

/** Waits until the node runs no pending rollback (the confirmation's TERM takes a moment to land). */
async function noRollbackProcess(node: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let left = await rollbackProcesses(node);
  while (left.length > 0 && Date.now() < deadline) left = await rollbackProcesses(node);
  assert.deepEqual(left, []);
}

async function seed(node: string, path: string, text: string, mode: string): Promise<void> {
  const r = await labSsh(lab, node, ['sh', '-c', 'printf "%s" "$2" > "$1" && chmod "$3" "$1" && echo seeded', 'seed', path, text, mode]);
  assert.equal(r.stdout.trim(), 'seeded', r.stderr);
}

describe('commit-confirmed blocks on lab nodes', () => {
  it('a harmless block is applied and confirmed: file changed, snapshot and rollback process gone', async () => {
    await seed(n1, '/etc/cc-harmless.conf', 'old=1\n', '0640');
    const dir = writeTree({
      'site.yml': `- hosts: ${n1}
  gather_facts: false
  tasks:
    - name: harmless
      commit_confirmed: 30
      block:
        - lineinfile: { path: /etc/cc-harmless.conf, line: new=2 }
`,
    });
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(onNode(n1, 'etc/cc-harmless.conf'), 'utf8'), 'old=1\nnew=2\n');
    const results = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.module === 'commit_confirmed');
    assert.match(String(results[0]?.msg), /snapshot of \/etc\/cc-harmless\.conf taken; the node rolls back in 30 s unless confirmed \(timer=process\)/);
    assert.match(String(results[1]?.msg), /confirmed through a new SSH connection/);
    assert.deepEqual(snapshots(n1), []);
    await noRollbackProcess(n1);
  });

  it('a probe that fails over the new connection leaves the change unconfirmed: the node rolls it back', async () => {
    await seed(n2, '/etc/cc-probe.conf', 'port=1\n', '0644');
    const dir = writeTree({
      'site.yml': `- hosts: ${n2}
  gather_facts: false
  tasks:
    - name: probed
      commit_confirmed: { timeout: 3, probe: ["grep -q '^port=1$' /etc/cc-probe.conf || { echo 'the service lost its port' >&2; exit 1; }"] }
      block:
        - copy: { dest: /etc/cc-probe.conf, content: "port=2\\n" }
`,
    });
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    const failed = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.module === 'commit_confirmed' && e.status === 'failed');
    assert.equal(failed?.code, 'K8SBM_COMMIT_ROLLED_BACK', r.stdout);
    assert.match(String(failed?.msg), /rolled back by the node after 3 s: the probe failed: the service lost its port; restored \/etc\/cc-probe\.conf/);
    assert.equal(readFileSync(onNode(n2, 'etc/cc-probe.conf'), 'utf8'), 'port=1\n');
    assert.deepEqual(snapshots(n2), []);
  });

  it('a block that refuses new logins is rolled back by the node; that host fails with K8SBM_COMMIT_ROLLED_BACK, the other is confirmed', async () => {
    const before1 = fileState(n1, '/etc/ssh/sshd_config');
    const before2 = fileState(n2, '/etc/ssh/sshd_config');
    const dir = writeTree({
      'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: lock out
      commit_confirmed: { timeout: 5, restore: ["kill -HUP 1"] }
      block:
        - name: refuse root logins
          lineinfile: { path: /etc/ssh/sshd_config, line: DenyUsers root }
          when: inventory_hostname == "${n1}"
        - name: reload sshd
          command: kill -HUP 1
          when: inventory_hostname == "${n1}"
        - name: a harmless change on the other node
          copy: { dest: /etc/cc-other.conf, content: "other\\n" }
          when: inventory_hostname == "${n2}"
`,
    });
    const started = Date.now();
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    const ev = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.module === 'commit_confirmed');
    const failed = ev.find((e) => e.host === n1 && e.status === 'failed');
    assert.ok(failed, r.stdout + r.stderr);
    assert.equal(failed.code, 'K8SBM_COMMIT_ROLLED_BACK');
    assert.match(String(failed.msg), /rolled back by the node after 5 s: a new SSH connection failed.*restored \/etc\/ssh\/sshd_config, \/etc\/cc-other\.conf and ran the restore lines/);
    assert.ok(ev.some((e) => e.host === n2 && /confirmed through a new SSH connection/.test(String(e.msg))), r.stdout);
    assert.equal(readFileSync(join(nodeRootPath(lab.lab, n2), 'etc/cc-other.conf'), 'utf8'), 'other\n', 'the confirmed node keeps its change');
    assert.ok(Date.now() - started < 90_000);
    // The node takes new logins again, with its sshd_config byte-exact, and keeps nothing behind.
    const again = await labSsh(lab, n1, 'echo back');
    assert.equal(again.stdout.trim(), 'back', again.stderr);
    assert.equal(fileState(n1, '/etc/ssh/sshd_config'), before1);
    assert.equal(fileState(n2, '/etc/ssh/sshd_config'), before2);
    assert.deepEqual(snapshots(n1), []);
    assert.deepEqual(snapshots(n2), []);
    await noRollbackProcess(n1);
  });

  it('k8sbm killed after the change and before the confirmation: the node rolls back by itself', async () => {
    await seed(n2, '/etc/cc-vanish.conf', 'keep=1\n', '0600');
    const before2 = fileState(n2, '/etc/cc-vanish.conf');
    await labSsh(lab, n2, 'rm -f /var/tmp/cc-ready /var/tmp/cc-go && mkfifo /var/tmp/cc-go');
    const dir = writeTree({
      'site.yml': `- hosts: ${n2}
  gather_facts: false
  tasks:
    - name: vanish
      commit_confirmed: { timeout: 5, paths: [/etc/cc-new-file.conf] }
      block:
        - lineinfile: { path: /etc/cc-vanish.conf, line: changed=1 }
        - copy: { dest: /etc/cc-new-file.conf, content: "made by the block\\n" }
        - shell: "echo ready > /var/tmp/cc-ready && cat /var/tmp/cc-go"
`,
    });
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), 'run', 'site.yml', ...base(), '--json'], {
      cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    const exited = new Promise<void>((resolve) => child.on('close', () => { children.delete(child); resolve(); }));
    await eventually(() => existsSync(onNode(n2, 'var/tmp/cc-ready')) || child.exitCode !== null, 'the run to reach its waiting task', 60_000);
    assert.equal(child.exitCode, null, out);
    assert.notEqual(fileState(n2, '/etc/cc-vanish.conf'), before2);
    assert.ok(existsSync(onNode(n2, 'etc/cc-new-file.conf')));
    child.kill('SIGKILL');
    await exited;
    // Nobody confirms: the node's own timer restores the files and leaves its marker.
    await eventually(() => snapshots(n2).some((id) => existsSync(join(confirmDir(n2), id, 'rolled-back'))), 'the node to roll back', 60_000);
    assert.equal(fileState(n2, '/etc/cc-vanish.conf'), before2);
    assert.equal(existsSync(onNode(n2, 'etc/cc-new-file.conf')), false);
    await noRollbackProcess(n2);
    await labSsh(lab, n2, 'rm -rf /var/lib/k8sbm/confirm /var/tmp/cc-go /var/tmp/cc-ready');
  });

  it('a block that outlasts its timeout is still confirmed: the run pushes the deadline back while the block runs', async () => {
    // node02 is still leased by the run the previous test killed.
    await seed(n1, '/etc/cc-long.conf', 'long=1\n', '0644');
    const dir = writeTree({
      'site.yml': `- hosts: ${n1}
  gather_facts: false
  tasks:
    - name: long
      commit_confirmed: 6
      block:
        - copy: { dest: /etc/cc-long.conf, content: "long=2\\n" }
        - name: the rest of the block takes longer than the timeout (as 200 hosts do)
          command: sleep 15
`,
    });
    const r = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.module === 'commit_confirmed');
    assert.match(String(results.at(-1)?.msg), /confirmed through a new SSH connection/, r.stdout);
    assert.equal(readFileSync(onNode(n1, 'etc/cc-long.conf'), 'utf8'), 'long=2\n');
    assert.deepEqual(snapshots(n1), []);
    await noRollbackProcess(n1);
  });

  it('check mode says what it would arm and changes nothing on the node', async () => {
    await seed(n1, '/etc/cc-check.conf', 'c=1\n', '0644');
    const state = (): string => ['etc', 'var/lib/k8sbm'].map((p) => (existsSync(onNode(n1, p)) ? treeHash(onNode(n1, p)) : '-')).join(' ');
    const beforeHash = state();
    const dir = writeTree({
      'site.yml': `- hosts: ${n1}
  gather_facts: false
  tasks:
    - name: checked
      commit_confirmed: 20
      block:
        - lineinfile: { path: /etc/cc-check.conf, line: c=2 }
`,
    });
    const r = k8sbm(['run', 'site.yml', ...base(), '--json', '--check'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ev = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.module === 'commit_confirmed');
    // ok, as the run's own commit-confirmed lines: the change is the lineinfile's.
    assert.equal(ev?.status, 'ok');
    assert.equal(ev?.predicted, true);
    assert.match(String(ev?.msg), /would apply the changes above under commit-confirmed: snapshot \/etc\/cc-check\.conf, arm a 20 s rollback timer/);
    assert.equal(state(), beforeHash);
    await noRollbackProcess(n1);
  });
});
