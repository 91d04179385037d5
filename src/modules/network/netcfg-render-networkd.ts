import type { BondSpec, BridgeSpec, LinkSpec, NetSpec, RouteSpec, VlanSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/**
 * The systemd-networkd renderer: `10-k8sbm-NAME.netdev` for every link k8sbm creates (bond, VLAN,
 * bridge) and `10-k8sbm-NAME.network` for every link, in /etc/systemd/network, mode 0644.
 *
 * Sections and keys come in a fixed order and the files are sorted by path, so the same spec
 * always gives the same bytes. A link without addresses and without DHCP (a bond member, a
 * bridge port, a bond or NIC that only carries VLANs) gets `LinkLocalAddressing=no`: it comes up
 * with no address at all. A default gateway is `Gateway=` in [Network]; other routes are [Route]
 * sections.
 */

export const NETWORKD_DIR = '/etc/systemd/network';

const HEADER = '# Managed by k8sbm (role network): changes made here are overwritten on the next run.';

type Section = readonly [name: string, lines: readonly (readonly [string, string | number])[]];

function ini(sections: readonly Section[]): string {
  const parts = sections.filter(([, lines]) => lines.length > 0)
    .map(([name, lines]) => [`[${name}]`, ...lines.map(([k, v]) => `${k}=${v}`)].join('\n'));
  return `${HEADER}\n${parts.join('\n\n')}\n`;
}

const isV6 = (addr: string): boolean => addr.includes(':');

/** "default" as networkd writes it, in the family of the route's gateway. */
function destination(r: RouteSpec): string {
  if (r.to !== 'default') return r.to;
  return r.via !== undefined && isV6(r.via) ? '::/0' : '0.0.0.0/0';
}

function netdev(l: BondSpec | VlanSpec | BridgeSpec): string {
  const head: Section = ['NetDev', [['Name', l.name], ['Kind', l.kind], ...(l.mtu !== undefined ? [['MTUBytes', l.mtu] as const] : [])]];
  switch (l.kind) {
    case 'bond': {
      const bond: [string, string | number][] = [['Mode', l.mode]];
      if (l.lacpRate !== undefined) bond.push(['LACPTransmitRate', l.lacpRate]);
      if (l.xmitHashPolicy !== undefined) bond.push(['TransmitHashPolicy', l.xmitHashPolicy]);
      bond.push(['MIIMonitorSec', `${l.miimon}ms`]);
      return ini([head, ['Bond', bond]]);
    }
    case 'vlan': return ini([head, ['VLAN', [['Id', l.id]]]]);
    case 'bridge': return ini([head, ['Bridge', [['STP', l.stp ? 'yes' : 'no']]]]);
  }
}

function network(l: LinkSpec, vlansOn: readonly string[]): string {
  const net: [string, string | number][] = [];
  const member = l.kind === 'ethernet' && l.bond !== undefined;
  if (member) net.push(['Bond', l.bond]);
  const port = l.kind !== 'bridge' ? l.bridge : undefined;
  if (port !== undefined) net.push(['Bridge', port]);
  for (const v of vlansOn) net.push(['VLAN', v]);
  const routes: Section[] = [];
  if (member || port !== undefined || (!l.dhcp && l.addresses.length === 0)) {
    net.push(['LinkLocalAddressing', 'no']);
  }
  if (!member && port === undefined) {
    if (l.dhcp) net.push(['DHCP', 'ipv4']);
    for (const a of l.addresses) net.push(['Address', a]);
    if (l.gateway !== undefined) net.push(['Gateway', l.gateway]);
    if (l.dns) {
      for (const s of l.dns.servers) net.push(['DNS', s]);
      if (l.dns.search.length) net.push(['Domains', l.dns.search.join(' ')]);
    }
    for (const r of l.routes) {
      const lines: [string, string | number][] = [['Destination', destination(r)]];
      if (r.via !== undefined) lines.push(['Gateway', r.via]);
      if (r.metric !== undefined) lines.push(['Metric', r.metric]);
      routes.push(['Route', lines]);
    }
  }
  return ini([
    ['Match', [['Name', l.name]]],
    ['Link', l.mtu !== undefined ? [['MTUBytes', l.mtu]] : []],
    ['Network', net],
    ...routes,
  ]);
}

export function renderNetworkd(spec: NetSpec): RenderedFile[] {
  const vlansOn = new Map<string, string[]>();
  for (const l of spec.links) {
    if (l.kind === 'vlan') vlansOn.set(l.link, [...(vlansOn.get(l.link) ?? []), l.name]);
  }
  const files: RenderedFile[] = [];
  const file = (name: string, ext: string, content: string): void => {
    files.push({ path: `${NETWORKD_DIR}/10-k8sbm-${name}.${ext}`, content, mode: '0644' });
  };
  for (const l of spec.links) {
    if (l.kind !== 'ethernet') file(l.name, 'netdev', netdev(l));
    file(l.name, 'network', network(l, [...(vlansOn.get(l.name) ?? [])].sort()));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
