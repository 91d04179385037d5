/**
 * The metallb role, planned on the controller for an L2 and a BGP inventory (test/fixtures/metallb),
 * with hosts answered by a memory connection that has no kubectl: check mode plans every object as
 * new (cluster_from_earlier_plays), and the diffs hold the objects the role would send. They are
 * held to a golden file and checked again here against the CRDs shipped with the role. A wrong
 * value is refused before any kubectl call is made. K8SBM_UPDATE_GOLDEN=1 rewrites the golden files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import { runPlaybook } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import { expandCrdPath, loadCrdFiles } from '../../src/modules/kubernetes/k8s-schemas.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import type { RunEvent, TaskResultEvent } from '../../src/report/events.js';
import type { Connection } from '../../src/transport/connection.js';
import { MemoryConnection, type Responder } from '../../src/transport/memory.js';
import { parseExtraVars } from '../../src/vars/extra.js';
import { kubectlDouble } from '../helpers/kubectl-double.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir, tempTree } from '../helpers/temp.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'metallb');
const update = process.env.K8SBM_UPDATE_GOLDEN === '1';
const CONFIG_TASK = 'metallb : MetalLB\'s address pools and their announcement';
const PLAYBOOK = '- hosts: control_plane\n  gather_facts: false\n  become: true\n  roles: [metallb]\n';

interface Planned { results: TaskResultEvent[]; events: RunEvent[]; calls: string[][]; stdins: string[]; output: string }

interface PlanOptions { readonly run?: boolean; readonly responders?: readonly Responder[] }

async function plan(inventory: 'l2' | 'bgp', extraVars: readonly string[] = [], opts: PlanOptions = {}): Promise<Planned> {
  const dir = tempTree('metallb-role', { 'site.yml': PLAYBOOK }, { after });
  const inv = await loadInventory([join(fixtures, inventory, 'hosts')]);
  const loader = new PlaybookLoader({ modules, rolesPath: [join(repoRoot, 'roles')] });
  const events: RunEvent[] = [];
  const conns: MemoryConnection[] = [];
  // Without responders every program is missing (exit 127), kubectl included.
  const connect = (spec: { host: string }): Connection => { const c = new MemoryConnection(spec.host, opts.responders ?? []); conns.push(c); return c; };
  await runPlaybook(loader.loadPlaybook(join(dir, 'site.yml')), {
    inventory: inv, loader, modules, connect, emit: (e) => events.push(e), check: opts.run !== true, diff: true,
    tags: { only: [], skip: [] }, extraVars: parseExtraVars(extraVars, dir),
  });
  const results = events.filter((e): e is TaskResultEvent => e.event === 'task_result');
  return {
    results, events, output: JSON.stringify(events),
    calls: conns.flatMap((c) => c.calls.map((r) => [...r.argv])), stdins: conns.flatMap((c) => c.calls.map((r) => String(r.stdin ?? ''))),
  };
}

const byTask = (p: Planned, task: string): TaskResultEvent[] => p.results.filter((r) => r.task === task);
const kubectlCalls = (p: Planned): string[][] => p.calls.filter((a) => a.includes('kubectl') || a.includes('--kubeconfig'));

/** The objects of a task's plan, from its diffs (each object's after side). */
function plannedObjects(r: TaskResultEvent): Record<string, unknown>[] {
  const diffs = (r.diff ?? []) as unknown as { kind: string; before: string | null; after: string | null }[];
  assert.ok(diffs.length > 0, `no diffs in ${JSON.stringify(r)}`);
  for (const d of diffs) assert.equal(d.before, null, 'planned as new');
  return diffs.flatMap((d) => parseAllDocuments(d.after ?? '').map((x) => x.toJSON() as Record<string, unknown>));
}

const registry = (): ReturnType<typeof loadCrdFiles> => loadCrdFiles(expandCrdPath(join(repoRoot, 'roles', 'metallb', 'files', 'upstream', 'crds', '*.yaml')));

function golden(name: string, objects: readonly Record<string, unknown>[]): void {
  const file = join(fixtures, `${name}.expected.yaml`);
  const text = objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  if (update || !existsSync(file)) writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name}: the objects differ from ${file}`);
}

const label = (o: Record<string, unknown>): string => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`;

