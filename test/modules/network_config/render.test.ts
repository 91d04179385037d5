import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { normalizeNetParams } from '../../../src/modules/network/netcfg-normalize.js';
import { renderIfupdown } from '../../../src/modules/network/netcfg-render-ifupdown.js';
import { renderNetplan } from '../../../src/modules/network/netcfg-render-netplan.js';
import { renderNetworkd } from '../../../src/modules/network/netcfg-render-networkd.js';
import type { NetParamsT } from '../../../src/modules/network/netcfg-spec.js';
import { CASES, EDGE_CASES } from './cases.js';

/** The renderers' edge cases, read back from their output. */

interface Rendered {
  readonly netplan: { network: Record<string, Record<string, Record<string, unknown>> | number | string> };
  readonly networkd: Record<string, string>;
  readonly ifupdown: string;
}

function render(params: NetParamsT): Rendered {
  const { spec, problems } = normalizeNetParams(params);
  assert.deepEqual(problems, []);
  const [plan] = renderNetplan(spec);
  assert.equal(plan.mode, '0600');
  const [ifd] = renderIfupdown(spec);
  assert.equal(ifd.mode, '0644');
  const nd = renderNetworkd(spec);
  for (const f of nd) assert.equal(f.mode, '0644');
  return {
    netplan: parse(plan.content) as Rendered['netplan'],
    networkd: Object.fromEntries(nd.map((f) => [f.path.replace('/etc/systemd/network/10-k8sbm-', ''), f.content])),
    ifupdown: ifd.content,
  };
}

const section = (r: Rendered, kind: string): Record<string, Record<string, unknown>> => r.netplan.network[kind] as Record<string, Record<string, unknown>>;
/** The stanzas of one link in the ifupdown file: its `auto` line up to the next blank line. */
function stanza(text: string, name: string): string {
  const start = text.indexOf(`auto ${name}\n`);
  assert.ok(start >= 0, `no stanza for ${name}:\n${text}`);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end < 0 ? undefined : end + 1);
}

