import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { labPaths } from '../../src/lab/state.js';
import {
  labDirFor, labIdOf, labNamesOf, netnsName, nodeAddress, nodeGroup, nodeName, subnetAt, subnetIndexOf,
  validateLabName, validateNodeCount, vethName,
} from '../../src/lab/names.js';
import { bridgeMac, nodeMac } from '../../src/lab/network.js';
import { nodeLaunchArgv, NODE_INIT_SCRIPT } from '../../src/lab/node-init.js';
import { editEtcHosts, parsePublicKey, renderEtcHosts, renderInventory, renderLabVars, renderKnownHosts, renderSshConfig, renderSshdConfig, renderSudoers } from '../../src/lab/render.js';
import { parseIpAddrJson, parseIpRouteJson, preferredSubnetIndex, subnetCandidates, usedSubnetIndexes } from '../../src/lab/subnet.js';
import { checkLabPrerequisites, LAB_TOOLS, type PlatformFacts } from '../../src/lab/system.js';
import { isK8sbmError } from '../../src/source/errors.js';
import { repoRoot } from '../helpers/module-harness.js';

// `ip -j -4 addr show` and `ip -j -4 route show` of a machine with one lab up (trimmed fields).
const IP_ADDR = JSON.stringify([
  { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
  { ifindex: 4, ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.0.2.2', prefixlen: 24, broadcast: '192.0.2.255', scope: 'global' }] },
  { ifindex: 514, ifname: 'k8sbm-8a990b', addr_info: [{ family: 'inet', local: '198.19.11.1', prefixlen: 24, scope: 'global' }] },
]);
const IP_ROUTE = JSON.stringify([
  { dst: 'default', gateway: '192.0.2.1', dev: 'eth0', flags: [] },
  { dst: '192.0.2.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '192.0.2.2', flags: [] },
  { dst: '198.19.11.0/24', dev: 'k8sbm-8a990b', protocol: 'kernel', scope: 'link', prefsrc: '198.19.11.1', flags: [] },
]);

function codeOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return isK8sbmError(e) ? e.code : `not a K8sbmError: ${String(e)}`; }
  return undefined;
}

describe('lab names and addresses', () => {
  it('derives every name from the directory, within interface-name limits', () => {
    const id = labIdOf('/srv/project/.k8sbm/lab/default');
    assert.match(id, /^[0-9a-f]{6}$/);
    assert.equal(labIdOf('/srv/project/.k8sbm/lab/default'), id);
    assert.notEqual(labIdOf('/srv/project/.k8sbm/lab/other'), id);
    const names = labNamesOf(id);
    assert.equal(names.bridge, `k8sbm-${id}`);
    assert.ok(names.bridge.length <= 15);
    assert.equal(vethName(names, 7), `kb-${id}-07`);
    assert.ok(vethName(names, 240).length <= 15);
    assert.equal(netnsName(names, 3), `k8sbm-${id}-node03`);
    assert.equal(bridgeMac('0a1b2c'), '02:6b:38:0a:1b:2c');
    assert.equal(nodeMac('198.18.21.15'), '02:6e:c6:12:15:0f', 'a node comes back with the MAC it had');
  });

  it('numbers nodes node01.. and puts the first three in the control plane', () => {
    assert.deepEqual([1, 9, 10, 100].map(nodeName), ['node01', 'node09', 'node10', 'node100']);
    assert.deepEqual([1, 3, 4, 60].map(nodeGroup), ['control_plane', 'control_plane', 'workers', 'workers']);
  });

  it('maps subnet indexes onto 198.18.0.0/15 and nodes onto .11 upwards', () => {
    assert.equal(subnetAt(0).cidr, '198.18.0.0/24');
    assert.equal(subnetAt(255).gateway, '198.18.255.1');
    assert.equal(subnetAt(256).cidr, '198.19.0.0/24');
    assert.equal(subnetAt(511).cidr, '198.19.255.0/24');
    assert.throws(() => subnetAt(512), RangeError);
    assert.equal(subnetIndexOf('198.19.11.0/24'), 267);
    assert.equal(subnetIndexOf('10.0.0.0/24'), undefined);
    assert.equal(nodeAddress(subnetAt(7), 1), '198.18.7.11');
    assert.equal(nodeAddress(subnetAt(7), 240), '198.18.7.250');
  });

  it('puts the default lab under .k8sbm/lab/NAME and honours --dir', () => {
    assert.equal(labDirFor('default', '/srv/p'), '/srv/p/.k8sbm/lab/default');
    assert.equal(labDirFor('x', '/srv/p', 'labs/x'), '/srv/p/labs/x');
    assert.equal(labPaths('/d').inventory, '/d/hosts');
  });

  it('refuses bad names and node counts with stable codes', () => {
    assert.equal(codeOf(() => validateLabName('a b')), 'K8SBM_LAB_NAME_INVALID');
    assert.equal(codeOf(() => validateLabName('../x')), 'K8SBM_LAB_NAME_INVALID');
    assert.equal(codeOf(() => validateLabName('ci-1.a_b')), undefined);
    assert.equal(codeOf(() => validateNodeCount(0)), 'K8SBM_LAB_NODES_INVALID');
    assert.equal(codeOf(() => validateNodeCount(241)), 'K8SBM_LAB_NODES_INVALID');
    assert.equal(codeOf(() => validateNodeCount(2.5)), 'K8SBM_LAB_NODES_INVALID');
    assert.equal(validateNodeCount(60), 60);
  });
});

describe('choosing a free subnet', () => {
  it('reads addresses and routes of `ip -j`', () => {
    assert.deepEqual(parseIpAddrJson(IP_ADDR).map((a) => `${a.dev} ${a.address}/${a.prefixlen}`), ['lo 127.0.0.1/8', 'eth0 192.0.2.2/24', 'k8sbm-8a990b 198.19.11.1/24']);
    assert.deepEqual(parseIpRouteJson(IP_ROUTE).map((r) => `${r.dev} ${r.address}/${r.prefixlen}`), ['eth0 192.0.2.0/24', 'k8sbm-8a990b 198.19.11.0/24']);
  });

  it("counts another lab's subnet as used, but not the caller's own bridge", () => {
    const addrs = parseIpAddrJson(IP_ADDR);
    const routes = parseIpRouteJson(IP_ROUTE);
    assert.deepEqual([...usedSubnetIndexes(addrs, routes)], [267]);
    assert.deepEqual([...usedSubnetIndexes(addrs, routes, 'k8sbm-8a990b')], []);
  });

  it('treats a wider address inside the range as using every /24 it covers', () => {
    const used = usedSubnetIndexes([{ dev: 'vpn0', address: '198.18.4.9', prefixlen: 22 }], []);
    assert.deepEqual([...used].sort((a, b) => a - b), [4, 5, 6, 7]);
  });

  it('ignores routes wider than the whole range', () => {
    assert.equal(usedSubnetIndexes([], [{ dev: 'tun0', address: '198.0.0.0', prefixlen: 8 }]).size, 0);
    assert.equal(usedSubnetIndexes([], [{ dev: 'tun0', address: '198.18.0.0', prefixlen: 16 }]).size, 256);
  });

  it('tries candidates from the lab\'s own start, wrapping, skipping used ones', () => {
    assert.deepEqual(subnetCandidates(510, new Set([511, 1])).slice(0, 3), [510, 0, 2]);
    assert.equal(subnetCandidates(0, new Set(Array.from({ length: 512 }, (_, i) => i))).length, 0);
    assert.ok(preferredSubnetIndex('ffffff') < 512);
  });
});

describe('lab files', () => {
  const nodes = [1, 2, 3, 4].map((i) => ({ name: nodeName(i), address: `198.18.7.${10 + i}`, hostKey: `ssh-ed25519 KEY${i}` }));
  const files = { keyFile: '/labs/my lab/id_ed25519', knownHostsFile: '/labs/my lab/known_hosts' };

  it('writes an Ansible inventory with control plane, workers and k8s_cluster', () => {
    const inv = renderInventory('default', nodes, files);
    assert.match(inv, /\[control_plane\]\nnode01 ansible_host=198\.18\.7\.11\nnode02 ansible_host=198\.18\.7\.12\nnode03 ansible_host=198\.18\.7\.13\n/);
    assert.match(inv, /\[workers\]\nnode04 ansible_host=198\.18\.7\.14\n/);
    assert.match(inv, /\[k8s_cluster:children\]\ncontrol_plane\nworkers\n/);
    assert.match(inv, /\[etcd:children\]\ncontrol_plane\n/);
    assert.match(inv, /^ansible_user=root$/m);
    assert.match(inv, /^ansible_ssh_private_key_file=\/labs\/my lab\/id_ed25519$/m);
    assert.match(inv, /^ansible_ssh_common_args=-o 'UserKnownHostsFile="\/labs\/my lab\/known_hosts"' -o StrictHostKeyChecking=yes$/m);
  });

  it('writes the inventory contract\'s values for the lab: its bridge is the admin network, its /24 the nodes\'', () => {
    const vars = parseYaml(renderLabVars('198.18.7.0/24', '198.18.7.1')) as Record<string, unknown>;
    assert.deepEqual(vars.admin_cidrs, ['198.18.7.1/32']);
    assert.equal(vars.node_cidr, '198.18.7.0/24');
    assert.equal(vars.storage_cidr, '198.18.7.0/24');
    assert.equal(vars.api_vip, '198.18.7.250');
    assert.equal(vars.api_port, 6443);
    assert.equal(vars.cni, 'calico');
    assert.deepEqual(vars.bgp_peers, []);
    assert.equal(vars.keepalived_router_id, 51);
    const groupVars = join(repoRoot(), 'inventories/example/group_vars');
    const example = Object.assign({}, ...readdirSync(groupVars).map((f) => parseYaml(readFileSync(join(groupVars, f), 'utf8')) as Record<string, unknown>)) as Record<string, unknown>;
    // The network role's own settings: the lab's eth0 by ifupdown (no bond or VLAN in the lab).
    assert.equal(vars.network_renderer, 'ifupdown');
    assert.deepEqual(vars.network_ethernets, { eth0: { address: '{{ ansible_host }}/24', mtu: 1500, routes: [{ to: '203.0.113.0/24', via: '198.18.7.1' }] } });
    const roles = readdirSync(join(repoRoot(), 'roles'));
    const missing = Object.keys(vars).filter((k) => !(k in example) && !roles.some((r) => k.startsWith(`${r}_`)));
    assert.deepEqual(missing, [], 'every lab value is a name of the contract (inventories/example) or a role\'s own setting');
  });

  it('writes an ssh_config that answers to names and addresses, quoting paths', () => {
    const cfg = renderSshConfig(nodes, { keyFile: '/l/100%/id', knownHostsFile: '/labs/my lab/known_hosts' });
    assert.match(cfg, /^Host node02 198\.18\.7\.12\n {2}HostName 198\.18\.7\.12\n {2}User root$/m);
    assert.match(cfg, /^ {2}IdentityFile \/l\/100%%\/id$/m);
    assert.match(cfg, /^ {2}UserKnownHostsFile "\/labs\/my lab\/known_hosts"$/m);
    assert.equal(cfg.match(/StrictHostKeyChecking yes/g)?.length, 4);
    assert.equal(codeOf(() => renderSshConfig(nodes, { keyFile: '/x"y/id', knownHostsFile: '/k' })), 'K8SBM_LAB_DIR_INVALID');
  });

  it('writes known_hosts by address and reads public keys without their comment', () => {
    assert.equal(renderKnownHosts(nodes.slice(0, 2)), '198.18.7.11 ssh-ed25519 KEY1\n198.18.7.12 ssh-ed25519 KEY2\n');
    assert.equal(parsePublicKey('ssh-ed25519 AAAAC3Nz root@node01\n'), 'ssh-ed25519 AAAAC3Nz');
    assert.throws(() => parsePublicKey('garbage'));
  });

  it('configures sshd for key-only login on the node address', () => {
    const c = renderSshdConfig('198.18.7.11');
    assert.match(c, /^ListenAddress 198\.18\.7\.11:22$/m);
    assert.match(c, /^PasswordAuthentication no$/m);
    assert.match(c, /^KbdInteractiveAuthentication no$/m);
    assert.match(c, /^PermitRootLogin prohibit-password$/m);
    assert.doesNotMatch(c, /^LogLevel/m);
    assert.match(renderSshdConfig('198.18.7.11', { logLevel: 'VERBOSE' }), /^LogLevel VERBOSE$/m);
    assert.match(renderSudoers(), /^ops ALL=\(ALL:ALL\) NOPASSWD: ALL$/m);
    assert.match(renderSudoers(), /^opspw ALL=\(ALL:ALL\) ALL$/m);
  });

  it('lists the node itself and every other node in /etc/hosts', () => {
    const h = renderEtcHosts(nodes[1]!, nodes);
    assert.match(h, /^198\.18\.7\.12\tnode02$/m);
    assert.match(h, /^198\.18\.7\.11\tnode01$/m);
    assert.equal(h.match(/node02/g)?.length, 1);
  });

  it("edits a running node's /etc/hosts for a resize: the lab's lines come and go, the rest stays", () => {
    const [n1, n2, n3, n4] = nodes as [typeof nodes[0], typeof nodes[0], typeof nodes[0], typeof nodes[0]];
    const first = renderEtcHosts(n1, [n1, n2, n3]);
    const own = `${first}10.0.0.9\tregistry # added by hand\n`;
    const grown = editEtcHosts(own, [n4], []);
    assert.equal(grown, `${own}198.18.7.14\tnode04\n`);
    assert.equal(grown, editEtcHosts(grown, [n4], []), 'a line already there is not added twice');
    const shrunk = editEtcHosts(grown, [], [n3, n4]);
    assert.equal(shrunk, own.replace('198.18.7.13\tnode03\n', ''));
    assert.match(shrunk, /^198\.18\.7\.11\tnode01$/m, "the node's own line stays");
    assert.equal(editEtcHosts('127.0.0.1 localhost', [n4], []), '127.0.0.1 localhost\n198.18.7.14\tnode04\n');
    assert.equal(editEtcHosts('', [], [n4]), '');
  });
});

describe('starting a node', () => {
  it('passes data as positional parameters of a fixed script', () => {
    const argv = nodeLaunchArgv({ nsenter: '/usr/bin/nsenter', unshare: '/usr/bin/unshare' }, {
      name: 'node01', netnsPath: '/run/netns/k8sbm-abcdef-node01', scratchDir: "/tmp/it's here/nodes/node01",
      authorizedKey: 'ssh-ed25519 AAAA k', sshdConfig: 'x', sudoers: 'y', etcHosts: 'z', password: 'p w', machineId: 'm',
    });
    assert.deepEqual(argv.slice(0, 3), ['/usr/bin/nsenter', '--net=/run/netns/k8sbm-abcdef-node01', '--']);
    const script = argv.indexOf(NODE_INIT_SCRIPT);
    assert.equal(argv[script - 1], '-c');
    assert.deepEqual(argv.slice(script + 1), ['k8sbm-node', 'node01', "/tmp/it's here/nodes/node01", 'ssh-ed25519 AAAA k', 'x', 'y', 'z', 'p w', 'm']);
    for (const ns of ['--mount', '--uts', '--pid', '--fork', '--kill-child']) assert.ok(argv.includes(ns), ns);
  });
});

describe('lab prerequisites', () => {
  const all = new Set(Object.keys(LAB_TOOLS).map((t) => (t === 'sshd' ? '/usr/sbin/sshd' : `/usr/bin/${t}`)));
  const facts = (over: Partial<PlatformFacts>): PlatformFacts => ({ platform: 'linux', uid: 0, path: '/usr/bin', exists: (f) => all.has(f), ...over });

  it('finds every tool on a complete Linux machine as root', () => {
    const found = checkLabPrerequisites(facts({}));
    assert.equal(found.get('ip'), '/usr/bin/ip');
    assert.equal(found.get('sshd'), '/usr/sbin/sshd');
  });

  it('needs Linux and root', () => {
    assert.equal(codeOf(() => checkLabPrerequisites(facts({ platform: 'darwin' }))), 'K8SBM_LAB_UNSUPPORTED');
    assert.equal(codeOf(() => checkLabPrerequisites(facts({ uid: 1000 }))), 'K8SBM_LAB_NEEDS_ROOT');
  });

  it('names the Debian package of each missing tool', () => {
    try {
      checkLabPrerequisites(facts({ exists: (f) => all.has(f) && f !== '/usr/sbin/sshd' && f !== '/usr/bin/ip' }));
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(isK8sbmError(e));
      assert.equal(e.code, 'K8SBM_LAB_MISSING_TOOL');
      assert.match(e.hint ?? '', /apt-get install openssh-server iproute2|apt-get install iproute2 openssh-server/);
      assert.ok(e.details.some((d) => d.includes('/usr/sbin/sshd: Debian package openssh-server')));
    }
  });
});
