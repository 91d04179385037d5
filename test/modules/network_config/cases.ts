import type { NetParamsT } from '../../../src/modules/network/netcfg-spec.js';

/**
 * The reference topologies the golden files and the real-tool tests share: the example
 * inventory's bond and VLANs with cp1's addresses, the same with a bridge, and the lab's plain NIC.
 */

const referenceBase = {
  bond: { name: 'bond0', mode: '802.3ad', slaves: ['eno1', 'eno2'], mtu: 9000 },
  vlans: {
    storage: { id: 2000, name: 'bond0.2000' },
    kubernetes: { id: 2001, name: 'bond0.2001', routes: [{ to: '10.40.0.0/16', via: '10.30.21.1' }] },
    management: { id: 10, name: 'bond0.10', gateway: '10.30.10.1' },
  },
  addresses: { storage: '10.30.20.11/24', kubernetes: '10.30.21.11/24', management: '10.30.10.11/24' },
  dns: { servers: ['10.30.10.53', '10.30.10.54'], search: ['cluster.example.net', 'example.net'] },
} satisfies NetParamsT;

export const CASES: Readonly<Record<string, NetParamsT>> = {
  /** cp1 of the example inventory. */
  reference: referenceBase,
  /** The same, with the kubernetes VLAN as the port of a bridge that carries its address and route. */
  'reference-bridge': {
    ...referenceBase,
    vlans: {
      storage: referenceBase.vlans.storage,
      kubernetes: { id: 2001, name: 'bond0.2001' },
      management: referenceBase.vlans.management,
    },
    bridges: { br0: { interfaces: ['bond0.2001'], routes: [{ to: '10.40.0.0/16', via: '10.30.21.1' }] } },
    addresses: { storage: '10.30.20.11/24', br0: '10.30.21.11/24', management: '10.30.10.11/24' },
  },
  /** The lab nodes' NIC, the one case applied for real. */
  lab: {
    ethernets: { eth0: { address: '198.18.0.11/24', mtu: 1500, routes: [{ to: '203.0.113.0/24', via: '198.18.0.1' }] } },
  },
};

/** Edge cases of the renderers; each must be sound, and is also put to the real tools. */
export const EDGE_CASES: Readonly<Record<string, NetParamsT>> = {
  /** Two NICs, no bond: one with a gateway and DNS, one with a route and a metric. */
  'no-bond': {
    ethernets: {
      eno1: { address: '10.30.10.11/24', gateway: '10.30.10.1' },
      eno2: { address: '10.30.20.11/24', mtu: 9000, routes: [{ to: '10.50.0.0/16', via: '10.30.20.1', metric: 200 }] },
    },
    dns: { servers: ['10.30.10.53'] },
  },
  /** A VLAN tagged on a NIC that carries nothing else (the NIC only appears as the VLAN's link). */
  'vlan-on-nic': {
    vlans: { storage: { id: 2000, link: 'eno1', cidr: '10.30.20.0/24', mtu: 1500 } },
    addresses: { storage: '10.30.20.11' },
  },
  /** A VLAN whose name is not LINK.ID. */
  'vlan-named': {
    ethernets: { eno1: { address: '10.30.10.11/24' } },
    vlans: { storage: { id: 2000, link: 'eno1', name: 'storage0', address: '10.30.20.11/24' } },
  },
  /** A bridge over the bond itself, carrying the address. */
  'bridge-over-bond': {
    bond: { name: 'bond0', mode: 'active-backup', slaves: ['eno1', 'eno2'], miimon: 200 },
    bridges: { br0: { interfaces: ['bond0'], stp: true, address: '10.30.21.11/24', gateway: '10.30.21.1' } },
  },
  /** IPv4 and IPv6 on one NIC, an IPv6 gateway and route. */
  ipv6: {
    ethernets: {
      eth0: {
        address: ['198.18.0.11/24', 'fd00:18::11/64', 'fd00:19::11/64'],
        gateway: 'fd00:18::1',
        routes: [{ to: 'fd00:40::/48', via: 'fd00:18::2' }, { to: '203.0.113.0/24', via: '198.18.0.1' }],
      },
    },
  },
  /** DHCP with an MTU. */
  dhcp: { ethernets: { eth0: { dhcp: true, mtu: 1400 } } },
  /** Several IPv4 addresses on one NIC. */
  'multi-address': { ethernets: { eth0: { address: ['198.18.0.11/24', '198.18.0.12/24', '198.19.0.11/16'], mtu: 1500 } } },
};
