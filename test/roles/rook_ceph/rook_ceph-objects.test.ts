/**
 * The rook_ceph role's objects for the reference cluster (inventories/example), rendered by the
 * real CLI in check mode and checked by k8s_apply against the shipped Rook CRDs, without a lab:
 * every host of the inventory is reached by the local connection, and kubectl is the TEST DOUBLE
 * (test/doubles/kubectl, first on PATH, recording every call in this test's folder). The
 * kubeconfig does not exist, as on a fresh cluster, so check mode plans every object as new and
 * shows it whole. Wrong values are refused before any kubectl call: the double's log stays empty.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { checkManifest, parseManifestText } from '../../../src/modules/kubernetes/k8s_apply-manifest.js';
import { loadCrdFiles } from '../../../src/modules/kubernetes/k8s-schemas.js';
import { shippedCrdFiles } from '../../../src/modules/kubernetes/shipped-crds.js';
import { K8sbmError } from '../../../src/source/errors.js';
import { jsonEvents, k8sbm, type CliResult } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const work = tempDir('role-rook-objects');
after(() => removeTempDir(work));

const bin = join(work, 'bin');
mkdirSync(bin);
symlinkSync(join(repoRoot, 'test', 'doubles', 'kubectl'), join(bin, 'kubectl'));
chmodSync(join(repoRoot, 'test', 'doubles', 'kubectl'), 0o755);
const log = join(work, 'kubectl-double.log');
const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, K8SBM_KUBECTL_DOUBLE_LOG: log, K8SBM_KUBECTL_DOUBLE_STATE: join(work, 'state') };

// The reference inventory, every host local.
const inv = join(work, 'example');
cpSync(join(repoRoot, 'inventories', 'example'), inv, { recursive: true });
writeFileSync(join(inv, 'hosts'), readFileSync(join(inv, 'hosts'), 'utf8').replace('ansible_user=ops', 'ansible_user=root\nansible_connection=local'));
writeFileSync(join(work, 'rook.yml'), [
  '- hosts: control_plane',
  '  gather_facts: false',
  '  any_errors_fatal: true',
  '  roles: [rook_ceph]',
  '',
].join('\n'));

function plan(extra: readonly string[] = []): CliResult {
  rmSync(log, { force: true });
  return k8sbm(['plan', 'rook.yml', '-i', join(inv, 'hosts'), '--roles-path', join(repoRoot, 'roles'), '--json',
    '-e', `rook_ceph_kubeconfig=${join(work, 'no-admin.conf')}`, ...extra], work, env);
}
const kubectlCalls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

/** task -> the objects its check-mode plan would send (each diff's after side). */
function planned(r: CliResult): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const e of jsonEvents(r.stdout)) {
    if (e.event !== 'task_result' || e.status !== 'changed') continue;
    out[String(e.task)] = (e.diff as { after: string | null }[]).map((d) => parseYaml(d.after ?? '') as Record<string, unknown>);
  }
  return out;
}

