import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { StringEnum } from '../../schema/formats.js';

/**
 * The network_config module's parameters are the inventory contract's shape (`bond`, `vlans`, a
 * host's addresses), so a design check can point at the inventory's own lines; `normalizeNetParams`
 * turns them into `NetSpec`, the one model the three renderers and the live comparison read.
 */

const IFNAME = '^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$';
const ifname = (description: string) => Type.String({ pattern: IFNAME, description, errorHint: 'an interface name: at most 15 characters, letters, digits, _ . - (eno1, bond0, bond0.2000)' });
const cidrAddr = Type.String({ minLength: 3, description: 'An address with its prefix length: "10.30.20.11/24", "fd00::11/64".', errorHint: 'an address with its prefix length, like "10.30.20.11/24"' });
const ipAddr = Type.String({ minLength: 2, description: 'An IPv4 or IPv6 address.' });

const Route = Type.Object({
  to: Type.String({ minLength: 1, description: 'Destination network ("10.40.0.0/16") or "default".' }),
  via: Type.Optional(ipAddr),
  metric: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
}, { additionalProperties: false });

/** What every link with an L3 side takes. */
const l3 = {
  address: Type.Optional(Type.Union([cidrAddr, Type.Array(cidrAddr)], { description: 'Address(es) of the link, with prefix length.' })),
  gateway: Type.Optional(ipAddr),
  routes: Type.Optional(Type.Array(Route, { description: 'Static routes through this link.' })),
  mtu: Type.Optional(Type.Integer({ minimum: 68, maximum: 65535, description: 'MTU in bytes.' })),
  dhcp: Type.Optional(Type.Boolean({ description: 'Take an IPv4 address by DHCP.' })),
};

export const BOND_MODES = ['802.3ad', 'balance-rr', 'active-backup', 'balance-xor', 'broadcast', 'balance-tlb', 'balance-alb'] as const;
export const HASH_POLICIES = ['layer2', 'layer3+4', 'layer2+3', 'encap2+3', 'encap3+4'] as const;

export const BondParams = Type.Object({
  name: ifname('The bond\'s name: "bond0".'),
  mode: Type.Optional(StringEnum([...BOND_MODES], { default: '802.3ad', description: 'Bonding mode; 802.3ad (LACP) needs the switch ports in one LACP group.' })),
  slaves: Type.Optional(Type.Array(ifname('A member NIC.'), { minItems: 1, description: 'The member NICs (the contract\'s name; `members` is the same).' })),
  members: Type.Optional(Type.Array(ifname('A member NIC.'), { minItems: 1, description: 'The member NICs.' })),
  lacp_rate: Type.Optional(StringEnum(['slow', 'fast'], { default: 'fast', description: 'How often LACPDUs are asked for (802.3ad only).' })),
  xmit_hash_policy: Type.Optional(StringEnum([...HASH_POLICIES], { default: 'layer3+4', description: 'How flows are spread over the members (802.3ad, balance-xor, balance-tlb).' })),
  miimon: Type.Optional(Type.Integer({ minimum: 0, default: 100, description: 'Link monitoring interval in ms; 0 turns link monitoring off (netplan\'s default).' })),
  ...l3,
}, { additionalProperties: false });

export const VlanParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 4094, description: 'The 802.1Q VLAN id.' }),
  name: Type.Optional(ifname('The VLAN link\'s name (default LINK.ID: "bond0.2000").')),
  link: Type.Optional(ifname('The link it is tagged on (default: the bond).')),
  cidr: Type.Optional(Type.String({ description: 'The VLAN\'s network ("10.30.20.0/24"): a host address written without prefix takes its length.' })),
  ...l3,
}, { additionalProperties: false });

export const EthernetParams = Type.Object({ ...l3 }, { additionalProperties: false });

export const BridgeParams = Type.Object({
  interfaces: Type.Array(ifname('A port of the bridge.'), { description: 'Ports: the bond, a VLAN, or NICs.' }),
  stp: Type.Optional(Type.Boolean({ default: false, description: 'Spanning tree.' })),
  ...l3,
}, { additionalProperties: false });

