/**
 * The metallb role on one lab node (the first control plane) through the CLI, in BGP mode with a
 * password, and kube-proxy in IPVS mode.
 *
 * Real: the CLI, SSH, the role's tasks, k8s_apply's checks against the shipped CRDs, the diffs.
 * TEST DOUBLE: kubectl (test/doubles/kubectl, copied into the node's own layer; no API server
 * can run here). It stores objects as files, refuses MetalLB's custom resources as the API server
 * does while the validating webhook's service has no ready controller behind it ("failed calling
 * webhook ... connection refused"), makes every object ready 2 s after its last apply (a rollout
 * that takes time), and keeps a journal of what each diff, apply and wait was about: the test
 * reads the order manifest -> wait ready -> custom resources from it. Nothing of MetalLB runs.
 * The double holds node01's Node as kubeadm leaves a control plane (labelled
 * node.kubernetes.io/exclude-from-external-load-balancers); the inventory says
 * metallb_exclude_control_planes: false, so the role removes that label, and true puts it back.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { type CliResult, jsonEvents, k8sbm, recapOf, treeHash } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const PASSWORD = 'Lab-bgp-MD5-pw-7f3a';
const KUBE_PROXY = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
ipvs:
  strictARP: false
mode: ipvs
`;

let lab: TestLab;
let root: string;
let inventory: string;
const work = tempDir('metallb-lab');
const role = roleRun(() => lab, work, 'metallb');
/** The role alone (site.yml's metallb play without the others' fact gathering). */
function cli(command: 'run' | 'plan', code: number, extra: readonly string[] = []): CliResult {
  const r = k8sbm([command, join(work, 'metallb.yml'), '-i', inventory, '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
  outputs.push(r.stdout, r.stderr);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout.slice(-5000)}${r.stderr}`);
  return r;
}
const outputs: string[] = [];
const started = Date.now();

interface Entry { verb: string; objects?: string[]; object?: string; rc: number; error?: string; remove?: string[] }
const journal = (): Entry[] => {
  const f = join(root, 'var/log/kubectl-double.journal');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Entry) : [];
};
/** Every call the double had (its argv), in order. */
const doubleLog = (): string[] => {
  const f = join(root, 'var/log/kubectl-double.log');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
};
/** The node's files check mode must not touch: its /etc and the double's cluster state. */
const nodeState = (): string => `${treeHash(join(root, 'etc'))} ${treeHash(join(root, 'var/lib/kubectl-double'))}`;
const changedTasks = (stdout: string): string[] => jsonEvents(stdout)
  .filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => `${String(e.host)} ${String(e.task)}`).sort();
const kubectl = async (args: string, stdin?: string): Promise<string> => {
  const r = await labSsh(lab, 'node01', `kubectl --kubeconfig /etc/kubernetes/admin.conf ${args}`, stdin === undefined ? {} : { stdin });
  assert.equal(r.code, 0, `kubectl ${args}: ${r.stderr}`);
  return r.stdout;
};
const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';
const LABEL_TASK = 'metallb : the control planes\' label node.kubernetes.io/exclude-from-external-load-balancers (metallb_exclude_control_planes)';
const nodeLabels = async (): Promise<Record<string, string>> => (JSON.parse(await kubectl('get node node01 -o json')) as { metadata: { labels: Record<string, string> } }).metadata.labels;
const isCustom = (label: string): boolean => /^(IPAddressPool|L2Advertisement|BGPPeer|BGPAdvertisement|BFDProfile) /.test(label);

before(async () => {
  lab = await startLab({ name: 'mlb', nodes: 1 });
  process.stderr.write(`metallb lab test: lab up after ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  root = nodeRootPath(lab.lab, 'node01');
  copyFileSync(join(repoRoot, 'test', 'doubles', 'kubectl'), join(root, 'usr/local/bin/kubectl'));
  chmodSync(join(root, 'usr/local/bin/kubectl'), 0o755);
  mkdirSync(join(root, 'etc/kubernetes'), { recursive: true });
  writeFileSync(join(root, 'etc/kubernetes/admin.conf'), '# kubeconfig read by the kubectl test double only\n', { mode: 0o600 });
  mkdirSync(join(root, 'var/lib/kubectl-double/ready'), { recursive: true });
  writeFileSync(join(root, 'var/lib/kubectl-double/ready/after'), '2\n');
  // What kubeadm leaves: kube-proxy's ConfigMap (here in IPVS mode, strictARP off) and DaemonSet.
  await kubectl('apply --server-side --field-manager=kubeadm -f -', [
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system' }, data: { 'config.conf': KUBE_PROXY } }),
    JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kube-proxy', namespace: 'kube-system' }, spec: { selector: { matchLabels: { k8s: 'kube-proxy' } }, template: { metadata: { labels: { k8s: 'kube-proxy' } } } } }),
  ].join('\n---\n'));
  // node01's Node as kubeadm init leaves a control plane (the kubelet's labels, mark-control-plane's).
  await kubectl('apply --server-side --field-manager=kubeadm -f -', JSON.stringify({
    apiVersion: 'v1', kind: 'Node', metadata: { name: 'node01', labels: { 'kubernetes.io/hostname': 'node01', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '', [EXCLUDE]: '' } },
  }));
  writeFileSync(join(work, 'metallb.yml'), '- hosts: control_plane\n  gather_facts: false\n  become: true\n  roles: [metallb]\n');
  inventory = role.inventoryWith('bgp', {
    hostVars: {
      node01: [
        'metallb_mode: bgp',
        'metallb_local_asn: 64513',
        'metallb_peer_asn: 64512',
        'bgp_peers: [{ address: 192.0.2.1, name: rack1-tor, node_selector: { rack: r1 } }, 192.0.2.2]',
        `metallb_bgp_password: "${PASSWORD}"`,
        'metallb_bfd_profile: { receiveInterval: 300, transmitInterval: 300 }',
        'metallb_bgp_communities: ["65535:65282"]',
        // node01 is the only node: MetalLB must be allowed to announce from it.
        'metallb_exclude_control_planes: false',
        '',
      ].join('\n'),
    },
  });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
  process.stderr.write(`metallb lab test: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

describe('metallb role on a lab node (kubectl is a TEST DOUBLE)', () => {
  let planned: string[];
  it('a value only the CRDs refuse (a peer\'s hold_time as a number): the run fails before kubectl is called at all', () => {
    const peers = JSON.stringify({ bgp_peers: [{ address: '192.0.2.1', name: 'rack1-tor', hold_time: 90 }] });
    const [journalBefore, logBefore] = [journal().length, doubleLog().length];
    const r = cli('run', 1, ['-e', peers]);
    const failed = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.status === 'failed');
    assert.deepEqual(failed.map((e) => [e.task, e.code]), [['metallb : MetalLB\'s address pools and their announcement, checked before anything is sent', 'K8SBM_K8S_SCHEMA']]);
    assert.match(String(failed[0]!.msg), /BGPPeer metallb-system\/rack1-tor: \/spec\/holdTime must be string/);
    // The double has had no call from the run: nothing in its log or journal.
    assert.deepEqual(doubleLog().slice(logBefore), []);
    assert.deepEqual(journal().slice(journalBefore), []);
  });

  it('plan on a cluster without MetalLB: every object predicted (the custom resources through the manifest\'s CRDs), nothing sent', () => {
    const state = nodeState();
    const before = journal().length;
    const plan = cli('plan', 2, ['--diff']);
    planned = changedTasks(plan.stdout);
    assert.deepEqual(planned, [
      'node01 metallb : MetalLB (the release shipped with the role), its controller and speakers ready',
      'node01 metallb : MetalLB\'s address pools and their announcement',
      'node01 metallb : kube-proxy\'s strictARP, as MetalLB requires in IPVS mode',

      'node01 metallb : restart kube-proxy',
      'node01 metallb : the BGP sessions\' password (Secret metallb-bgp-password)',
      `node01 ${LABEL_TASK}`,
    ]);
    // The plan shows each object's diff: the peers as they will be, kube-proxy's one line.
    const pools = jsonEvents(plan.stdout).find((e) => e.event === 'task_result' && e.task === 'metallb : MetalLB\'s address pools and their announcement');
    const subjects = (pools?.diff as { subject: string }[]).map((d) => d.subject);
    assert.deepEqual(subjects.filter((s) => s.startsWith('BGPPeer')), ['BGPPeer metallb-system/rack1-tor (metallb.io/v1beta2)', 'BGPPeer metallb-system/peer-192-0-2-2 (metallb.io/v1beta2)']);
    const proxy = jsonEvents(plan.stdout).find((e) => e.event === 'task_result' && e.task === 'metallb : kube-proxy\'s strictARP, as MetalLB requires in IPVS mode');
    const [d] = proxy?.diff as { before: string; after: string }[];
    assert.deepEqual([d!.before.includes('strictARP: false'), d!.after.includes('strictARP: true'), d!.after.includes('strictARP: false')], [true, true, false]);
    const label = jsonEvents(plan.stdout).find((e) => e.event === 'task_result' && e.task === LABEL_TASK);
    const [ld] = label?.diff as { subject: string; before: Record<string, string>; after: Record<string, string> }[];
    assert.deepEqual([ld!.subject, EXCLUDE in ld!.before, EXCLUDE in ld!.after, ld!.after['node-role.kubernetes.io/control-plane']], ['Node node01 labels', true, false, '']);
    assert.deepEqual(journal().slice(before).filter((e) => e.verb !== 'diff'), [], 'check mode only diffs');
    assert.equal(nodeState(), state, 'check mode changed the node');
  });

  it('run: the manifest, then its controller and speakers ready, then the custom resources (none refused by the webhook); exactly what plan said', () => {
    const before = journal().length;
    const run = cli('run', 0, ['--report', join(work, 'report.json')]);
    outputs.push(readFileSync(join(work, 'report.json'), 'utf8'));
    assert.deepEqual(changedTasks(run.stdout), planned);
    const calls = journal().slice(before).filter((e) => e.verb !== 'diff');
    const manifest = calls.findIndex((e) => e.verb === 'apply' && e.objects?.includes('ValidatingWebhookConfiguration metallb-webhook-configuration'));
    const ready = calls.findIndex((e) => e.verb === 'rollout' && e.object === 'deployment metallb-system/controller' && e.rc === 0);
    const crs = calls.findIndex((e) => e.verb === 'apply' && (e.objects ?? []).some(isCustom));
    assert.ok(manifest >= 0 && manifest < ready && ready < crs, JSON.stringify(calls, null, 1));
    assert.ok(calls.some((e) => e.verb === 'rollout' && e.object === 'daemonset metallb-system/speaker' && e.rc === 0));
    assert.deepEqual(calls.filter((e) => e.rc !== 0), [], 'an apply or a wait failed');
    assert.ok(!journal().some((e) => /failed calling webhook/.test(e.error ?? '')), 'a webhook refused a call');
    assert.deepEqual(calls.find((e, i) => i > ready && e.verb === 'apply' && (e.objects ?? []).some(isCustom))?.objects, [
      'IPAddressPool metallb-system/default', 'BFDProfile metallb-system/k8sbm', 'BGPPeer metallb-system/rack1-tor', 'BGPPeer metallb-system/peer-192-0-2-2', 'BGPAdvertisement metallb-system/k8sbm',
    ]);
    assert.ok(calls.some((e) => e.verb === 'rollout restart' && e.object === 'daemonset kube-system/kube-proxy'));
    assert.deepEqual(calls.filter((e) => e.verb === 'label').map((e) => [e.object, e.remove]), [['node node01', [EXCLUDE]]]);
  });

  it('what the cluster holds: the peers with their ASNs and password reference, the Secret, kube-proxy\'s strictARP, node01 without the exclude label', async () => {
    assert.deepEqual(await nodeLabels(), { 'kubernetes.io/hostname': 'node01', 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' });
    const peer = JSON.parse(await kubectl('get bgppeer rack1-tor -n metallb-system -o json')) as { spec: Record<string, unknown> };
    assert.deepEqual([peer.spec.peerASN, peer.spec.myASN, peer.spec.bfdProfile], [64512, 64513, 'k8sbm']);
    assert.deepEqual(peer.spec.passwordSecret, { name: 'metallb-bgp-password', namespace: 'metallb-system' });
    const secret = JSON.parse(await kubectl('get secret metallb-bgp-password -n metallb-system -o json')) as { type: string; data: { password: string } };
    assert.deepEqual([secret.type, Buffer.from(secret.data.password, 'base64').toString()], ['kubernetes.io/basic-auth', PASSWORD]);
    const cm = JSON.parse(await kubectl('get configmap kube-proxy -n kube-system -o json')) as { data: Record<string, string> };
    assert.equal(cm.data['config.conf'], KUBE_PROXY.replace('strictARP: false', 'strictARP: true'));
  });

  it('without the wait, the webhook refuses the custom resources (the double in a cluster of its own)', async () => {
    const env = 'K8SBM_KUBECTL_DOUBLE_STATE=/tmp/mlb-other K8SBM_KUBECTL_DOUBLE_JOURNAL=/tmp/mlb-other.journal K8SBM_KUBECTL_DOUBLE_LOG=/tmp/mlb-other.log';
    const stored = readFileSync(join(root, 'var/lib/kubectl-double/objects/admissionregistration.k8s.io/ValidatingWebhookConfiguration/_cluster/metallb-webhook-configuration.json'), 'utf8');
    const objects = ['core/Namespace/_cluster/metallb-system', 'core/Service/metallb-system/metallb-webhook-service', 'apps/Deployment/metallb-system/controller', 'apiextensions.k8s.io/CustomResourceDefinition/_cluster/ipaddresspools.metallb.io']
      .map((p) => readFileSync(join(root, 'var/lib/kubectl-double/objects', `${p}.json`), 'utf8'));
    const pool = JSON.stringify({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p', namespace: 'metallb-system' }, spec: { addresses: ['192.0.2.64/26'] } });
    const manifest = [...objects, stored].map((t) => JSON.stringify(JSON.parse(t))).join('\n---\n');
    const apply = `kubectl --kubeconfig /etc/kubernetes/admin.conf apply --server-side --field-manager=t -f -`;
    try {
      assert.equal((await labSsh(lab, 'node01', `${env} ${apply}`, { stdin: manifest })).code, 0);
      const r = await labSsh(lab, 'node01', `${env} ${apply}`, { stdin: pool });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /failed calling webhook "ipaddresspoolvalidationwebhook\.metallb\.io".*connect: connection refused/);
    } finally {
      await labSsh(lab, 'node01', 'rm -rf /tmp/mlb-other /tmp/mlb-other.journal /tmp/mlb-other.log');
    }
  });

  it('second run changes nothing (-vv), plan exits 0 and leaves the node as it is', () => {
    const again = cli('run', 0, ['-vv']);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    const state = nodeState();
    cli('plan', 0, ['--diff']);
    assert.equal(nodeState(), state);
  });

  it('metallb_exclude_control_planes true puts kubeadm\'s label back: only that task changes', async () => {
    const run = cli('run', 0, ['-e', '{"metallb_exclude_control_planes": true}']);
    assert.deepEqual(changedTasks(run.stdout), [`node01 ${LABEL_TASK}`]);
    assert.equal((await nodeLabels())[EXCLUDE], '');
  });

  it('the BGP password (and its base64) is in no output: --json, --diff, --report, -vv', () => {
    assert.ok(outputs.length >= 8);
    for (const s of [PASSWORD, Buffer.from(PASSWORD).toString('base64')]) {
      for (const t of outputs) assert.ok(!t.includes(s), `the password shows in an output (${s.slice(0, 4)}...)`);
    }
  });
});
