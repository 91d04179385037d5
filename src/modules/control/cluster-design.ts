import { didYouMean } from '../../source/errors.js';
import type { PreflightFinding, PreflightInstance } from '../types.js';
import { addressKey, inRange, networkOf, overlaps, rangeOf, sameRange, type AddrRange } from './cluster-design-nets.js';
import type { ClusterDesignT } from './cluster-design-spec.js';
import { upgradeFindings, versionSkewFindings } from './cluster-design-versions.js';

/**
 * The cluster's design, checked across the hosts of a play before anything is sent (the preflight
 * role). Each check has a name an operator can put in `preflight_ignore` to accept its risk; each
 * finding names the param path whose inventory line the engine shows.
 */
export const DESIGN_CHECKS = [
  'control_plane_ha', 'etcd_quorum', 'ceph_mon_quorum', 'ceph_mon_hosts', 'api_vip_subnet', 'api_vip_address',
  'metallb_l2_segment', 'cidr_overlap', 'duplicate_address', 'vrrp_router_id', 'version_skew', 'upgrade_skip',
] as const;
export type DesignCheck = (typeof DESIGN_CHECKS)[number];

export type Inst = PreflightInstance<ClusterDesignT>;
type Path = (string | number)[];

/** Collects findings: drops ignored checks, says a cluster-wide finding once, adds the check's name and the override. */
export class Findings {
  readonly out: PreflightFinding[] = [];
  readonly #said = new Set<string>();

  add(inst: Inst, check: DesignCheck, level: 'error' | 'warning', path: Path, msg: string, hint: string): void {
    if (inst.params.ignore?.includes(check)) return;
    this.out.push({ host: inst.host, level, path, msg: `${check}: ${msg}`, hint: `${hint}; or accept the risk with preflight_ignore: [${check}]` });
  }

