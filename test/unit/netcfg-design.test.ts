import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkDesignFindings } from '../../src/modules/network/netcfg-design.js';
import type { NetParamsT } from '../../src/modules/network/netcfg-spec.js';
import type { PreflightFinding, PreflightInstance } from '../../src/modules/types.js';

/** The network design checks (run by the engine before the play), on plain data. */

const BOND: NetParamsT['bond'] = { name: 'bond0', mode: '802.3ad', slaves: ['eno1', 'eno2'], mtu: 9000 };
const VLANS: NetParamsT['vlans'] = {
  storage: { id: 2000, name: 'bond0.2000', cidr: '10.30.20.0/24' },
  kubernetes: { id: 2001, name: 'bond0.2001', cidr: '10.30.21.0/24', gateway: '10.30.21.1' },
};

function nic(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, mtu: 1500, kind: null, link_type: 'ether', altnames: [], ...over };
}
const FACTS = { interfaces: { lo: nic('lo', { link_type: 'loopback' }), eno1: nic('eno1'), eno2: nic('eno2'), eth5: nic('eth5', { mtu: 1500 }) } };

function host(name: string, params: Partial<NetParamsT>, facts: Record<string, unknown> | undefined = FACTS): PreflightInstance<NetParamsT> {
  return { host: name, params: { bond: BOND, vlans: VLANS, ...params } as NetParamsT, facts };
}

const cp = (n: number, extra: Partial<NetParamsT> = {}): PreflightInstance<NetParamsT> =>
  host(`cp${n}`, { addresses: { storage: `10.30.20.${10 + n}/24`, kubernetes: `10.30.21.${10 + n}/24` }, ...extra });

/** Findings as "host level path: msg" lines. */
function lines(fs: readonly PreflightFinding[]): string[] {
  return fs.map((f) => `${f.host} ${f.level} ${f.path.join('.')}: ${f.msg}`);
}

