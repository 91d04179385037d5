/**
 * The preflight role (roles/preflight, the cluster_design module's checks): each design rule of
 * docs/preflight.md refused from an inventory that breaks it, with its check's name, the inventory
 * line that gave the value and the override in the hint, before any task runs on any host. No
 * lab: the role runs from a copy beside the test's playbook against in-memory hosts, which answer
 * only the fact gathering (read-only, and where a control plane tells the version it runs).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { HOST_FACTS_SCRIPT } from '../../../src/facts/host.js';
import type { RunEvent, WarningEvent } from '../../../src/report/events.js';
import { K8sbmError } from '../../../src/source/errors.js';
import { formatLoc } from '../../../src/source/loc.js';
import { nodeAddress, nodeName, subnetAt } from '../../../src/lab/names.js';
import { renderInventory, renderLabVars } from '../../../src/lab/render.js';
import { runEngine, type EngineRun } from '../../helpers/engine.js';
import { repoRoot } from '../../helpers/paths.js';

/** A folder's files under `under` of the test's tree (the shipped role's by default). */
function roleFiles(root = join(repoRoot, 'roles', 'preflight'), under = join('roles', 'preflight')): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[join(under, relative(root, p))] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

const HOSTS = `[control_plane]
cp1 ansible_host=10.0.1.11
cp2 ansible_host=10.0.1.12
cp3 ansible_host=10.0.1.13

[workers]
w1 ansible_host=10.0.1.21
w2 ansible_host=10.0.1.22

[ceph_mon]
cp1
cp2
cp3

# stacked etcd
[etcd:children]
control_plane

[k8s_cluster:children]
control_plane
workers
`;

const ALL = `kubernetes_version: "1.31.4"
kubelet_version: "{{ kubernetes_version }}"
kubectl_version: "{{ kubernetes_version }}"
api_vip: 10.0.1.100
api_vip_cidr: 10.0.1.100/24
pod_cidr: 10.244.0.0/16
service_cidr: 10.96.0.0/12
node_cidr: 10.0.1.0/24
storage_cidr: 10.0.2.0/24
metallb_mode: l2
metallb_pool: 10.0.1.200-10.0.1.220
keepalived_router_id: 51
`;

const SITE = `- name: The cluster's design
  hosts: all
  roles: [preflight]

- name: the rest of the site
  hosts: all
  gather_facts: false
  tasks:
    - name: a change
      command: touch /tmp/changed
`;

interface Case {
  readonly files?: Record<string, string>;
  /** Each host's kube-apiserver manifest image line, as the fact gathering reads it. */
  readonly running?: Record<string, string>;
  readonly extraVars?: readonly string[];
  readonly inventory?: string;
  readonly check?: boolean;
}

const factsOutput = (image: string | undefined): string => `\n@@k8sbm:hostname@@\nnode\n${image ? `\n@@k8sbm:kube_apiserver@@\n    image: ${image}\n` : ''}\n@@k8sbm:end@@\n`;

async function run(c: Case): Promise<{ run?: EngineRun; error?: K8sbmError; events: RunEvent[]; calls: Map<string, string[][]> }> {
  const events: RunEvent[] = [];
  const calls = new Map<string, string[][]>();
  const files = { 'inv/hosts.ini': HOSTS, 'inv/group_vars/all.yml': ALL, 'site.yml': SITE, ...roleFiles(), ...c.files };
  try {
    const r = await runEngine({
      files, inventory: c.inventory ?? 'inv/hosts.ini', extraVars: c.extraVars, check: c.check,
      onEvent: (e) => events.push(e),
      responders: [(req, host) => {
        (calls.get(host) ?? calls.set(host, []).get(host)!).push([...req.argv]);
        if (req.argv[0] === 'sh' && req.argv[2] === HOST_FACTS_SCRIPT) return { stdout: factsOutput(c.running?.[host]) };
        return { stdout: '' };
      }],
    });
    return { run: r, events, calls };
  } catch (e) {
    assert.ok(e instanceof K8sbmError, String(e));
    return { error: e, events, calls };
  }
}

