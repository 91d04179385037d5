import type { LinkSpec, NetSpec, RouteSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/**
 * The ifupdown renderer: one file, /etc/network/interfaces.d/k8sbm (mode 0644), read through
 * `source /etc/network/interfaces.d/*` in /etc/network/interfaces. Stanzas come in bring-up
 * order (NICs, bonds, VLANs, bridges), each link marked `auto`.
 *
 * What ifupdown 0.8 does with it, found with the real tool (test/modules/network_config):
 * - A second `address` line in one stanza is dropped without a word (ifquery shows only the
 *   first). Each further address gets a stanza of its own, `iface NAME inet static` again:
 *   interfaces(5) documents repeated stanzas as the way to give a link several addresses, and
 *   ifdown removes each address the same way.
 * - Link options (mtu, bond-*, vlan-raw-device, bridge_*, dns-*) and routes go in the link's
 *   first stanza only; IPv6 addresses get `inet6 static` stanzas, and an IPv6 gateway or route
 *   goes in the first of those.
 * - A route is an `up ip route replace ...` line (replace: a route left from before does not
 *   fail ifup) and a `down ip route del ... || true` line: a failing down command aborts
 *   ifdown, which would leave the link configured when the route was already gone.
 * - A VLAN named LINK.ID is created by ifupdown itself; any other name gets `pre-up` /
 *   `post-down` lines that add and delete it. `vlan-raw-device` is written for the vlan package.
 * - Bond options are ifenslave's, bridge options bridge-utils', DNS options resolvconf's: without
 *   those packages ifupdown passes the options to hook scripts that are not there.
 */

export const IFUPDOWN_PATH = '/etc/network/interfaces.d/k8sbm';

const HEADER = [
  '# Managed by k8sbm (role network): changes made here are overwritten on the next run.',
  '# Read through "source /etc/network/interfaces.d/*" in /etc/network/interfaces.',
].join('\n');

const isV6 = (addr: string): boolean => addr.includes(':');
const routeIsV6 = (r: RouteSpec): boolean => isV6(r.to) || (r.via !== undefined && isV6(r.via));

/** `ip route` arguments of a route through `dev`. */
function routeArgs(r: RouteSpec, dev: string): string {
  const parts = [r.to];
  if (r.via !== undefined) parts.push('via', r.via);
  parts.push('dev', dev);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  return parts.join(' ');
}

function routeLines(routes: readonly RouteSpec[], dev: string): string[] {
  const out: string[] = [];
  for (const r of routes) {
    const ip = routeIsV6(r) ? 'ip -6 route' : 'ip route';
    out.push(`up ${ip} replace ${routeArgs(r, dev)}`);
    out.push(`down ${ip} del ${routeArgs(r, dev)} || true`);
  }
  return out;
}

/** Options that describe the link itself, not an address: written once, in its first stanza. */
function linkOptions(l: LinkSpec): string[] {
  const o: string[] = [];
  switch (l.kind) {
    case 'ethernet':
      if (l.bond !== undefined) o.push(`bond-master ${l.bond}`);
      break;
    case 'bond':
      o.push(`bond-slaves ${l.members.join(' ') || 'none'}`, `bond-mode ${l.mode}`, `bond-miimon ${l.miimon}`);
      if (l.lacpRate !== undefined) o.push(`bond-lacp-rate ${l.lacpRate}`);
      if (l.xmitHashPolicy !== undefined) o.push(`bond-xmit-hash-policy ${l.xmitHashPolicy}`);
      break;
    case 'vlan':
      o.push(`vlan-raw-device ${l.link}`);
      if (l.name !== `${l.link}.${l.id}`) {
        o.push(`pre-up ip link show dev ${l.name} >/dev/null 2>&1 || ip link add link ${l.link} name ${l.name} type vlan id ${l.id}`);
        o.push(`post-down ip link del dev ${l.name} || true`);
      }
      break;
    case 'bridge':
      o.push(`bridge_ports ${l.interfaces.join(' ') || 'none'}`, `bridge_stp ${l.stp ? 'on' : 'off'}`);
      break;
  }
  return o;
}

interface Stanza {
  readonly family: 'inet' | 'inet6';
  readonly method: 'static' | 'manual' | 'dhcp';
  readonly options: string[];
}

/** The stanzas of one link, first the one that carries the link's own options. */
function stanzas(l: LinkSpec): Stanza[] {
  const enslaved = (l.kind === 'ethernet' && l.bond !== undefined) || (l.kind !== 'bridge' && l.bridge !== undefined);
  const v4 = enslaved ? [] : l.addresses.filter((a) => !isV6(a));
  const v6 = enslaved ? [] : l.addresses.filter(isV6);
  const out: Stanza[] = [];
  if (!enslaved && l.dhcp) out.push({ family: 'inet', method: 'dhcp', options: [] });
  for (const a of v4) out.push({ family: 'inet', method: 'static', options: [`address ${a}`] });
  for (const a of v6) out.push({ family: 'inet6', method: 'static', options: [`address ${a}`] });
  if (out.length === 0) out.push({ family: 'inet', method: 'manual', options: [] });

  const first = out[0];
  first.options.push(...linkOptions(l));
  // The dhcp method has no mtu option (0.8.41 ignores it): set it before the client starts.
  if (l.mtu !== undefined) first.options.push(first.method === 'dhcp' ? `pre-up ip link set dev ${l.name} mtu ${l.mtu}` : `mtu ${l.mtu}`);
  if (enslaved) return out;

  const firstOf = (family: 'inet' | 'inet6'): Stanza => out.find((s) => s.family === family) ?? first;
  if (l.gateway !== undefined) {
    const fam = isV6(l.gateway) ? 'inet6' : 'inet';
    const at = firstOf(fam);
    if (at.family === fam && at.method === 'static') at.options.push(`gateway ${l.gateway}`);
    else at.options.push(...routeLines([{ to: 'default', via: l.gateway }], l.name));
  }
  if (l.dns) {
    if (l.dns.servers.length) first.options.push(`dns-nameservers ${l.dns.servers.join(' ')}`);
    if (l.dns.search.length) first.options.push(`dns-search ${l.dns.search.join(' ')}`);
  }
  for (const r of l.routes) firstOf(routeIsV6(r) ? 'inet6' : 'inet').options.push(...routeLines([r], l.name));
  return out;
}

export function renderIfupdown(spec: NetSpec): RenderedFile[] {
  const blocks = spec.links.map((l) => {
    const lines = [`auto ${l.name}`];
    for (const s of stanzas(l)) {
      lines.push(`iface ${l.name} ${s.family} ${s.method}`, ...s.options.map((o) => `    ${o}`));
    }
    return lines.join('\n');
  });
  const content = `${HEADER}\n\n${blocks.join('\n\n')}\n`;
  return [{ path: IFUPDOWN_PATH, content, mode: '0644' }];
}
