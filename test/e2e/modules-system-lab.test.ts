/**
 * sysctl, modprobe, mount and hostname on lab nodes through the CLI: check mode first (nodes
 * byte-identical, kernel state untouched), apply, a second run with changed=0, diffs, execs.
 * Lab nodes share the machine's kernel: only per-namespace state changes here (net.* sysctls,
 * mounts in the node's own mount namespace, the node's own UTS name); no module is loaded or
 * unloaded and no swap is turned off. Each test also proves the machine did not change.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as machineHostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

// These tests count each module's own round trips, as a task reading its facts alone does:
// facts read ahead (many tasks' facts in one exec) are tested in read-ahead-lab and round-trips,
// and by every role test. The CLI runs below inherit this.
process.env.K8SBM_READ_AHEAD = '0';

let lab: TestLab;
const work = tempDir('system-lab');
before(async () => { lab = await startLab({ name: 'syslab', nodes: 2 }); });
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

let seq = 0;
function project(site: string): string {
  const dir = join(work, `p${seq++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'site.yml'), site);
  return dir;
}

type Ev = Record<string, unknown>;
const nodePath = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
/** Every node's state of these paths (directories whole; files with mode, owner and content; '-' when absent). */
function hashOf(paths: readonly string[]): string {
  const one = (p: string): string => {
    if (!existsSync(p)) return '-';
    const st = lstatSync(p);
    if (st.isDirectory()) return treeHash(p);
    return createHash('sha256').update(`${st.mode} ${st.uid}:${st.gid}\0`).update(readFileSync(p)).digest('hex');
  };
  return lab.nodes.map((n) => paths.map((p) => one(nodePath(n.name, p))).join('+')).join(',');
}
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
const results = (stdout: string, task?: string): Ev[] =>
  jsonEvents(stdout).filter((e) => e.event === 'task_result' && (task === undefined || e.task === task));