describe('rook_ceph: the reference cluster\'s objects, checked against the shipped CRDs', () => {
  let objects: Record<string, Record<string, unknown>[]>;

  it('check mode on a fresh cluster: every object planned, in order, from the first control plane only', () => {
    const r = plan();
    assert.equal(r.code, 2, r.stdout.slice(-3000) + r.stderr);
    objects = planned(r);
    assert.deepEqual(Object.keys(objects), [
      "rook_ceph : Rook's CRDs", "rook_ceph : Rook's namespace, service accounts and RBAC", 'rook_ceph : the Rook operator, rolled out',
      'rook_ceph : the Ceph cluster', 'rook_ceph : the block pool and its StorageClass',
    ]);
    const hosts = new Set(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => e.host));
    assert.deepEqual([...hosts], ['cp1']);
    assert.equal(objects["rook_ceph : Rook's CRDs"]!.length, 21);
    const operator = objects['rook_ceph : the Rook operator, rolled out']!.map((o) => o.kind);
    assert.deepEqual(operator, ['ConfigMap', 'ConfigMap', 'Deployment'], 'the csi.ceph.io objects are held back');
    // One read-only call per task (kubectl diff), nothing applied.
    assert.ok(kubectlCalls().every((l) => JSON.parse(l).includes('diff')), kubectlCalls().join('\n'));
  });

  it('the CephCluster: 3 mons, one per node, on the ceph_mon hosts; host networking on the storage VLAN; the ceph_osd nodes and their devices; pod budgets managed', () => {
    const [cluster] = objects['rook_ceph : the Ceph cluster']!;
    const spec = cluster!.spec as Record<string, any>;
    assert.deepEqual(spec.mon, { count: 3, allowMultiplePerNode: false });
    assert.deepEqual(spec.network, { provider: 'host', addressRanges: { public: ['10.30.20.0/24'] } });
    assert.deepEqual(spec.placement.mon.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values, ['cp1', 'cp2', 'cp3']);
    assert.deepEqual(spec.storage, {
      useAllNodes: false, useAllDevices: false,
      nodes: ['worker01', 'worker02', 'worker03'].map((name) => ({ name, devices: [{ name: 'sdb' }, { name: 'sdc' }] })),
    });
    assert.equal(spec.dataDirHostPath, '/var/lib/rook');
    assert.equal(spec.disruptionManagement.managePodBudgets, true);
  });

  it('the block pool (replicated, size 3, failure domain host) and its RBD StorageClass, not the default', () => {
    const [pool, sc] = objects['rook_ceph : the block pool and its StorageClass']!;
    assert.deepEqual((pool!.spec as Record<string, unknown>), { failureDomain: 'host', replicated: { size: 3, requireSafeReplicaSize: true } });
    assert.equal(sc!.provisioner, 'rook-ceph.rbd.csi.ceph.com');
    assert.equal((sc!.parameters as Record<string, string>).pool, 'replicapool');
    assert.deepEqual((sc!.metadata as Record<string, unknown>).annotations, { 'storageclass.kubernetes.io/is-default-class': 'false' });
  });

  it('options: 5 mons, a cluster network inside the storage network, the StorageClass the default', () => {
    // The reference inventory has 3 ceph_mon hosts: 5 monitors need 5 nodes, so ceph_mon is widened.
    const r = plan(['-e', '{"rook_ceph_mon_count": 5}']);
    assert.notEqual(r.code, 2, 'five monitors on three ceph_mon hosts are refused');
    assert.match(r.stdout, /rook_ceph_mon_count is 5 but only 3 nodes may hold a monitor \(ceph_mon\)/);
    assert.deepEqual(kubectlCalls(), [], 'refused before any kubectl call');
    writeFileSync(join(inv, 'hosts'), readFileSync(join(inv, 'hosts'), 'utf8').replace('[ceph_mon]\ncp[1:3]', '[ceph_mon]\ncp[1:3]\nworker[01:02]'));
    try {
      const ok = plan(['-e', '{"rook_ceph_mon_count": 5, "rook_ceph_cluster_cidr": "10.30.20.128/25", "rook_ceph_storageclass_default": true}']);
      assert.equal(ok.code, 2, ok.stdout.slice(-3000));
      const o = planned(ok);
      const spec = o['rook_ceph : the Ceph cluster']![0]!.spec as Record<string, any>;
      assert.equal(spec.mon.count, 5);
      assert.deepEqual(spec.network.addressRanges, { public: ['10.30.20.0/24'], cluster: ['10.30.20.128/25'] });
      const sc = o['rook_ceph : the block pool and its StorageClass']![1]!;
      assert.deepEqual((sc.metadata as Record<string, unknown>).annotations, { 'storageclass.kubernetes.io/is-default-class': 'true' });
    } finally {
      writeFileSync(join(inv, 'hosts'), readFileSync(join(inv, 'hosts'), 'utf8').replace('[ceph_mon]\ncp[1:3]\nworker[01:02]', '[ceph_mon]\ncp[1:3]'));
    }
  });

  it('an even mon count (from the inventory) is refused at the role\'s start, at the role\'s place, before any kubectl call', () => {
    const gv = join(inv, 'group_vars', 'all.yml');
    const before = readFileSync(gv, 'utf8');
    writeFileSync(gv, `${before}rook_ceph_mon_count: 4\n`);
    try {
      const r = plan();
      assert.ok(r.code !== 0 && r.code !== 2, r.stdout.slice(-2000));
      const failed = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.status === 'failed');
      assert.equal(failed?.code, 'K8SBM_ROLE_ARG_INVALID', JSON.stringify(failed));
      assert.equal(failed?.msg, 'K8SBM_ROLE_ARG_INVALID: rook_ceph_mon_count must be one of 3, 5, got 4');
      assert.equal((failed?.detail as string[])[0], `${join(work, 'rook.yml')}:4:11`);
      assert.deepEqual(kubectlCalls(), []);
    } finally {
      writeFileSync(gv, before);
    }
  });

  for (const [what, extra, message] of [
    ['a storage_cidr without its prefix', { storage_cidr: '10.30.20.0' }, /the storage network is not one: storage_cidr is 10\.30\.20\.0/],
    ['ceph_public_network another network than storage_cidr (the firewall opens Ceph\'s ports to storage_cidr)', { ceph_public_network: '10.30.99.0/24' }, /ceph_public_network is 10\.30\.99\.0\/24/],
    ['a cluster network outside the storage network', { rook_ceph_cluster_cidr: '10.30.99.0/24' }, /rook_ceph_cluster_cidr is\s+\\"10\.30\.99\.0\/24\\" \(it must lie inside storage_cidr\)/],
    ['a storage node without devices', { ceph_osd_devices: [] }, /worker01 is in ceph_osd: it needs ceph_osd_devices/],
  ] as const) {
    it(`${what}: refused before any kubectl call`, () => {
      const r = plan(['-e', JSON.stringify(extra)]);
      assert.ok(r.code !== 0 && r.code !== 2, r.stdout.slice(-2000));
      assert.match(r.stdout, message);
      assert.deepEqual(kubectlCalls(), []);
    });
  }

  it('the CRD schema refuses what the role\'s checks let through, at the field\'s line (a rendered CephCluster with a network without prefix)', () => {
    const [cluster] = objects['rook_ceph : the Ceph cluster']!;
    const spec = cluster!.spec as Record<string, any>;
    const bad = { ...cluster, spec: { ...spec, network: { provider: 'host', addressRanges: { public: ['10.30.20.0'] } } } };
    const file = join(work, 'cephcluster.yaml');
    const text = JSON.stringify(bad, null, 1);
    writeFileSync(file, text);
    const registry = loadCrdFiles(shippedCrdFiles(new Set(['ceph.rook.io'])));
    assert.throws(() => checkManifest(parseManifestText(text, file), registry, { loc: undefined, crdPathsGiven: false }), (e: unknown) => {
      assert.ok(e instanceof K8sbmError);
      assert.equal(e.code, 'K8SBM_K8S_SCHEMA');
      assert.match(e.message, /\/spec\/network\/addressRanges\/public\/0/);
      const line = text.split('\n').findIndex((l) => l.includes('"10.30.20.0"')) + 1;
      assert.equal(e.loc?.line, line);
      return true;
    });
    // ... and the rendered objects themselves pass it.
    for (const list of Object.values(objects).slice(3)) checkManifest(list, registry, { loc: undefined, crdPathsGiven: false });
  });

  it('the firewall\'s Ceph rule and the CephCluster\'s addressRanges read one variable, storage_cidr', () => {
    const fw = readFileSync(join(repoRoot, 'roles', 'firewall', 'tasks', 'main.yml'), 'utf8');
    assert.match(fw, /^ {6}storage: "\{\{ \[storage_cidr\] \}\}"$/m);
    assert.match(readFileSync(join(repoRoot, 'roles', 'firewall', 'templates', 'k8sbm.nft.hbs'), 'utf8'), /tcp dport \{ 3300, 6789, 6800-7300 \} ip saddr @storage_v4 accept/);
    assert.match(readFileSync(join(repoRoot, 'roles', 'rook_ceph', 'templates', 'cephcluster.yaml.hbs'), 'utf8'), /^ {6}public: \[\{\{ storage_cidr \| to_json \}\}\]$/m);
  });
});
