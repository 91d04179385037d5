import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_HOST_FACTS, parseHostFacts, splitSections } from '../../src/facts/host.js';
import { defaultIpv4Of, ipv4Network, parseDefaultRoute, parseIpAddrJson, prefixToNetmask, } from '../../src/facts/host-network.js';
import { debArchitectureOf, osFactsFrom, osFamilyOf, parseOsRelease } from '../../src/facts/host-os.js';
import { cpuFactsFrom, initSystemFrom, memoryFactsFrom, packageManagerFrom, rootFsTypeOf, virtualizationFrom, } from '../../src/facts/host-system.js';
describe('splitSections', () => {
    it('splits on markers, drops the separating blank line and text before the first marker', () => {
        const s = splitSections('noise\n\n@@k8sbm:a@@\nx\n  y\n\n@@k8sbm:b@@\n\n@@k8sbm:c@@\nz');
        assert.deepEqual([...s], [['a', 'x\n  y'], ['b', ''], ['c', 'z']]);
    });
    it('handles CRLF and a marker-looking text inside a line', () => {
        const s = splitSections('@@k8sbm:a@@\r\nkey=@@k8sbm:b@@\r\n');
        assert.deepEqual([...s], [['a', 'key=@@k8sbm:b@@']]);
    });
});
describe('parseHostFacts never throws', () => {
    const inputs = [
        '',
        'sh: 1: Syntax error',
        '@@k8sbm:ip_addr@@\n[{"ifname":"eth0","addr_info":[{"family":"inet","local":"10.0.0',
        '@@k8sbm:ip_addr@@\n{"not":"an array"}\n@@k8sbm:route4@@\n[1,2,"x",null]',
        '@@k8sbm:ip_addr@@\n[{"ifname":42},{"ifindex":"x","ifname":"e","addr_info":"nope","linkinfo":[]}]',
        'Option "-j" is unknown, try "ip -help".\n@@k8sbm:meminfo@@\nMemTotal: lots\n@@k8sbm:cpu@@\nnproc=abc',
    ];
    for (const input of inputs) {
        it(`parses ${JSON.stringify(input.slice(0, 40))}`, () => {
            const f = parseHostFacts(input);
            assert.equal(typeof f.hostname, 'string');
            assert.equal(f.cpu.count, 0);
            assert.equal(f.default_ipv4, null);
        });
    }
    it('keeps an interface whose fields have the wrong types, with defaults', () => {
        const f = parseHostFacts('@@k8sbm:ip_addr@@\n[{"ifindex":"x","ifname":"e","mtu":"big","addr_info":"nope","linkinfo":[]}]');
        assert.deepEqual(Object.keys(f.interfaces), ['e']);
        assert.equal(f.interfaces.e.mtu, 0);
        assert.deepEqual(f.interfaces.e.ipv4, []);
    });
    it('the empty result is the default', () => {
        assert.deepEqual(parseHostFacts(''), EMPTY_HOST_FACTS);
    });
});
describe('os', () => {
    it('parses os-release quoting and comments', () => {
        assert.deepEqual(parseOsRelease('# c\nNAME="A \\"B\\""\nID=x\nVERSION=\'1 (q)\'\nbad line\n'), {
            NAME: 'A "B"', ID: 'x', VERSION: '1 (q)',
        });
    });
    it('maps families through ID_LIKE when ID is unknown', () => {
        assert.equal(osFamilyOf('rocky', []), 'redhat');
        assert.equal(osFamilyOf('somederivative', ['ubuntu', 'debian']), 'debian');
        assert.equal(osFamilyOf('opensuse-slowroll', []), 'suse');
        assert.equal(osFamilyOf('plan9', []), 'unknown');
    });
    it('falls back to /etc/redhat-release', () => {
        const os = osFactsFrom('', new Map([['/etc/redhat-release', 'CentOS Linux release 7.9.2009 (Core)']]));
        assert.equal(os.family, 'redhat');
        assert.equal(os.distribution, 'centos');
        assert.equal(os.version_id, '7.9.2009');
        assert.equal(os.major_version, '7');
        assert.equal(os.codename, 'Core');
    });
    it('falls back to /etc/debian_version, testing included', () => {
        assert.equal(osFactsFrom('', new Map([['/etc/debian_version', '12.5']])).major_version, '12');
        const testing = osFactsFrom('', new Map([['/etc/debian_version', 'trixie/sid']]));
        assert.equal(testing.family, 'debian');
        assert.equal(testing.codename, 'trixie');
    });
    it('prefers os-release over release files', () => {
        const os = osFactsFrom('ID=ubuntu\nVERSION_ID="22.04"\nUBUNTU_CODENAME=jammy', new Map([['/etc/debian_version', 'bookworm/sid']]));
        assert.equal(os.distribution, 'ubuntu');
        assert.equal(os.codename, 'jammy');
    });
    it('Debian architecture names', () => {
        assert.equal(debArchitectureOf('x86_64'), 'amd64');
        assert.equal(debArchitectureOf('aarch64'), 'arm64');
        assert.equal(debArchitectureOf('ppc64le'), 'ppc64el');
        assert.equal(debArchitectureOf('weird'), 'weird');
    });
});
describe('system sections', () => {
    it('cpu: nproc, else cpuinfo processors', () => {
        assert.equal(cpuFactsFrom('nproc=8\nprocessors=16').count, 8);
        assert.equal(cpuFactsFrom('nproc=\nprocessors=16').count, 16);
        assert.equal(cpuFactsFrom('Hardware\t: BCM2835').model, 'BCM2835');
    });
    it('memory in MiB', () => {
        const m = memoryFactsFrom('MemTotal:        2048000 kB\nMemAvailable:    1024000 kB\nSwapTotal:  1024 kB\nSwapFree: 512 kB\n');
        assert.deepEqual(m, { total_mb: 2000, available_mb: 1000, swap_total_mb: 1, swap_free_mb: 0 });
    });
    it('init system from pid 1', () => {
        assert.equal(initSystemFrom('comm=systemd').init_system, 'systemd');
        assert.equal(initSystemFrom('comm=init').init_system, 'sysvinit');
        assert.equal(initSystemFrom('comm=init\nopenrc=1').init_system, 'openrc');
        assert.equal(initSystemFrom('comm=runit').init_system, 'runit');
        assert.equal(initSystemFrom('comm=\nrun_systemd=1').init_system, 'systemd');
        assert.equal(initSystemFrom('comm=bash\nrun_systemd=1').init_system, 'other');
        assert.equal(initSystemFrom('').init_system, 'other');
    });
    it('package manager by preference', () => {
        assert.equal(packageManagerFrom('yum\ndnf'), 'dnf');
        assert.equal(packageManagerFrom('yum'), 'yum');
        assert.equal(packageManagerFrom('zypper'), 'zypper');
        assert.equal(packageManagerFrom(''), 'unknown');
    });
    it('virtualization without systemd-detect-virt', () => {
        assert.deepEqual(virtualizationFrom('containerenv=1', '', ''), { type: 'podman', container: true });
        assert.deepEqual(virtualizationFrom('systemd_container=lxc', '', ''), { type: 'lxc', container: true });
        assert.deepEqual(virtualizationFrom('', '12:pids:/docker/0123abcd', ''), { type: 'docker', container: true });
        assert.deepEqual(virtualizationFrom('', '0::/kubepods.slice/kubepods-burstable.slice', ''), { type: 'container-other', container: true });
        assert.deepEqual(virtualizationFrom('', '0::/', '901 850 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/l,upperdir=/u'), { type: 'container-other', container: true });
        assert.deepEqual(virtualizationFrom('dmi_vendor=QEMU\ndmi_product=Standard PC (Q35 + ICH9, 2009)', '', ''), { type: 'qemu', container: false });
        assert.deepEqual(virtualizationFrom('hypervisor=1', '', ''), { type: 'vm-other', container: false });
        assert.deepEqual(virtualizationFrom('detect=none\ndockerenv=1', '', ''), { type: 'none', container: false }, 'the tool has the last word');
    });
    it('root filesystem type from mountinfo, optional fields included', () => {
        assert.equal(rootFsTypeOf('27 1 254:0 / / rw,relatime shared:1 master:2 - ext4 /dev/vda rw'), 'ext4');
        assert.equal(rootFsTypeOf('garbage'), '');
    });
});
describe('network', () => {
    it('IPv4 masks and networks', () => {
        assert.equal(prefixToNetmask(0), '0.0.0.0');
        assert.equal(prefixToNetmask(20), '255.255.240.0');
        assert.equal(prefixToNetmask(32), '255.255.255.255');
        assert.equal(ipv4Network('10.1.2.3', 20), '10.1.0.0');
        assert.equal(ipv4Network('not.an.ip.addr', 8), '');
    });
    it('default route: ECMP takes the first hop, unreachable routes are ignored', () => {
        const r = parseDefaultRoute(JSON.stringify([
            { type: 'unreachable', dst: 'default', dev: 'lo', metric: 1, flags: [] },
            { dst: 'default', protocol: 'static', metric: 10, flags: [], nexthops: [
                    { gateway: '10.0.0.1', dev: 'eth1', weight: 1, flags: [] },
                    { gateway: '10.0.1.1', dev: 'eth2', weight: 1, flags: [] },
                ] },
        ]));
        assert.deepEqual(r, { dev: 'eth1', gateway: '10.0.0.1', prefsrc: null, metric: 10 });
    });
    it('default route without a gateway (point-to-point) still names the interface', () => {
        const r = parseDefaultRoute('[{"dst":"default","dev":"wg0","scope":"link","flags":[]}]');
        assert.deepEqual(r, { dev: 'wg0', gateway: null, prefsrc: null, metric: 0 });
        assert.equal(defaultIpv4Of(r, {})?.address, null);
    });
    it('default address: primary on the gateway subnet, not a VIP listed first', () => {
        const ifs = parseIpAddrJson(JSON.stringify([{ ifindex: 2, ifname: 'eth0', address: '02:00:00:00:00:01', mtu: 1500, addr_info: [
                    { family: 'inet', local: '10.9.9.9', prefixlen: 32, scope: 'global' },
                    { family: 'inet', local: '192.168.5.20', prefixlen: 24, scope: 'global' },
                ] }]));
        const d = defaultIpv4Of({ dev: 'eth0', gateway: '192.168.5.1', prefsrc: null, metric: 0 }, ifs);
        assert.equal(d?.address, '192.168.5.20');
        assert.equal(d?.network, '192.168.5.0');
    });
});
//# sourceMappingURL=facts-host-parts.test.js.map