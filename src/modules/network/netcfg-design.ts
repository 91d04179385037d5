import { didYouMean } from '../../source/errors.js';
import { cidrContains, formatAddr, parseNet } from '../../template/cidr.js';
import type { PreflightFinding, PreflightInstance } from '../types.js';
import { normalizeNetParams } from './netcfg-normalize.js';
import type { NetParamsT } from './netcfg-spec.js';

/**
 * The network design, checked across the hosts of a play before anything is sent: the structure
 * (normalizeNetParams' problems), VLAN ids and MTUs per parent link, addresses inside their VLAN's
 * network and used once in the cluster, gateways reachable on their link, bond members and VLAN
 * parents that exist on the host (its facts). Each finding names the parameter path it is about,
 * so the engine can point at the inventory line that gave it.
 */
export function networkDesignFindings(instances: readonly PreflightInstance<NetParamsT>[]): PreflightFinding[] {
  const out: PreflightFinding[] = [];
  const used = new Map<string, AddressUse[]>();
  for (const inst of instances) {
    const found = hostFindings(inst);
    out.push(...found.findings);
    for (const a of found.addresses) {
      const list = used.get(a.key) ?? [];
      // The same host naming one address on one link twice (two tasks, two loop items) is one use.
      if (!list.some((u) => u.host === a.host && u.link === a.link)) list.push(a);
      used.set(a.key, list);
    }
  }
  for (const uses of used.values()) {
    if (uses.length < 2) continue;
    for (const u of uses) {
      const others = uses.filter((o) => o !== u);
      const where = others.map((o) => (o.host === u.host ? `this host's ${o.what}` : `${o.host}'s (${o.what})`)).join(', ');
      out.push(error(u.host, u.path, `address ${u.shown} (${u.what}) is also ${where}`,
        `an address belongs to one link of one host: change this one or ${others.map((o) => (o.host === u.host ? o.what : o.host)).join(', ')}`));
    }
  }
  return out;
}

type Path = (string | number)[];

interface AddressUse {
  readonly host: string;
  /** version and address, host bits kept: the same address written two ways is one key. */
  readonly key: string;
  readonly shown: string;
  readonly link: string;
  /** "VLAN storage", "bond0", "NIC eno3". */
  readonly what: string;
  readonly path: Path;
}

/** A link the params declare, with where its params are. */
interface Declared {
  readonly name: string;
  readonly what: string;
  readonly path: Path;
  readonly mtu: number | undefined;
  readonly cidr?: string | undefined;
  readonly purpose?: string | undefined;
}

interface Source {
  readonly link: Declared;
  /** As written, with the VLAN's prefix length when it had none. */
  readonly text: string;
  readonly path: Path;
}

const error = (host: string, path: Path, msg: string, hint: string): PreflightFinding => ({ host, level: 'error', msg, hint, path });
const list = <T>(v: T | readonly T[] | null | undefined): readonly T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v as T]);