describe('network design checks', () => {
  it('the reference design passes on three hosts', () => {
    assert.deepEqual(networkDesignFindings([cp(1), cp(2), cp(3)]), []);
  });

  it('structure problems of the params are errors at their paths', () => {
    const fs = networkDesignFindings([cp(1, { addresses: { storage: '10.30.20.11/24', kubernetes: '10.30.21.11/24', storgae: '10.30.22.1/24' } })]);
    assert.deepEqual(lines(fs), ['cp1 error addresses.storgae: an address is given for storgae, but no VLAN has that purpose and no link that name']);
  });

  it('VLAN ids are unique per parent link, not across links', () => {
    const dup = { ...VLANS, backup: { id: 2000, name: 'bond0.3000' } };
    assert.deepEqual(lines(networkDesignFindings([cp(1, { vlans: dup })])), ['cp1 error vlans.backup.id: VLAN id 2000 is used twice on bond0: by storage and backup']);
    const other = { ...VLANS, backup: { id: 2000, link: 'eth5' } };
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: other })]), []);
  });

  it('a VLAN\'s MTU is not above its parent\'s: the params\' first, then the host\'s, then 1500', () => {
    const jumbo = { storage: { id: 2000, mtu: 9000 } };
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: jumbo, addresses: {} })]), []);
    const fs = networkDesignFindings([cp(1, { vlans: jumbo, bond: { ...BOND, mtu: 1500 }, addresses: {} })]);
    assert.deepEqual(lines(fs), ['cp1 error vlans.storage.mtu: VLAN storage has MTU 9000, above its parent bond0\'s 1500']);
    assert.equal(fs[0]!.hint, 'raise bond0\'s mtu to 9000 at least (bond.mtu), or lower the VLAN\'s');
    const onNic = { storage: { id: 2000, link: 'eth5', mtu: 9000 } };
    assert.deepEqual(lines(networkDesignFindings([cp(1, { vlans: onNic, addresses: {} })])), ['cp1 error vlans.storage.mtu: VLAN storage has MTU 9000, above its parent eth5\'s 1500 (the host\'s now)']);
    assert.deepEqual(lines(networkDesignFindings([{ ...cp(1, { vlans: onNic, addresses: {} }), facts: undefined }])), ['cp1 error vlans.storage.mtu: VLAN storage has MTU 9000, above its parent eth5\'s 1500 (the default)']);
  });

  it('an address lies inside its VLAN\'s network, with its prefix length; one written bare takes it', () => {
    const fs = networkDesignFindings([cp(1, { addresses: { storage: '10.30.21.11/24', kubernetes: '10.30.21.12/16' } })]);
    assert.deepEqual(lines(fs), [
      'cp1 error addresses.storage: address 10.30.21.11/24 of VLAN storage is outside its network 10.30.20.0/24',
      'cp1 error addresses.kubernetes: address 10.30.21.12/16 of VLAN kubernetes has prefix length /16, its network 10.30.21.0/24 /24',
    ]);
    assert.equal(fs[0]!.hint, 'an address in 10.30.20.0/24, or correct the VLAN\'s cidr');
    assert.deepEqual(networkDesignFindings([cp(1, { addresses: { storage: '10.30.20.11', kubernetes: ['10.30.21.11'] } })]), []);
    const bad = networkDesignFindings([cp(1, { addresses: { storage: ['10.30.20.11/24', '10.30.20.300/24'], kubernetes: '10.30.21.11/24' } })]);
    assert.deepEqual(lines(bad), ['cp1 error addresses.storage.1: "10.30.20.300/24" is not an address with its prefix length']);
  });

  it('an address is used once across the hosts: an error on each host using it, naming the other', () => {
    const twin = cp(2, { addresses: { storage: '10.30.20.11/24', kubernetes: '10.30.21.12/24' } });
    const fs = networkDesignFindings([cp(1), twin, cp(3)]);
    assert.deepEqual(lines(fs), [
      'cp1 error addresses.storage: address 10.30.20.11 (VLAN storage) is also cp2\'s (VLAN storage)',
      'cp2 error addresses.storage: address 10.30.20.11 (VLAN storage) is also cp1\'s (VLAN storage)',
    ]);
    assert.equal(fs[0]!.hint, 'an address belongs to one link of one host: change this one or cp2');
  });

  it('and once on a host: the same address on two links is refused, the same written twice on one link is not', () => {
    const two = networkDesignFindings([cp(1, { addresses: { storage: '10.30.20.11/24', 'bond0.2001': '10.30.20.11/24' }, vlans: { storage: VLANS.storage!, kubernetes: { id: 2001, name: 'bond0.2001' } } })]);
    assert.deepEqual(lines(two), [
      'cp1 error addresses.storage: address 10.30.20.11 (VLAN storage) is also this host\'s VLAN kubernetes',
      'cp1 error addresses.bond0.2001: address 10.30.20.11 (VLAN kubernetes) is also this host\'s VLAN storage',
    ]);
    const same = { storage: { ...VLANS.storage!, address: '10.30.20.11/24' }, kubernetes: VLANS.kubernetes! };
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: same })]), []);
  });

  it('gateways and route vias lie on a network of their link\'s addresses', () => {
    const vlans = {
      storage: { ...VLANS.storage!, routes: [{ to: '10.40.0.0/16', via: '10.30.20.1' }, { to: '10.50.0.0/16', via: '10.30.99.1' }] },
      kubernetes: { ...VLANS.kubernetes!, gateway: '10.30.20.1' },
    };
    assert.deepEqual(lines(networkDesignFindings([cp(1, { vlans })])), [
      'cp1 error vlans.storage.routes.1.via: route 10.50.0.0/16 via 10.30.99.1 of VLAN storage is on none of its networks (10.30.20.11/24)',
      'cp1 error vlans.kubernetes.gateway: gateway 10.30.20.1 of VLAN kubernetes is on none of its networks (10.30.21.11/24)',
    ]);
    const noAddress = networkDesignFindings([cp(1, { addresses: { storage: '10.30.20.11/24' } })]);
    assert.deepEqual(lines(noAddress), ['cp1 error vlans.kubernetes.gateway: gateway 10.30.21.1 of VLAN kubernetes, which has no address to reach it from']);
    const typo = networkDesignFindings([cp(1, { vlans: { ...VLANS, kubernetes: { ...VLANS.kubernetes!, gateway: '10.30.21.l' } } })]);
    assert.deepEqual(lines(typo), ['cp1 error vlans.kubernetes.gateway: gateway "10.30.21.l" is not an address'], 'said once, by the params\' structure');
    const dhcp = { ...VLANS, kubernetes: { ...VLANS.kubernetes!, dhcp: true } };
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: dhcp, addresses: { storage: '10.30.20.11/24' } })]), []);
  });

  it('bond members are interfaces of the host, with a did-you-mean; without facts it is not checked', () => {
    const typo = { ...BOND, slaves: ['eno1', 'eon2'] };
    const fs = networkDesignFindings([cp(1, { bond: typo })]);
    assert.deepEqual(lines(fs), ['cp1 error bond.slaves.1: bond member eon2 of bond0 is not an interface of this host']);
    assert.equal(fs[0]!.hint, 'did you mean "eno2"? the host has eno1, eno2, eth5');
    const alt = { interfaces: { eno1: nic('eno1'), enp1s0: nic('enp1s0', { altnames: ['eon2'] }) } };
    assert.deepEqual(networkDesignFindings([{ ...cp(1, { bond: typo }), facts: alt }]), []);
    assert.deepEqual(networkDesignFindings([{ ...cp(1, { bond: typo }), facts: undefined }]), []);
  });

  it('a one-member 802.3ad bond is a warning; active-backup with one member is not', () => {
    const fs = networkDesignFindings([cp(1, { bond: { ...BOND, slaves: ['eno1'] } })]);
    assert.deepEqual(lines(fs), ['cp1 warning bond.slaves: bond bond0 (802.3ad) has one member, eno1: it has no redundancy']);
    assert.deepEqual(networkDesignFindings([cp(1, { bond: { ...BOND, mode: 'active-backup', members: ['eno1'], slaves: undefined } })]), []);
  });

  it('a VLAN parent is a link of the params or an interface of the host', () => {
    const vlans = { ...VLANS, backup: { id: 30, link: 'eht5' } };
    const fs = networkDesignFindings([cp(1, { vlans })]);
    assert.deepEqual(lines(fs), ['cp1 error vlans.backup.link: VLAN backup is on eht5, which is neither a link of these params (bond, ethernets, bridges, vlans) nor an interface of this host']);
    assert.match(fs[0]!.hint, /^did you mean "eth5"\?/);
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: { ...VLANS, backup: { id: 30, link: 'eth5' } } })]), []);
    assert.deepEqual(networkDesignFindings([cp(1, { vlans: { ...VLANS, backup: { id: 30, link: 'eth9' } }, ethernets: { eth9: {} } })]), []);
  });

  it('IPv6: networks, duplicates and gateways', () => {
    const vlans = { storage: { id: 2000, cidr: 'fd00:30:20::/64', gateway: 'fd00:30:20::1' } };
    const ok = [host('cp1', { vlans, addresses: { storage: 'fd00:30:20::11' } }), host('cp2', { vlans, addresses: { storage: 'fd00:30:20::12/64' } })];
    assert.deepEqual(networkDesignFindings(ok), []);
    const bad = [
      host('cp1', { vlans, addresses: { storage: 'fd00:30:20:0::11/64' } }),
      host('cp2', { vlans, addresses: { storage: 'fd00:30:20::11/64' } }),
      host('cp3', { vlans, addresses: { storage: 'fd00:30:21::13/64' } }),
    ];
    assert.deepEqual(lines(networkDesignFindings(bad)), [
      'cp3 error addresses.storage: address fd00:30:21::13/64 of VLAN storage is outside its network fd00:30:20::/64',
      'cp3 error vlans.storage.gateway: gateway fd00:30:20::1 of VLAN storage is on none of its networks (fd00:30:21::13/64)',
      'cp1 error addresses.storage: address fd00:30:20::11 (VLAN storage) is also cp2\'s (VLAN storage)',
      'cp2 error addresses.storage: address fd00:30:20::11 (VLAN storage) is also cp1\'s (VLAN storage)',
    ]);
    const linkLocal = { storage: { id: 2000, routes: [{ to: 'fd00:40::/48', via: 'fe80::1' }] } };
    assert.deepEqual(networkDesignFindings([host('cp1', { vlans: linkLocal, addresses: { storage: 'fd00:30:20::11/64' } })]), []);
  });
});