describe('network_config renderers: edge cases', () => {
  it('no bond: NICs with their own addresses, no netdev, no bond options', () => {
    const r = render(EDGE_CASES['no-bond']);
    assert.deepEqual(Object.keys(r.netplan.network), ['version', 'ethernets']);
    assert.deepEqual(section(r, 'ethernets').eno1.routes, [{ to: 'default', via: '10.30.10.1' }]);
    assert.deepEqual(section(r, 'ethernets').eno1.nameservers, { addresses: ['10.30.10.53'] });
    assert.deepEqual(Object.keys(r.networkd), ['eno1.network', 'eno2.network']);
    assert.match(r.networkd['eno1.network'], /^Gateway=10\.30\.10\.1$/m);
    assert.match(r.networkd['eno2.network'], /\[Route\]\nDestination=10\.50\.0\.0\/16\nGateway=10\.30\.20\.1\nMetric=200\n/);
    assert.doesNotMatch(r.ifupdown, /bond-/);
    assert.match(stanza(r.ifupdown, 'eno1'), /^ {4}gateway 10\.30\.10\.1$/m);
    assert.match(stanza(r.ifupdown, 'eno2'), /^ {4}up ip route replace 10\.50\.0\.0\/16 via 10\.30\.20\.1 dev eno2 metric 200$/m);
  });

  it('a NIC that only carries a VLAN comes up without addresses; the VLAN takes its network\'s prefix', () => {
    const r = render(EDGE_CASES['vlan-on-nic']);
    assert.deepEqual(section(r, 'ethernets').eno1, { renderer: 'networkd', 'link-local': [] });
    assert.deepEqual(section(r, 'vlans')['eno1.2000'], { renderer: 'networkd', id: 2000, link: 'eno1', addresses: ['10.30.20.11/24'], mtu: 1500 });
    assert.match(r.networkd['eno1.network'], /^VLAN=eno1\.2000\nLinkLocalAddressing=no$/m);
    assert.doesNotMatch(r.networkd['eno1.network'], /Address=|DHCP=/);
    assert.match(r.networkd['eno1.2000.netdev'], /^MTUBytes=1500$/m);
    assert.equal(stanza(r.ifupdown, 'eno1'), 'auto eno1\niface eno1 inet manual\n');
    assert.ok(r.ifupdown.indexOf('auto eno1\n') < r.ifupdown.indexOf('auto eno1.2000\n'));
    assert.match(stanza(r.ifupdown, 'eno1.2000'), /iface eno1\.2000 inet static\n {4}address 10\.30\.20\.11\/24\n {4}vlan-raw-device eno1\n {4}mtu 1500\n/);
  });

  it('a VLAN not named LINK.ID: ifupdown creates and deletes it itself', () => {
    const s = stanza(render(EDGE_CASES['vlan-named']).ifupdown, 'storage0');
    assert.match(s, /^ {4}pre-up ip link show dev storage0 >\/dev\/null 2>&1 \|\| ip link add link eno1 name storage0 type vlan id 2000$/m);
    assert.match(s, /^ {4}post-down ip link del dev storage0 \|\| true$/m);
    assert.doesNotMatch(stanza(render(CASES.reference).ifupdown, 'bond0.2000'), /ip link add/);
  });

  it('a bridge over the bond: the bond is a port without L3; no LACP options outside 802.3ad', () => {
    const r = render(EDGE_CASES['bridge-over-bond']);
    assert.deepEqual(section(r, 'bonds').bond0, { renderer: 'networkd', interfaces: ['eno1', 'eno2'], parameters: { mode: 'active-backup', 'mii-monitor-interval': 200 } });
    assert.deepEqual(section(r, 'bridges').br0.parameters, { stp: true });
    assert.equal(r.networkd['bond0.network'].split('\n').filter((l) => l.includes('=')).join(' '), 'Name=bond0 Bridge=br0 LinkLocalAddressing=no');
    assert.match(r.networkd['bond0.netdev'], /\[Bond\]\nMode=active-backup\nMIIMonitorSec=200ms\n$/);
    assert.match(r.networkd['br0.netdev'], /\[Bridge\]\nSTP=yes\n$/);
    assert.match(stanza(r.ifupdown, 'bond0'), /iface bond0 inet manual\n {4}bond-slaves eno1 eno2\n {4}bond-mode active-backup\n {4}bond-miimon 200\n$/);
    assert.match(stanza(r.ifupdown, 'br0'), /^ {4}bridge_ports bond0\n {4}bridge_stp on$/m);
  });

  it('link monitoring is written even when it is off (netplan\'s default would be silence)', () => {
    const params: NetParamsT = { bond: { name: 'bond0', slaves: ['eno1'], miimon: 0, address: '10.0.0.1/24' } };
    const r = render(params);
    assert.equal((section(r, 'bonds').bond0.parameters as Record<string, unknown>)['mii-monitor-interval'], 0);
    assert.match(r.networkd['bond0.netdev'], /^MIIMonitorSec=0ms$/m);
    assert.match(r.ifupdown, /^ {4}bond-miimon 0$/m);
  });

  it('IPv6: inet6 stanzas, the IPv6 gateway and route in the first of them', () => {
    const r = render(EDGE_CASES.ipv6);
    assert.deepEqual(section(r, 'ethernets').eth0.addresses, ['198.18.0.11/24', 'fd00:18::11/64', 'fd00:19::11/64']);
    assert.match(r.networkd['eth0.network'], /^Gateway=fd00:18::1$/m);
    assert.match(r.networkd['eth0.network'], /^Destination=fd00:40::\/48$/m);
    assert.equal(stanza(r.ifupdown, 'eth0'), [
      'auto eth0',
      'iface eth0 inet static',
      '    address 198.18.0.11/24',
      '    up ip route replace 203.0.113.0/24 via 198.18.0.1 dev eth0',
      '    down ip route del 203.0.113.0/24 via 198.18.0.1 dev eth0 || true',
      'iface eth0 inet6 static',
      '    address fd00:18::11/64',
      '    gateway fd00:18::1',
      '    up ip -6 route replace fd00:40::/48 via fd00:18::2 dev eth0',
      '    down ip -6 route del fd00:40::/48 via fd00:18::2 dev eth0 || true',
      'iface eth0 inet6 static',
      '    address fd00:19::11/64',
      '',
    ].join('\n'));
  });

  it('a default route over IPv6 in a [Route] section is ::/0', () => {
    const r = render({ ethernets: { eth0: { address: 'fd00::2/64', routes: [{ to: 'default', via: 'fd00::1', metric: 50 }] } } });
    assert.match(r.networkd['eth0.network'], /\[Route\]\nDestination=::\/0\nGateway=fd00::1\nMetric=50\n/);
  });

  it('DHCP: the address is asked for; the MTU goes before the client starts under ifupdown', () => {
    const r = render(EDGE_CASES.dhcp);
    assert.deepEqual(section(r, 'ethernets').eth0, { renderer: 'networkd', dhcp4: true, mtu: 1400 });
    assert.match(r.networkd['eth0.network'], /^DHCP=ipv4$/m);
    assert.doesNotMatch(r.networkd['eth0.network'], /LinkLocalAddressing/);
    assert.equal(stanza(r.ifupdown, 'eth0'), 'auto eth0\niface eth0 inet dhcp\n    pre-up ip link set dev eth0 mtu 1400\n');
  });

  it('a DHCP link with a gateway: ifupdown writes the default route as up/down lines', () => {
    const r = render({ ethernets: { eth0: { dhcp: true, gateway: '198.18.0.1' } } });
    assert.match(r.ifupdown, /^ {4}up ip route replace default via 198\.18\.0\.1 dev eth0$/m);
  });

  it('the bond that only carries VLANs: no address of its own in any renderer', () => {
    const r = render(CASES.reference);
    assert.deepEqual(section(r, 'bonds').bond0['link-local'], []);
    assert.match(r.networkd['bond0.network'], /^LinkLocalAddressing=no$/m);
    assert.match(stanza(r.ifupdown, 'bond0'), /^iface bond0 inet manual$/m);
    assert.equal(Object.keys(section(r, 'ethernets').eno1).join(), 'renderer,mtu');
  });

  it('netplan: every link names its renderer; the file sets none for the links of other files', () => {
    const r = render(CASES['reference-bridge']);
    assert.equal(r.netplan.network.renderer, undefined);
    for (const kind of ['ethernets', 'bonds', 'vlans', 'bridges']) {
      for (const [name, body] of Object.entries(section(r, kind))) assert.equal(body.renderer, 'networkd', name);
    }
  });

  it('an empty spec: a netplan file with no links, no networkd file, an ifupdown file of comments', () => {
    const spec = { links: [] };
    assert.deepEqual(parse(renderNetplan(spec)[0].content), { network: { version: 2 } });
    assert.deepEqual(renderNetworkd(spec), []);
    assert.ok(renderIfupdown(spec)[0].content.split('\n').every((l) => l === '' || l.startsWith('#')));
  });
});