function hostFindings(inst: PreflightInstance<NetParamsT>): { findings: PreflightFinding[]; addresses: AddressUse[] } {
  const { host, params: p } = inst;
  const findings: PreflightFinding[] = [];
  const err = (path: Path, msg: string, hint: string): void => { findings.push(error(host, path, msg, hint)); };
  const { problems } = normalizeNetParams(p);
  for (const pr of problems) err([...pr.path], pr.msg, pr.hint);

  const nics = nicFacts(inst.facts);
  const links = declaredLinks(p);
  const byName = new Map(links.map((l) => [l.name, l]));
  const bond = p.bond ?? undefined;
  const members = bond ? (bond.slaves ?? bond.members ?? []) : [];
  const membersKey = bond?.slaves ? 'slaves' : 'members';

  // Bond members: NICs of the host (when its facts are known); one member of 802.3ad is no bond.
  if (bond && nics) {
    members.forEach((m, i) => {
      if (nics.has(m)) return;
      err(['bond', membersKey, i], `bond member ${m} of ${bond.name} is not an interface of this host`, `${didYouMean(m, nics.keys()) ?? 'name one of its NICs:'} the host has ${nicList(nics)}`);
    });
  }
  if (bond && members.length === 1 && (bond.mode ?? '802.3ad') === '802.3ad') {
    findings.push({ host, level: 'warning', path: ['bond', membersKey], msg: `bond ${bond.name} (802.3ad) has one member, ${members[0]}: it has no redundancy`, hint: 'add a second NIC to the bond, or drop the bond for a NIC configured alone' });
  }

  // VLANs: the parent exists; one id per parent; MTU not above the parent's.
  const known = new Set([...byName.keys(), ...members]);
  const idsOn = new Map<string, Map<number, string>>();
  for (const [purpose, v] of Object.entries(p.vlans ?? {})) {
    const parent = v.link ?? bond?.name;
    if (parent === undefined) continue; // normalizeNetParams says so
    if (v.link !== undefined && !known.has(parent) && nics && !nics.has(parent)) {
      err(['vlans', purpose, 'link'], `VLAN ${purpose} is on ${parent}, which is neither a link of these params (bond, ethernets, bridges, vlans) nor an interface of this host`,
        `${didYouMean(parent, [...known, ...nics.keys()]) ?? 'name the bond or a NIC:'} the host has ${nicList(nics)}`);
    }
    const ids = idsOn.get(parent) ?? new Map<number, string>();
    idsOn.set(parent, ids);
    const prior = ids.get(v.id);
    if (prior !== undefined) err(['vlans', purpose, 'id'], `VLAN id ${v.id} is used twice on ${parent}: by ${prior} and ${purpose}`, 'give each VLAN of a link its own id');
    else ids.set(v.id, purpose);
    if (v.mtu !== undefined) {
      const parentMtu = byName.get(parent)?.mtu ?? nics?.get(parent)?.mtu ?? 1500;
      if (v.mtu > parentMtu) {
        const decl = byName.get(parent);
        err(['vlans', purpose, 'mtu'], `VLAN ${purpose} has MTU ${v.mtu}, above its parent ${parent}'s ${parentMtu}${decl?.mtu === undefined ? (nics?.get(parent)?.mtu !== undefined ? ' (the host\'s now)' : ' (the default)') : ''}`,
          `raise ${parent}'s mtu to ${v.mtu} at least${decl ? ` (${decl.path.join('.')}.mtu)` : ''}, or lower the VLAN's`);
      }
    }
  }

  // Bridge ports exist as well.
  for (const [name, b] of Object.entries(p.bridges ?? {})) {
    b.interfaces.forEach((port, i) => {
      if (known.has(port) || !nics || nics.has(port)) return;
      err(['bridges', name, 'interfaces', i], `bridge ${name}'s port ${port} is neither a link of these params nor an interface of this host`,
        `${didYouMean(port, [...known, ...nics.keys()]) ?? 'name a link:'} the host has ${nicList(nics)}`);
    });
  }

  // Addresses: parseable, inside the VLAN's network, with the network's prefix.
  const addresses: AddressUse[] = [];
  const nets = new Map<string, string[]>();
  for (const s of addressSources(p, byName)) {
    let net;
    try {
      net = parseNet(s.text);
    } catch {
      continue; // normalizeNetParams says it is no address
    }
    const cidr = s.link.cidr;
    if (cidr !== undefined && cidrOk(cidr)) {
      const c = parseNet(cidr);
      if (!cidrContains(cidr, formatAddr(net.version, net.addr))) {
        err(s.path, `address ${s.text} of ${s.link.what} is outside its network ${cidr}`, `an address in ${cidr}, or correct the VLAN's cidr`);
      } else if (net.prefix !== c.prefix) {
        err(s.path, `address ${s.text} of ${s.link.what} has prefix length /${net.prefix}, its network ${cidr} /${c.prefix}`, `write it as ${formatAddr(net.version, net.addr)}/${c.prefix}`);
      }
    }
    nets.set(s.link.name, [...(nets.get(s.link.name) ?? []), s.text]);
    if (!isLinkLocal(net.version, net.addr)) {
      addresses.push({ host, key: `${net.version}:${net.addr}`, shown: formatAddr(net.version, net.addr), link: s.link.name, what: s.link.what, path: s.path });
    }
  }
  for (const l of links) {
    if (l.cidr !== undefined && !cidrOk(l.cidr)) err([...l.path, 'cidr'], `network ${l.cidr} of ${l.what} is not a network`, 'a network with its prefix length: "10.30.20.0/24"');
  }

  // Gateways and route vias: on a network of the link's own addresses.
  for (const l of links) {
    const raw = rawL3(p, l);
    if (!raw) continue;
    const own = (nets.get(l.name) ?? []).filter(cidrOk);
    const check = (gw: string, path: Path, what: string): void => {
      let g;
      try { g = parseNet(gw); } catch { return; } // normalizeNetParams says it is no address
      if (isLinkLocal(g.version, g.addr)) return;
      if (own.some((a) => cidrContains(a, gw))) return;
      if (!own.length && raw.dhcp) return;
      err(path, own.length ? `${what} ${gw} of ${l.what} is on none of its networks (${own.join(', ')})` : `${what} ${gw} of ${l.what}, which has no address to reach it from`,
        own.length ? 'a gateway on the link\'s own network, or the address of the link on the gateway\'s' : 'give the link an address on the gateway\'s network (addresses or address), or dhcp: true');
    };
    if (raw.gateway !== undefined) check(raw.gateway, [...l.path, 'gateway'], 'gateway');
    (raw.routes ?? []).forEach((r, i) => { if (r.via !== undefined) check(r.via, [...l.path, 'routes', i, 'via'], `route ${r.to} via`); });
  }
  return { findings, addresses };
}

