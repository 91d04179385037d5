/**
 * The rook_ceph role on 3 lab nodes (node01-03: the control planes and the ceph_osd group).
 *
 * Real: sshd, the nodes' files, the k8sbm CLI and engine, every object checked against the
 * shipped Rook CRDs. TEST DOUBLE: kubectl (test/doubles/kubectl, installed by this test as
 * /usr/local/bin/kubectl on node01 with a placeholder admin.conf, as the kube_packages and kubeadm
 * roles would have; it records every call and keeps the objects it was sent as files, and says
 * the operator's Deployment rolled out once this test sets its ready flag). No API server, no
 * Rook operator, no Ceph, no disk.
 *
 * Check mode first, on fresh nodes (no kubectl, no admin.conf): plan predicts every send and
 * changes no file. Then kubectl and admin.conf are put in place and the run changes exactly the
 * planned tasks, in order (CRDs, common, operator, rollout wait, CephCluster, pool and
 * StorageClass). A second run changes nothing and sends nothing; plan exits 0 and leaves the node
 * byte-identical.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const NODES = ['node01', 'node02', 'node03'];
const work = tempDir('role-rook');
const started = Date.now();
let lab: TestLab;
let inventory: string;

before(async () => {
  lab = await startLab({ name: 'rook', nodes: 3 });
  const dir = join(work, 'inv');
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  writeFileSync(join(dir, 'hosts'), `${readFileSync(lab.inventoryFile, 'utf8')}\n[ceph_osd]\n${NODES.join('\n')}\n`);
  writeFileSync(join(dir, 'group_vars', 'all.yml'), `${readFileSync(join(lab.dir, 'group_vars', 'all.yml'), 'utf8')}ceph_osd_devices: [vdb]\nrook_ceph_operator_timeout: 20\n`);
  inventory = join(dir, 'hosts');
  writeFileSync(join(work, 'rook.yml'), [
    '- hosts: control_plane',
    '  become: true',
    '  any_errors_fatal: true',
    '  roles: [rook_ceph]',
    '',
  ].join('\n'));
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
  process.stderr.write(`rook_ceph lab test: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

function cli(command: 'run' | 'plan', code: number): CliResult {
  const r = k8sbm([command, 'rook.yml', '-i', inventory, '--roles-path', join(repoRoot, 'roles'), '--json'], work);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout.slice(-4000)}${r.stderr}`);
  return r;
}
const root = (): string => nodeRootPath(lab.lab, 'node01');
/** What check mode must leave as it is: node01's /etc, /usr/local and the double's state. */
function nodeState(): string {
  const st = join(root(), 'var/lib/kubectl-double');
  return `${treeHash(join(root(), 'etc'))} ${treeHash(join(root(), 'usr/local'))} ${existsSync(st) ? treeHash(st) : 'none'}`;
}
function changedTasks(stdout: string): string[] {
  return jsonEvents(stdout).filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => `${String(e.host)} ${String(e.task)}`);
}
/** The kubectl double's calls on node01: the command of each (diff, apply, rollout ...). */
function kubectlCommands(): string[] {
  const f = join(root(), 'var/log/kubectl-double.log');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const argv = JSON.parse(l) as string[];
    return argv.find((a) => ['diff', 'apply', 'rollout', 'wait', 'get', 'version'].includes(a)) ?? argv.join(' ');
  });
}
const objectFile = (...p: string[]): string => join(root(), 'var/lib/kubectl-double/objects', ...p);