  /** A finding about the cluster, not a host: said by the first host that does not ignore it. */
  once(insts: readonly Inst[], check: DesignCheck, level: 'error' | 'warning', path: Path, msg: string, hint: string): void {
    const inst = insts.find((i) => !i.params.ignore?.includes(check));
    const key = `${check}\0${msg}`;
    if (!inst || this.#said.has(key)) return;
    this.#said.add(key);
    this.add(inst, check, level, path, msg, hint);
  }
}

export function clusterDesignFindings(instances: readonly Inst[]): PreflightFinding[] {
  if (!instances.length) return [];
  const f = new Findings();
  ignoreNames(instances, f);
  quorum(instances, f);
  cephMonHosts(instances, f);
  apiVip(instances, f);
  metallbSegments(instances, f);
  for (const inst of instances) cidrOverlaps(inst, instances, f);
  duplicateAddresses(instances, f);
  vrrp(instances, f);
  versionSkewFindings(instances, f);
  upgradeFindings(instances, f);
  return f.out;
}

function ignoreNames(instances: readonly Inst[], f: Findings): void {
  for (const inst of instances) {
    (inst.params.ignore ?? []).forEach((name, i) => {
      if ((DESIGN_CHECKS as readonly string[]).includes(name)) return;
      f.out.push({ host: inst.host, level: 'error', path: ['ignore', i], msg: `preflight_ignore names ${JSON.stringify(name)}, which is no check`,
        hint: `${didYouMean(name, DESIGN_CHECKS) ?? 'the checks are'} ${DESIGN_CHECKS.join(', ')}` });
    });
  }
}

const inGroup = (inst: Inst, g: string): boolean => inst.params.group_names?.includes(g) ?? false;
const hostList = (hs: readonly string[]): string => hs.join(', ');

function quorum(insts: readonly Inst[], f: Findings): void {
  const groups = insts[0]!.params.groups ?? {};
  const cps = groups.control_plane ?? [];
  if (cps.length > 0 && cps.length < 3) {
    f.once(insts, 'control_plane_ha', 'warning', ['groups', 'control_plane'],
      `${cps.length} control plane${cps.length > 1 ? 's' : ''} (${hostList(cps)}): the cluster is not highly available, the loss of ${cps.length > 1 ? 'one' : 'it'} stops the API`,
      'put 3 hosts in control_plane for a cluster that survives the loss of one');
  }
  const etcdGroup = groups.etcd !== undefined ? 'etcd' : 'control_plane';
  const etcd = groups[etcdGroup] ?? [];
  if (etcd.length > 0 && etcd.length % 2 === 0) {
    const n = etcd.length;
    f.once(insts, 'etcd_quorum', 'error', ['groups', etcdGroup],
      `etcd has ${n} members (${hostList(etcd)}${etcdGroup === 'etcd' ? '' : ': stacked on the control planes'}): its quorum is ${n / 2 + 1}, so it survives the loss of ${n / 2 - 1} member${n / 2 - 1 === 1 ? '' : 's'}, as ${n - 1} would; the even member is one more that can fail and costs every write one more round trip`,
      `make ${etcdGroup} ${n - 1} or ${n + 1} hosts`);
  }
  const mons = groups.ceph_mon ?? [];
  if (mons.length > 0 && mons.length % 2 === 0) {
    const n = mons.length;
    f.once(insts, 'ceph_mon_quorum', 'error', ['groups', 'ceph_mon'],
      `Ceph has ${n} monitors (${hostList(mons)}): a majority is ${n / 2 + 1}, so the cluster survives the loss of ${n / 2 - 1}, as with ${n - 1}; and split evenly, neither half has a quorum and storage stops`,
      `make ceph_mon ${n - 1} or ${n + 1} hosts`);
  }
}

/** Two monitors on one machine: two inventory names with one connection address. */
function cephMonHosts(insts: readonly Inst[], f: Findings): void {
  const byAddr = new Map<string, Inst[]>();
  for (const inst of insts) {
    if (!inGroup(inst, 'ceph_mon')) continue;
    const a = addressKey(inst.params.addresses?.ansible_host ?? '');
    if (!a) continue;
    byAddr.set(a.key, [...(byAddr.get(a.key) ?? []), inst]);
  }
  for (const same of byAddr.values()) {
    if (same.length < 2) continue;
    for (const inst of same) {
      const others = same.filter((o) => o !== inst).map((o) => o.host);
      f.add(inst, 'ceph_mon_hosts', 'error', ['addresses', 'ansible_host'],
        `Ceph monitor ${inst.host} is on the machine of ${hostList(others)} (ansible_host ${inst.params.addresses!.ansible_host}): one machine lost takes several monitors, and with them the quorum`,
        'put each ceph_mon host on a machine of its own');
    }
  }
}

/** A host's addresses from the params (by variable) and, when gathered, from its facts. */
function hostAddresses(inst: Inst): { name: string; text: string }[] {
  const out = Object.entries(inst.params.addresses ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '').map(([name, text]) => ({ name, text }));
  for (const key of ['all_ipv4_addresses', 'all_ipv6_addresses']) {
    const v = inst.facts?.[key];
    if (Array.isArray(v)) for (const a of v) if (typeof a === 'string') out.push({ name: 'an interface (facts)', text: a });
  }
  return out;
}

function apiVip(insts: readonly Inst[], f: Findings): void {
  for (const inst of insts) {
    const { api_vip: vip, api_vip_cidr: cidr } = inst.params;
    if (!vip) continue;
    const v = addressKey(vip);
    if (!v) { f.once([inst], 'api_vip_subnet', 'error', ['api_vip'], `api_vip ${vip} is not an IP address`, 'an address such as 10.30.10.100'); continue; }
    // The VIP as a node's own address (the inventory's, not the facts': the holder has it on a link).
    for (const [name, text] of Object.entries(inst.params.addresses ?? {})) {
      if (typeof text === 'string' && addressKey(text)?.key === v.key) {
        f.add(inst, 'api_vip_address', 'error', ['addresses', name],
          `${name} ${text} of ${inst.host} is the API's virtual address (api_vip ${vip}): the node and keepalived answer for one address, so clients reach the API or the node at random, and the node loses its address when the VIP moves`,
          `give api_vip an address no node has, or ${inst.host} another ${name}`);
      }
    }
    if (!cidr || !inGroup(inst, 'control_plane')) continue;
    const net = networkOf(cidr, undefined);
    const range = rangeOf(cidr);
    if (!net || !range) { f.once([inst], 'api_vip_subnet', 'error', ['api_vip_cidr'], `api_vip_cidr ${cidr} is not a network`, 'the VIP with its prefix: 10.30.10.100/24'); continue; }
    if (!inRange(range, v.version, v.addr) || cidr.split('/')[0]!.trim() !== vip.trim()) {
      f.once([inst], 'api_vip_subnet', 'error', ['api_vip_cidr'], `api_vip_cidr ${cidr} is not api_vip ${vip} with its prefix length`, `write it as ${vip}/${cidr.split('/')[1] ?? '24'}`);
      continue;
    }
    const own = hostAddresses(inst);
    // Nothing known of the host's addresses (a DNS name, no facts): nothing to compare.
    if (!own.some((a) => addressKey(a.text))) continue;
    if (own.some((a) => { const k = addressKey(a.text); return k !== undefined && k.key !== v.key && inRange(range, k.version, k.addr); })) continue;
    f.add(inst, 'api_vip_subnet', 'error', ['api_vip_cidr'],
      `api_vip ${vip} is on ${net}, where control plane ${inst.host} has no address (it has ${own.map((a) => a.text).filter((t, i, all) => all.indexOf(t) === i).join(', ')}): keepalived cannot put the VIP on a link of that network, so when ${inst.host} holds it the API is unreachable`,
      `choose api_vip in a network every control plane has an address on, or give ${inst.host} an address in ${net}`);
  }
}

function metallbSegments(insts: readonly Inst[], f: Findings): void {
  const mode = insts[0]!.params.metallb_mode?.toLowerCase();
  if (mode !== 'l2' && mode !== 'layer2') return;
  const cluster = insts[0]!.params.groups?.k8s_cluster;
  const speakers = insts.filter((i) => (cluster ? inGroup(i, 'k8s_cluster') : true));
  const segments = new Map<string, { inst: Inst; name: string }[]>();
  for (const inst of speakers) {
    const a = inst.params.addresses ?? {};
    const name = a.kubernetes_address ? 'kubernetes_address' : a.ansible_host ? 'ansible_host' : undefined;
    if (!name) continue;
    const nodeCidr = inst.params.node_cidr;
    const fallback = nodeCidr && nodeCidr.includes('/') ? Number(nodeCidr.split('/')[1]) : undefined;
    const seg = networkOf(a[name]!, fallback);
    if (!seg) continue;
    segments.set(seg, [...(segments.get(seg) ?? []), { inst, name }]);
  }
  if (segments.size < 2) return;
  const sorted = [...segments].sort((x, y) => y[1].length - x[1].length);
  const all = sorted.map(([seg, ss]) => `${seg}: ${ss.map((s) => s.inst.host).join(', ')}`).join('; ');
  for (const [seg, ss] of sorted.slice(1)) {
    for (const s of ss) {
      f.add(s.inst, 'metallb_l2_segment', 'error', ['addresses', s.name],
        `metallb_mode is l2, but MetalLB's speakers are on ${segments.size} L2 segments (${all}); ${s.inst.host} is on ${seg}: in L2 mode one speaker answers ARP for a service address, so the address is unreachable whenever that speaker is on another segment than the clients' router`,
        'use metallb_mode: bgp with bgp_peers, or put every node on one L2 segment');
    }
  }
}

interface Net { readonly name: string; readonly text: string; readonly path: Path; readonly range: AddrRange }

function cidrOverlaps(inst: Inst, insts: readonly Inst[], f: Findings): void {
  const p = inst.params;
  const nets: Net[] = [];
  const add = (name: string, text: string | null | undefined, path: Path): void => {
    if (!text) return;
    const range = rangeOf(text);
    if (!range) { f.once([inst], 'cidr_overlap', 'error', path, `${name} ${text} is not a network`, 'a network with its prefix length (10.244.0.0/16), or for a pool a first-last range'); return; }
    nets.push({ name, text, path, range });
  };
  add('pod_cidr', p.pod_cidr, ['pod_cidr']);
  add('service_cidr', p.service_cidr, ['service_cidr']);
  add('node_cidr', p.node_cidr, ['node_cidr']);
  add('storage_cidr', p.storage_cidr, ['storage_cidr']);
  if (Array.isArray(p.metallb_pool)) p.metallb_pool.forEach((t, i) => add(`metallb_pool[${i}]`, t, ['metallb_pool', i]));
  else add('metallb_pool', p.metallb_pool, ['metallb_pool']);
  const same = [inst];
  const node = nets.find((n) => n.name === 'node_cidr');
  const mode = p.metallb_mode?.toLowerCase();
  const l2 = mode === 'l2' || mode === 'layer2';
  for (let j = 1; j < nets.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = nets[i]!;
      const b = nets[j]!;
      if (!overlaps(a.range, b.range)) continue;
      // L2 mode announces the pool's addresses by ARP on the nodes' segment: the pool belongs in it.
      if (l2 && b.name.startsWith('metallb_pool') && node && sameRange(a.range, node.range)) continue;
      if (a.name === 'node_cidr' && b.name === 'storage_cidr' && sameRange(a.range, b.range)) {
        f.once(same, 'cidr_overlap', 'warning', b.path,
          `storage_cidr is node_cidr (${b.text}): Ceph's replication and recovery share the nodes' network with the API, the kubelets and etcd, and can starve them`,
          'a storage network of its own (a VLAN) for storage_cidr, when the nodes have one');
        continue;
      }
      f.once(same, 'cidr_overlap', 'error', b.path,
        `${b.name} ${b.text} overlaps ${a.name} ${a.text}: an address in both is routed to one of them only, so pods, services, nodes or load-balanced addresses in the overlap are unreachable`,
        `choose ${b.name} and ${a.name} apart`);
    }
  }
  // A pool holding a node's own address (MetalLB would give it to a service).
  for (const n of nets.filter((x) => x.name.startsWith('metallb_pool'))) {
    for (const other of insts) {
      for (const [name, text] of Object.entries(other.params.addresses ?? {})) {
        const a = typeof text === 'string' ? addressKey(text) : undefined;
        if (!a || !inRange(n.range, a.version, a.addr)) continue;
        f.once(same, 'cidr_overlap', 'error', n.path,
          `${n.name} ${n.text} holds ${other.host}'s ${name} ${a.shown}: MetalLB may give a node's address to a service, and the two answer for it at random`,
          `keep the pool clear of the nodes' addresses`);
      }
    }
  }
  const vip = p.api_vip ? addressKey(p.api_vip) : undefined;
  for (const n of nets) {
    if (!vip || ['node_cidr', 'storage_cidr'].includes(n.name) || !inRange(n.range, vip.version, vip.addr)) continue;
    f.once(same, 'cidr_overlap', 'error', ['api_vip'],
      `api_vip ${p.api_vip} is inside ${n.name} ${n.text}: ${n.name.startsWith('metallb') ? 'MetalLB may give the API\'s address to a service' : 'the cluster routes that address to pods or services, not to the control planes'}`,
      `choose api_vip outside ${n.name}`);
  }
}