export const NetParams = Type.Object({
  renderer: Type.Optional(StringEnum(['auto', 'netplan', 'networkd', 'ifupdown'], {
    default: 'auto',
    description: 'Which configuration system writes the links: auto is what the node uses (netplan if /etc/netplan has files, else systemd-networkd if it runs, else ifupdown).',
  })),
  bond: Type.Optional(Type.Union([BondParams, Type.Null()], { description: 'The bond (the contract\'s bond): name, mode, slaves, lacp_rate, xmit_hash_policy, miimon, mtu and its own L3; null: no bond.' })),
  vlans: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), VlanParams, { description: 'VLANs by their purpose (storage, kubernetes, management).' })),
  ethernets: Type.Optional(Type.Record(Type.String({ pattern: IFNAME }), EthernetParams, { description: 'NICs configured directly (not bond members).' })),
  bridges: Type.Optional(Type.Record(Type.String({ pattern: IFNAME }), BridgeParams, { description: 'Bridges over the bond, a VLAN or NICs.' })),
  addresses: Type.Optional(Type.Record(Type.String(), Type.Union([cidrAddr, Type.Array(cidrAddr), Type.Null()]), {
    description: 'This host\'s addresses by VLAN purpose or link name ({storage: "10.30.20.11/24"}); they add to the address written on the link itself.',
  })),
  more_addresses: Type.Optional(Type.Record(Type.String(), Type.Union([cidrAddr, Type.Array(cidrAddr), Type.Null()]), {
    description: 'More addresses of this host, in the same form as addresses (a role passes the contract\'s in addresses and the operator\'s own here).',
  })),
  unmanaged_addresses: Type.Optional(Type.Array(ipAddr, {
    description: 'Addresses other daemons put on these links (keepalived\'s API VIP): never reported as drift or removed.',
  })),
  dns: Type.Optional(Type.Object({
    servers: Type.Optional(Type.Array(ipAddr)),
    search: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  }, { additionalProperties: false, description: 'DNS servers and search domains, written on the link with the default gateway (else the first with an address).' })),
}, { additionalProperties: false });

export type NetParamsT = Static<typeof NetParams>;
export type Renderer = 'netplan' | 'networkd' | 'ifupdown';

export interface RouteSpec {
  readonly to: string;
  readonly via?: string | undefined;
  readonly metric?: number | undefined;
}

/** A link's L3 side, as every renderer writes it. */
export interface L3Spec {
  /** CIDR notation, in the order written. */
  readonly addresses: readonly string[];
  readonly gateway?: string | undefined;
  readonly routes: readonly RouteSpec[];
  readonly mtu?: number | undefined;
  readonly dhcp: boolean;
  /** DNS goes on the link with the default gateway (or the first with an address). */
  readonly dns?: { readonly servers: readonly string[]; readonly search: readonly string[] } | undefined;
}

export interface EthernetSpec extends L3Spec {
  readonly kind: 'ethernet';
  readonly name: string;
  /** The bond it is a member of: then it carries no L3 of its own. */
  readonly bond?: string | undefined;
  /** The bridge it is a port of. */
  readonly bridge?: string | undefined;
}
export interface BondSpec extends L3Spec {
  readonly kind: 'bond';
  readonly name: string;
  readonly mode: (typeof BOND_MODES)[number];
  readonly members: readonly string[];
  /** Only for 802.3ad. */
  readonly lacpRate?: 'slow' | 'fast' | undefined;
  /** Only for 802.3ad, balance-xor, balance-tlb. */
  readonly xmitHashPolicy?: (typeof HASH_POLICIES)[number] | undefined;
  readonly miimon: number;
  readonly bridge?: string | undefined;
}
export interface VlanSpec extends L3Spec {
  readonly kind: 'vlan';
  readonly name: string;
  readonly id: number;
  readonly link: string;
  /** Its key in `vlans` (storage, kubernetes ...). */
  readonly purpose: string;
  readonly bridge?: string | undefined;
}
export interface BridgeSpec extends L3Spec {
  readonly kind: 'bridge';
  readonly name: string;
  readonly interfaces: readonly string[];
  readonly stp: boolean;
}
export type LinkSpec = EthernetSpec | BondSpec | VlanSpec | BridgeSpec;

/** Links in the order they come up: NICs, bonds, VLANs, bridges. */
export interface NetSpec {
  readonly links: readonly LinkSpec[];
}

/** A problem in the parameters' structure, with the parameter path it is about. */
export interface SpecProblem {
  readonly path: readonly (string | number)[];
  readonly msg: string;
  readonly hint: string;
}
