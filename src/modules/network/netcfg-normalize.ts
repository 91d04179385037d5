import { formatAddr, parseNet } from '../../template/cidr.js';
import type {
  BondSpec, BridgeSpec, EthernetSpec, L3Spec, LinkSpec, NetParamsT, NetSpec, RouteSpec, SpecProblem, VlanSpec,
} from './netcfg-spec.js';

type L3In = { address?: string | string[] | undefined; gateway?: string | undefined; routes?: RouteSpec[] | undefined; mtu?: number | undefined; dhcp?: boolean | undefined };

const list = (v: string | readonly string[] | null | undefined): string[] => (v === undefined || v === null ? [] : typeof v === 'string' ? [v] : [...v]);

/** "10.30.20.11" with a network "10.30.20.0/24" is "10.30.20.11/24"; an address with a prefix stays. */
function withPrefix(addr: string, cidr: string | undefined): string {
  if (addr.includes('/') || cidr === undefined || !cidr.includes('/')) return addr;
  return `${addr}/${cidr.split('/')[1]}`;
}

/** "fd00:0::11/64" as the kernel prints it: "fd00::11/64"; undefined when it is no address. */
export function canonicalAddress(text: string, withLength: boolean): string | undefined {
  try {
    const n = parseNet(text);
    const addr = formatAddr(n.version, n.addr);
    if (!withLength) return text.includes('/') ? undefined : addr;
    return text.includes('/') ? `${addr}/${n.prefix}` : undefined;
  } catch {
    return undefined;
  }
}

/** An address given for a link from `addresses`, with where it was given. */
interface Extra { readonly text: string; readonly path: (string | number)[] }

function l3Of(src: L3In, extra: readonly Extra[], path: (string | number)[], problems: SpecProblem[], cidr?: string): Omit<L3Spec, 'dns'> {
  const addresses: string[] = [];
  const own = list(src.address).map((text, i): Extra => ({ text, path: typeof src.address === 'string' ? [...path, 'address'] : [...path, 'address', i] }));
  for (const { text: a, path: at } of [...own, ...extra]) {
    const c = canonicalAddress(withPrefix(a, cidr), true);
    if (c === undefined) problems.push({ path: at, msg: `"${a}" is not an address with its prefix length`, hint: 'write it as 10.30.20.11/24 (or give the VLAN its cidr)' });
    else addresses.push(c);
  }
  let gateway = src.gateway;
  if (gateway !== undefined) {
    gateway = canonicalAddress(gateway, false);
    if (gateway === undefined) problems.push({ path: [...path, 'gateway'], msg: `gateway "${src.gateway}" is not an address`, hint: 'one address, without prefix length: 10.30.10.1' });
  }
  const routes: RouteSpec[] = [];
  (src.routes ?? []).forEach((r, i) => {
    const to = r.to === 'default' ? 'default' : canonicalAddress(r.to.includes('/') ? r.to : `${r.to}/${r.to.includes(':') ? 128 : 32}`, true);
    const via = r.via === undefined ? undefined : canonicalAddress(r.via, false);
    if (to === undefined) problems.push({ path: [...path, 'routes', i, 'to'], msg: `route to "${r.to}" is not a network`, hint: 'a network (10.40.0.0/16) or default' });
    else if (r.via !== undefined && via === undefined) problems.push({ path: [...path, 'routes', i, 'via'], msg: `route via "${r.via}" is not an address`, hint: 'one address, without prefix length' });
    else routes.push({ to, via, metric: r.metric });
  });
  return {
    addresses: [...new Set(addresses)],
    gateway,
    routes,
    mtu: src.mtu,
    dhcp: src.dhcp ?? false,
  };
}

/**
 * The parameters as one ordered model: NICs (members and ports first), bonds, VLANs, bridges.
 * Problems of structure (a VLAN on a link nobody defines, a NIC in two places, an address for a
 * purpose with no link) are returned with their parameter path; the spec is still built from
 * what is sound, so the plan can show everything at once.
 */