function duplicateAddresses(insts: readonly Inst[], f: Findings): void {
  const uses = new Map<string, { inst: Inst; name: string; shown: string }[]>();
  for (const inst of insts) {
    for (const [name, text] of Object.entries(inst.params.addresses ?? {})) {
      const a = typeof text === 'string' ? addressKey(text) : undefined;
      if (a) uses.set(a.key, [...(uses.get(a.key) ?? []), { inst, name, shown: a.shown }]);
    }
  }
  for (const list of uses.values()) {
    const hosts = [...new Set(list.map((u) => u.inst.host))];
    if (hosts.length < 2) continue;
    // ceph_mon_hosts says it of monitors sharing their connection address.
    for (const u of list) {
      const others = list.filter((o) => o.inst.host !== u.inst.host).map((o) => `${o.inst.host}'s ${o.name}`);
      f.add(u.inst, 'duplicate_address', 'error', ['addresses', u.name],
        `${u.name} ${u.shown} of ${u.inst.host} is also ${others.join(', ')}: two nodes with one address answer ARP in turn, so traffic (and SSH, etcd, the kubelet) reaches either at random`,
        `give ${u.inst.host} or ${[...new Set(list.filter((o) => o.inst.host !== u.inst.host).map((o) => o.inst.host))].join(', ')} another address`);
    }
  }
}

