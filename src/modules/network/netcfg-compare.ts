import type { InterfaceFacts } from '../../facts/host-types.js';
import type { LiveRoute } from './netcfg-live.js';
import type { LinkSpec, NetSpec } from './netcfg-spec.js';

/** One setting of a link, as it is and as it will be: MTU 1500 → 9000, address 10.30.20.11/24 absent → present. */
export interface LinkChange {
  readonly what: string;
  readonly before: string;
  readonly after: string;
}

/** How one link differs from what it should be, in an operator's words. */
export interface LinkDelta {
  readonly link: string;
  readonly changes: readonly LinkChange[];
  /** The link does not exist: it is created. */
  readonly create: boolean;
  /** Its kind or a setting the kernel or networkd will not change in place differs: deleted and made anew. */
  readonly recreate: boolean;
}

export interface LiveComparison {
  readonly deltas: readonly LinkDelta[];
  /** NICs the spec needs and the node does not have: nothing can make them. */
  readonly missingNics: readonly string[];
}

const VIRTUAL = new Set(['bond', 'vlan', 'bridge']);

function routeKey(r: { to: string; via?: string | undefined }): string {
  return `${r.to}${r.via ? ` via ${r.via}` : ''}`;
}

function family(addr: string): 4 | 6 {
  return addr.includes(':') ? 6 : 4;
}

/** The addresses a link has that a configuration gives (global scope, not privacy addresses). */
function liveAddresses(l: InterfaceFacts): string[] {
  return [
    ...l.ipv4.filter((a) => a.scope === 'global').map((a) => `${a.address}/${a.prefixlen}`),
    ...l.ipv6.filter((a) => a.scope === 'global' && !a.temporary).map((a) => `${a.address}/${a.prefixlen}`),
  ];
}

function wantedRoutes(link: LinkSpec): { to: string; via?: string | undefined; metric?: number | undefined }[] {
  const out: { to: string; via?: string | undefined; metric?: number | undefined }[] = [...link.routes];
  if (link.gateway) out.push({ to: 'default', via: link.gateway });
  return out;
}

/**
 * The live links against the spec. `unmanaged` are addresses other daemons put on these links
 * (keepalived's API VIP): never reported as extra. A link under DHCP keeps whatever it got.
 */
export function compareLive(spec: NetSpec, live: Readonly<Record<string, InterfaceFacts>>, routes: readonly LiveRoute[], unmanaged: ReadonlySet<string>): LiveComparison {
  const deltas: LinkDelta[] = [];
  const missingNics: string[] = [];
  for (const link of spec.links) {
    const l = live[link.name];
    if (!l) {
      if (link.kind === 'ethernet') { missingNics.push(link.name); continue; }
      deltas.push({ link: link.name, changes: [{ what: 'link', before: 'absent', after: describe(link) }], create: true, recreate: false });
      continue;
    }
    const lines: LinkChange[] = [];
    let recreate = false;
    const liveKind = l.kind !== null && VIRTUAL.has(l.kind) ? l.kind : 'ethernet';
    if (liveKind !== link.kind) {
      lines.push({ what: 'kind', before: liveKind === 'ethernet' ? (l.kind ?? 'NIC') : liveKind, after: `${link.kind} (link is recreated)` });
      recreate = true;
    } else if (link.kind === 'bond' && l.bond) {
      const b = l.bond;
      const changes: LinkChange[] = [];
      if (b.mode !== link.mode) changes.push({ what: 'mode', before: b.mode, after: link.mode });
      if (link.lacpRate !== undefined && b.lacp_rate !== null && b.lacp_rate !== link.lacpRate) changes.push({ what: 'lacp_rate', before: b.lacp_rate, after: link.lacpRate });
      if (link.xmitHashPolicy !== undefined && b.xmit_hash_policy !== null && b.xmit_hash_policy !== link.xmitHashPolicy) changes.push({ what: 'xmit_hash_policy', before: b.xmit_hash_policy, after: link.xmitHashPolicy });
      if (b.miimon !== null && b.miimon !== link.miimon) changes.push({ what: 'miimon', before: String(b.miimon), after: String(link.miimon) });
      if (changes.length) {
        const last = changes.pop()!;
        lines.push(...changes, { ...last, after: `${last.after} (link is recreated)` });
        recreate = true;
      }
      const members = [...l.slaves].sort();
      const want = [...link.members].sort();
      if (members.join(',') !== want.join(',')) lines.push({ what: 'members', before: members.join(', ') || 'none', after: want.join(', ') });
    } else if (link.kind === 'vlan' && l.vlan) {
      if (l.vlan.id !== link.id || (l.parent !== null && l.parent !== link.link)) {
        lines.push({ what: 'VLAN', before: `${l.vlan.id} on ${l.parent ?? '?'}`, after: `${link.id} on ${link.link} (link is recreated)` });
        recreate = true;
      }
    } else if (link.kind === 'bridge' && l.bridge) {
      if (l.bridge.stp !== link.stp) lines.push({ what: 'STP', before: l.bridge.stp ? 'on' : 'off', after: link.stp ? 'on' : 'off' });
      const ports = [...l.slaves].sort();
      const want = [...link.interfaces].sort();
      if (ports.join(',') !== want.join(',')) lines.push({ what: 'ports', before: ports.join(', ') || 'none', after: want.join(', ') });
    }
    if (!recreate) {
      if (link.mtu !== undefined && l.mtu !== link.mtu) lines.push({ what: 'MTU', before: String(l.mtu), after: String(link.mtu) });
      if (!l.up) lines.push({ what: 'state', before: 'down', after: 'up' });
      if (carriesL3(link)) lines.push(...addressLines(link, l, unmanaged), ...routeLines(link, routes));
    }
    if (lines.length) deltas.push({ link: link.name, changes: lines, create: false, recreate });
  }
  return { deltas, missingNics };
}