describe('metallb role: the objects of an inventory, checked before anything is sent', () => {
  it('L2: the pools and an L2Advertisement limited to interfaces and nodes; every object fits its shipped CRD', async () => {
    const p = await plan('l2');
    const [config] = byTask(p, CONFIG_TASK);
    assert.equal(config?.status, 'changed', JSON.stringify(p.results.map((r) => [r.host, r.task, r.status, r.msg, r.item])));
    const objects = plannedObjects(config!);
    assert.deepEqual(objects.map(label), ['IPAddressPool default', 'IPAddressPool reserved', 'L2Advertisement k8sbm']);
    const reg = registry();
    for (const o of objects) assert.deepEqual(reg.validate(o), [], label(o));
    const l2 = objects[2]!.spec as Record<string, unknown>;
    assert.deepEqual(l2.ipAddressPools, ['default', 'reserved']);
    assert.deepEqual(l2.interfaces, ['bond0.2001']);
    golden('l2', objects);
    // Planned once, from the first control plane; only the shipped manifest and the pools task change.
    const changed = p.results.filter((r) => r.status === 'changed').map((r) => `${r.host} ${r.task}`);
    assert.deepEqual(changed, ['cp1 metallb : MetalLB (the release shipped with the role), its controller and speakers ready', `cp1 ${CONFIG_TASK}`]);
    // kubectl was only asked for diffs (which failed: no kubectl), never to apply.
    assert.ok(kubectlCalls(p).length > 0 && kubectlCalls(p).every((a) => !a.includes('apply')), JSON.stringify(kubectlCalls(p)));
  });

  it('BGP: a BGPPeer (v1beta2) per rack with its ASNs, BFD and the password by Secret; a BGPAdvertisement with communities', async () => {
    const p = await plan('bgp');
    const objects = plannedObjects(byTask(p, CONFIG_TASK)[0]!);
    assert.deepEqual(objects.map(label), ['IPAddressPool default', 'BFDProfile k8sbm', 'BGPPeer rack1-tor', 'BGPPeer rack2-tor', 'BGPPeer peer-10-30-10-3', 'BGPAdvertisement k8sbm']);
    const reg = registry();
    for (const o of objects) assert.deepEqual(reg.validate(o), [], label(o));
    const peers = objects.filter((o) => o.kind === 'BGPPeer');
    assert.ok(peers.every((o) => o.apiVersion === 'metallb.io/v1beta2'));
    const spec = (i: number): Record<string, unknown> => peers[i]!.spec as Record<string, unknown>;
    assert.deepEqual([spec(0).peerASN, spec(0).myASN, spec(1).peerASN, spec(1).myASN, spec(2).peerASN], [64512, 64513, 4200000001, 4200000100, 64512]);
    assert.deepEqual(spec(0).nodeSelectors, [{ matchLabels: { 'topology.kubernetes.io/zone': 'rack1' } }]);
    assert.deepEqual([spec(0).bfdProfile, spec(1).bfdProfile], ['k8sbm', undefined]);
    for (const o of peers) assert.deepEqual((o.spec as Record<string, unknown>).passwordSecret, { name: 'metallb-bgp-password', namespace: 'metallb-system' }, label(o));
    assert.deepEqual((objects[5]!.spec as Record<string, unknown>).communities, ['65535:65282']);
    golden('bgp', objects);
    // The Secret's task is planned, its output hidden; the password is nowhere in the events.
    const [secret] = byTask(p, 'metallb : the BGP sessions\' password (Secret metallb-bgp-password)');
    assert.equal(secret?.status, 'changed');
    assert.equal(secret?.diff, undefined);
    for (const s of ['md5-Secret-4-bgp', Buffer.from('md5-Secret-4-bgp').toString('base64')]) assert.ok(!p.output.includes(s), 'the BGP password shows in the events');
    // It did reach kubectl's stdin (the dry run), as data, never the command line.
    assert.ok(kubectlCalls(p).every((a) => !a.join(' ').includes('md5-Secret')));
  });

  const refused = async (inventory: 'l2' | 'bgp', extra: string, task: string, message: RegExp): Promise<void> => {
    const p = await plan(inventory, [extra]);
    const failed = p.results.filter((r) => r.status === 'failed');
    assert.equal(failed.length, 1, JSON.stringify(p.results.map((r) => `${r.task} ${r.status}`)));
    assert.equal(failed[0]!.task, task);
    assert.match(String(failed[0]!.msg), message);
    assert.match(String(failed[0]!.file), /roles\/metallb\/tasks\/main\.yml$/);
    assert.ok(Number(failed[0]!.line) > 0);
    assert.deepEqual(kubectlCalls(p), [], 'kubectl was called');
  };

  it('a pool with a typo is refused before kubectl is called, naming the value', async () => {
    await refused('l2', '{"metallb_pool": "10.30.21.0/33"}', 'metallb : every address range is a network or a first-last range', /"10\.30\.21\.0\/33" .*is neither a network/);
    await refused('l2', '{"metallb_pool": ["10.30.21.200-10.30.21.2x0"]}', 'metallb : every address range is a network or a first-last range', /"10\.30\.21\.200-10\.30\.21\.2x0"/);
  });

  it('an AS number out of range or not a number is refused before kubectl is called', async () => {
    await refused('bgp', '{"metallb_local_asn": 4294967296}', 'metallb : every AS number is one (0 to 4294967295)', /AS number "4294967296"/);
    await refused('bgp', '{"bgp_peers": [{"address": "10.30.10.1", "asn": "64512x"}]}', 'metallb : every AS number is one (0 to 4294967295)', /AS number "64512x"/);
  });

  const LABEL_TASK = 'metallb : the control planes\' label node.kubernetes.io/exclude-from-external-load-balancers (metallb_exclude_control_planes)';
  const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';

  it('control planes\' exclude label on fresh nodes: true is ok (kubeadm gives it), false plans its removal from each control plane with the diff', async () => {
    const keep = await plan('l2');
    const [kept] = byTask(keep, LABEL_TASK);
    assert.equal(kept?.status, 'ok');
    assert.match(String(kept?.msg), new RegExp(`^${EXCLUDE} present: already so on Node cp1, cp2 \\(kubectl is not installed on cp1 yet: compared with the labels the earlier play gives them\\)$`));
    const drop = await plan('l2', ['{"metallb_exclude_control_planes": false}']);
    const [dropped] = byTask(drop, LABEL_TASK);
    assert.equal(dropped?.status, 'changed', JSON.stringify(dropped));
    const diffs = dropped!.diff as unknown as { subject: string; before: Record<string, string>; after: Record<string, string> }[];
    assert.deepEqual(diffs.map((d) => d.subject), ['Node cp1 labels', 'Node cp2 labels']);
    for (const d of diffs) {
      assert.deepEqual([EXCLUDE in d.before, EXCLUDE in d.after, 'node-role.kubernetes.io/control-plane' in d.after], [true, false, true]);
    }
    assert.ok(kubectlCalls(drop).every((a) => !a.includes('label')), 'check mode labelled a node');
  });

  it('control planes\' exclude label on a running cluster (the kubectl TEST DOUBLE\'s nodes): only the node that differs is planned', async (t) => {
    const d = kubectlDouble(tempDir('metallb-nodes', t));
    const cpLabels = (name: string, exclude: boolean): Record<string, string> => ({ 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/control-plane': '', ...(exclude ? { [EXCLUDE]: '' } : {}) });
    d.store({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp1', labels: cpLabels('cp1', true) } } as never);
    d.store({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'cp2', labels: cpLabels('cp2', false) } } as never);
    // The file facts k8s_apply reads (is the kubeconfig there) are answered by this machine's sh.
    const sh: Responder = (req) => {
      if (req.argv[0] !== 'sh') return undefined;
      const res = spawnSync('sh', req.argv.slice(1), { input: req.stdin ?? '', encoding: 'utf8' });
      return { code: res.status, stdout: res.stdout, stderr: res.stderr };
    };
    const p = await plan('l2', [`{"metallb_kubeconfig": "${d.kubeconfig}"}`], { responders: [d.responder, sh] });
    const [r] = byTask(p, LABEL_TASK);
    assert.equal(r?.status, 'changed', JSON.stringify(p.results.map((x) => [x.task, x.status, x.msg])));
    assert.deepEqual((r!.diff as unknown as { subject: string }[]).map((x) => x.subject), ['Node cp2 labels']);
    assert.deepEqual(d.calls().filter((a) => a.includes('label')), [], 'check mode labelled a node');
  });

  const CHECK_TASK = 'metallb : MetalLB\'s address pools and their announcement, checked before anything is sent';

  it('what the role does not check itself, the shipped CRDs do, before anything is sent: file:line, code and the field', async () => {
    const p = await plan('bgp', ['{"metallb_bgp_aggregation_length": "32"}']);
    const failed = p.results.filter((r) => r.status === 'failed');
    assert.deepEqual(failed.map((r) => r.task), [CHECK_TASK]);
    const [config] = failed;
    assert.equal(config?.code, 'K8SBM_K8S_SCHEMA');
    assert.match(String(config?.msg), /BGPAdvertisement metallb-system\/k8sbm: \/spec\/aggregationLength must be integer/);
    assert.match(String(config?.detail?.[0]), /roles\/metallb\/templates\/metallb-config\.yaml\.hbs \(rendered\):\d+:\d+$/);
    assert.ok(config?.detail?.some((l) => l.includes('aggregationLength: "32"')), JSON.stringify(config?.detail));
    assert.equal(config?.execs, 0, 'the check ran a command');
    // Not even the manifest was diffed: the check comes before every task that talks to kubectl.
    assert.deepEqual(kubectlCalls(p), [], 'kubectl was called');
    assert.deepEqual(byTask(p, 'metallb : MetalLB (the release shipped with the role), its controller and speakers ready'), []);
  });

  it('a run with a value only the BGPPeer CRD refuses (hold_time as a number) fails before kubectl (a TEST DOUBLE) is called at all', async (t) => {
    // Good values reach the double (planned here: the lab test runs the role): its log is where a call would show.
    const good = kubectlDouble(tempDir('metallb-double-good', t));
    const ok = await plan('bgp', [`{"metallb_kubeconfig": "${good.kubeconfig}"}`], { responders: [good.responder] });
    assert.ok(readFileSync(good.log, 'utf8').split('\n').filter(Boolean).length > 0, 'the double was not reached by a good run');
    assert.equal(byTask(ok, CHECK_TASK)[0]?.status, 'ok');
    assert.match(String(byTask(ok, CHECK_TASK)[0]?.msg), /^6 objects checked on the controller \(6 custom resources against the CRD schemas\): validate_only, nothing sent$/);

    const bad = kubectlDouble(tempDir('metallb-double-bad', t));
    const peers = '[{"address": "10.30.10.1", "asn": 64512, "name": "rack1-tor", "hold_time": 90}]';
    const p = await plan('bgp', [`{"metallb_kubeconfig": "${bad.kubeconfig}", "bgp_peers": ${peers}}`], { run: true, responders: [bad.responder] });
    const failed = p.results.filter((r) => r.status === 'failed');
    assert.deepEqual(failed.map((r) => r.task), [CHECK_TASK], JSON.stringify(p.results.map((r) => `${r.task} ${r.status} ${r.msg}`)));
    assert.equal(failed[0]!.code, 'K8SBM_K8S_SCHEMA');
    assert.match(String(failed[0]!.msg), /BGPPeer metallb-system\/rack1-tor: \/spec\/holdTime must be string/);
    assert.match(String(failed[0]!.detail?.[0]), /metallb-config\.yaml\.hbs \(rendered\):\d+:\d+$/);
    assert.ok(failed[0]!.detail?.some((l) => l.includes('holdTime: 90')), JSON.stringify(failed[0]!.detail));
    assert.ok(failed[0]!.detail?.some((l) => /schema: BGPPeer metallb\.io\/v1beta2 from .*metallb\.io_bgppeers\.yaml/.test(l)), JSON.stringify(failed[0]!.detail));
    assert.deepEqual(kubectlCalls(p), [], 'kubectl was called');
    assert.equal(existsSync(bad.log) ? readFileSync(bad.log, 'utf8') : '', '', 'the kubectl double logged a call');
    assert.equal(existsSync(bad.journal) ? readFileSync(bad.journal, 'utf8') : '', '', 'the kubectl double journaled a call');
  });
});
