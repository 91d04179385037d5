/**
 * Reads of many Kubernetes objects read ahead together (k8sObjectsMany) against the kubectl TEST
 * DOUBLE (test/doubles/kubectl): one kubectl get for the objects of one type and namespace, each
 * read's answer what its own `kubectl get` would have parsed to; groups of several types in one
 * script; a failing kubectl fails every read it answers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planReads, type Read } from '../../src/engine/fact-batch.js';
import { k8sObjectFact, type K8sObjectArg } from '../../src/facts/k8s.js';
import { FactError } from '../../src/facts/types.js';
import type { ExecResult } from '../../src/transport/connection.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { kubectlDouble } from '../helpers/kubectl-double.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const node = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });

describe('many Kubernetes objects in one read', () => {
  it('three nodes of which one is missing: one kubectl get, each answer as its own read', async (t) => {
    const d = kubectlDouble(tempDir('k8s-many', t));
    d.store(node('cp1', { a: '1' }));
    d.store(node('cp2', { b: '2' }));
    const arg = (name: string): K8sObjectArg => ({ kubectl: 'kubectl', kubeconfig: d.kubeconfig, apiVersion: 'v1', kind: 'Node', namespace: '', name });
    const reads: Read[] = ['cp1', 'cp2', 'k8sbm-no-such-node'].map((n) => ({ def: k8sObjectFact as Read['def'], arg: arg(n) }));
    const batch = planReads(reads);
    assert.equal(batch.argvs.length, 1, 'one command for the three');
    assert.deepEqual(batch.argvs[0]!.slice(3, 8), ['get', 'node', 'cp1', 'cp2', 'k8sbm-no-such-node']);
    const conn = new MemoryConnection('cp1', [d.responder]);
    const res = await conn.exec({ argv: batch.argvs[0]! });
    const answers = batch.answers([res]);
    const states = answers.map((a, i) => k8sObjectFact.parse(a!, reads[i]!.arg as K8sObjectArg));
    assert.deepEqual(states.map((s) => s.exists), [true, true, false]);
    assert.deepEqual(states.map((s) => (s.object as { metadata?: { labels?: unknown } } | undefined)?.metadata?.labels), [{ a: '1' }, { b: '2' }, undefined]);
    // The same as one read each.
    for (const [i, n] of ['cp1', 'k8sbm-no-such-node'].entries()) {
      const alone = await conn.exec({ argv: k8sObjectFact.argv(arg(n)) });
      assert.deepEqual(k8sObjectFact.parse(alone, arg(n)), states[i === 0 ? 0 : 2]);
    }
  });

  it('objects of two types and namespaces: one script, a kubectl get each, answers cut back by group', async (t) => {
    const dir = tempDir('k8s-many-groups', t);
    const d = kubectlDouble(dir);
    d.store(node('cp1', { a: '1' }));
    d.store({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system' } });
    // kubectl on PATH is the double, so that the script runs as it would on a node.
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\nexec python3 ${JSON.stringify(join(repoRoot, 'test', 'doubles', 'kubectl'))} "$@"\n`);
    chmodSync(join(bin, 'kubectl'), 0o755);
    const base = { kubectl: 'kubectl', kubeconfig: d.kubeconfig };
    const args: K8sObjectArg[] = [
      { ...base, apiVersion: 'v1', kind: 'Node', namespace: '', name: 'cp1' },
      { ...base, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
      { ...base, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'k8sbm-absent' },
    ];
    const reads: Read[] = args.map((arg) => ({ def: k8sObjectFact as Read['def'], arg }));
    const batch = planReads(reads);
    assert.equal(batch.argvs.length, 1);
    assert.equal(batch.argvs[0]![0], 'sh');
    const r = spawnSync(batch.argvs[0]![0]!, batch.argvs[0]!.slice(1), {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, K8SBM_KUBECTL_DOUBLE_STATE: d.state, K8SBM_KUBECTL_DOUBLE_LOG: d.log, K8SBM_KUBECTL_DOUBLE_JOURNAL: d.journal },
    });
    const res: ExecResult = { code: r.status, signal: null, stdout: r.stdout, stderr: r.stderr };
    const states = batch.answers([res]).map((a, i) => k8sObjectFact.parse(a!, args[i]!));
    assert.deepEqual(states.map((s) => s.exists), [true, true, false]);
    assert.equal((states[1]!.object as { metadata: { name: string } }).metadata.name, 'kube-proxy');
    assert.equal(d.calls().filter((c) => c.includes('get')).length, 2, 'one kubectl get per group');
  });

  it('a kubectl that fails fails every read it was to answer, as it would alone', () => {
    const arg = (name: string): K8sObjectArg => ({ kubectl: 'kubectl', kubeconfig: '/etc/kubernetes/admin.conf', apiVersion: 'v1', kind: 'Node', namespace: '', name });
    const reads: Read[] = ['a', 'b'].map((n) => ({ def: k8sObjectFact as Read['def'], arg: arg(n) }));
    const batch = planReads(reads);
    const failed: ExecResult = { code: 1, signal: null, stdout: '', stderr: 'The connection to the server localhost:8080 was refused\n' };
    for (const [i, a] of batch.answers([failed]).entries()) {
      assert.throws(() => k8sObjectFact.parse(a!, reads[i]!.arg as K8sObjectArg), (e: unknown) => e instanceof FactError && /refused/.test(e.message));
    }
  });
});