const rel = (s: string): string => s.replace(/\/\S*?k8sbm-engine-[^/]+\//g, '');

/** The run was refused before any task: the design error, nothing but fact gathering sent to any host. */
async function refused(c: Case): Promise<{ lines: string[]; loc: string; hint: string }> {
  const r = await run(c);
  assert.ok(r.error, `the run was not refused: ${r.run?.lines.join('; ')}`);
  assert.equal(r.error.code, 'K8SBM_DESIGN_INVALID', r.error.message);
  assert.deepEqual(r.events.filter((e) => e.event === 'task_result' && e.module !== 'setup'), [], 'a task ran');
  for (const [host, argvs] of r.calls) {
    assert.ok(argvs.every((a) => a[2] === HOST_FACTS_SCRIPT), `${host} was sent more than fact gathering: ${JSON.stringify(argvs)}`);
  }
  assert.match(r.error.subject ?? '', /nothing was sent$/);
  return { lines: rel(r.error.message).split('\n'), loc: rel(formatLoc(r.error.loc)), hint: r.error.hint ?? '' };
}

const withAll = (edit: (all: string) => string, more: Record<string, string> = {}): Case => ({ files: { 'inv/group_vars/all.yml': edit(ALL), ...more } });

describe('role preflight: the cluster design checked before anything is sent', () => {
  it('a sound design passes silently and the play goes on', async () => {
    const r = await run({});
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    assert.deepEqual(r.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => w.msg), []);
    assert.ok(r.run.lines.includes('cp1 a change changed'), r.run.lines.join('\n'));
  });

  it('etcd_quorum: an even number of etcd members, at the group\'s line in the inventory', async () => {
    const f = await refused({ files: { 'inv/hosts.ini': HOSTS.replace('[etcd:children]\ncontrol_plane\n', '[etcd]\ncp1\ncp2\n') } });
    assert.deepEqual(f.lines, ['cp1: etcd_quorum: etcd has 2 members (cp1, cp2): its quorum is 2, so it survives the loss of 0 members, as 1 would; the even member is one more that can fail and costs every write one more round trip (inv/hosts.ini:16:2)']);
    assert.equal(f.loc, 'inv/hosts.ini:16:2');
    assert.equal(f.hint, 'make etcd 1 or 3 hosts; or accept the risk with preflight_ignore: [etcd_quorum]');
  });

  it('control_plane_ha: fewer than 3 control planes is a warning at the group\'s line, and the play goes on', async () => {
    const hosts = HOSTS.replace('cp2 ansible_host=10.0.1.12\ncp3 ansible_host=10.0.1.13\n', '').replace('[ceph_mon]\ncp1\ncp2\ncp3\n', '[ceph_mon]\ncp1\n');
    const r = await run({ files: { 'inv/hosts.ini': hosts } });
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    const warnings = r.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => rel(w.msg));
    assert.deepEqual(warnings, ['cp1: control_plane_ha: 1 control plane (cp1): the cluster is not highly available, the loss of it stops the API (inv/hosts.ini:1:2); put 3 hosts in control_plane for a cluster that survives the loss of one; or accept the risk with preflight_ignore: [control_plane_ha]']);
    const quiet = await run({ files: { 'inv/hosts.ini': hosts, 'inv/group_vars/all.yml': `${ALL}preflight_ignore: [control_plane_ha]\n` } });
    assert.deepEqual(quiet.events.filter((e) => e.event === 'warning'), []);
  });

  it('ceph_mon_quorum: an even number of Ceph monitors', async () => {
    const f = await refused({ files: { 'inv/hosts.ini': HOSTS.replace('[ceph_mon]\ncp1\ncp2\ncp3\n', '[ceph_mon]\ncp1\ncp2\n') } });
    assert.deepEqual(f.lines, ['cp1: ceph_mon_quorum: Ceph has 2 monitors (cp1, cp2): a majority is 2, so the cluster survives the loss of 0, as with 1; and split evenly, neither half has a quorum and storage stops (inv/hosts.ini:10:2)']);
    assert.equal(f.hint, 'make ceph_mon 1 or 3 hosts; or accept the risk with preflight_ignore: [ceph_mon_quorum]');
  });

  it('ceph_mon_hosts: two monitors on one machine (one ansible_host), at each host\'s line', async () => {
    const f = await refused({ files: { 'inv/hosts.ini': HOSTS.replace('cp3 ansible_host=10.0.1.13', 'cp3 ansible_host=10.0.1.12') } });
    assert.ok(f.lines.includes('cp2: ceph_mon_hosts: Ceph monitor cp2 is on the machine of cp3 (ansible_host 10.0.1.12): one machine lost takes several monitors, and with them the quorum (inv/hosts.ini:3:18)'), f.lines.join('\n'));
    assert.ok(f.lines.includes('cp3: ceph_mon_hosts: Ceph monitor cp3 is on the machine of cp2 (ansible_host 10.0.1.12): one machine lost takes several monitors, and with them the quorum (inv/hosts.ini:4:18)'), f.lines.join('\n'));
    assert.equal(f.hint, 'put each ceph_mon host on a machine of its own; or accept the risk with preflight_ignore: [ceph_mon_hosts]');
  });

  it('api_vip_subnet: the VIP on a network the control planes have no address on', async () => {
    const f = await refused(withAll((a) => a.replace('api_vip: 10.0.1.100\napi_vip_cidr: 10.0.1.100/24', 'api_vip: 10.0.5.100\napi_vip_cidr: 10.0.5.100/24')));
    assert.deepEqual(f.lines, ['cp1', 'cp2', 'cp3'].map((h, i) => `${h}: api_vip_subnet: api_vip 10.0.5.100 is on 10.0.5.0/24, where control plane ${h} has no address (it has 10.0.1.1${i + 1}): keepalived cannot put the VIP on a link of that network, so when ${h} holds it the API is unreachable (inv/group_vars/all.yml:5:15)`));
    assert.equal(f.loc, 'inv/group_vars/all.yml:5:15');
  });

  it('api_vip_subnet: api_vip_cidr that is not the VIP is said once, at its line', async () => {
    const f = await refused(withAll((a) => a.replace('api_vip_cidr: 10.0.1.100/24', 'api_vip_cidr: 10.0.1.101/24')));
    assert.deepEqual(f.lines, ['cp1: api_vip_subnet: api_vip_cidr 10.0.1.101/24 is not api_vip 10.0.1.100 with its prefix length (inv/group_vars/all.yml:5:15)']);
    assert.equal(f.hint, 'write it as 10.0.1.100/24; or accept the risk with preflight_ignore: [api_vip_subnet]');
  });

  it('api_vip_address: the VIP is a node\'s address, at the host_vars line', async () => {
    const f = await refused({ files: { 'inv/host_vars/w1.yml': '# the kubernetes VLAN\nkubernetes_address: 10.0.1.100/24\n' } });
    assert.ok(f.lines.includes('w1: api_vip_address: kubernetes_address 10.0.1.100/24 of w1 is the API\'s virtual address (api_vip 10.0.1.100): the node and keepalived answer for one address, so clients reach the API or the node at random, and the node loses its address when the VIP moves (inv/host_vars/w1.yml:2:21)'), f.lines.join('\n'));
  });

  it('metallb_l2_segment: L2 mode with a speaker on another segment', async () => {
    const f = await refused({ files: { 'inv/hosts.ini': HOSTS.replace('w2 ansible_host=10.0.1.22', 'w2 ansible_host=10.0.3.22') } });
    assert.deepEqual(f.lines, ['w2: metallb_l2_segment: metallb_mode is l2, but MetalLB\'s speakers are on 2 L2 segments (10.0.1.0/24: cp1, cp2, cp3, w1; 10.0.3.0/24: w2); w2 is on 10.0.3.0/24: in L2 mode one speaker answers ARP for a service address, so the address is unreachable whenever that speaker is on another segment than the clients\' router (inv/hosts.ini:8:17)']);
    assert.equal(f.hint, 'use metallb_mode: bgp with bgp_peers, or put every node on one L2 segment; or accept the risk with preflight_ignore: [metallb_l2_segment]');
    // In BGP mode the segments do not matter.
    const bgp = await run({ files: { 'inv/hosts.ini': HOSTS.replace('w2 ansible_host=10.0.1.22', 'w2 ansible_host=10.0.3.22'), 'inv/group_vars/all.yml': ALL.replace('metallb_mode: l2\nmetallb_pool: 10.0.1.200-10.0.1.220', 'metallb_mode: bgp\nmetallb_pool: 10.0.30.0/24') } });
    assert.ok(bgp.run, bgp.error?.message);
  });

  it('cidr_overlap: the service network over the pods\', at the later variable\'s line; a pool holding a node\'s address', async () => {
    const f = await refused(withAll((a) => a.replace('service_cidr: 10.96.0.0/12', 'service_cidr: 10.240.0.0/12')));
    assert.deepEqual(f.lines, ['cp1: cidr_overlap: service_cidr 10.240.0.0/12 overlaps pod_cidr 10.244.0.0/16: an address in both is routed to one of them only, so pods, services, nodes or load-balanced addresses in the overlap are unreachable (inv/group_vars/all.yml:7:15)']);
    assert.equal(f.hint, 'choose service_cidr and pod_cidr apart; or accept the risk with preflight_ignore: [cidr_overlap]');
    const pool = await refused(withAll((a) => a.replace('metallb_pool: 10.0.1.200-10.0.1.220', 'metallb_pool: [10.0.1.200/29, 10.0.1.16/28]')));
    assert.deepEqual(pool.lines, ['cp1: cidr_overlap: metallb_pool[1] 10.0.1.16/28 holds w1\'s ansible_host 10.0.1.21: MetalLB may give a node\'s address to a service, and the two answer for it at random (inv/group_vars/all.yml:11:31)',
      'cp1: cidr_overlap: metallb_pool[1] 10.0.1.16/28 holds w2\'s ansible_host 10.0.1.22: MetalLB may give a node\'s address to a service, and the two answer for it at random (inv/group_vars/all.yml:11:31)']);
  });

  it('cidr_overlap: storage_cidr the same network as node_cidr is a warning', async () => {
    const r = await run(withAll((a) => a.replace('storage_cidr: 10.0.2.0/24', 'storage_cidr: 10.0.1.0/24')));
    assert.ok(r.run, r.error?.message);
    assert.deepEqual(r.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => rel(w.msg)),
      ['cp1: cidr_overlap: storage_cidr is node_cidr (10.0.1.0/24): Ceph\'s replication and recovery share the nodes\' network with the API, the kubelets and etcd, and can starve them (inv/group_vars/all.yml:9:15); a storage network of its own (a VLAN) for storage_cidr, when the nodes have one; or accept the risk with preflight_ignore: [cidr_overlap]']);
  });

  it('duplicate_address: two nodes with one storage address, each at its own host_vars line', async () => {
    const f = await refused({ files: { 'inv/host_vars/w1.yml': 'storage_address: 10.0.2.21/24\n', 'inv/host_vars/w2.yml': 'storage_address: 10.0.2.21/24\n' } });
    assert.deepEqual(f.lines, [
      'w1: duplicate_address: storage_address 10.0.2.21 of w1 is also w2\'s storage_address: two nodes with one address answer ARP in turn, so traffic (and SSH, etcd, the kubelet) reaches either at random (inv/host_vars/w1.yml:1:18)',
      'w2: duplicate_address: storage_address 10.0.2.21 of w2 is also w1\'s storage_address: two nodes with one address answer ARP in turn, so traffic (and SSH, etcd, the kubelet) reaches either at random (inv/host_vars/w2.yml:1:18)',
    ]);
    assert.equal(f.hint, 'give w1 or w2 another address; or accept the risk with preflight_ignore: [duplicate_address]');
  });

  it('vrrp_router_id: one control plane with another id, at its host_vars line; an id another router uses', async () => {
    const f = await refused({ files: { 'inv/host_vars/cp3.yml': 'keepalived_router_id: 52\n' } });
    assert.deepEqual(f.lines, ['cp3: vrrp_router_id: keepalived_router_id 52 on cp3, 51 on cp1, for one api_vip 10.0.1.100 on 10.0.1.0/24 (api_vip keepalived_router_id: 10.0.1.100 51; 10.0.1.100 52): VRRP peers with different ids do not hear each other, and each holds the address (inv/host_vars/cp3.yml:1:23)']);
    assert.equal(f.hint, 'set keepalived_router_id once, for the control_plane group (group_vars/control_plane.yml), not per host; or accept the risk with preflight_ignore: [vrrp_router_id]');
    const range = await refused(withAll((a) => a.replace('keepalived_router_id: 51', 'keepalived_router_id: 300')));
    assert.deepEqual(range.lines, ['cp1: vrrp_router_id: keepalived_router_id 300 is not a VRRP virtual_router_id (1-255) (inv/group_vars/all.yml:12:23)']);
    const taken = await refused(withAll((a) => `${a}keepalived_router_ids_taken: [50, 51]\n`));
    assert.deepEqual(taken.lines, ['cp1', 'cp2', 'cp3'].map((h) => `${h}: vrrp_router_id: keepalived_router_id 51 is in keepalived_router_ids_taken (50, 51): another VRRP router on the segment uses it; each group drops the other's adverts as bogus and both keep a MASTER, so two routers claim their addresses (inv/group_vars/all.yml:12:23)`));
  });

  it('version_skew: a kubelet newer than the API server; kubectl two minors off; a kubelet 4 minors older', async () => {
    const newer = await refused(withAll((a) => a.replace('kubelet_version: "{{ kubernetes_version }}"', 'kubelet_version: "1.32.0"')));
    assert.deepEqual(newer.lines, ['cp1: version_skew: kubelet_version 1.32.0 is newer than the API server\'s (kubernetes_version 1.31.4): Kubernetes does not support a kubelet newer than its API server, which may lack the APIs the kubelet calls (inv/group_vars/all.yml:2:18)']);
    const kubectl = await refused(withAll((a) => a.replace('kubectl_version: "{{ kubernetes_version }}"', 'kubectl_version: 1.29.1')));
    assert.deepEqual(kubectl.lines, ['cp1: version_skew: kubectl_version 1.29.1 is more than one minor version from the API server\'s (kubernetes_version 1.31.4): outside Kubernetes\' skew policy, kubectl may send or expect objects the server does not know (inv/group_vars/all.yml:3:18)']);
    const older = await refused(withAll((a) => a.replace('kubelet_version: "{{ kubernetes_version }}"', 'kubelet_version: "1.27.9"')));
    assert.match(older.lines[0]!, /^cp1: version_skew: kubelet_version 1\.27\.9 is more than 3 minor versions older than the API server's \(kubernetes_version 1\.31\.4\)/);
    assert.equal(older.hint, 'kubelet_version 1.31.x down to 1.28.x; or accept the risk with preflight_ignore: [version_skew]');
    // Three minors older is inside the policy.
    const r = await run(withAll((a) => a.replace('kubelet_version: "{{ kubernetes_version }}"', 'kubelet_version: "1.28.15"')));
    assert.ok(r.run, r.error?.message);
  });

  it('upgrade_skip: the cluster runs 1.29 and 1.31 is asked for (read from the kube-apiserver manifest); 1.30 to 1.31 passes, a fresh cluster too', async () => {
    const f = await refused({ running: { cp1: 'registry.k8s.io/kube-apiserver:v1.29.3', cp2: 'registry.k8s.io/kube-apiserver:v1.29.3' } });
    assert.deepEqual(f.lines, ['cp1', 'cp2'].map((h) => `${h}: upgrade_skip: ${h} runs Kubernetes 1.29.3 (its kube-apiserver manifest) and kubernetes_version asks for 1.31.4: that skips 1 minor version; kubeadm upgrades one minor version at a time, and a skipped one leaves stored objects and APIs the new version no longer reads (inv/group_vars/all.yml:1:21)`));
    assert.equal(f.hint, 'upgrade through 1.30 first (kubernetes_version: "1.30.x"), one minor version per run; or accept the risk with preflight_ignore: [upgrade_skip]');
    const down = await refused({ running: { cp1: 'registry.k8s.io/kube-apiserver:v1.32.0' } });
    assert.match(down.lines[0]!, /^cp1: upgrade_skip: cp1 runs Kubernetes 1\.32\.0 .* an older minor version: kubeadm does not downgrade/);
    const r = await run({ running: { cp1: 'registry.k8s.io/kube-apiserver:v1.30.8', cp2: '"registry.k8s.io/kube-apiserver:v1.31.4"' } });
    assert.ok(r.run, r.error?.message);
  });

  it('preflight_ignore accepts a check\'s risk; a name that is no check is refused with a did-you-mean', async () => {
    const hosts = HOSTS.replace('[etcd:children]\ncontrol_plane\n', '[etcd]\ncp1\ncp2\n');
    const r = await run({ files: { 'inv/hosts.ini': hosts, 'inv/group_vars/all.yml': `${ALL}preflight_ignore: [etcd_quorum]\n` } });
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    const f = await refused(withAll((a) => `${a}preflight_ignore:\n  - etcd_qorum\n`));
    assert.ok(f.lines.includes('cp1: preflight_ignore names "etcd_qorum", which is no check (inv/group_vars/all.yml:14:5)'), f.lines.join('\n'));
    assert.match(f.hint, /^did you mean "etcd_quorum"\?/);
  });

  it('every error is listed at once, and check mode stops the same way', async () => {
    const r = await run({ check: true, files: { 'inv/hosts.ini': HOSTS.replace('[etcd:children]\ncontrol_plane\n', '[etcd]\ncp1\ncp2\n'), 'inv/host_vars/cp3.yml': 'keepalived_router_id: 52\n' } });
    assert.ok(r.error);
    assert.match(r.error.message, /etcd_quorum/);
    assert.match(r.error.message, /vrrp_router_id/);
  });

  it('the reference cluster (inventories/example) passes, with no warning', async () => {
    const r = await run({ files: { ...roleFiles(join(repoRoot, 'inventories', 'example'), 'example') }, inventory: 'example/hosts' });
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    assert.deepEqual(r.events.filter((e) => e.event === 'warning'), []);
  });

  it('the lab\'s contract values (k8sbm lab up, 3 nodes) pass; its one network for nodes and storage is a warning', async () => {
    const subnet = subnetAt(4);
    const nodes = [1, 2, 3].map((i) => ({ name: nodeName(i), address: nodeAddress(subnet, i) }));
    const r = await run({
      inventory: 'lab/hosts.ini',
      files: {
        'lab/hosts.ini': renderInventory('t', nodes, { keyFile: '/nonexistent/key', knownHostsFile: '/nonexistent/known_hosts' }),
        'lab/group_vars/all.yml': renderLabVars(subnet.cidr, subnet.gateway),
      },
    });
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    const warnings = r.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => rel(w.msg));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^node01: cidr_overlap: storage_cidr is node_cidr \(198\.18\.4\.0\/24\)/);
  });
});
