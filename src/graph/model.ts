import type { PlacedFinding } from '../engine/preflight.js';
import { relative, isAbsolute } from 'node:path';
import { formatLoc } from '../source/loc.js';
import { renderValue } from '../template/index.js';

/**
 * What `k8sbm graph` draws, read from the inventory contract (inventories/example, docs/inventory.md)
 * as each host's variables give it: the groups, the API's virtual address and the control planes
 * that may hold it, the bond and its VLANs with their networks, each host's addresses on them,
 * MetalLB's pools and BGP peers, etcd and Ceph's members, and the design checks' findings.
 */
export interface ClusterGraph {
  readonly name: string;
  readonly hosts: readonly GraphHost[];
  readonly vip: Vip | undefined;
  readonly networks: readonly Network[];
  readonly metallb: MetalLB | undefined;
  readonly etcd: readonly string[];
  readonly ceph: Ceph | undefined;
  readonly findings: readonly Finding[];
}

export type HostKind = 'control-plane' | 'worker' | 'other';

export interface GraphHost {
  readonly name: string;
  readonly kind: HostKind;
  /** ansible_host, when it is not the name. */
  readonly address: string | undefined;
  /** etcd, ceph-mon, ceph-osd, worker (a control plane that runs workloads too), vip. */
  readonly roles: readonly string[];
  /** A control plane's VRRP priority (it may hold the VIP). */
  readonly vipPriority: number | undefined;
  readonly bond: Bond | undefined;
  /** Its address on each network: purpose, link, address (CIDR). */
  readonly addresses: readonly { purpose: string; link: string | undefined; address: string }[];
  readonly osdDevices: readonly string[];
  /** Indexes into ClusterGraph.findings. */
  readonly findings: readonly number[];
}

export interface Bond { readonly name: string; readonly mode: string | undefined; readonly members: readonly string[]; readonly mtu: number | undefined }
export interface Vip { readonly address: string; readonly cidr: string | undefined; readonly port: string | undefined; readonly apiPort: string | undefined; readonly routerId: string | undefined }
export interface Network { readonly purpose: string; readonly id: number | undefined; readonly link: string | undefined; readonly cidr: string | undefined; readonly gateway: string | undefined }
export interface MetalLB {
  readonly mode: string;
  readonly pools: readonly { name: string; addresses: readonly string[] }[];
  readonly peers: readonly { address: string; asn: string | undefined; name: string | undefined }[];
  readonly localAsn: string | undefined;
}
export interface Ceph { readonly mons: readonly string[]; readonly osds: readonly string[]; readonly publicNetwork: string | undefined }
/** One finding, said once for all the hosts it was found on in the same words at the same place. */
export interface Finding {
  readonly level: 'error' | 'warning';
  readonly hosts: readonly string[];
  readonly msg: string;
  readonly hint: string;
  /** file:line:col the operator edits. */
  readonly at: string;
}

type Vars = Readonly<Record<string, unknown>>;