const nodeCat = async (node: string, path: string): Promise<string> => {
  const r = await labSsh(lab, node, ['cat', path]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

function run(args: string[], dir: string, code = 0) {
  const r = k8sbm([...args, ...base()], dir);
  assert.equal(r.code, code, r.stdout + r.stderr);
  return r;
}

/** Second run: nothing changes and every task costs exactly one exec. */
function assertConverged(dir: string, extra: string[] = []): void {
  const again = run(['run', 'site.yml', ...extra, '--json'], dir);
  for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
  for (const e of results(again.stdout)) {
    assert.equal(e.status, 'ok', `${e.host} ${e.task}: ${e.msg}`);
    assert.equal(e.execs, 1, `${e.host} ${e.task}: a no-op costs one exec`);
  }
}

describe('sysctl on lab nodes (net.* only: each node has its own network namespace)', () => {
  const file = '/etc/sysctl.d/90-k8sbm-e2e.conf';
  const site = `
- hosts: all
  gather_facts: false
  become: true
  tasks:
    - name: kernel settings
      sysctl:
        sysctl_file: ${file}
        settings:
          net.ipv4.ip_forward: 1
          net.core.somaxconn: 1234
          net.ipv4.tcp_rmem: "4096 131071 6291455"
`;

  it('check mode touches nothing; apply sets exactly the differing keys and the file; a second run is one exec', async () => {
    const node = lab.nodes[0]!.name;
    writeFileSync(nodePath(node, file), '# kept\nnet.ipv4.tcp_rmem =\t4096\t131071\t6291455\n');
    // On node 0 tcp_rmem is already right, running and in the file: it must not be written again.
    assert.equal((await labSsh(lab, node, 'echo "4096 131071 6291455" > /proc/sys/net/ipv4/tcp_rmem')).code, 0);
    const machineBefore = readFileSync('/proc/sys/net/core/somaxconn', 'utf8');
    const runningBefore = await nodeCat(node, '/proc/sys/net/core/somaxconn');
    assert.notEqual(runningBefore.trim(), '1234');
    const dir = project(site);
    const user = ['-e', 'ansible_user=ops'];

    const before = hashOf(['/etc/sysctl.d']);
    const plan = run(['plan', 'site.yml', ...user, '--json'], dir, 2);
    assert.equal(hashOf(['/etc/sysctl.d']), before, 'check mode changed a node file');
    assert.equal(await nodeCat(node, '/proc/sys/net/core/somaxconn'), runningBefore, 'check mode changed a running value');
    for (const e of results(plan.stdout)) {
      assert.equal(e.status, 'changed');
      assert.equal(e.execs, 1, 'check mode reads once and applies nothing');
    }

    const first = run(['run', 'site.yml', ...user, '--diff', '--json'], dir);
    for (const e of results(first.stdout)) {
      assert.equal(e.status, 'changed', String(e.msg));
      assert.equal(e.execs, 3, `${e.host}: read; set the running values; write the file`);
      assert.match(String(e.msg), /net\.core\.somaxconn \d+ -> 1234/);
      const diffs = e.diff as { kind: string; subject: string; before: unknown; after: unknown }[];
      const state = diffs.find((d) => d.kind === 'state')!;
      assert.equal((state.after as Record<string, string>)['net.core.somaxconn'], '1234');
      assert.ok(diffs.some((d) => d.kind === 'text' && d.subject === file));
    }
    // Only the differing keys are written: on node 0 tcp_rmem was right already, on node 1 not.
    assert.doesNotMatch(String(results(first.stdout).find((e) => e.host === node)!.msg), /tcp_rmem/);
    assert.match(String(results(first.stdout).find((e) => e.host === lab.nodes[1]!.name)!.msg), /net\.ipv4\.tcp_rmem [\d ]+ -> 4096 131071 6291455/);
    assert.equal(readFileSync(nodePath(node, file), 'utf8'),
      '# kept\nnet.ipv4.tcp_rmem =\t4096\t131071\t6291455\nnet.ipv4.ip_forward = 1\nnet.core.somaxconn = 1234\n', 'other lines kept byte for byte');
    for (const n of lab.nodes) {
      assert.equal((await nodeCat(n.name, '/proc/sys/net/core/somaxconn')).trim(), '1234');
      assert.equal((await nodeCat(n.name, '/proc/sys/net/ipv4/tcp_rmem')).trim().split(/\s+/).join(' '), '4096 131071 6291455');
    }
    assert.equal(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'), machineBefore, 'the machine\'s own value did not move');
    assert.ok(!existsSync(file), 'the machine\'s /etc has no trace of the run');

    assertConverged(dir, user);
  });

  it('a key the host lacks fails naming it; a read-only key fails at plan time', () => {
    // vm.* and kernel.* keys are writable on a node (its own copy); a read-only one is the kernel's, and read-only.
    const ngroups = Number(readFileSync('/proc/sys/kernel/ngroups_max', 'utf8'));
    const dir = project(`
- hosts: all
  gather_facts: false
  tasks:
    - name: unknown key
      sysctl: { name: net.ipv4.k8sbm_no_such_key, value: 1, sysctl_file: /etc/sysctl.d/91-e2e.conf }
      ignore_errors: true
    - name: read-only key
      sysctl: { name: kernel.ngroups_max, value: ${ngroups === 1 ? 2 : 1}, sysctl_file: /etc/sysctl.d/91-e2e.conf }
`);
    // Check mode: nothing could be applied even if the plan were wrong.
    const r = run(['plan', 'site.yml', '--json'], dir, 1);
    for (const e of results(r.stdout, 'unknown key')) {
      assert.equal(e.status, 'failed');
      assert.match(String(e.msg), /no such kernel parameter on this host: net\.ipv4\.k8sbm_no_such_key \(\/proc\/sys\/net\/ipv4\/k8sbm_no_such_key does not exist\)/);
    }
    for (const e of results(r.stdout, 'read-only key')) {
      assert.equal(e.status, 'failed');
      assert.match(String(e.msg), /cannot set kernel\.ngroups_max: \/proc\/sys\/kernel\/ngroups_max is not writable here/);
    }
    assert.equal(Number(readFileSync('/proc/sys/kernel/ngroups_max', 'utf8')), ngroups);
  });
});

/** A module this kernel already has, read now: loaded (/proc/modules) or built in (/sys/module without initstate). */
function moduleTheKernelHas(): { name: string; why: RegExp } {
  const loaded = existsSync('/proc/modules') ? readFileSync('/proc/modules', 'utf8').split('\n').map((l) => l.split(' ')[0]!).filter(Boolean) : [];
  if (loaded.length) return { name: loaded[0]!, why: /is loaded/ };
  const builtin = readdirSync('/sys/module').filter((m) => /^[a-z0-9_]+$/.test(m) && !existsSync(`/sys/module/${m}/initstate`));
  const name = ['overlay', 'bridge', 'nf_conntrack', 'loop'].find((m) => builtin.includes(m)) ?? builtin[0]!;
  return { name, why: /is built into the kernel/ };
}

describe('modprobe on lab nodes (no module is loaded or unloaded)', () => {
  it('persistence and blacklist files for real; loading is planned in check mode only', () => {
    const have = moduleTheKernelHas();
    const absent = 'k8sbm_e2e_absent';
    assert.ok(!existsSync(`/sys/module/${absent}`));
    const dir = project(`
- hosts: all
  gather_facts: false
  tasks:
    - name: keep it at boot
      modprobe: { name: ${have.name}, persistent: present }
    - name: never load this one
      modprobe: { name: ${absent}, blacklist: true }
`);
    const paths = ['/etc/modules-load.d', '/etc/modprobe.d'];
    const before = hashOf(paths);
    const plan = run(['plan', 'site.yml', '--json'], dir, 2);
    assert.equal(hashOf(paths), before, 'check mode changed a node file');
    assert.equal(results(plan.stdout).filter((e) => e.status === 'changed').length, 2 * lab.nodes.length);

    const first = run(['run', 'site.yml', '--diff', '--json'], dir);
    for (const e of results(first.stdout)) {
      assert.equal(e.status, 'changed', String(e.msg));
      assert.equal(e.execs, 2, `${e.host} ${e.task}: read, then one script for files and modprobe`);
    }
    for (const n of lab.nodes) {
      assert.equal(readFileSync(nodePath(n.name, `/etc/modules-load.d/${have.name}.conf`), 'utf8'), `${have.name}\n`);
      assert.equal(readFileSync(nodePath(n.name, `/etc/modprobe.d/${absent}-blacklist.conf`), 'utf8'), `blacklist ${absent}\ninstall ${absent} /bin/false\n`);
    }
    assert.ok(!existsSync(`/etc/modprobe.d/${absent}-blacklist.conf`) && !existsSync(`/etc/modules-load.d/${have.name}.conf`), 'the machine\'s /etc is untouched');
    const diff = JSON.stringify(results(first.stdout, 'never load this one')[0]!.diff);
    assert.match(diff, /install k8sbm_e2e_absent \/bin\/false/);
    assertConverged(dir);
    const again = run(['run', 'site.yml', '--json'], dir);
    for (const e of results(again.stdout, 'keep it at boot')) assert.match(String(e.msg), have.why);

    // Loading a module the kernel does not have: planned (or refused, on a kernel without
    // module support) in check mode, which never runs anything.
    const load = project(`
- hosts: all
  gather_facts: false
  tasks:
    - name: load
      modprobe: { name: k8sbm_e2e_other }
`);
    const loadable = existsSync('/proc/modules');
    const modprobeThere = ['/usr/sbin/modprobe', '/sbin/modprobe'].some((m) => existsSync(m));
    const p = run(['plan', 'site.yml', '--json'], load, loadable && modprobeThere ? 2 : 1);
    for (const e of results(p.stdout)) {
      assert.match(String(e.msg), !loadable ? /this kernel has no loadable module support \(no \/proc\/modules\) and k8sbm_e2e_other is not built in/
        : modprobeThere ? /^load k8sbm_e2e_other$/ : /modprobe not found/);
      if (loadable && modprobeThere) assert.equal(e.predicted, true);
    }
  });
});

const nodeMounts = (pid: number): string => readFileSync(`/proc/${pid}/mountinfo`, 'utf8');

describe('mount on lab nodes (each node has its own mount namespace)', () => {
  const mp = '/mnt/k8sbm-test';
  const task = (opts: string, state: string) => `
- hosts: all
  gather_facts: false
  tasks:
    - name: scratch
      mount: { path: ${mp}, src: k8sbm-e2e, fstype: tmpfs, opts: "${opts}", state: ${state} }
`;

  it('mounts inside the node only, keeps fstab byte-identical elsewhere, remounts on change, unmounts', () => {
    const fstabs = lab.nodes.map((n) => readFileSync(nodePath(n.name, '/etc/fstab'), 'utf8'));
    const dir = project(task('size=8m,mode=0750', 'mounted'));
    const before = hashOf(['/etc/fstab', mp]);
    const plan = run(['plan', 'site.yml', '--json'], dir, 2);
    assert.equal(hashOf(['/etc/fstab', mp]), before, 'check mode changed a node file');
    for (const n of lab.nodes) assert.doesNotMatch(nodeMounts(n.pid), / \/mnt\/k8sbm-test /, 'check mode mounted');
    for (const e of results(plan.stdout)) assert.match(String(e.msg), /^mount k8sbm-e2e on \/mnt\/k8sbm-test/);

    const first = run(['run', 'site.yml', '--diff', '--json'], dir);
    for (const e of results(first.stdout)) {
      assert.equal(e.status, 'changed');
      assert.equal(e.execs, 3, 'read; mkdir and mount; fstab');
      assert.match(JSON.stringify(e.diff), /\+?k8sbm-e2e \/mnt\/k8sbm-test tmpfs size=8m,mode=0750 0 0/);
    }
    lab.nodes.forEach((n, i) => {
      assert.match(nodeMounts(n.pid), / \/mnt\/k8sbm-test rw,.* - tmpfs k8sbm-e2e rw,.*size=8192k/);
      assert.equal(readFileSync(nodePath(n.name, '/etc/fstab'), 'utf8'), `${fstabs[i]!.replace(/\n?$/, '\n')}k8sbm-e2e /mnt/k8sbm-test tmpfs size=8m,mode=0750 0 0\n`);
    });
    assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), /\/mnt\/k8sbm-test/, 'the machine does not see the node\'s mount');
    assertConverged(dir);

    const bigger = run(['run', 'site.yml', '--json'], project(task('size=16m,mode=0750', 'mounted')));
    for (const e of results(bigger.stdout)) assert.match(String(e.msg), /^remount \/mnt\/k8sbm-test with size=16m,mode=0750; update \/etc\/fstab$/);
    for (const n of lab.nodes) assert.match(nodeMounts(n.pid), / \/mnt\/k8sbm-test .* - tmpfs k8sbm-e2e rw,.*size=16384k/);

    const gone = project(`
- hosts: all
  gather_facts: false
  tasks:
    - name: scratch gone
      mount: { path: ${mp}, state: absent }
`);
    const removed = run(['run', 'site.yml', '--json'], gone);
    for (const e of results(removed.stdout)) assert.equal(e.msg, 'unmount /mnt/k8sbm-test; update /etc/fstab');
    lab.nodes.forEach((n, i) => {
      assert.doesNotMatch(nodeMounts(n.pid), / \/mnt\/k8sbm-test /);
      assert.equal(readFileSync(nodePath(n.name, '/etc/fstab'), 'utf8'), fstabs[i]!.replace(/\n?$/, '\n'));
    });
    assertConverged(gone);
  });

  it('swap off comments out the swap line of fstab and plans no swapoff when /proc/swaps is empty', () => {
    const active = readFileSync('/proc/swaps', 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    const node = lab.nodes[1]!.name;
    const original = readFileSync(nodePath(node, '/etc/fstab'), 'utf8').replace(/\n?$/, '\n');
    writeFileSync(nodePath(node, '/etc/fstab'), `${original}/swapfile-k8sbm\tnone\tswap\tsw\t0\t0\n`);
    const dir = project(`
- hosts: ${node}
  gather_facts: false
  tasks:
    - name: no swap
      mount: { swap: "off" }
    - name: no swap, as Ansible writes it
      mount: { path: none, fstype: swap, state: absent }
`);
    const before = hashOf(['/etc/fstab']);
    const plan = run(['plan', 'site.yml', '--json'], dir, 2);
    assert.equal(hashOf(['/etc/fstab']), before);
    const planned = results(plan.stdout, 'no swap')[0]!;
    // Swap is the machine's: a node must never turn it off. With active swap, stop at the plan.
    if (active.length) {
      assert.match(String(planned.msg), /^swapoff /);
      return;
    }
    assert.equal(planned.msg, 'comment out 1 swap line in /etc/fstab', 'no swapoff planned: /proc/swaps is empty');
    assert.equal(results(plan.stdout, 'no swap, as Ansible writes it')[0]!.status, 'ok', 'check mode: the second task sees the first one\'s prediction');
    const applied = run(['run', 'site.yml', '--diff', '--json'], dir);
    const e = results(applied.stdout, 'no swap')[0]!;
    assert.equal(e.execs, 2, 'read, then fstab: nothing to swapoff');
    assert.match(JSON.stringify(e.diff), /#\/swapfile-k8sbm\\tnone\\tswap/);
    assert.equal(readFileSync(nodePath(node, '/etc/fstab'), 'utf8'), `${original}#/swapfile-k8sbm\tnone\tswap\tsw\t0\t0\n`);
    assertConverged(dir);
  });
});

describe('hostname on lab nodes (each node has its own UTS namespace)', () => {
  it('renames one node, updates its /etc/hosts; the machine keeps its name', async () => {
    const node = lab.nodes[0]!;
    const machineName = machineHostname();
    const dir = project(`
- hosts: ${node.name}
  gather_facts: false
  tasks:
    - name: rename
      hostname: { name: k8sbm-renamed.lab.example, update_hosts: true }
`);
    const hostsBefore = readFileSync(nodePath(node.name, '/etc/hosts'), 'utf8');
    const before = hashOf(['/etc/hostname', '/etc/hosts']);
    const plan = run(['plan', 'site.yml', '--json'], dir, 2);
    const pretty = run(['plan', 'site.yml', '--diff'], dir, 2);
    assert.equal(hashOf(['/etc/hostname', '/etc/hosts']), before);
    assert.equal((await labSsh(lab, node.name, 'hostname')).stdout.trim(), node.name, 'check mode renamed the node');
    assert.equal(results(plan.stdout)[0]!.msg, `rename ${node.name} -> k8sbm-renamed.lab.example (and /etc/hostname); /etc/hosts: 127.0.1.1 names k8sbm-renamed.lab.example`);
    assert.match(pretty.stdout, new RegExp(`^-running: ${node.name}$`, 'm'), 'the state diff is printed');
    assert.match(pretty.stdout, /^\+running: k8sbm-renamed\.lab\.example$/m);
    assert.match(pretty.stdout, /^\+127\.0\.1\.1\tk8sbm-renamed\.lab\.example k8sbm-renamed$/m, 'the hosts diff is printed');

    const first = run(['run', 'site.yml', '--json'], dir);
    assert.equal(results(first.stdout)[0]!.execs, 2, 'read; one script writes both files and sets the name');
    assert.equal((await labSsh(lab, node.name, 'hostname')).stdout.trim(), 'k8sbm-renamed.lab.example');
    assert.equal(readFileSync(nodePath(node.name, '/etc/hostname'), 'utf8'), 'k8sbm-renamed.lab.example\n');
    assert.equal(readFileSync(nodePath(node.name, '/etc/hosts'), 'utf8'),
      hostsBefore.replace(/^(127\.0\.0\.1\t[^\n]*\n)/m, '$1127.0.1.1\tk8sbm-renamed.lab.example k8sbm-renamed\n'));
    assert.equal((await labSsh(lab, lab.nodes[1]!.name, 'hostname')).stdout.trim(), lab.nodes[1]!.name, 'the other node kept its name');
    assert.equal(machineHostname(), machineName, 'the machine kept its name');
    assertConverged(dir);
    const again = run(['run', 'site.yml', '--json'], dir);
    assert.equal(results(again.stdout)[0]!.msg, 'the host is already named k8sbm-renamed.lab.example (running and /etc/hostname, 127.0.1.1 in /etc/hosts)');
  });
});
