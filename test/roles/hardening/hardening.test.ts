/**
 * The hardening role on lab nodes (with base, as site.yml runs them: their sysctl keys are
 * disjoint, or the run would stop with K8SBM_SETTING_CONFLICT), in docs/roles.md's four steps:
 * check mode on fresh nodes (node files byte-identical), apply and the operator's checks, a
 * second run with changed=0, drift repaired. Then inventory overrides and cni=cilium in check
 * mode, refused values (cni, vfat), a drop-in sshd -t refuses never going live, a drop-in that
 * refuses k8sbm's login rolled back by the node, and the machine's own sysctls never moved.
 * Waits are the CLI's own (the run waits for the node's rollback timer); no sleeps here.
 *
 * Real in the lab: net.* sysctls (each node's network namespace), files (sysctl.d, modprobe.d,
 * modules-load.d, fstab, the sshd drop-in), sshd (PID 1 of each node: reloaded, its effective
 * settings read with sshd -T, new logins refused and restored), the commit-confirmed rollback.
 * Only checked: kernel.*, vm.* and fs.* keys are the node's own copy (read back, the kernel does
 * not act on them); no module is loaded or unloaded (overlay and br_netfilter are built into the
 * lab's kernel, the blacklisted ones are not loaded: the plan says so); no swap is turned off
 * (nodes have none: the fstab edit is real, swapoff is not exercised).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

interface Defaults {
  hardening_sysctl_net: Record<string, number | string>;
  hardening_sysctl_control_plane_net: Record<string, number>;
  hardening_sysctl_kernel: Record<string, number>;
  hardening_kernel_modules: string[];
  hardening_module_blacklist: string[];
}
const defaults = parse(readFileSync(join(repoRoot, 'roles/hardening/defaults/main.yml'), 'utf8')) as Defaults;
// What the templated defaults come to with cni: calico and hardening_ipv6_accept_ra: 0.
const TEMPLATED: Record<string, string> = { '{{ hardening_rp_filter }}': '1', '{{ hardening_ipv6_accept_ra }}': '0' };
// Both lab nodes are control planes (the lab's first three are): they get the control planes' keys too.
const netWanted = Object.fromEntries(Object.entries({ ...defaults.hardening_sysctl_net, ...defaults.hardening_sysctl_control_plane_net })
  .map(([k, v]) => [k, TEMPLATED[String(v)] ?? String(v)]));
const kernelWanted = Object.fromEntries(Object.entries(defaults.hardening_sysctl_kernel).map(([k, v]) => [k, String(v)]));
const NET_FILE = '/etc/sysctl.d/91-k8sbm-hardening-net.conf';
const KERNEL_FILE = '/etc/sysctl.d/91-k8sbm-hardening-kernel.conf';
const DROPIN = '/etc/ssh/sshd_config.d/01-k8sbm.conf';
const SWAP_LINE = '/dev/disk/by-label/k8sbm-swap none swap sw 0 0';
const T = (name: string): string => `hardening : ${name}`;

/** Every key the role sets, as the machine's own kernel (this process's namespaces) has it. */
const machineValues = (): Record<string, string> => Object.fromEntries(
  [...Object.keys(netWanted), ...Object.keys(kernelWanted)].map((k) => [k, readFileSync(`/proc/sys/${k.replace(/\./g, '/')}`, 'utf8').trim()]),
);

