import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { normalizeNetParams } from '../../../src/modules/network/netcfg-normalize.js';
import { renderIfupdown } from '../../../src/modules/network/netcfg-render-ifupdown.js';
import { renderNetplan } from '../../../src/modules/network/netcfg-render-netplan.js';
import { renderNetworkd } from '../../../src/modules/network/netcfg-render-networkd.js';
import type { NetParamsT, NetSpec } from '../../../src/modules/network/netcfg-spec.js';
import { childTmpEnv, tempDir } from '../../helpers/temp.js';
import { CASES, EDGE_CASES } from './cases.js';
import { networkdModel } from './networkd-model.js';

/**
 * The renderers' output put to the real tools of Debian's packages (netplan.io 0.106, ifupdown
 * 0.8.41), offline: nothing here touches the machine's network.
 * - netplan: our YAML in a temporary root, `netplan generate --root-dir ROOT` must accept it, and
 *   the networkd files netplan generates from it must mean what our networkd renderer writes for
 *   the same spec (networkd-model.ts says what is compared). networkd has no offline checker:
 *   this comparison is how the networkd renderer is validated.
 * - ifupdown: only `--no-act` (prints the commands instead of running them, on stderr, each
 *   message of its own prefixed "ifup: ") with `--state-dir` in a temporary folder: even with
 *   --no-act, ifup creates its state folder (/run/network by default) and reads which links are
 *   up from it (it writes nothing there), so the machine's state would both be touched and decide
 *   what ifup prints. And `ifquery` (prints on stdout).
 * A missing tool fails the test, naming the package to install.
 */

const ALL: Readonly<Record<string, NetParamsT>> = { ...CASES, ...EDGE_CASES };

function specOf(params: NetParamsT): NetSpec {
  const { spec, problems } = normalizeNetParams(params);
  assert.deepEqual(problems, []);
  return spec;
}

/** The tool's absolute path; sbin directories are searched too (they are not on every PATH). */
function tool(name: string, pkg: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs.filter((x) => x !== '')) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch { /* next */ }
  }
  assert.fail(`${name} is not installed: install the Debian package ${pkg} (apt-get install ${pkg})`);
}

function run(t: TestContext, argv: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const { env } = childTmpEnv(t);
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `netplan generate` on a temporary root holding our YAML and `others` (file name -> YAML). */
function netplanGenerate(t: TestContext, yaml: string, others: Readonly<Record<string, string>> = {}): { code: number | null; stderr: string; generated: Record<string, string>; root: string } {
  const netplan = tool('netplan', 'netplan.io');
  const root = tempDir('netplan-root', t);
  mkdirSync(join(root, 'etc', 'netplan'), { recursive: true });
  for (const [name, text] of Object.entries({ ...others, '60-k8sbm.yaml': yaml })) {
    const file = join(root, 'etc', 'netplan', name);
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const r = run(t, [netplan, 'generate', '--root-dir', root]);
  const out = join(root, 'run', 'systemd', 'network');
  const generated: Record<string, string> = {};
  if (r.code === 0 && existsSync(out)) for (const f of readdirSync(out).sort()) generated[f] = readFileSync(join(out, f), 'utf8');
  return { code: r.code, stderr: r.stderr, generated, root };
}

it('a missing tool fails the test and names the package to install', () => {
  assert.throws(() => tool('k8sbm-no-such-tool', 'netplan.io'), /k8sbm-no-such-tool is not installed: install the Debian package netplan\.io/);
});

describe('netplan generate accepts the netplan renderer\'s YAML and means what the networkd renderer writes', () => {
  for (const [name, params] of Object.entries(ALL)) {
    it(name, (t) => {
      const spec = specOf(params);
      const [yaml] = renderNetplan(spec);
      const r = netplanGenerate(t, yaml.content);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /warn|error|permission/i);
      const ours = Object.fromEntries(renderNetworkd(spec).map((f) => [f.path, f.content]));
      assert.deepEqual(networkdModel(r.generated), networkdModel(ours));
    });
  }

  it('the reference bond: netplan writes the LACP settings, link monitoring and jumbo MTU', (t) => {
    const r = netplanGenerate(t, renderNetplan(specOf(CASES.reference))[0].content);
    assert.equal(r.code, 0, r.stderr);
    const netdev = r.generated['10-netplan-bond0.netdev'] ?? '';
    for (const line of ['Kind=bond', 'MTUBytes=9000', 'Mode=802.3ad', 'LACPTransmitRate=fast', 'TransmitHashPolicy=layer3+4', 'MIIMonitorSec=100ms']) {
      assert.match(netdev, new RegExp(`^${line.replace(/[.+]/g, '\\$&')}$`, 'm'), netdev);
    }
    for (const [vlan, id, addr] of [['bond0.2000', 2000, '10.30.20.11/24'], ['bond0.2001', 2001, '10.30.21.11/24'], ['bond0.10', 10, '10.30.10.11/24']] as const) {
      assert.match(r.generated[`10-netplan-${vlan}.netdev`] ?? '', new RegExp(`^Id=${id}$`, 'm'));
      assert.match(r.generated[`10-netplan-${vlan}.network`] ?? '', new RegExp(`^Address=${addr}$`, 'm'));
    }
    assert.match(r.generated['10-netplan-eno1.network'] ?? '', /^Bond=bond0$/m);
  });

  it('a NIC another netplan file gives to NetworkManager stays with NetworkManager', (t) => {
    const other = 'network:\n  version: 2\n  renderer: NetworkManager\n  ethernets:\n    wlan0:\n      dhcp4: true\n';
    const r = netplanGenerate(t, renderNetplan(specOf(CASES.lab))[0].content, { '50-desktop.yaml': other });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(r.generated).filter((f) => /\.net(work|dev)$/.test(f)), ['10-netplan-eth0.network']);
    assert.ok(Object.values(r.generated).every((text) => !text.includes('wlan0')));
    assert.ok(existsSync(join(r.root, 'run', 'NetworkManager', 'system-connections', 'netplan-wlan0.nmconnection')));
  });

  it('the check can fail: netplan refuses a YAML it does not know, naming file and line', (t) => {
    const yaml = renderNetplan(specOf(CASES.reference))[0].content.replace('mii-monitor-interval', 'mii-monitor-intervall');
    const r = netplanGenerate(t, yaml);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /60-k8sbm\.yaml:\d+:\d+: .*unknown key 'mii-monitor-intervall'/);
  });
});

