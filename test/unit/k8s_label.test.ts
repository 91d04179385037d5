/**
 * k8s_label against the kubectl TEST DOUBLE (test/doubles/kubectl, run on this machine through a
 * memory connection): what plan reads, what kubectl label is told, and what the double then
 * holds; and the double's Nodes taken from what the kubeadm double registered (its etcd answered
 * here by a stand-in etcdctl on PATH).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { k8s_label } from '../../src/modules/kubernetes/k8s_label.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { kubectlDouble, type KubectlDouble } from '../helpers/kubectl-double.js';
import { FactOverlay, runModule } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';

const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';
const CP_LABELS = { 'kubernetes.io/hostname': 'cp1', 'node-role.kubernetes.io/control-plane': '', [EXCLUDE]: '' };

const node = (name: string, labels: Record<string, string>): { apiVersion: string; kind: string; metadata: { name: string; labels: Record<string, string> } } =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });

/** The labels the double holds for a node (read through the double itself). */
async function labelsOf(d: KubectlDouble, name: string): Promise<Record<string, string>> {
  const r = await new MemoryConnection('cp1', [d.responder]).exec({ argv: ['kubectl', '--kubeconfig', d.kubeconfig, 'get', 'node', name, '-o', 'json'] });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { metadata: { labels: Record<string, string> } }).metadata.labels;
}

const labelCalls = (d: KubectlDouble): string[][] => d.calls().filter((a) => a.includes('label'));

