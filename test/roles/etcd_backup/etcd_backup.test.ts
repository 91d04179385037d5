/**
 * The etcd_backup role and the etcd-backup.yml and etcd-restore.yml playbooks on 3 lab control
 * planes, against a real etcd cluster.
 *
 * Real: sshd, etcd (Debian's 3.4, three members started with the PKI the kubeadm double made with
 * openssl), etcdctl on the nodes and on the workstation (snapshot save, status, restore), the
 * role's script taking snapshots and pruning them by age and count, the fetch to the
 * workstation, the static pod manifests moved aside and back, each member's data directory
 * restored and swapped.
 * TEST DOUBLES: kubeadm (test/doubles/kubeadm) and the API server double it starts; the part of
 * the kubelet that runs etcd's static pod is the double's small runner (etcd runs while
 * /etc/kubernetes/manifests/etcd.yaml is there). No systemd in the lab: the role writes the cron
 * entry, checked by the script's --check-cron (no cron daemon runs it here); the systemd units are
 * checked with systemd-analyze verify in test/unit/etcd-backup-units.test.ts.
 *
 * The cluster is built in before() by one run of site.yml's control plane play (its kubeadm role;
 * the API endpoint is node01's own port: no VIP or haproxy in this lab), once the files of the lab
 * repository's kubeadm package are on the nodes (installing it with apt is the kube_packages
 * role's test, and took a quarter of this file's time). The role is applied by site.yml's
 * etcd_backup play alone. Both playbooks are those plays of site.yml as they are there, so that no
 * run gathers facts for the plays a `-t` would leave without a task (a third of each run here);
 * the whole-site test (test/roles/kubeadm/) runs site.yml itself, this role in it. The file must
 * stay fast (CI runs it beside the other lab tests): each step is as few CLI runs and node round
 * trips as prove it, and nothing waits for a time, only for a state.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { nodeRootPath } from '../../../src/lab/index.js';
import { labKubePackages, readDoubles } from '../../../src/lab/lab-packages.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const CPS = ['node01', 'node02', 'node03'];
const PKI = '/etc/kubernetes/pki/etcd';
const ETCDCTL = ['etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI}/ca.crt`, `--cert=${PKI}/healthcheck-client.crt`, `--key=${PKI}/healthcheck-client.key`];
const SCRIPT = '/usr/local/sbin/k8sbm-etcd-backup';
const BACKUPS = '/var/backups/etcd';

let lab: TestLab;
const work = tempDir('role-etcdbk');
const role = roleRun(() => lab, work, 'etcd_backup');
const { onNode } = role;
let rolePlaybook = '';
const started = Date.now();

before(async () => {
  lab = await startLab({ name: 'etcdbk', nodes: 3 });
  // The lab repository's kubeadm package (the double, the API server double beside it, the
  // wrapper at the lab's version): its files, where dpkg would put them.
  const version = (parseYaml(readFileSync(join(lab.dir, 'group_vars', 'all.yml'), 'utf8')) as { kubernetes_version: string }).kubernetes_version;
  const kubeadmPackage = labKubePackages(version, readDoubles()).find((p) => p.name === 'kubeadm')!;
  for (const n of CPS) {
    for (const [path, f] of Object.entries(kubeadmPackage.files)) {
      mkdirSync(dirname(nodePath(n, path)), { recursive: true });
      writeFileSync(nodePath(n, path), f.content, { mode: f.mode });
    }
  }
  const cluster = sitePlays('cluster.yml', { 'The control plane (kubeadm init, then one join at a time)': ['kubeadm'] });
  rolePlaybook = sitePlays('etcd-backup-role.yml', { 'etcd backups on the control planes': ['etcd_backup'] });
  const r = k8sbm(['run', cluster, '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '-e', `control_plane_endpoint=${lab.nodes[0]!.address}:6443`], work);
  assert.equal(r.code, 0, `the cluster was not built\n${r.stdout.slice(-4000)}${r.stderr}`);
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
  process.stderr.write(`etcd_backup lab test: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

/** A playbook in the work folder: the named plays of site.yml as they are there, with only the given roles. */
function sitePlays(file: string, plays: Readonly<Record<string, readonly string[]>>): string {
  const site = parseYaml(readFileSync(join(repoRoot, 'playbooks', 'site.yml'), 'utf8')) as { name: string; roles?: ({ role: string } | string)[] }[];
  const picked = Object.entries(plays).map(([name, roles]) => {
    const play = site.find((p) => p.name === name);
    assert.ok(play, `site.yml has no play "${name}"`);
    const kept = (play.roles ?? []).filter((r) => roles.includes(typeof r === 'string' ? r : r.role));
    assert.equal(kept.length, roles.length, `site.yml's play "${name}" has not all of ${roles.join(', ')}`);
    return { ...play, roles: kept };
  });
  writeFileSync(join(work, file), stringifyYaml(picked));
  return join(work, file);
}
/** `k8sbm run|plan` of site.yml's etcd_backup play, --json, with the exit code it must have. */
function roleCli(command: 'run' | 'plan', code: number): CliResult {
  const r = k8sbm([command, rolePlaybook, '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json'], work);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout}${r.stderr}`);
  return r;
}
const nodePath = (n: string, p: string): string => join(nodeRootPath(lab.lab, n), p);
/**
 * What check mode must leave as it is: the node's /etc, the script's folder, the backups' folder,
 * and which etcd folders /var/lib has (etcd's own data changes as it runs).
 */
function nodeState(n: string): string {
  const trees = ['etc', 'usr/local/sbin', 'var/backups'].map((p) => (existsSync(nodePath(n, p)) ? treeHash(nodePath(n, p)) : '-'));
  return [...trees, readdirSync(nodePath(n, 'var/lib')).filter((d) => d.startsWith('etcd')).sort().join(',')].join(' ');
}
const etcdctl = (n: string, ...args: string[]): Promise<string> => onNode(n, [...ETCDCTL, ...args]);
const snapshots = (n: string): string[] => readdirSync(nodePath(n, BACKUPS)).filter((f) => /^etcd-snapshot-.*\.db$/.test(f)).sort();
function playbook(name: string, extra: readonly string[]): CliResult {
  return k8sbm(['run', join(repoRoot, 'playbooks', name), '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
}
function plan(name: string, extra: readonly string[]): CliResult {
  return k8sbm(['plan', join(repoRoot, 'playbooks', name), '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
}
/** The workstation's etcdctl reading a snapshot. */
function localStatus(file: string): { hash: number; revision: number; totalKey: number; totalSize: number } {
  const r = spawnSync('etcdctl', ['snapshot', 'status', file, '-w', 'json'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
}

describe('etcd backups and a restore of every member, on a real 3-member etcd', () => {
  it('check mode: plan of the role exits 2 with the role\'s changes and leaves every node byte-identical', () => {
    const states = CPS.map(nodeState);
    const p = roleCli('plan', 2);
    const changed = jsonEvents(p.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => `${String(e.host)} ${String(e.task)}`);
    for (const n of CPS) {
      for (const t of ["the snapshots' folder", 'backup settings', 'the backup script', 'backup cron entry']) {
        assert.ok(changed.includes(`${n} etcd_backup : ${t}`), `${n}: "${t}" not predicted\n${changed.join('\n')}`);
      }
    }
    assert.deepEqual(CPS.map(nodeState), states, 'a node changed in check mode');
  });

  it('apply: script, settings and a cron entry that passes its check (no systemd here); malformed entries are refused; second run changed=0', async () => {
    const r = roleCli('run', 0);
    for (const [h, c] of Object.entries(recapOf(r.stdout))) assert.equal(c.failed ?? 0, 0, `${h}: ${JSON.stringify(c)}`);
    for (const n of CPS) {
      assert.equal(readFileSync(nodePath(n, 'etc/cron.d/k8sbm-etcd-backup'), 'utf8'),
        '# Managed by k8sbm (role etcd_backup): an etcd snapshot at the hours of etcd_backup_hours\n' +
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n17 0,6,12,18 * * * root /usr/local/sbin/k8sbm-etcd-backup\n');
      assert.match(readFileSync(nodePath(n, 'etc/default/k8sbm-etcd-backup'), 'utf8'), /^KEEP_COUNT=28\nKEEP_DAYS=7\n/m);
      assert.ok(!existsSync(nodePath(n, 'etc/systemd/system/k8sbm-etcd-backup.timer')));
    }
    // The live entry passes the check, and each malformed one is refused (exit 2, the file named):
    // one round trip for all of them.
    const bad = ['17 0,6 * * * root /usr/local/sbin/k8sbm-etcd-backup', '61 1 * * * root /usr/local/sbin/k8sbm-etcd-backup\n', '17 1 * * * /usr/local/sbin/k8sbm-etcd-backup\n', '17 24 * * * root /usr/local/sbin/k8sbm-etcd-backup\n'];
    const checks = await onNode('node01', [
      `${SCRIPT} --check-cron /etc/cron.d/k8sbm-etcd-backup 2>&1; echo "rc=$?"`,
      ...bad.map((b, i) => `printf '%s' '${b}' > /tmp/cron-bad-${i}; ${SCRIPT} --check-cron /tmp/cron-bad-${i} 2>&1; echo "rc=$?"; rm -f /tmp/cron-bad-${i}`),
    ].join('; '));
    const outcomes = checks.split(/^rc=(\d+)\n/m);
    assert.deepEqual([outcomes[0], outcomes[1]], ['', '0'], checks);
    bad.forEach((b, i) => {
      assert.equal(outcomes[2 * i + 3], '2', `accepted: ${JSON.stringify(b)}\n${checks}`);
      assert.match(outcomes[2 * i + 2]!, new RegExp(`^k8sbm-etcd-backup: /tmp/cron-bad-${i}: `), checks);
    });
    const again = roleCli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
  });

  it('the script takes a real snapshot and prunes by age and by count; it refuses to start below the free-space floor', async () => {
    const n = 'node02';
    // A test copy of the settings (3 kept, 2 days), a first real snapshot read back, and three
    // copies of it aged 10 days (past KEEP_DAYS), 1 day and 3 hours (within it).
    const env = 'K8SBM_ETCD_BACKUP_CONF=/tmp/etcd-backup.conf';
    const first = await onNode(n, `sed -e 's/^KEEP_COUNT=.*/KEEP_COUNT=3/' -e 's/^KEEP_DAYS=.*/KEEP_DAYS=2/' /etc/default/k8sbm-etcd-backup > /tmp/etcd-backup.conf && ` +
      `f=$(${env} ${SCRIPT} | tail -n 1) && etcdctl snapshot status "$f" -w json && echo "$f" && ` +
      ['10 days ago', '1 day ago', '3 hours ago'].map((age, i) => `cp "$f" ${BACKUPS}/etcd-snapshot-node02-old${i}.db && touch -d '${age}' ${BACKUPS}/etcd-snapshot-node02-old${i}.db`).join(' && '));
    const [status, firstPath] = first.trim().split('\n');
    assert.match(firstPath!, /^\/var\/backups\/etcd\/etcd-snapshot-node02-\d{8}T\d{6}\.\d{3}Z\.db$/);
    assert.match(status!, /"revision":\d+/);
    // One run prunes both ways: old0 by age; then, of old1, old2 and the first (newest first), all
    // but KEEP_COUNT - 1 beside the new snapshot: old1.
    const second = await onNode(n, `${env} ${SCRIPT}`);
    assert.match(second, /pruned \(older than 2 days\): \/var\/backups\/etcd\/etcd-snapshot-node02-old0\.db\n/);
    assert.match(second, /pruned \(more than 3 kept\): \/var\/backups\/etcd\/etcd-snapshot-node02-old1\.db\n/);
    assert.equal((second.match(/pruned/g) ?? []).length, 2, second);
    const kept = snapshots(n);
    assert.deepEqual(kept, [firstPath!, second.trim().split('\n').at(-1)!].map((f) => f.split('/').at(-1)!).concat('etcd-snapshot-node02-old2.db').sort());
    // Free-space floor: no snapshot, exit 3.
    const low = await labSsh(lab, n, `sed -i 's/^MIN_FREE_MB=.*/MIN_FREE_MB=999999999/' /tmp/etcd-backup.conf && ${env} ${SCRIPT}; rc=$?; rm -f /tmp/etcd-backup.conf; exit $rc`);
    assert.equal(low.code, 3, low.stderr);
    assert.match(low.stderr, /below MIN_FREE_MB=999999999: no snapshot taken/);
    assert.deepEqual(snapshots(n), kept);
  });

  let restoreFile = '';
  it('etcd-backup.yml: a fresh snapshot fetched to the workstation, read back there, the newest 2 kept', async () => {
    await etcdctl('node01', 'put', '/k8sbm-test/before', 'written-before-the-snapshot');
    const local = join(work, 'backups');
    const args = ['-e', `etcd_backup_local_dir=${local}`, '-e', 'etcd_backup_local_keep=2'];
    const states = CPS.map(nodeState);
    const p = plan('etcd-backup.yml', args);
    assert.equal(p.code, 2, p.stdout + p.stderr);
    assert.deepEqual(CPS.map(nodeState), states, 'a node changed in check mode');
    assert.ok(!existsSync(local), 'check mode made the workstation folder');
    // Earlier snapshots in the folder (2 days and 1 day old) and a file of the operator's.
    mkdirSync(local, { recursive: true });
    const earlier = ['etcd-snapshot-node01-20261201T001700.000Z.db', 'etcd-snapshot-node01-20261202T001700.000Z.db'];
    for (const [i, f] of [...earlier, 'notes.txt'].entries()) {
      writeFileSync(join(local, f), 'an earlier file\n');
      const t = new Date(Date.now() - (2 - i) * 86_400_000 - 3_600_000);
      utimesSync(join(local, f), t, t);
    }
    const r = playbook('etcd-backup.yml', args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const msg = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.task === 'the snapshot kept');
    const m = /^(\/\S+\/etcd-snapshot-node01-\S+\.db): revision (\d+), hash (\d+), (\d+) keys, (\d+) bytes$/.exec(String(msg?.msg));
    assert.ok(m, r.stdout);
    restoreFile = m[1]!;
    assert.deepEqual([statSync(local).mode & 0o777, statSync(restoreFile).mode & 0o777], [0o700, 0o600], 'the folder 0700, the snapshot 0600');
    const st = localStatus(restoreFile);
    assert.deepEqual([st.revision, st.hash, st.totalKey, st.totalSize], [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
    // The newest 2 snapshots kept: the one just taken and the one of a day ago; no other file touched.
    assert.deepEqual(readdirSync(local).sort(), [earlier[1]!, restoreFile.split('/').at(-1)!, 'notes.txt'].sort());
    await etcdctl('node02', 'put', '/k8sbm-test/after', 'written-after-the-snapshot');
  });

  const restoreArgs = (): string[] => ['-e', `etcd_restore_snapshot=${restoreFile}`];
  it('etcd-restore.yml refuses without the confirmation (etcd untouched); its plan changes nothing', async () => {
    const refused = playbook('etcd-restore.yml', restoreArgs());
    assert.ok(refused.code !== 0 && refused.code !== 2, `exit ${refused.code}`);
    assert.match(refused.stdout + refused.stderr, /confirm with\s+-e etcd_restore_confirm=FILE-NAME-OF-THE-SNAPSHOT/);
    const wrong = playbook('etcd-restore.yml', [...restoreArgs(), '-e', 'etcd_restore_confirm=yes']);
    assert.ok(wrong.code !== 0 && wrong.code !== 2, `exit ${wrong.code}`);
    const partial = playbook('etcd-restore.yml', [...restoreArgs(), '-e', `etcd_restore_confirm=${restoreFile.split('/').at(-1)!}`, '-l', 'node01,node02']);
    assert.ok(partial.code !== 0 && partial.code !== 2, `exit ${partial.code}`);
    assert.match(partial.stdout + partial.stderr, /every etcd member is restored from the same snapshot in one run/);
    assert.equal((await etcdctl('node03', 'get', '/k8sbm-test/after', '--print-value-only')).trim(), 'written-after-the-snapshot');
    const states = CPS.map(nodeState);
    const p = plan('etcd-restore.yml', [...restoreArgs(), '-e', `etcd_restore_confirm=${restoreFile.split('/').at(-1)!}`]);
    assert.equal(p.code, 2, p.stdout + p.stderr);
    assert.deepEqual(CPS.map(nodeState), states, 'a node changed in check mode');
    for (const n of CPS) assert.ok(existsSync(nodePath(n, 'etc/kubernetes/manifests/etcd.yaml')));
  });

  it('etcd-restore.yml restores every member from the one snapshot: the key written before it is back, the one written after is gone', async () => {
    const r = playbook('etcd-restore.yml', [...restoreArgs(), '-e', `etcd_restore_confirm=${restoreFile.split('/').at(-1)!}`]);
    assert.equal(r.code, 0, r.stdout.slice(-6000) + r.stderr);
    // Every member, read on its own endpoint: exactly the key written before the snapshot.
    const keys = await Promise.all(CPS.map((n) => etcdctl(n, 'get', '/k8sbm-test/', '--prefix')));
    assert.deepEqual(keys, CPS.map(() => '/k8sbm-test/before\nwritten-before-the-snapshot\n'));
    for (const n of CPS) {
      assert.ok(readdirSync(nodePath(n, 'var/lib')).some((d) => d.startsWith('etcd.before-restore-')), `${n}: the old data directory is not kept`);
      assert.ok(!existsSync(nodePath(n, 'var/lib/etcd-restore/' + restoreFile.split('/').at(-1)!)), 'the pushed snapshot is removed');
      assert.ok(existsSync(nodePath(n, 'etc/kubernetes/manifests/kube-apiserver.yaml')));
    }
    const [list, health] = await Promise.all([
      etcdctl('node01', 'member', 'list', '-w', 'json'),
      onNode('node01', `${ETCDCTL.join(' ')} endpoint health --cluster 2>&1`),
    ]);
    assert.deepEqual((JSON.parse(list) as { members: { name: string }[] }).members.map((m) => m.name).sort(), CPS);
    assert.equal((health.match(/is healthy/g) ?? []).length, 3, health);
    // The restored cluster takes writes on every member, and the scheduled backup works on it.
    await onNode('node03', `${ETCDCTL.join(' ')} put /k8sbm-test/after-restore ok && ${SCRIPT}`);
    assert.equal((await etcdctl('node01', 'get', '/k8sbm-test/after-restore', '--print-value-only')).trim(), 'ok');
  });
});