/** A bond member or a bridge port has no addresses or routes of its own. */
export function carriesL3(link: LinkSpec): boolean {
  if (link.kind === 'bridge') return true;
  if (link.kind === 'ethernet' && link.bond !== undefined) return false;
  return link.bridge === undefined;
}

function addressLines(link: LinkSpec, l: InterfaceFacts, unmanaged: ReadonlySet<string>): LinkChange[] {
  const have = liveAddresses(l);
  const out: LinkChange[] = [];
  for (const a of link.addresses) if (!have.includes(a)) out.push({ what: `address ${a}`, before: 'absent', after: 'present' });
  if (link.dhcp) return out;
  const manages6 = link.addresses.some((a) => family(a) === 6);
  for (const a of have) {
    if (link.addresses.includes(a) || unmanaged.has(a.split('/')[0]!)) continue;
    if (family(a) === 6 && !manages6) continue;
    out.push({ what: `address ${a}`, before: 'present', after: 'absent' });
  }
  return out;
}

function routeLines(link: LinkSpec, routes: readonly LiveRoute[]): LinkChange[] {
  const mine = routes.filter((r) => r.dev === link.name);
  const out: LinkChange[] = [];
  const want = wantedRoutes(link);
  for (const w of want) {
    const hit = mine.find((r) => routeKey(r) === routeKey(w) && (w.metric === undefined || r.metric === w.metric));
    if (!hit) out.push({ what: `route ${routeKey(w)}${w.metric !== undefined ? ` metric ${w.metric}` : ''}`, before: 'absent', after: 'present' });
  }
  if (link.dhcp) return out;
  // Routes someone configured (boot: `ip route add`; static: networkd) and the spec does not have.
  for (const r of mine) {
    if (r.proto !== 'boot' && r.proto !== 'static') continue;
    if (r.family === 6 && !link.addresses.some((a) => family(a) === 6) && r.to !== 'default') continue;
    // One the spec has at another metric is drift too, named by its metric so the cleanup deletes it, not the wanted one.
    const same = want.filter((w) => routeKey(w) === routeKey(r));
    if (same.some((w) => w.metric === undefined || w.metric === r.metric)) continue;
    out.push({ what: `route ${routeKey(r)}${same.length && r.metric !== undefined ? ` metric ${r.metric}` : ''}`, before: 'present', after: 'absent' });
  }
  return out;
}

function describe(link: LinkSpec): string {
  switch (link.kind) {
    case 'bond': return `bond ${link.mode} of ${link.members.join(', ')}`;
    case 'vlan': return `VLAN ${link.id} on ${link.link}`;
    case 'bridge': return `bridge of ${link.interfaces.join(', ') || 'no ports'}`;
    case 'ethernet': return 'NIC';
  }
}

/** Links our previous files configured that the spec no longer has: they are taken down, virtual ones deleted. */
export function staleLinks(previouslyOwned: readonly string[], spec: NetSpec, live: Readonly<Record<string, InterfaceFacts>>): { name: string; delete: boolean }[] {
  const wanted = new Set(spec.links.map((l) => l.name));
  return previouslyOwned.filter((n) => !wanted.has(n) && live[n] !== undefined).map((n) => ({ name: n, delete: VIRTUAL.has(live[n]!.kind ?? '') }));
}

/** "MTU 1500 → 9000" */
export function changeText(c: LinkChange): string {
  return `${c.what} ${c.before} → ${c.after}`;
}
