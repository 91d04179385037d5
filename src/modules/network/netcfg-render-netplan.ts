import { stringify } from 'yaml';
import type { BondSpec, BridgeSpec, LinkSpec, NetSpec, VlanSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/**
 * The netplan renderer: one YAML file, /etc/netplan/60-k8sbm.yaml, for netplan's networkd
 * backend. Mode 0600: netplan warns about a configuration others can read.
 *
 * Keys come in a fixed order and links are keyed by name in sorted order, so the same spec always
 * gives the same bytes; member, port and address lists keep the operator's order (the first
 * address is the primary one). What netplan does by default is not written, with two exceptions:
 * `mii-monitor-interval` (netplan's default 0 turns link monitoring off, so a bond would never
 * notice a dead member) and `link-local: []` on a link without addresses (netplan would give it
 * an IPv6 link-local address).
 *
 * `renderer: networkd` is written on each link, not once under `network`: netplan applies a
 * global renderer to the links of every file it reads (`netplan generate` moves a NIC another
 * file gives to NetworkManager over to networkd), and this file must change only its own links.
 */

export const NETPLAN_PATH = '/etc/netplan/60-k8sbm.yaml';

const HEADER = '# Managed by k8sbm (role network): changes made here are overwritten on the next run.\n';

type Obj = Record<string, unknown>;

/** True when a link takes no address of its own: a bond member or a bridge port. */
function enslaved(l: LinkSpec): boolean {
  return (l.kind === 'ethernet' && l.bond !== undefined) || ('bridge' in l && l.bridge !== undefined);
}

/** The L3 keys netplan shares between every kind of link, in netplan's documented order. */
function l3(l: LinkSpec): Obj {
  const o: Obj = {};
  if (enslaved(l)) {
    if (l.mtu !== undefined) o.mtu = l.mtu;
    return o;
  }
  if (l.dhcp) o.dhcp4 = true;
  if (!l.dhcp && l.addresses.length === 0) o['link-local'] = [];
  if (l.addresses.length) o.addresses = [...l.addresses];
  const routes: Obj[] = [];
  if (l.gateway !== undefined) routes.push({ to: 'default', via: l.gateway });
  for (const r of l.routes) {
    const route: Obj = { to: r.to };
    if (r.via !== undefined) route.via = r.via;
    if (r.metric !== undefined) route.metric = r.metric;
    routes.push(route);
  }
  if (routes.length) o.routes = routes;
  if (l.dns) {
    const ns: Obj = {};
    if (l.dns.servers.length) ns.addresses = [...l.dns.servers];
    if (l.dns.search.length) ns.search = [...l.dns.search];
    o.nameservers = ns;
  }
  if (l.mtu !== undefined) o.mtu = l.mtu;
  return o;
}

function bond(b: BondSpec): Obj {
  const parameters: Obj = { mode: b.mode };
  if (b.lacpRate !== undefined) parameters['lacp-rate'] = b.lacpRate;
  if (b.xmitHashPolicy !== undefined) parameters['transmit-hash-policy'] = b.xmitHashPolicy;
  parameters['mii-monitor-interval'] = b.miimon;
  return { interfaces: [...b.members], parameters, ...l3(b) };
}

function vlan(v: VlanSpec): Obj {
  return { id: v.id, link: v.link, ...l3(v) };
}

function bridge(b: BridgeSpec): Obj {
  return { interfaces: [...b.interfaces], parameters: { stp: b.stp }, ...l3(b) };
}

const SECTIONS = { ethernet: 'ethernets', bond: 'bonds', vlan: 'vlans', bridge: 'bridges' } as const;

export function renderNetplan(spec: NetSpec): RenderedFile[] {
  const sections: Record<string, Obj> = { ethernets: {}, bonds: {}, vlans: {}, bridges: {} };
  const links = [...spec.links].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const l of links) {
    const body = l.kind === 'bond' ? bond(l) : l.kind === 'vlan' ? vlan(l) : l.kind === 'bridge' ? bridge(l) : l3(l);
    sections[SECTIONS[l.kind]][l.name] = { renderer: 'networkd', ...body };
  }
  const network: Obj = { version: 2 };
  for (const [key, links] of Object.entries(sections)) {
    if (Object.keys(links).length) network[key] = links;
  }
  const content = HEADER + stringify({ network }, { lineWidth: 0 });
  return [{ path: NETPLAN_PATH, content, mode: '0600' }];
}