/** One virtual_router_id per virtual address on a segment, and none another router there uses. */
function vrrp(insts: readonly Inst[], f: Findings): void {
  interface Member { inst: Inst; rid: number; vip: string; seg: string }
  const members: Member[] = [];
  for (const inst of insts) {
    const { keepalived_router_id: raw, api_vip: vip, api_vip_cidr: cidr } = inst.params;
    if (!inGroup(inst, 'control_plane') || raw === null || raw === undefined || raw === '' || !vip) continue;
    const rid = Number(raw);
    if (!Number.isInteger(rid) || rid < 1 || rid > 255) {
      f.once([inst], 'vrrp_router_id', 'error', ['keepalived_router_id'], `keepalived_router_id ${String(raw)} is not a VRRP virtual_router_id (1-255)`, 'a whole number from 1 to 255');
      continue;
    }
    const taken = (inst.params.keepalived_router_ids_taken ?? []).map(Number);
    if (taken.includes(rid)) {
      f.add(inst, 'vrrp_router_id', 'error', ['keepalived_router_id'],
        `keepalived_router_id ${rid} is in keepalived_router_ids_taken (${taken.join(', ')}): another VRRP router on the segment uses it; each group drops the other's adverts as bogus and both keep a MASTER, so two routers claim their addresses`,
        `choose a keepalived_router_id (1-255) that is not in keepalived_router_ids_taken`);
    }
    members.push({ inst, rid, vip, seg: (cidr && networkOf(cidr, undefined)) ?? vip });
  }
  const bySeg = new Map<string, Member[]>();
  for (const m of members) bySeg.set(m.seg, [...(bySeg.get(m.seg) ?? []), m]);
  for (const [seg, ms] of bySeg) {
    const summary = [...new Set(ms.map((m) => `${m.vip} ${m.rid}`))].join('; ');
    for (const m of ms) {
      const sameVip = ms.filter((o) => o.vip === m.vip);
      const first = sameVip[0]!;
      if (m.rid !== first.rid) {
        f.add(m.inst, 'vrrp_router_id', 'error', ['keepalived_router_id'],
          `keepalived_router_id ${m.rid} on ${m.inst.host}, ${first.rid} on ${first.inst.host}, for one api_vip ${m.vip} on ${seg} (api_vip keepalived_router_id: ${summary}): VRRP peers with different ids do not hear each other, and each holds the address`,
          'set keepalived_router_id once, for the control_plane group (group_vars/control_plane.yml), not per host');
      }
      const clash = ms.find((o) => o.vip !== m.vip && o.rid === m.rid);
      if (clash) {
        f.add(m.inst, 'vrrp_router_id', 'error', ['keepalived_router_id'],
          `keepalived_router_id ${m.rid} is used on ${seg} for api_vip ${m.vip} (${m.inst.host}) and ${clash.vip} (${clash.inst.host}): each group drops the other's adverts and keeps a MASTER, so both addresses are held twice`,
          'give each virtual address on a segment its own keepalived_router_id');
      }
    }
  }
}