describe('k8s_label with the kubectl test double', () => {
  it('adds a missing label to the node without it only, then is ok; null removes it and leaves the other labels; check mode labels nothing', async (t) => {
    const d = kubectlDouble(tempDir('k8s-label', t));
    d.store(node('cp1', CP_LABELS));
    d.store(node('cp2', { 'kubernetes.io/hostname': 'cp2', 'node-role.kubernetes.io/control-plane': '' }));
    const conn = new MemoryConnection('cp1', [d.responder]);
    const params = (value: string | null): Record<string, unknown> => ({ names: ['cp1', 'cp2'], labels: { [EXCLUDE]: value }, kubeconfig: d.kubeconfig });

    const add = await runModule(conn, k8s_label, params(''));
    assert.equal(add.plan.kind, 'change');
    assert.deepEqual(labelCalls(d), [['--kubeconfig', d.kubeconfig, 'label', 'node', 'cp2', `${EXCLUDE}=`, '--overwrite']]);
    assert.equal((await labelsOf(d, 'cp2'))[EXCLUDE], '');

    const again = await runModule(conn, k8s_label, params(''));
    assert.deepEqual([again.plan.kind, again.plan.kind === 'ok' && again.plan.reason], ['ok', `${EXCLUDE} present: already so on Node cp1, cp2`]);
    assert.equal(again.execs, 1, 'both nodes read with one kubectl get');

    // Check mode: planned with the diff, nothing labelled.
    const before = labelCalls(d).length;
    const planned = await runModule(conn, k8s_label, params(null), { check: true, overlay: new FactOverlay() });
    assert.equal(planned.plan.kind, 'change');
    assert.deepEqual(planned.plan.kind === 'change' && planned.plan.diffs.map((x) => x.subject), ['Node cp1 labels', 'Node cp2 labels']);
    assert.equal(labelCalls(d).length, before);

    const remove = await runModule(conn, k8s_label, params(null));
    assert.equal(remove.plan.kind, 'change');
    assert.deepEqual(labelCalls(d).slice(before).map((a) => a.slice(4)), [['cp1', `${EXCLUDE}-`], ['cp2', `${EXCLUDE}-`]]);
    assert.deepEqual(await labelsOf(d, 'cp1'), { 'kubernetes.io/hostname': 'cp1', 'node-role.kubernetes.io/control-plane': '' });
    const removedAgain = await runModule(conn, k8s_label, params(null));
    assert.equal(removedAgain.plan.kind, 'ok');
    assert.deepEqual(d.entries().filter((e) => e.verb === 'label').map((e) => e.rc), [0, 0, 0]);
  });

  it('a node that does not exist fails the task, and the double answers kubectl label as kubectl does', async (t) => {
    const d = kubectlDouble(tempDir('k8s-label-missing', t));
    d.store(node('cp1', { a: '1' }));
    const conn = new MemoryConnection('cp1', [d.responder]);
    const missing = await runModule(conn, k8s_label, { names: ['cp9'], labels: { a: '1' }, kubeconfig: d.kubeconfig });
    assert.deepEqual(missing.plan.kind === 'fail' && missing.plan.msg, 'Node cp9 does not exist, so it cannot be labelled (a node exists once kubeadm init or join has run on it, under its node name)');
    const kubectl = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => conn.exec({ argv: ['kubectl', '--kubeconfig', d.kubeconfig, ...args] });
    assert.deepEqual(await kubectl('label', 'node', 'cp9', 'a=2'), { code: 1, signal: null, stdout: '', stderr: 'Error from server (NotFound): nodes "cp9" not found\n' });
    assert.deepEqual(await kubectl('label', 'node', 'cp1', 'a=2'), { code: 1, signal: null, stdout: '', stderr: "error: 'a' already has a value (1), and --overwrite is false\n" });
    assert.deepEqual(await kubectl('label', 'node', 'cp1', 'b-'), { code: 0, signal: null, stdout: 'label "b" not found.\nnode/cp1 not labeled\n', stderr: '' });
    assert.deepEqual(await kubectl('label', 'node', 'cp1', 'a-'), { code: 0, signal: null, stdout: 'node/cp1 unlabeled\n', stderr: '' });
    assert.deepEqual(await kubectl('label', 'node', 'cp1'), { code: 1, signal: null, stdout: '', stderr: 'error: at least one label update is required\n' });
  });

  it('the double\'s Nodes come from what kubeadm registered; a rejoin puts kubeadm\'s labels back, other labels stay', async (t) => {
    const dir = tempDir('k8s-label-kubeadm', t);
    // The kubeadm double's etcd, as etcdctl get --prefix /k8sbm-double/nodes/ -w json answers.
    const pki = join(dir, 'pki');
    mkdirSync(pki);
    writeFileSync(join(pki, 'apiserver-etcd-client.crt'), '');
    const registered = join(dir, 'registered.json');
    const register = (entries: { name: string; cp: boolean; at: number }[]): void => writeFileSync(registered, JSON.stringify({
      kvs: entries.map((e) => ({
        key: Buffer.from(`/k8sbm-double/nodes/${e.name}`).toString('base64'),
        value: Buffer.from(JSON.stringify({ object: node(e.name, e.cp ? { 'kubernetes.io/hostname': e.name, 'node-role.kubernetes.io/control-plane': '', [EXCLUDE]: '' } : { 'kubernetes.io/hostname': e.name }), registered: e.at })).toString('base64'),
      })),
    }));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'etcdctl'), `#!/bin/sh\n# stands in for the kubeadm double's etcd\ncat '${registered}'\n`);
    chmodSync(join(bin, 'etcdctl'), 0o755);
    const d = kubectlDouble(dir, { K8SBM_KUBECTL_DOUBLE_KUBEADM_PKI: pki, PATH: `${bin}:${process.env.PATH ?? ''}` });
    const conn = new MemoryConnection('cp1', [d.responder]);

    register([{ name: 'cp1', cp: true, at: 100 }, { name: 'w1', cp: false, at: 101 }]);
    assert.deepEqual(Object.keys(await labelsOf(d, 'cp1')).sort(), ['kubernetes.io/hostname', EXCLUDE, 'node-role.kubernetes.io/control-plane'].sort());
    assert.deepEqual(await labelsOf(d, 'w1'), { 'kubernetes.io/hostname': 'w1' });
    const removed = await runModule(conn, k8s_label, { names: ['cp1'], labels: { [EXCLUDE]: null, 'topology.kubernetes.io/zone': 'r1' }, kubeconfig: d.kubeconfig });
    assert.equal(removed.plan.kind, 'change');
    // Not registered again: the double keeps what kubectl label made.
    assert.equal((await labelsOf(d, 'cp1'))[EXCLUDE], undefined);
    // cp1 reset and joined again: kubeadm labels it once more; the zone label stays.
    register([{ name: 'cp1', cp: true, at: 200 }, { name: 'w1', cp: false, at: 101 }]);
    assert.deepEqual(await labelsOf(d, 'cp1'), { 'kubernetes.io/hostname': 'cp1', 'node-role.kubernetes.io/control-plane': '', [EXCLUDE]: '', 'topology.kubernetes.io/zone': 'r1' });
  });
});
