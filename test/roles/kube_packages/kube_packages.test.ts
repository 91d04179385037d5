/**
 * The kube_packages role on a lab node, through playbooks/site.yml with `-t kube_packages`, in
 * docs/roles.md's steps: check mode on a fresh node (its /etc and dpkg database byte-identical),
 * apply and the operator's checks, a second run with changed=0, a hold released by hand put back,
 * and an upgrade to the next minor release through its own repository.
 *
 * Real in the lab: the apt repository source with its signed-by keyring (apt_repository), apt
 * verifying the repository's signature, dpkg installing the pinned versions into the node's own
 * layer, the holds (apt-mark), the kubelet's SysV init script and its boot links. The repository
 * is the lab's own (`lab up` builds it: src/lab/lab-packages.ts, at /srv/k8sbm-lab-apt in every
 * node, one flat repository per minor release like pkgs.k8s.io) and the lab's group_vars point
 * the role at it; nodes reach no mirror.
 * Stood in for: kubeadm, kubelet and kubectl are TEST DOUBLES (test/doubles/) packaged as
 * pkgs.k8s.io names them (1.31.4-1.1, 1.32.0-1.1); each prints its package's version.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { recapOf, treeHash } from '../../helpers/cli.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const NODE = 'node01';
const PKGS = ['kubeadm', 'kubectl', 'kubelet'];
const T = (name: string): string => `kube_packages : ${name}`;
const INSTALL = T("kubeadm, kubelet and kubectl at the cluster's versions, held");

let lab: TestLab;
const work = tempDir('role-kubepkgs');
const role = roleRun(() => lab, work, 'kube_packages', INSTALL);
const { cli, statuses, onNode } = role;
before(async () => {
  lab = await startLab({ name: 'rkpk', nodes: 1 });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const nodeFile = (path: string): string => join(nodeRootPath(lab.lab, NODE), path);
const fileHash = (path: string): string => createHash('sha256').update(readFileSync(nodeFile(path))).digest('hex');
/** name -> installed version of the three packages (absent ones left out). */
async function versions(): Promise<Record<string, string>> {
  const out = await onNode(NODE, "dpkg-query -W -f '${Package} ${db:Status-Abbrev} ${Version}\\n' kubeadm kubelet kubectl 2>/dev/null || true");
  // Status "ii" (installed), "hi" once held.
  return Object.fromEntries([...out.matchAll(/^(\S+) [ih]i +(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}
const holds = async (): Promise<string[]> => (await onNode(NODE, ['apt-mark', 'showhold'])).trim().split('\n').filter(Boolean).sort();
/** What each tool says its version is. */
async function toolVersions(): Promise<string[]> {
  return [
    (await onNode(NODE, ['kubeadm', 'version', '-o', 'short'])).trim(),
    (await onNode(NODE, ['kubelet', '--version'])).trim(),
    (await onNode(NODE, ['kubectl', 'version', '--client'])).trim(),
  ];
}

describe('role kube_packages on a lab node, from the lab\'s signed package repository', () => {
  it('check mode on a fresh node: plan exits 2, predicts the source, the packages and kubelet at boot, leaves /etc and dpkg\'s database byte-identical', () => {
    const etc = treeHash(nodeFile('etc'));
    const dpkg = fileHash('var/lib/dpkg/status');
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, T('Kubernetes package repository')), { [NODE]: 'changed' });
    assert.deepEqual(statuses(plan.stdout, INSTALL), { [NODE]: 'changed' });
    assert.deepEqual(statuses(plan.stdout, T('kubelet started at boot')), { [NODE]: 'changed' }, 'planned on the predicted package');
    assert.equal(treeHash(nodeFile('etc')), etc, 'check mode changed a file under /etc');
    assert.equal(fileHash('var/lib/dpkg/status'), dpkg, 'check mode changed the dpkg database');
  });

  it('apply: the repository of 1.31 with its own keyring; kubeadm, kubelet and kubectl 1.31.4-1.1 installed and held; kubelet enabled, and its init script runs it', async () => {
    const run = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(run.stdout))) assert.equal(c.failed, 0, `${h}: ${JSON.stringify(c)}`);
    assert.equal(readFileSync(nodeFile('etc/apt/sources.list.d/kubernetes.sources'), 'utf8'),
      'Types: deb\nURIs: file:///srv/k8sbm-lab-apt/v1.31/\nSuites: /\nSigned-By: /etc/apt/keyrings/kubernetes.gpg\n');
    assert.deepEqual(await versions(), { kubeadm: '1.31.4-1.1', kubectl: '1.31.4-1.1', kubelet: '1.31.4-1.1' });
    assert.deepEqual(await holds(), PKGS);
    assert.deepEqual(await toolVersions(), ['v1.31.4', 'Kubernetes v1.31.4', 'Client Version: v1.31.4']);
    assert.match(await onNode(NODE, 'ls /etc/rc2.d'), /^S\d\dkubelet$/m, 'kubelet starts at boot');
    // Enabled, not started (kubeadm starts it); the packaged init script runs the daemon.
    await onNode(NODE, 'service kubelet start && service kubelet status');
    assert.match(await onNode(NODE, 'cat /run/kubelet-double/pid'), /^\d+\n$/);
    await onNode(NODE, 'service kubelet stop');
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    cli('plan', 0);
  });

  it('a hold released by hand: plan names it and touches nothing, run holds it again', async () => {
    await onNode(NODE, ['apt-mark', 'unhold', 'kubelet']);
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, INSTALL), { [NODE]: 'changed' });
    assert.match(role.results(plan.stdout)[NODE]!.msg, /hold kubelet/);
    assert.deepEqual(await holds(), ['kubeadm', 'kubectl']);
    cli('run', 0);
    assert.deepEqual(await holds(), PKGS);
  });

  it('the next minor release (kubernetes_version 1.32.0): its own repository, the held packages moved to 1.32.0-1.1 and held again', async () => {
    const inventory = role.inventoryWith('v132', { groupVars: 'kubernetes_version: "1.32.0"\n' });
    const run = cli('run', 0, { inventory });
    assert.deepEqual(statuses(run.stdout, T('Kubernetes package repository')), { [NODE]: 'changed' });
    assert.match(readFileSync(nodeFile('etc/apt/sources.list.d/kubernetes.sources'), 'utf8'), /^URIs: file:\/\/\/srv\/k8sbm-lab-apt\/v1\.32\/$/m);
    assert.deepEqual(await versions(), { kubeadm: '1.32.0-1.1', kubectl: '1.32.0-1.1', kubelet: '1.32.0-1.1' });
    assert.deepEqual(await holds(), PKGS);
    assert.deepEqual(await toolVersions(), ['v1.32.0', 'Kubernetes v1.32.0', 'Client Version: v1.32.0']);
    cli('plan', 0, { inventory });
  });
});
