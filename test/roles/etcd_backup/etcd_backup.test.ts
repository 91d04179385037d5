/**
 * The etcd_backup role and the etcd-backup.yml and etcd-restore.yml playbooks on 3 lab control
 * planes, against a real etcd cluster.
 *
 * Real: sshd, apt installing kubeadm/kubelet/kubectl from the lab's repository, etcd (Debian's
 * 3.4, three members started with the PKI the kubeadm double made with openssl), etcdctl on the
 * nodes and on the workstation (snapshot save, status, restore), the role's script taking
 * snapshots and pruning them by age and count, the fetch to the workstation, the static pod
 * manifests moved aside and back, each member's data directory restored and swapped.
 * TEST DOUBLES: kubeadm (test/doubles/kubeadm) and the API server double it starts; the part of
 * the kubelet that runs etcd's static pod is the double's small runner (etcd runs while
 * /etc/kubernetes/manifests/etcd.yaml is there). No systemd in the lab: the role writes the cron
 * entry, checked by the script's --check-cron (no cron daemon runs it here); the systemd units are
 * checked with systemd-analyze verify in test/unit/etcd-backup-units.test.ts.
 *
 * The cluster is built in before() with site.yml -t kube_packages, then -t kubeadm (the API endpoint is
 * node01's own port: no VIP or haproxy in this lab).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
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
const { cli, onNode } = role;
let endpointArg: string[];
const started = Date.now();

before(async () => {
  lab = await startLab({ name: 'etcdbk', nodes: 3 });
  endpointArg = ['-e', `control_plane_endpoint=${lab.nodes[0]!.address}:6443`];
  // Two runs, each within the CLI helper's time limit: the packages, then the cluster.
  for (const tags of ['kube_packages', 'kubeadm']) {
    const r = k8sbm(['run', join(repoRoot, 'playbooks', 'site.yml'), '-i', lab.inventoryFile, '-t', tags, '--roles-path', join(repoRoot, 'roles'), ...endpointArg], work);
    assert.equal(r.code, 0, `the cluster was not built (-t ${tags})\n${r.stdout.slice(-4000)}${r.stderr}`);
  }
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
  process.stderr.write(`etcd_backup lab test: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

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
  it('check mode: plan -t etcd_backup exits 2 with the role\'s changes and leaves every node byte-identical', () => {
    const states = CPS.map(nodeState);
    const p = cli('plan', 2, { extra: endpointArg });
    const changed = jsonEvents(p.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => `${String(e.host)} ${String(e.task)}`);
    for (const n of CPS) {
      for (const t of ["the snapshots' folder", 'backup settings', 'the backup script', 'backup cron entry']) {
        assert.ok(changed.includes(`${n} etcd_backup : ${t}`), `${n}: "${t}" not predicted\n${changed.join('\n')}`);
      }
    }
    assert.deepEqual(CPS.map(nodeState), states, 'a node changed in check mode');
  });

  it('apply: script, settings and a cron entry that passes its check (no systemd here); a malformed entry is refused; second run changed=0, plan 0', async () => {
    const r = cli('run', 0, { extra: endpointArg });
    for (const [h, c] of Object.entries(recapOf(r.stdout))) assert.equal(c.failed ?? 0, 0, `${h}: ${JSON.stringify(c)}`);
    for (const n of CPS) {
      assert.equal(readFileSync(nodePath(n, 'etc/cron.d/k8sbm-etcd-backup'), 'utf8'),
        '# Managed by k8sbm (role etcd_backup): an etcd snapshot at the hours of etcd_backup_hours\n' +
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n17 0,6,12,18 * * * root /usr/local/sbin/k8sbm-etcd-backup\n');
      assert.match(readFileSync(nodePath(n, 'etc/default/k8sbm-etcd-backup'), 'utf8'), /^KEEP_COUNT=28\nKEEP_DAYS=7\n/m);
      assert.ok(!existsSync(nodePath(n, 'etc/systemd/system/k8sbm-etcd-backup.timer')));
    }
    await onNode('node01', [SCRIPT, '--check-cron', '/etc/cron.d/k8sbm-etcd-backup']);
    for (const bad of ['17 0,6 * * * root /usr/local/sbin/k8sbm-etcd-backup', '61 1 * * * root /usr/local/sbin/k8sbm-etcd-backup\n', '17 1 * * * /usr/local/sbin/k8sbm-etcd-backup\n', '17 24 * * * root /usr/local/sbin/k8sbm-etcd-backup\n']) {
      const res = await labSsh(lab, 'node01', `printf '%s' '${bad}' > /tmp/cron-bad && ${SCRIPT} --check-cron /tmp/cron-bad`);
      assert.equal(res.code, 2, `accepted: ${JSON.stringify(bad)}`);
      assert.match(res.stderr, /k8sbm-etcd-backup: \/tmp\/cron-bad: /);
    }
    const again = cli('run', 0, { extra: endpointArg });
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    cli('plan', 0, { extra: endpointArg });
  });

  it('the script takes a real snapshot and prunes by age and by count; it refuses to start below the free-space floor', async () => {
    const n = 'node02';
    // A test copy of the settings: 3 kept, 2 days.
    await onNode(n, `sed -e 's/^KEEP_COUNT=.*/KEEP_COUNT=3/' -e 's/^KEEP_DAYS=.*/KEEP_DAYS=2/' /etc/default/k8sbm-etcd-backup > /tmp/etcd-backup.conf`);
    const env = 'K8SBM_ETCD_BACKUP_CONF=/tmp/etcd-backup.conf';
    const first = (await onNode(n, `${env} ${SCRIPT}`)).trim().split('\n');
    const firstPath = first.at(-1)!;
    assert.match(firstPath, /^\/var\/backups\/etcd\/etcd-snapshot-node02-\d{8}T\d{6}\.\d{3}Z\.db$/);
    assert.match(await onNode(n, ['etcdctl', 'snapshot', 'status', firstPath, '-w', 'json']), /"revision":\d+/);
    // Two older snapshots (copies of a real one): 10 days old (past KEEP_DAYS), 1 day old (within).
    await onNode(n, `cp ${firstPath} ${BACKUPS}/etcd-snapshot-node02-old10d.db && touch -d '10 days ago' ${BACKUPS}/etcd-snapshot-node02-old10d.db && ` +
      `cp ${firstPath} ${BACKUPS}/etcd-snapshot-node02-old1d.db && touch -d '1 day ago' ${BACKUPS}/etcd-snapshot-node02-old1d.db`);
    const second = await onNode(n, `${env} ${SCRIPT}`);
    assert.match(second, /pruned \(older than 2 days\): \/var\/backups\/etcd\/etcd-snapshot-node02-old10d\.db/);
    assert.ok(!snapshots(n).includes('etcd-snapshot-node02-old10d.db'));
    assert.ok(snapshots(n).includes('etcd-snapshot-node02-old1d.db'), 'within the age and the count: kept');
    const third = await onNode(n, `${env} ${SCRIPT}`);
    assert.match(third, /pruned \(more than 3 kept\): \/var\/backups\/etcd\/etcd-snapshot-node02-old1d\.db/);
    const newest = (await onNode(n, `${env} ${SCRIPT}`)).trim().split('\n').at(-1)!;
    const kept = snapshots(n);
    assert.equal(kept.length, 3, kept.join(' '));
    assert.ok(!kept.includes(firstPath.split('/').at(-1)!), 'the oldest real snapshot pruned by count');
    assert.ok(kept.includes(newest.split('/').at(-1)!));
    // Free-space floor: no snapshot, exit 3.
    const low = await labSsh(lab, n, `sed -i 's/^MIN_FREE_MB=.*/MIN_FREE_MB=999999999/' /tmp/etcd-backup.conf && ${env} ${SCRIPT}`);
    assert.equal(low.code, 3, low.stderr);
    assert.match(low.stderr, /below MIN_FREE_MB=999999999: no snapshot taken/);
    assert.deepEqual(snapshots(n), kept);
    await onNode(n, ['rm', '-f', '/tmp/etcd-backup.conf']);
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
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = playbook('etcd-backup.yml', args);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const kept = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.task === 'the snapshot kept');
      const m = /^(\/\S+\/etcd-snapshot-node01-\S+\.db): revision (\d+), hash (\d+), (\d+) keys, (\d+) bytes$/.exec(String(kept?.msg));
      assert.ok(m, r.stdout);
      const st = localStatus(m[1]!);
      assert.deepEqual([st.revision, st.hash, st.totalKey, st.totalSize], [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
      taken.push(m[1]!);
    }
    const kept = readdirSync(local).sort();
    assert.deepEqual(kept, taken.slice(1).map((f) => f.split('/').at(-1)!).sort(), 'the newest 2 kept on the workstation');
    restoreFile = taken.at(-1)!;
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
    for (const n of CPS) {
      assert.equal((await etcdctl(n, 'get', '/k8sbm-test/before', '--print-value-only')).trim(), 'written-before-the-snapshot', n);
      assert.equal((await etcdctl(n, 'get', '/k8sbm-test/after', '--print-value-only')).trim(), '', `${n}: a key written after the snapshot survived`);
      assert.ok(readdirSync(nodePath(n, 'var/lib')).some((d) => d.startsWith('etcd.before-restore-')), `${n}: the old data directory is not kept`);
      assert.ok(!existsSync(nodePath(n, 'var/lib/etcd-restore/' + restoreFile.split('/').at(-1)!)), 'the pushed snapshot is removed');
      assert.ok(existsSync(nodePath(n, 'etc/kubernetes/manifests/kube-apiserver.yaml')));
    }
    const members = JSON.parse(await etcdctl('node01', 'member', 'list', '-w', 'json')) as { members: { name: string }[] };
    assert.deepEqual(members.members.map((m) => m.name).sort(), CPS);
    const health = await onNode('node01', `${ETCDCTL.join(' ')} endpoint health --cluster 2>&1`);
    assert.equal((health.match(/is healthy/g) ?? []).length, 3, health);
    // The restored cluster takes writes on every member, and the scheduled backup works on it.
    await etcdctl('node03', 'put', '/k8sbm-test/after-restore', 'ok');
    assert.equal((await etcdctl('node01', 'get', '/k8sbm-test/after-restore', '--print-value-only')).trim(), 'ok');
    await onNode('node03', [SCRIPT]);
  });
});
