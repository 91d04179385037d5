import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hostFacts, parseHostFacts } from '../../src/facts/host.js';
function repoRoot() {
    for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
        for (let dir = start;; dir = dirname(dir)) {
            if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures')))
                return dir;
            if (dirname(dir) === dir)
                break;
        }
    }
    throw new Error('repository root not found (run from the repository)');
}
function fixture(name) {
    const text = readFileSync(join(repoRoot(), 'test', 'fixtures', 'facts', 'host', name), 'utf8');
    return hostFacts.parse({ code: 0, signal: null, stdout: text, stderr: '' }, undefined);
}
describe('host facts: Debian 12, 802.3ad bond, VLANs 2000/2001, bridge (hand-made)', () => {
    const f = fixture('debian12-bond-vlan-bridge.txt');
    it('names and OS', () => {
        assert.equal(f.hostname, 'cp1');
        assert.equal(f.fqdn, 'cp1.k8s.example.net');
        assert.equal(f.domain, 'k8s.example.net');
        assert.deepEqual(f.os, {
            family: 'debian', distribution: 'debian', name: 'Debian GNU/Linux', version: '12 (bookworm)',
            version_id: '12', major_version: '12', codename: 'bookworm',
            pretty_name: 'Debian GNU/Linux 12 (bookworm)', id_like: [],
        });
        assert.equal(f.kernel.release, '6.1.0-26-amd64');
        assert.equal(f.architecture, 'x86_64');
        assert.equal(f.deb_architecture, 'amd64');
    });
    it('bond: mode, slaves in order, slave state and own MACs', () => {
        const bond = f.interfaces.bond0;
        assert.equal(bond.kind, 'bond');
        assert.deepEqual(bond.slaves, ['eno1', 'eno2']);
        assert.equal(bond.bond?.mode, '802.3ad');
        assert.equal(bond.bond?.miimon, 100);
        assert.equal(bond.bond?.xmit_hash_policy, 'layer3+4');
        assert.equal(bond.bond?.lacp_rate, 'fast');
        assert.equal(bond.mtu, 9000);
        const eno2 = f.interfaces.eno2;
        assert.equal(eno2.kind, null, 'a physical NIC has no link kind');
        assert.equal(eno2.master, 'bond0');
        assert.deepEqual(eno2.slave, { kind: 'bond', state: 'ACTIVE', mii_status: 'UP', perm_mac: 'b8:ca:3a:6e:10:a1' });
        assert.equal(eno2.mac, bond.mac, 'a bond slave carries the bond MAC');
        assert.deepEqual(eno2.altnames, ['enp24s0f1']);
        assert.deepEqual(eno2.ipv4, []);
    });
    it('VLANs: ids from linkinfo, parent bond, the bridged one is a bridge port', () => {
        const v2000 = f.interfaces['bond0.2000'];
        const v2001 = f.interfaces['bond0.2001'];
        assert.deepEqual(v2000.vlan, { id: 2000, protocol: '802.1Q' });
        assert.deepEqual(v2001.vlan, { id: 2001, protocol: '802.1Q' });
        assert.equal(v2000.parent, 'bond0');
        assert.equal(v2000.kind, 'vlan');
        assert.equal(v2001.master, 'br0');
        assert.equal(v2001.slave?.kind, 'bridge');
        assert.equal(v2001.slave?.state, 'forwarding');
        assert.equal(v2000.master, null);
        assert.deepEqual(v2000.ipv4.map((a) => `${a.address}/${a.prefixlen}`), ['10.20.0.11/24', '10.20.0.10/32']);
        assert.equal(v2000.ipv6[0]?.address, '2001:db8:20::11');
    });
    it('bridge: ports and address', () => {
        const br = f.interfaces.br0;
        assert.equal(br.kind, 'bridge');
        assert.deepEqual(br.slaves, ['bond0.2001']);
        assert.deepEqual(br.bridge, { stp: false, vlan_filtering: false });
        assert.equal(br.ipv4[0]?.address, '10.21.0.11');
        assert.equal(br.ipv4[0]?.network, '10.21.0.0');
        assert.equal(br.ipv4[0]?.netmask, '255.255.255.0');
    });
    it('default routes go out the VLAN, and the /32 VIP is not the default address', () => {
        assert.deepEqual(f.default_ipv4, {
            interface: 'bond0.2000', gateway: '10.20.0.1', address: '10.20.0.11', prefixlen: 24,
            netmask: '255.255.255.0', network: '10.20.0.0', broadcast: '10.20.0.255',
            mac: 'b8:ca:3a:6e:10:a0', mtu: 9000, kind: 'vlan',
        });
        assert.equal(f.default_ipv6?.interface, 'bond0.2000');
        assert.equal(f.default_ipv6?.gateway, '2001:db8:20::1');
        assert.equal(f.default_ipv6?.address, '2001:db8:20::11');
        assert.deepEqual(f.all_ipv4_addresses, ['10.20.0.11', '10.20.0.10', '10.21.0.11']);
    });
    it('system', () => {
        assert.equal(f.cpu.count, 32);
        assert.equal(f.cpu.model, 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz');
        assert.equal(f.memory.total_mb, Math.floor(131621852 / 1024));
        assert.equal(f.memory.available_mb, Math.floor(127204816 / 1024));
        assert.equal(f.memory.swap_total_mb, 0);
        assert.equal(f.init_system, 'systemd');
        assert.equal(f.pkg_mgr, 'apt');
        assert.deepEqual(f.virtualization, { type: 'none', container: false });
        assert.deepEqual(f.user, { uid: 1000, name: 'deploy' });
    });
});
describe('host facts: Ubuntu 24.04 arm64 VM with flannel (hand-made)', () => {
    const f = fixture('ubuntu2404-arm64-flannel.txt');
    it('OS and architecture', () => {
        assert.equal(f.os.family, 'debian');
        assert.equal(f.os.distribution, 'ubuntu');
        assert.equal(f.os.version_id, '24.04');
        assert.equal(f.os.major_version, '24');
        assert.equal(f.os.codename, 'noble');
        assert.deepEqual(f.os.id_like, ['debian']);
        assert.equal(f.architecture, 'aarch64');
        assert.equal(f.deb_architecture, 'arm64');
        assert.equal(f.cpu.count, 4);
        assert.equal(f.cpu.model, '', 'arm cpuinfo has no model name');
    });
    it('no domain when hostname -f gives the short name', () => {
        assert.equal(f.hostname, 'worker-2');
        assert.equal(f.fqdn, 'worker-2');
        assert.equal(f.domain, '');
    });
    it('default IPv4 uses the route prefsrc; default IPv6 skips the temporary address', () => {
        assert.equal(f.default_ipv4?.interface, 'enp1s0');
        assert.equal(f.default_ipv4?.address, '192.168.122.57');
        assert.equal(f.default_ipv4?.gateway, '192.168.122.1');
        assert.equal(f.default_ipv6?.gateway, 'fe80::5054:ff:fe00:1');
        assert.equal(f.default_ipv6?.address, '2001:db8:122:0:5054:ff:fe12:3456');
        assert.equal(f.interfaces.enp1s0.ipv6[0]?.temporary, true);
    });
    it('CNI links: vxlan, bridge with a veth whose peer lives in a pod namespace', () => {
        assert.equal(f.interfaces['flannel.1'].kind, 'vxlan');
        assert.equal(f.interfaces['flannel.1'].state, 'UNKNOWN');
        assert.deepEqual(f.interfaces.cni0.slaves, ['veth7c1e2a4b']);
        assert.equal(f.interfaces.veth7c1e2a4b.parent, null);
        assert.equal(f.interfaces.veth7c1e2a4b.kind, 'veth');
    });
    it('system', () => {
        assert.equal(f.memory.swap_total_mb, 4095);
        assert.deepEqual(f.virtualization, { type: 'kvm', container: false });
        assert.equal(f.init_system, 'systemd');
        assert.equal(f.pkg_mgr, 'apt');
    });
});
describe('host facts: Rocky 9.4 on VMware with an active-backup bond (hand-made)', () => {
    const f = fixture('rocky94-vmware-bond.txt');
    it('OS: redhat family, codename from VERSION', () => {
        assert.equal(f.os.family, 'redhat');
        assert.equal(f.os.distribution, 'rocky');
        assert.equal(f.os.version_id, '9.4');
        assert.equal(f.os.major_version, '9');
        assert.equal(f.os.codename, 'Blue Onyx');
        assert.deepEqual(f.os.id_like, ['rhel', 'centos', 'fedora']);
    });
    it('an FQDN host name gives its domain', () => {
        assert.equal(f.hostname, 'node3.lab.example.org');
        assert.equal(f.domain, 'lab.example.org');
    });
    it('active-backup bond', () => {
        const bond = f.interfaces.bond1;
        assert.equal(bond.bond?.mode, 'active-backup');
        assert.equal(bond.bond?.active_slave, 'ens224');
        assert.deepEqual(bond.slaves, ['ens224', 'ens256']);
        assert.equal(f.interfaces.ens256.slave?.state, 'BACKUP');
        assert.deepEqual(f.interfaces.ens192.altnames, ['enp11s0']);
    });
    it('default IPv4 only; dnf preferred over yum', () => {
        assert.equal(f.default_ipv4?.interface, 'ens192');
        assert.equal(f.default_ipv4?.address, '10.0.40.21');
        assert.equal(f.default_ipv4?.kind, null);
        assert.equal(f.default_ipv6, null);
        assert.equal(f.pkg_mgr, 'dnf');
        assert.deepEqual(f.virtualization, { type: 'vmware', container: false });
    });
});
describe('host facts: minimal Alpine board, no ip, no systemd, no os-release (hand-made)', () => {
    const f = fixture('alpine-minimal-noip-openrc.txt');
    it('falls back to /etc/alpine-release', () => {
        assert.equal(f.os.family, 'alpine');
        assert.equal(f.os.distribution, 'alpine');
        assert.equal(f.os.version_id, '3.19.1');
        assert.equal(f.os.major_version, '3');
    });
    it('no ip: no interfaces, no default routes', () => {
        assert.deepEqual(f.interfaces, {});
        assert.equal(f.default_ipv4, null);
        assert.equal(f.default_ipv6, null);
        assert.deepEqual(f.all_ipv4_addresses, []);
    });
    it('the rest still comes through', () => {
        assert.equal(f.hostname, 'edge-1');
        assert.equal(f.fqdn, 'edge-1');
        assert.equal(f.deb_architecture, 'armhf');
        assert.equal(f.cpu.count, 4, 'no nproc: /proc/cpuinfo count');
        assert.equal(f.memory.available_mb, Math.floor((611032 + 23404 + 198712) / 1024), 'no MemAvailable: free + buffers + cached');
        assert.equal(f.init_system, 'openrc');
        assert.equal(f.pid1, 'init');
        assert.equal(f.pkg_mgr, 'apk');
        assert.deepEqual(f.virtualization, { type: 'none', container: false });
    });
});
describe('host facts: captured on a real Debian 12 container', () => {
    const f = fixture('captured-debian12-container.txt');
    it('parses the real iproute2 output', () => {
        assert.equal(f.os.distribution, 'debian');
        assert.deepEqual(Object.keys(f.interfaces), ['lo', 'ifb0', 'ifb1', 'eth0']);
        assert.equal(f.interfaces.ifb0.kind, 'ifb');
        assert.equal(f.interfaces.eth0.mtu, 1400);
        assert.equal(f.default_ipv4?.address, '192.0.2.2');
        assert.equal(f.default_ipv4?.gateway, '192.0.2.1');
        assert.equal(f.default_ipv6?.address, 'fd00::2');
        assert.deepEqual(f.all_ipv6_addresses, ['fd00::2', 'fe80::fc:ff:fe00:1']);
    });
    it('a container without an init: other, and docker via systemd-detect-virt', () => {
        assert.equal(f.init_system, 'other');
        assert.deepEqual(f.virtualization, { type: 'docker', container: true });
        assert.equal(f.cpu.count, 2);
    });
});
describe('host facts: captured in a network namespace with a bridge and two default routes', () => {
    const f = fixture('captured-netns-bridge.txt');
    it('bridge port found from the real info_slave_kind', () => {
        assert.deepEqual(f.interfaces.br0.slaves, ['veth0']);
        assert.equal(f.interfaces.veth0.slave?.kind, 'bridge');
        assert.equal(f.interfaces.veth0.parent, 'veth1');
        assert.equal(f.interfaces.br0.ipv4.find((a) => a.address === '10.30.0.200')?.secondary, true);
    });
    it('the lower-metric default route wins', () => {
        assert.equal(f.default_ipv4?.interface, 'veth1');
        assert.equal(f.default_ipv4?.address, '172.31.9.2');
        assert.equal(f.default_ipv4?.network, '172.31.9.0');
        assert.equal(f.default_ipv6?.interface, 'br0');
        assert.equal(f.default_ipv6?.address, 'fd30::5');
    });
});
describe('hostFacts definition', () => {
    it('is one sh -c with a constant script and the host-wide key', () => {
        const argv = hostFacts.argv(undefined);
        assert.equal(argv.length, 3);
        assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
        assert.equal(hostFacts.key(undefined), '');
        assert.equal(hostFacts.argv(undefined), argv, 'the same argv every time');
    });
    it('facts survive a JSON round trip unchanged (plain data)', () => {
        const f = fixture('debian12-bond-vlan-bridge.txt');
        assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
    });
    it('the default equals what an empty answer parses to', () => {
        assert.deepEqual(parseHostFacts(''), hostFacts.default);
    });
});
//# sourceMappingURL=facts-host.test.js.map