describe('rook_ceph on 3 lab nodes (kubectl is a test double)', () => {
  let planned: string[];

  it('plan on fresh nodes (no kubectl, no admin.conf): every send predicted, from node01 only; nothing changes', () => {
    const states = nodeState();
    const r = cli('plan', 2);
    planned = changedTasks(r.stdout);
    assert.deepEqual(planned, [
      "node01 rook_ceph : Rook's CRDs", "node01 rook_ceph : Rook's namespace, service accounts and RBAC", 'node01 rook_ceph : the Rook operator, rolled out',
      'node01 rook_ceph : the Ceph cluster', 'node01 rook_ceph : the block pool and its StorageClass',
    ]);
    assert.equal(nodeState(), states, 'check mode changed node01');
  });

  it('run, once kubectl and admin.conf are there: exactly the planned changes, in order CRDs, common, operator, its rollout, then the Ceph objects', () => {
    // A node's root is an overlay on the machine's own: a log the double left on the machine (someone
    // ran it by hand) would show through, and be counted as this run's calls.
    for (const n of ['node01', 'node02', 'node03']) rmSync(join(nodeRootPath(lab.lab, n), 'var/log/kubectl-double.log'), { force: true });
    mkdirSync(join(root(), 'usr/local/bin'), { recursive: true });
    copyFileSync(join(repoRoot, 'test', 'doubles', 'kubectl'), join(root(), 'usr/local/bin/kubectl'));
    chmodSync(join(root(), 'usr/local/bin/kubectl'), 0o755);
    mkdirSync(join(root(), 'etc/kubernetes'), { recursive: true });
    writeFileSync(join(root(), 'etc/kubernetes/admin.conf'), '# placeholder: the kubectl test double only checks that its kubeconfig exists\n', { mode: 0o600 });
    mkdirSync(join(root(), 'var/lib/kubectl-double/ready'), { recursive: true });
    writeFileSync(join(root(), 'var/lib/kubectl-double/ready/deployment.rook-ceph.rook-ceph-operator'), '');

    const r = cli('run', 0);
    assert.deepEqual(changedTasks(r.stdout), planned);
    assert.deepEqual(kubectlCommands(), ['diff', 'apply', 'diff', 'apply', 'diff', 'apply', 'rollout', 'diff', 'apply', 'diff', 'apply'], readFileSync(join(root(), 'var/log/kubectl-double.log'), 'utf8').split('\n').slice(0, 8).join('\n'));
    for (const n of ['node02', 'node03']) assert.ok(!existsSync(join(nodeRootPath(lab.lab, n), 'var/log/kubectl-double.log')), `kubectl ran on ${n}`);
    // Which apply sent what: the objects' files, written in the order they were sent.
    const sent = [
      objectFile('apiextensions.k8s.io/CustomResourceDefinition/_cluster/cephclusters.ceph.rook.io.json'),
      objectFile('core/Namespace/_cluster/rook-ceph.json'),
      objectFile('apps/Deployment/rook-ceph/rook-ceph-operator.json'),
      objectFile('ceph.rook.io/CephCluster/rook-ceph/rook-ceph.json'),
      objectFile('ceph.rook.io/CephBlockPool/rook-ceph/replicapool.json'),
      objectFile('storage.k8s.io/StorageClass/_cluster/rook-ceph-block.json'),
    ];
    const times = sent.map((f) => statSync(f).mtimeMs);
    for (let i = 1; i < times.length - 1; i++) assert.ok(times[i - 1]! < times[i]!, `${sent[i - 1]} was not sent before ${sent[i]}`);
    const cluster = JSON.parse(readFileSync(sent[3]!, 'utf8')) as { spec: Record<string, any> };
    assert.deepEqual(cluster.spec.mon, { count: 3, allowMultiplePerNode: false });
    assert.deepEqual(cluster.spec.network, { provider: 'host', addressRanges: { public: [`${lab.nodes[0]!.address.replace(/\.\d+$/, '.0')}/24`] } });
    assert.deepEqual(cluster.spec.storage.nodes, NODES.map((name) => ({ name, devices: [{ name: 'vdb' }] })));
  });

  it('second run: changed=0 and nothing applied (the rollout is checked again); plan exits 0 and leaves node01 byte-identical', () => {
    const before = kubectlCommands().length;
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    assert.deepEqual(kubectlCommands().slice(before), ['diff', 'diff', 'diff', 'rollout', 'diff', 'diff']);
    const states = nodeState();
    cli('plan', 0);
    assert.equal(nodeState(), states, 'check mode changed node01');
  });
});