export function normalizeNetParams(p: NetParamsT): { spec: NetSpec; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  // This host's addresses by purpose or link name: the contract's, then the operator's own.
  const sources = [
    { param: 'addresses', map: p.addresses ?? {}, used: new Set<string>() },
    { param: 'more_addresses', map: p.more_addresses ?? {}, used: new Set<string>() },
  ] as const;
  const extraFor = (...keys: string[]): Extra[] => {
    const out: Extra[] = [];
    for (const src of sources) {
      for (const k of keys) {
        if (!Object.hasOwn(src.map, k)) continue;
        src.used.add(k);
        const v = src.map[k];
        if (typeof v === 'string') out.push({ text: v, path: [src.param, k] });
        else if (Array.isArray(v)) v.forEach((text, i) => out.push({ text, path: [src.param, k, i] }));
      }
    }
    return out;
  };

  const ethernets: EthernetSpec[] = [];
  const bonds: BondSpec[] = [];
  const vlans: VlanSpec[] = [];
  const bridges: BridgeSpec[] = [];
  const owner = new Map<string, string>();
  const claim = (name: string, what: string, path: (string | number)[]): boolean => {
    const prior = owner.get(name);
    if (prior !== undefined) {
      problems.push({ path, msg: `${name} is ${what} and also ${prior}`, hint: 'a link has one role: a NIC is a bond member, a bridge port or configured alone' });
      return false;
    }
    owner.set(name, what);
    return true;
  };

  // Bridges first in thought (they claim their ports), last in order.
  const portOf = new Map<string, string>();
  for (const [name, b] of Object.entries(p.bridges ?? {})) {
    for (const port of b.interfaces) portOf.set(port, name);
  }

  const bond = p.bond ?? undefined;
  if (bond) {
    const members = bond.slaves ?? bond.members ?? [];
    if (bond.slaves && bond.members) problems.push({ path: ['bond', 'members'], msg: 'bond has both slaves and members', hint: 'write the member NICs once, as slaves (the contract\'s name)' });
    if (!members.length) problems.push({ path: ['bond'], msg: `bond ${bond.name} has no member NICs`, hint: 'list them: slaves: [eno1, eno2]' });
    claim(bond.name, 'the bond', ['bond', 'name']);
    members.forEach((m, i) => {
      if (claim(m, `a member of ${bond.name}`, ['bond', bond.slaves ? 'slaves' : 'members', i])) {
        ethernets.push({ kind: 'ethernet', name: m, bond: bond.name, addresses: [], routes: [], dhcp: false, mtu: bond.mtu });
      }
    });
    const mode = bond.mode ?? '802.3ad';
    bonds.push({
      kind: 'bond', name: bond.name, mode, members,
      lacpRate: mode === '802.3ad' ? (bond.lacp_rate ?? 'fast') : undefined,
      xmitHashPolicy: ['802.3ad', 'balance-xor', 'balance-tlb'].includes(mode) ? (bond.xmit_hash_policy ?? 'layer3+4') : undefined,
      miimon: bond.miimon ?? 100,
      bridge: portOf.get(bond.name),
      ...l3Of(bond, extraFor(bond.name), ['bond'], problems),
    });
  }

  for (const [name, e] of Object.entries(p.ethernets ?? {})) {
    if (!claim(name, 'a NIC configured alone', ['ethernets', name])) continue;
    ethernets.push({ kind: 'ethernet', name, bridge: portOf.get(name), ...l3Of(e, extraFor(name), ['ethernets', name], problems) });
  }

  for (const [purpose, v] of Object.entries(p.vlans ?? {})) {
    const link = v.link ?? bond?.name;
    if (link === undefined) {
      problems.push({ path: ['vlans', purpose], msg: `VLAN ${purpose} (id ${v.id}) names no link and there is no bond`, hint: 'give the VLAN its link: link: eno1, or define bond' });
      continue;
    }
    const name = v.name ?? `${link}.${v.id}`;
    if (!claim(name, `VLAN ${purpose}`, ['vlans', purpose, v.name !== undefined ? 'name' : 'id'])) continue;
    vlans.push({ kind: 'vlan', name, id: v.id, link, purpose, bridge: portOf.get(name), ...l3Of(v, extraFor(purpose, name), ['vlans', purpose], problems, v.cidr) });
  }

  for (const [name, b] of Object.entries(p.bridges ?? {})) {
    if (!claim(name, 'a bridge', ['bridges', name])) continue;
    bridges.push({ kind: 'bridge', name, interfaces: b.interfaces, stp: b.stp ?? false, ...l3Of(b, extraFor(name), ['bridges', name], problems) });
  }

  // A NIC that only appears as a bridge port or VLAN parent gets a bare stanza, so it comes up.
  const known = new Set(owner.keys());
  const bare = (name: string): void => {
    if (known.has(name)) return;
    known.add(name);
    ethernets.push({ kind: 'ethernet', name, bridge: portOf.get(name), addresses: [], routes: [], dhcp: false });
  };
  for (const b of bridges) b.interfaces.forEach(bare);
  for (const v of vlans) bare(v.link);

  for (const src of sources) {
    for (const key of Object.keys(src.map)) {
      if (!src.used.has(key) && list(src.map[key]).length) {
        problems.push({ path: [src.param, key], msg: `an address is given for ${key}, but no VLAN has that purpose and no link that name`, hint: `the keys of vlans (${Object.keys(p.vlans ?? {}).join(', ') || 'none'}) or a link's name` });
      }
    }
  }
  // A bridge port's L3 belongs to the bridge: the renderers write none on a port.
  for (const l of [...ethernets, ...bonds, ...vlans]) {
    if (l.bridge !== undefined && (l.addresses.length || l.gateway !== undefined || l.routes.length || l.dhcp)) {
      const path = l.kind === 'vlan' ? ['vlans', l.purpose] : l.kind === 'bond' ? ['bond'] : ['ethernets', l.name];
      problems.push({ path, msg: `${l.name} is a port of bridge ${l.bridge}, and ports carry no address, gateway or route of their own`, hint: `give them to the bridge: network_bridges.${l.bridge} (or network_addresses: {${l.bridge}: ...})` });
    }
  }
  const links: LinkSpec[] = [...ethernets, ...bonds, ...vlans, ...bridges];
  const dns = p.dns && ((p.dns.servers?.length ?? 0) + (p.dns.search?.length ?? 0)) > 0 ? { servers: p.dns.servers ?? [], search: p.dns.search ?? [] } : undefined;
  if (dns) {
    const at = links.find((l) => l.gateway !== undefined) ?? links.find((l) => l.addresses.length > 0 || l.dhcp);
    if (!at) problems.push({ path: ['dns'], msg: 'DNS servers are given, but no link has an address to carry them', hint: 'give a link an address or dhcp: true' });
    else (at as { dns?: L3Spec['dns'] }).dns = dns;
  }
  return { spec: { links }, problems };
}

/** Links a NIC set depends on, for ordering bring-up: the parents of each link. */
export function parentsOf(link: LinkSpec): string[] {
  switch (link.kind) {
    case 'ethernet': return [];
    case 'bond': return [...link.members];
    case 'vlan': return [link.link];
    case 'bridge': return [...link.interfaces];
  }
}
