/**
 * The preflight role on 3 lab nodes, through site.yml (`-t preflight`) as an operator runs it:
 * the lab's own contract values pass; a control plane that runs an older Kubernetes (its
 * kube-apiserver manifest, written here as kubeadm writes it) read over SSH by the fact gathering
 * stops an upgrade that skips a minor version at the inventory's line, with nothing changed on
 * any node; one minor version up passes. Real: SSH, become, the fact gathering's read of the
 * manifest. The rest of the checks run without a lab (preflight.test.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonEvents, treeHash } from '../../helpers/cli.js';
import { nodeRootPath } from '../../../src/lab/index.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun } from '../../helpers/role.js';
import { tempDir, removeTempDir } from '../../helpers/temp.js';

let lab: TestLab;
const work = tempDir('role-preflight');
before(async () => { lab = await startLab({ name: 'rpf', nodes: 3 }); });
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const TASK = "preflight : the cluster's design";
const { cli, statuses, onNode } = roleRun(() => lab, work, 'preflight', TASK);
const etcHash = (node: string): string => treeHash(join(nodeRootPath(lab.lab, node), 'etc'));
const manifest = (version: string): string =>
  `mkdir -p /etc/kubernetes/manifests && printf 'apiVersion: v1\\nkind: Pod\\nspec:\\n  containers:\\n  - command:\\n    - kube-apiserver\\n    image: registry.k8s.io/kube-apiserver:v${version}\\n' > /etc/kubernetes/manifests/kube-apiserver.yaml && chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml`;

describe('role preflight on lab nodes', () => {
  it('the lab\'s design passes (its shared node and storage network is a warning)', () => {
    const r = cli('run', 0);
    assert.deepEqual(statuses(r.stdout), { node01: 'ok', node02: 'ok', node03: 'ok' });
    const warnings = jsonEvents(r.stdout).filter((e) => e.event === 'warning').map((e) => String(e.msg));
    assert.ok(warnings.some((w) => /cidr_overlap: storage_cidr is node_cidr/.test(w)), warnings.join('\n'));
  });

  it('an upgrade that skips a minor version is refused at kubernetes_version\'s line, and nothing is sent', async () => {
    await onNode('node01', manifest('1.29.3'));
    const before = ['node01', 'node02', 'node03'].map(etcHash);
    const r = cli('run', 'fail');
    const out = `${r.stdout}${r.stderr}`;
    assert.match(out, /K8SBM_DESIGN_INVALID/);
    assert.match(out, /node01: upgrade_skip: node01 runs Kubernetes 1\.29\.3 \(its kube-apiserver manifest\) and kubernetes_version asks for 1\.31\.4: that skips 1 minor version/);
    assert.match(out, /group_vars\/all\.yml:14:21/);
    assert.match(out, /preflight_ignore: \[upgrade_skip\]/);
    assert.deepEqual(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.task !== 'Gathering Facts'), []);
    assert.deepEqual(['node01', 'node02', 'node03'].map(etcHash), before);
  });

  it('one minor version up passes', async () => {
    await onNode('node01', manifest('1.30.8'));
    const r = cli('plan', 0);
    assert.deepEqual(statuses(r.stdout), { node01: 'ok', node02: 'ok', node03: 'ok' });
  });
});