/** ifupdown with the rendered file as its interfaces file and a state folder of its own. */
function ifupdown(t: TestContext, content: string): (cmd: 'ifup' | 'ifdown' | 'ifquery', ...args: string[]) => ReturnType<typeof run> & { file: string } {
  const dir = tempDir('ifupdown', t);
  const file = join(dir, 'interfaces');
  const state = join(dir, 'state');
  mkdirSync(state);
  writeFileSync(file, content);
  return (cmd, ...args) => {
    const bin = tool(cmd, 'ifupdown');
    const argv = cmd === 'ifquery' ? [bin, '-i', file, ...args] : [bin, '--no-act', '--state-dir', state, '-i', file, ...args];
    return { ...run(t, argv), file };
  };
}

/** The lines of a tool's output, each with its blanks squeezed. */
const lines = (out: string): string[] => out.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l !== '');
/** What ifup/ifdown say themselves (warnings, errors), not the commands --no-act prints. */
const messages = (stderr: string): string[] => lines(stderr).filter((l) => /^if(up|down|query): /.test(l));

describe('ifupdown reads the ifupdown renderer\'s file (ifup/ifdown --no-act, ifquery)', () => {
  for (const [name, params] of Object.entries(ALL)) {
    it(`${name}: ifup -a and ifdown of every link exit 0 without a message of their own`, (t) => {
      const spec = specOf(params);
      const sh = ifupdown(t, renderIfupdown(spec)[0].content);
      const up = sh('ifup', '-a');
      assert.equal(up.code, 0, up.stderr);
      assert.deepEqual(messages(up.stderr), []);
      for (const l of [...spec.links].reverse()) {
        const down = sh('ifdown', '--force', l.name);
        assert.equal(down.code, 0, down.stderr);
        assert.deepEqual(messages(down.stderr), []);
      }
    });
  }

  it('the lab NIC: ifup eth0 sets the address, MTU and route; ifdown removes them', (t) => {
    const sh = ifupdown(t, renderIfupdown(specOf(CASES.lab))[0].content);
    const up = sh('ifup', 'eth0');
    assert.equal(up.code, 0, up.stderr);
    const got = lines(up.stderr);
    for (const want of [
      'ip addr add 198.18.0.11/255.255.255.0 broadcast 198.18.0.255 dev eth0 label eth0',
      'ip link set dev eth0 mtu 1500 up',
      'ip route replace 203.0.113.0/24 via 198.18.0.1 dev eth0',
    ]) assert.ok(got.includes(want), `ifup eth0 does not run "${want}":\n${up.stderr}`);
    assert.ok(!got.some((l) => l.includes('default')), 'no default route is set');
    const down = sh('ifdown', '--force', 'eth0');
    assert.equal(down.code, 0, down.stderr);
    const gone = lines(down.stderr);
    const delRoute = gone.indexOf('ip route del 203.0.113.0/24 via 198.18.0.1 dev eth0 || true');
    const delAddr = gone.indexOf('ip addr del 198.18.0.11/255.255.255.0 broadcast 198.18.0.255 dev eth0 label eth0');
    assert.ok(delRoute >= 0 && delAddr > delRoute, `ifdown removes the route, then the address:\n${down.stderr}`);
  });

  it('the reference topology: bond, VLANs with their addresses, gateway and route, in bring-up order', (t) => {
    const sh = ifupdown(t, renderIfupdown(specOf(CASES.reference))[0].content);
    const up = sh('ifup', '-a');
    assert.equal(up.code, 0, up.stderr);
    const got = lines(up.stderr);
    const at = (want: string): number => {
      const i = got.indexOf(want);
      assert.ok(i >= 0, `ifup -a does not run "${want}":\n${up.stderr}`);
      return i;
    };
    const order = [
      at('ip link set dev eno1 mtu 9000'),
      at('ip link set dev bond0 mtu 9000'),
      at('ip addr add 10.30.20.11/255.255.255.0 broadcast 10.30.20.255 dev bond0.2000 label bond0.2000'),
      at('ip addr add 10.30.21.11/255.255.255.0 broadcast 10.30.21.255 dev bond0.2001 label bond0.2001'),
      at('ip route replace 10.40.0.0/16 via 10.30.21.1 dev bond0.2001'),
      at('ip addr add 10.30.10.11/255.255.255.0 broadcast 10.30.10.255 dev bond0.10 label bond0.10'),
      at('ip route add default via 10.30.10.1 dev bond0.10 onlink'),
    ];
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    // ifupdown creates a VLAN named LINK.ID itself.
    assert.ok(got.some((l) => l.includes('ip link add link bond0 name bond0.2000 type vlan id 2000')), up.stderr);

    const q = sh('ifquery', 'bond0');
    assert.equal(q.code, 0, q.stderr);
    for (const want of ['bond-slaves: eno1 eno2', 'bond-mode: 802.3ad', 'bond-miimon: 100', 'bond-lacp-rate: fast', 'bond-xmit-hash-policy: layer3+4', 'mtu: 9000']) {
      assert.ok(lines(q.stdout).includes(want), `ifquery bond0 lacks "${want}":\n${q.stdout}`);
    }
    assert.ok(lines(sh('ifquery', 'eno2').stdout).includes('bond-master: bond0'));
    assert.ok(lines(sh('ifquery', 'bond0.10').stdout).includes('dns-nameservers: 10.30.10.53 10.30.10.54'));
  });

  it('VLANs come into being: ifupdown creates LINK.ID itself (a bridge port too), our pre-up line any other', (t) => {
    const bridged = ifupdown(t, renderIfupdown(specOf(CASES['reference-bridge']))[0].content);
    const up = bridged('ifup', '-a');
    assert.equal(up.code, 0, up.stderr);
    const created = lines(up.stderr);
    assert.ok(created.some((l) => l.includes('ip link add link bond0 name bond0.2001 type vlan id 2001')), up.stderr);
    assert.ok(created.includes('ip addr add 10.30.21.11/255.255.255.0 broadcast 10.30.21.255 dev br0 label br0'), up.stderr);
    const named = ifupdown(t, renderIfupdown(specOf(EDGE_CASES['vlan-named']))[0].content);
    const n = named('ifup', 'storage0');
    assert.equal(n.code, 0, n.stderr);
    assert.ok(lines(n.stderr).includes('ip link show dev storage0 >/dev/null 2>&1 || ip link add link eno1 name storage0 type vlan id 2000'), n.stderr);
    const down = named('ifdown', '--force', 'storage0');
    assert.ok(lines(down.stderr).includes('ip link del dev storage0 || true'), down.stderr);
  });

  it('several IPv4 addresses: one stanza each, and ifup adds every one (a second address line would be dropped)', (t) => {
    const sh = ifupdown(t, renderIfupdown(specOf(EDGE_CASES['multi-address']))[0].content);
    const up = sh('ifup', 'eth0');
    assert.equal(up.code, 0, up.stderr);
    const got = lines(up.stderr);
    for (const a of ['198.18.0.11/255.255.255.0', '198.18.0.12/255.255.255.0', '198.19.0.11/255.255.0.0']) {
      assert.ok(got.some((l) => l.startsWith(`ip addr add ${a} `)), `${a} is not added:\n${got.join('\n')}`);
    }
    // Why: ifupdown 0.8 keeps only the first `address` of a stanza, without a word.
    const one = ifupdown(t, 'iface eth0 inet static\n    address 198.18.0.11/24\n    address 198.18.0.12/24\n');
    const q = one('ifquery', 'eth0');
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(lines(q.stdout).filter((l) => l.startsWith('address:')), ['address: 198.18.0.11']);
  });

  it('the check can fail: a broken method or a misplaced option is refused with FILE:LINE', (t) => {
    const lab = renderIfupdown(specOf(CASES.lab))[0].content;
    const broken = lab.replace('iface eth0 inet static', 'iface eth0 inet statik');
    const line = broken.split('\n').findIndex((l) => l.startsWith('iface eth0')) + 1;
    const sh = ifupdown(t, broken);
    const r = sh('ifup', 'eth0');
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(`${r.file}:${line}: unknown or no method`), r.stderr);

    const misplaced = ifupdown(t, lab.replace('iface eth0 inet static\n', ''));
    const m = misplaced('ifup', '-a');
    assert.notEqual(m.code, 0);
    assert.match(m.stderr, new RegExp(`${m.file}:\\d+: misplaced option`));
  });
});