function declaredLinks(p: NetParamsT): Declared[] {
  const out: Declared[] = [];
  const bond = p.bond ?? undefined;
  if (bond) out.push({ name: bond.name, what: `bond ${bond.name}`, path: ['bond'], mtu: bond.mtu });
  for (const [name, e] of Object.entries(p.ethernets ?? {})) out.push({ name, what: `NIC ${name}`, path: ['ethernets', name], mtu: e.mtu });
  for (const [purpose, v] of Object.entries(p.vlans ?? {})) {
    const link = v.link ?? bond?.name;
    if (link === undefined) continue;
    out.push({ name: v.name ?? `${link}.${v.id}`, what: `VLAN ${purpose}`, path: ['vlans', purpose], mtu: v.mtu, cidr: v.cidr, purpose });
  }
  for (const [name, b] of Object.entries(p.bridges ?? {})) out.push({ name, what: `bridge ${name}`, path: ['bridges', name], mtu: b.mtu });
  return out;
}

type RawL3 = { address?: string | string[] | undefined; gateway?: string | undefined; routes?: { to: string; via?: string | undefined }[] | undefined; dhcp?: boolean | undefined };

function rawL3(p: NetParamsT, l: Declared): RawL3 | undefined {
  const [kind, key] = l.path as [string, string | undefined];
  if (kind === 'bond') return p.bond ?? undefined;
  if (kind === 'ethernets') return p.ethernets?.[key!];
  if (kind === 'vlans') return p.vlans?.[key!];
  if (kind === 'bridges') return p.bridges?.[key!];
  return undefined;
}

/** Every address the params give a link, with its path: on the link itself, and by purpose or name in `addresses`. */
function addressSources(p: NetParamsT, byName: ReadonlyMap<string, Declared>): Source[] {
  const out: Source[] = [];
  const add = (link: Declared, v: string | readonly string[] | null | undefined, path: Path): void => {
    const many = Array.isArray(v);
    list<string>(v).forEach((text, i) => {
      const written = !text.includes('/') && link.cidr?.includes('/') ? `${text}/${link.cidr.split('/')[1]}` : text;
      out.push({ link, text: written, path: many ? [...path, i] : path });
    });
  };
  const purposes = new Map<string, Declared>();
  for (const l of byName.values()) {
    add(l, rawL3(p, l)?.address, [...l.path, 'address']);
    if (l.purpose !== undefined) purposes.set(l.purpose, l);
  }
  for (const [key, v] of Object.entries(p.addresses ?? {})) {
    const link = purposes.get(key) ?? byName.get(key);
    if (link) add(link, v, ['addresses', key]);
  }
  return out;
}

function cidrOk(text: string): boolean {
  try { parseNet(text); return true; } catch { return false; }
}

function isLinkLocal(version: 4 | 6, addr: bigint): boolean {
  return version === 6 ? addr >> 118n === 0x3fan : addr >> 16n === 0xa9fen;
}

/** The host's interfaces by name (altnames too), from its gathered facts; undefined without facts. */
function nicFacts(facts: Readonly<Record<string, unknown>> | undefined): Map<string, { mtu: number | undefined; physical: boolean }> | undefined {
  const ifs = facts?.interfaces;
  if (ifs === null || typeof ifs !== 'object' || Array.isArray(ifs)) return undefined;
  const out = new Map<string, { mtu: number | undefined; physical: boolean }>();
  for (const [name, raw] of Object.entries(ifs as Record<string, unknown>)) {
    const f = (raw ?? {}) as { mtu?: unknown; kind?: unknown; link_type?: unknown; altnames?: unknown };
    const entry = { mtu: typeof f.mtu === 'number' && f.mtu > 0 ? f.mtu : undefined, physical: (f.kind === null || f.kind === undefined) && f.link_type !== 'loopback' };
    out.set(name, entry);
    if (Array.isArray(f.altnames)) for (const a of f.altnames) if (typeof a === 'string' && !out.has(a)) out.set(a, entry);
  }
  return out;
}

function nicList(nics: ReadonlyMap<string, { physical: boolean }>): string {
  // Altnames share their interface's entry: each interface once, by its first name.
  const seen = new Set<object>();
  const names = [...nics].filter(([, n]) => n.physical && !seen.has(n) && seen.add(n)).map(([name]) => name);
  return names.length ? names.join(', ') : 'no NIC';
}