/** The picture of the inventory: `vars` are each host's (checkDesign), in inventory order. */
export function clusterGraph(vars: ReadonlyMap<string, Vars>, findings: readonly PlacedFinding[]): ClusterGraph {
  const names = [...vars.keys()];
  const first = names.length ? vars.get(names[0]!)! : {};
  const groups = (first.groups ?? {}) as Readonly<Record<string, readonly string[]>>;
  const member = (g: string): Set<string> => new Set(groups[g] ?? []);
  const cps = groups.control_plane ?? [];
  const controlPlanes = new Set(cps);
  const workers = member('workers');
  const etcd = member('etcd');
  const mons = member('ceph_mon');
  const osds = member('ceph_osd');
  const apiVip = str(get(first, 'api_vip'));

  const byText = new Map<string, Finding & { hosts: string[] }>();
  for (const f of findings) {
    const at = shortPlace(formatLoc(f.loc));
    const key = `${f.level}\0${f.msg}\0${f.hint}\0${at}`;
    const seen = byText.get(key);
    if (seen) { if (!seen.hosts.includes(f.host)) seen.hosts.push(f.host); } else byText.set(key, { level: f.level, hosts: [f.host], msg: f.msg, hint: f.hint, at });
  }
  const list: Finding[] = [...byText.values()];
  const hosts: GraphHost[] = names.map((name) => {
    const v = vars.get(name)!;
    const roles: string[] = [];
    if (etcd.has(name)) roles.push('etcd');
    if (mons.has(name)) roles.push('ceph-mon');
    if (osds.has(name)) roles.push('ceph-osd');
    if (controlPlanes.has(name) && workers.has(name)) roles.push('worker');
    // The keepalived role's rule: keepalived_priority, else 150 - 10 x the place in control_plane.
    const place = cps.indexOf(name);
    const prio = place < 0 || apiVip === undefined ? undefined : num(get(v, 'keepalived_priority')) ?? 150 - 10 * place;
    if (prio !== undefined) roles.push('vip');
    const address = str(get(v, 'ansible_host'));
    return {
      name,
      kind: controlPlanes.has(name) ? 'control-plane' : workers.has(name) ? 'worker' : 'other',
      address: address !== name ? address : undefined,
      roles,
      vipPriority: prio,
      bond: bondOf(get(v, 'bond')),
      addresses: addressesOf(v),
      osdDevices: osds.has(name) ? strings(get(v, 'ceph_osd_devices')) : [],
      findings: list.flatMap((f, i) => (f.hosts.includes(name) ? [i] : [])),
    };
  });

  const mode = str(get(first, 'metallb_mode'));
  const metallb: MetalLB | undefined = mode === undefined || mode === 'none' ? undefined : {
    mode,
    pools: [
      ...(get(first, 'metallb_pool') !== undefined ? [{ name: str(get(first, 'metallb_pool_name')) ?? 'default', addresses: strings(get(first, 'metallb_pool')) }] : []),
      ...asArray(get(first, 'metallb_extra_pools')).flatMap((p) => (isMap(p) ? [{ name: str(p.name) ?? '?', addresses: strings(p.addresses) }] : [])),
    ],
    peers: mode === 'bgp' ? asArray(get(first, 'bgp_peers')).flatMap((p) => {
      if (isMap(p)) { const a = str(p.address); return a ? [{ address: a, asn: str(p.asn) ?? str(get(first, 'metallb_peer_asn')), name: str(p.name) }] : []; }
      const a = str(p);
      return a ? [{ address: a, asn: str(get(first, 'metallb_peer_asn')), name: undefined }] : [];
    }) : [],
    localAsn: str(get(first, 'metallb_local_asn')),
  };

  return {
    name: str(get(first, 'cluster_name')) ?? 'cluster',
    hosts,
    vip: apiVip === undefined ? undefined : {
      address: apiVip,
      cidr: str(get(first, 'api_vip_cidr')),
      port: str(get(first, 'haproxy_frontend_port')),
      apiPort: str(get(first, 'api_port')),
      routerId: str(get(first, 'keepalived_router_id')),
    },
    networks: networksOf(first),
    metallb,
    etcd: names.filter((n) => etcd.has(n)),
    ceph: mons.size || osds.size ? {
      mons: names.filter((n) => mons.has(n)),
      osds: names.filter((n) => osds.has(n)),
      publicNetwork: str(get(first, 'ceph_public_network')) ?? str(get(first, 'storage_cidr')),
    } : undefined,
    findings: list,
  };
}

/** A variable, rendered with the host's own variables (a template that fails is left out). */
function get(vars: Vars, name: string): unknown {
  const raw = vars[name];
  if (raw === undefined || raw === null) return undefined;
  try {
    // A vaulted value stays wrapped (not a string), so it is never drawn.
    return renderValue(raw, vars as Record<string, unknown>) ?? undefined;
  } catch {
    return undefined;
  }
}

function bondOf(raw: unknown): Bond | undefined {
  if (!isMap(raw) || str(raw.name) === undefined) return undefined;
  return { name: str(raw.name)!, mode: str(raw.mode), members: strings(raw.slaves ?? raw.members), mtu: num(raw.mtu) };
}

function networksOf(vars: Vars): Network[] {
  const vlans = get(vars, 'vlans');
  if (!isMap(vlans)) return [];
  const bond = bondOf(get(vars, 'bond'));
  return Object.entries(vlans).flatMap(([purpose, v]) => {
    if (!isMap(v)) return [];
    const id = num(v.id);
    const link = str(v.name) ?? (id !== undefined ? `${str(v.link) ?? bond?.name ?? '?'}.${id}` : undefined);
    return [{ purpose, id, link, cidr: str(v.cidr), gateway: str(v.gateway) }];
  });
}

/** The host's <purpose>_address for each VLAN purpose (the network role's contract). */
function addressesOf(vars: Vars): { purpose: string; link: string | undefined; address: string }[] {
  const nets = networksOf(vars);
  const purposes = new Set(nets.map((n) => n.purpose));
  for (const k of ['management', 'kubernetes', 'storage']) purposes.add(k);
  return [...purposes].flatMap((purpose) => {
    const a = str(get(vars, `${purpose}_address`));
    return a ? [{ purpose, link: nets.find((n) => n.purpose === purpose)?.link, address: a }] : [];
  });
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function strings(v: unknown): string[] {
  return asArray(v).flatMap((x) => { const s = str(x); return s === undefined ? [] : [s]; });
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A place under the working folder is shown relative to it (inventories/x/group_vars/all.yml:3:1). */
function shortPlace(at: string): string {
  if (!isAbsolute(at)) return at;
  const rel = relative(process.cwd(), at);
  return rel.startsWith('..') || isAbsolute(rel) ? at : rel;
}