let lab: TestLab;
let machineBefore: Record<string, string>;
const work = tempDir('role-hardening');
writeFileSync(join(work, 'site.yml'), '- hosts: all\n  become: true\n  roles: [base, hardening]\n');
mkdirSync(join(work, 'group_vars'));
writeFileSync(join(work, 'group_vars', 'all.yml'), 'cni: calico\n');
before(async () => {
  machineBefore = machineValues();
  lab = await startLab({ name: 'rhard', nodes: 2 });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

function cli(command: 'run' | 'plan', code: number, extra: readonly string[] = []): CliResult {
  const r = k8sbm([command, 'site.yml', '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout}${r.stderr}`);
  return r;
}

const nodeFile = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
const etcHash = (node: string): string => treeHash(nodeFile(node, 'etc'));

async function onNode(node: string, argv: string | readonly string[]): Promise<string> {
  const r = await labSsh(lab, node, argv);
  assert.equal(r.code, 0, `${String(argv)} on ${node}: ${r.stderr}`);
  return r.stdout;
}

async function sysctls(node: string, keys: readonly string[]): Promise<Record<string, string>> {
  const out = (await onNode(node, ['sysctl', '-n', ...keys])).trimEnd().split('\n');
  return Object.fromEntries(keys.map((k, i) => [k, out[i]!.trim()]));
}

/** host -> status of one task's results (the last item's, for a loop: every item must agree). */
function statuses(stdout: string, task: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of jsonEvents(stdout)) {
    if (e.event !== 'task_result' || e.task !== task) continue;
    const h = String(e.host);
    out[h] = out[h] === 'changed' ? 'changed' : String(e.status);
  }
  return out;
}

const results = (stdout: string, task?: string) => jsonEvents(stdout).filter((e) => e.event === 'task_result' && (task === undefined || e.task === task));

/** Bytes, mode and owner of a file on the node, as the machine sees them. */
function fileState(node: string, path: string): string {
  const p = nodeFile(node, path);
  if (!existsSync(p)) return 'absent';
  const st = statSync(p);
  return `${st.mode.toString(8)} ${st.uid}:${st.gid} ${readFileSync(p).toString('base64')}`;
}

describe('role hardening on lab nodes', () => {
  it('check mode on fresh nodes predicts every change and leaves the node files and running values as they were', async () => {
    // A swap line for the fstab part (lab nodes have no swap; nothing is active, so no swapoff).
    await onNode('node01', ['sh', '-c', `printf '%s\\n' '${SWAP_LINE}' >> /etc/fstab`]);
    const before = lab.nodes.map((n) => etcHash(n.name));
    const running = await sysctls('node01', ['net.ipv4.conf.all.rp_filter', 'kernel.panic', 'fs.protected_fifos']);
    const plan = cli('plan', 2);
    for (const t of ['kernel modules Kubernetes needs, now and at boot', 'unused filesystems and protocols never load', 'network security settings', 'kernel security settings']) {
      assert.deepEqual(statuses(plan.stdout, T(t)), { node01: 'changed', node02: 'changed' }, t);
    }
    assert.deepEqual(statuses(plan.stdout, T('swap off, now and at boot')), { node01: 'changed', node02: 'ok' });
    assert.deepEqual(statuses(plan.stdout, T('sshd drop-in')), { node01: 'changed', node02: 'changed' });
    const cc = results(plan.stdout).filter((e) => e.module === 'commit_confirmed');
    assert.ok(cc.length === 2 && cc.every((e) => /would apply the changes above under commit-confirmed: snapshot .*01-k8sbm\.conf/.test(String(e.msg))), JSON.stringify(cc));
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), before, 'check mode changed a node file');
    assert.deepEqual(await sysctls('node01', Object.keys(running)), running, 'check mode changed a running value');
  });

  it('apply: sysctls running and persisted, modules and blacklist, fstab, sshd running with the drop-in', async () => {
    const first = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(first.stdout))) assert.ok(c.changed > 0 && c.failed === 0, `${h}: ${JSON.stringify(c)}`);
    // No module was loaded or unloaded: the needed ones are built into the lab's kernel, the
    // blacklisted ones are not loaded.
    for (const e of results(first.stdout, T('kernel modules Kubernetes needs, now and at boot'))) {
      assert.match(String(e.msg), /^create \/etc\/modules-load\.d\/[\w-]+\.conf$/, `${e.host} ${e.item}: only its file, no modprobe`);
    }
    for (const e of results(first.stdout, T('unused filesystems and protocols never load'))) {
      assert.match(String(e.msg), /^create \/etc\/modprobe\.d\/k8sbm-blacklist\.conf /, `${e.host}: the blacklist file`);
    }
    const unloads = results(first.stdout, T('blacklisted modules loaded now are unloaded'));
    assert.ok(unloads.every((e) => e.status === 'skipped'), 'none of the blacklisted modules is loaded on the lab\'s kernel: nothing unloaded');

    for (const n of lab.nodes) {
      assert.deepEqual(await sysctls(n.name, Object.keys(netWanted)), netWanted, `${n.name} net.*`);
      assert.deepEqual(await sysctls(n.name, Object.keys(kernelWanted)), kernelWanted, `${n.name} kernel./vm./fs. (the node's copy)`);
      for (const [file, wanted] of [[NET_FILE, netWanted], [KERNEL_FILE, kernelWanted]] as const) {
        const text = readFileSync(nodeFile(n.name, file), 'utf8');
        for (const [k, v] of Object.entries(wanted)) assert.match(text, new RegExp(`^${k.replace(/\./g, '\\.')} = ${v}$`, 'm'), `${n.name} ${file}: ${k}`);
      }
      // base keeps ip_forward, in its own file; hardening's keys are not in it.
      assert.equal((await sysctls(n.name, ['net.ipv4.ip_forward']))['net.ipv4.ip_forward'], '1');
      assert.doesNotMatch(readFileSync(nodeFile(n.name, '/etc/sysctl.d/90-kubernetes-net.conf'), 'utf8'), /rp_filter|redirects|syncookies/);
      assert.ok(!existsSync(nodeFile(n.name, '/etc/sysctl.d/91-k8sbm-hardening-cilium.conf')), 'no Cilium file with calico');

      for (const m of defaults.hardening_kernel_modules) assert.equal(readFileSync(nodeFile(n.name, `/etc/modules-load.d/${m}.conf`), 'utf8'), `${m}\n`);
      const blacklist = readFileSync(nodeFile(n.name, '/etc/modprobe.d/k8sbm-blacklist.conf'), 'utf8');
      for (const m of defaults.hardening_module_blacklist) {
        assert.match(blacklist, new RegExp(`^blacklist ${m}\ninstall ${m} /bin/false$`, 'm'), `${n.name}: ${m}`);
      }
      assert.equal(blacklist.match(/^blacklist /gm)?.length, defaults.hardening_module_blacklist.length);
      assert.ok(!defaults.hardening_module_blacklist.includes('vfat'));

      const dropin = statSync(nodeFile(n.name, DROPIN));
      assert.equal((dropin.mode & 0o777).toString(8), '600');
      assert.equal(dropin.uid, 0);
      assert.match(readFileSync(nodeFile(n.name, '/etc/ssh/sshd_config'), 'utf8'), /^Include \/etc\/ssh\/sshd_config\.d\/\*\.conf\n/, 'the main config reads the drop-ins first');
      const effective = await onNode(n.name, ['sshd', '-T']);
      for (const line of ['passwordauthentication no', 'kbdinteractiveauthentication no', 'pubkeyauthentication yes', 'maxauthtries 3',
        'clientaliveinterval 300', 'clientalivecountmax 2', 'allowtcpforwarding no', 'x11forwarding no', 'allowagentforwarding no', 'loglevel VERBOSE']) {
        assert.match(effective, new RegExp(`^${line}$`, 'm'), `${n.name}: sshd -T has ${line}`);
      }
      assert.match(effective, /^permitrootlogin (without|prohibit)-password$/m);
    }
    const fstab = readFileSync(nodeFile('node01', '/etc/fstab'), 'utf8');
    assert.match(fstab, new RegExp(`^#\\s*${SWAP_LINE.replace(/[/.]/g, '\\$&')}$`, 'm'), fstab);
    // The running sshd took the drop-in: a new login works, and the check saw the settings.
    assert.deepEqual(statuses(first.stdout, T("sshd runs with the role's settings")), { node01: 'ok', node02: 'ok' });
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    for (const e of results(again.stdout, T('kernel modules Kubernetes needs, now and at boot'))) assert.match(String(e.msg), /^\w+ is built into the kernel; /);
    for (const e of results(again.stdout, T('unused filesystems and protocols never load'))) assert.match(String(e.msg), /k8sbm-blacklist\.conf is up to date/);
    cli('plan', 0);
  });

  it('sysctls changed by hand on one node: plan names them (exit 2) and touches nothing, run repairs them, plan 0', async () => {
    await onNode('node02', ['sysctl', '-q', '-w', 'net.ipv4.conf.all.accept_redirects=1', 'kernel.dmesg_restrict=0']);
    const before = etcHash('node02');
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, T('network security settings')), { node01: 'ok', node02: 'changed' });
    assert.deepEqual(statuses(plan.stdout, T('kernel security settings')), { node01: 'ok', node02: 'changed' });
    const msgs = results(plan.stdout).filter((e) => e.host === 'node02' && e.status === 'changed').map((e) => String(e.msg)).join('\n');
    assert.match(msgs, /net\.ipv4\.conf\.all\.accept_redirects 1 -> 0/);
    assert.match(msgs, /kernel\.dmesg_restrict 0 -> 1/);
    assert.deepEqual(await sysctls('node02', ['net.ipv4.conf.all.accept_redirects', 'kernel.dmesg_restrict']),
      { 'net.ipv4.conf.all.accept_redirects': '1', 'kernel.dmesg_restrict': '0' }, 'plan changed a running value');
    assert.equal(etcHash('node02'), before, 'plan changed a file on the node');

    const repair = cli('run', 0);
    assert.deepEqual(recapOf(repair.stdout).node01!.changed, 0);
    assert.deepEqual(await sysctls('node02', ['net.ipv4.conf.all.accept_redirects', 'kernel.dmesg_restrict']),
      { 'net.ipv4.conf.all.accept_redirects': '0', 'kernel.dmesg_restrict': '1' });
    cli('plan', 0);
  });

  it('overrides from the inventory merge key by key; a key set to null is left alone (check mode)', async () => {
    await onNode('node01', ['sysctl', '-q', '-w', 'net.ipv4.conf.all.log_martians=0']);
    try {
      const plan = cli('plan', 2, ['-e', JSON.stringify({ hardening_sysctl_overrides: { 'kernel.kptr_restrict': 2, 'net.ipv4.conf.all.log_martians': null } })]);
      for (const e of results(plan.stdout, T('kernel security settings'))) assert.match(String(e.msg), /^set kernel\.kptr_restrict 1 -> 2; update /);
      // log_martians is 0 on node01 by hand, and unmanaged: no change planned for it.
      assert.deepEqual(statuses(plan.stdout, T('network security settings')), { node01: 'ok', node02: 'ok' });
    } finally {
      await onNode('node01', ['sysctl', '-q', '-w', 'net.ipv4.conf.all.log_martians=1']);
    }
  });

  it('cni=cilium plans rp_filter 0 and the lxc* file (check mode only)', () => {
    const plan = cli('plan', 2, ['-e', 'cni=cilium']);
    for (const e of results(plan.stdout, T('network security settings'))) {
      assert.match(String(e.msg), /net\.ipv4\.conf\.all\.rp_filter 1 -> 0, net\.ipv4\.conf\.default\.rp_filter 1 -> 0/);
    }
    assert.deepEqual(statuses(plan.stdout, T("rp_filter off on Cilium's interfaces at boot")), { node01: 'changed', node02: 'changed' });
    const bad = k8sbm(['plan', 'site.yml', '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '-e', 'cni=weave'], work);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout + bad.stderr, /K8SBM_ROLE_ARG_INVALID[\s\S]*cni/);
    const vfat = cli('plan', 1, ['-l', 'node01', '-e', JSON.stringify({ hardening_module_blacklist: ['cramfs', 'vfat'] })]);
    assert.match(String(results(vfat.stdout, T('vfat stays loadable'))[0]?.msg), /UEFI hosts boot from a vfat partition/);
  });

  it('a drop-in sshd -t refuses never goes live: the task fails, the node keeps its drop-in and takes logins', async () => {
    const before2 = fileState('node02', DROPIN);
    const r = cli('run', 1, ['-l', 'node02', '-e', JSON.stringify({ hardening_sshd_extra: { Ciphers: 'no-such-cipher' } })]);
    const failed = results(r.stdout, T('sshd drop-in')).find((e) => e.status === 'failed');
    assert.ok(failed, r.stdout);
    assert.match(JSON.stringify(failed.detail), /Bad SSH2 cipher spec 'no-such-cipher'.*validation failed \(exit 1\)/);
    assert.equal(fileState('node02', DROPIN), before2);
    assert.equal((await onNode('node02', 'echo still')).trim(), 'still');
  });

  it('a drop-in that refuses our login is rolled back by node01 within its timer; node02 applies; node01 keeps its previous drop-in', async () => {
    // A short timer keeps the test short; node01 refuses root, k8sbm's login in the lab.
    mkdirSync(join(work, 'host_vars'), { recursive: true });
    writeFileSync(join(work, 'host_vars', 'node01.yml'), 'hardening_sshd_confirm_timeout: 5\nhardening_sshd_extra: { DenyUsers: root }\n');
    writeFileSync(join(work, 'host_vars', 'node02.yml'), 'hardening_sshd_confirm_timeout: 5\nhardening_sshd_extra: { MaxSessions: 5 }\n');
    const before1 = fileState('node01', DROPIN);
    const mainBefore1 = fileState('node01', '/etc/ssh/sshd_config');
    try {
      const r = cli('run', 1);
      const cc = results(r.stdout).filter((e) => e.module === 'commit_confirmed');
      const failed = cc.find((e) => e.host === 'node01' && e.status === 'failed');
      assert.ok(failed, r.stdout + r.stderr);
      assert.equal(failed.code, 'K8SBM_COMMIT_ROLLED_BACK');
      assert.match(String(failed.msg), /rolled back by the node after 5 s: a new SSH connection failed.*01-k8sbm\.conf.*ran the restore lines/);
      assert.ok(cc.some((e) => e.host === 'node02' && /confirmed through a new SSH connection/.test(String(e.msg))), r.stdout);
      // node02 applied its change and sshd runs with it; node01 takes logins with its previous drop-in.
      assert.match(readFileSync(nodeFile('node02', DROPIN), 'utf8'), /^MaxSessions 5$/m);
      assert.match(await onNode('node02', ['sshd', '-T']), /^maxsessions 5$/m);
      assert.equal((await onNode('node01', 'echo back')).trim(), 'back');
      assert.equal(fileState('node01', DROPIN), before1, 'node01 has its previous drop-in back, byte-exact');
      assert.equal(fileState('node01', '/etc/ssh/sshd_config'), mainBefore1);
      assert.doesNotMatch(await onNode('node01', ['sshd', '-T']), /^denyusers/m);
      const confirmDir = nodeFile('node01', '/var/lib/k8sbm/confirm');
      assert.deepEqual(existsSync(confirmDir) ? readdirSync(confirmDir) : [], [], 'the snapshot is cleaned up');
    } finally {
      writeFileSync(join(work, 'host_vars', 'node01.yml'), '{}\n');
      writeFileSync(join(work, 'host_vars', 'node02.yml'), '{}\n');
    }
    // Back to the role's settings on node02; node01 never left them.
    const back = cli('run', 0);
    assert.deepEqual(statuses(back.stdout, T('sshd drop-in')), { node01: 'ok', node02: 'changed' });
  });

  it('the machine\'s own values of every key the role sets never moved', () => {
    assert.deepEqual(machineValues(), machineBefore);
  });
});
