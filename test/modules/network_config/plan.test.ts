import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NETCFG_APPLY } from '../../../src/modules/network/netcfg-apply.js';
import { NETCFG_PROBE, parseNetProbe } from '../../../src/modules/network/netcfg-live.js';
import { normalizeNetParams } from '../../../src/modules/network/netcfg-normalize.js';
import { RENDERERS, type RenderedFile } from '../../../src/modules/network/netcfg-render.js';
import type { NetParamsT, Renderer } from '../../../src/modules/network/netcfg-spec.js';
import { network_config } from '../../../src/modules/network/network_config.js';
import type { ChangePlan, ExecAction, Plan, PlanContext } from '../../../src/modules/types.js';
import { repoRoot } from '../../helpers/paths.js';

/**
 * network_config's plan, driven with a probe's stdout built from its sections. The live links
 * are the `ip -j -d addr show` of the bond/VLAN/bridge fixture of the host facts (iproute2's own
 * JSON), changed the way a hand on the node would change them. The renderers' text is not
 * asserted here: where a case needs our files on the node, they are what the renderer renders
 * for the spec, so the cases hold whatever the renderers write.
 */

type Json = Record<string, any>;

const FIXTURE = readFileSync(join(repoRoot, 'test/fixtures/facts/host/debian12-bond-vlan-bridge.txt'), 'utf8');
const section = (name: string): string => {
  const m = new RegExp(`^@@k8sbm:${name}@@\\n([^\\n]*)`, 'm').exec(FIXTURE);
  assert.ok(m, `fixture section ${name}`);
  return m[1]!;
};
/** A fresh copy of the captured links, to change. */
const liveLinks = (): Json[] => JSON.parse(section('ip_addr')) as Json[];
const ROUTE4 = section('route4');
const ROUTE6 = section('route6');
const link = (links: Json[], name: string): Json => {
  const l = links.find((x) => x.ifname === name);
  assert.ok(l, `no link ${name} in the fixture`);
  return l;
};

/** The design of the fixture's host: a LACP bond, a VLAN with the node's addresses, a VLAN bridged. */
const PARAMS: NetParamsT = {
  renderer: 'networkd',
  bond: { name: 'bond0', mode: '802.3ad', slaves: ['eno1', 'eno2'], mtu: 9000 },
  vlans: {
    kubernetes: { id: 2000, mtu: 9000, gateway: '10.20.0.1', routes: [{ to: 'default', via: '2001:db8:20::1' }] },
    guests: { id: 2001, mtu: 9000 },
  },
  bridges: { br0: { interfaces: ['bond0.2001'], address: '10.21.0.11/24', mtu: 9000 } },
  addresses: { kubernetes: ['10.20.0.11/24', '2001:db8:20::11/64'] },
  unmanaged_addresses: ['10.20.0.10'],
};
const params = (over: Partial<NetParamsT> = {}): NetParamsT => ({ ...PARAMS, ...over });

const TOOLS: Record<Renderer | 'none', string[]> = {
  networkd: ['systemd=1', 'networkd=1', 'netplan_files=0'],
  netplan: ['netplan=1', 'netplan_files=1', 'systemd=1', 'networkd=1'],
  ifupdown: ['ifupdown=1', 'interfaces_source=1', 'netplan_files=0'],
  none: ['netplan_files=0'],
};

interface Probe {
  tools?: string[];
  files?: readonly RenderedFile[];
  links?: Json[];
  route4?: string;
  route6?: string;
  /** $SSH_CONNECTION: client, port, server, port. */
  ssh?: string;
}

function probeStdout(p: Probe): string {
  const files = (p.files ?? []).flatMap((f) => [
    `@ ${f.path} ${Number.parseInt(f.mode, 8).toString(8)}`,
    ...(Buffer.from(f.content, 'utf8').toString('base64').match(/.{1,76}/g) ?? []),
  ]);
  return [
    '--- tools', ...(p.tools ?? TOOLS.networkd),
    '--- files', ...files,
    '--- addr', JSON.stringify(p.links ?? liveLinks()), '',
    '--- route4', p.route4 ?? ROUTE4, '',
    '--- route6', p.route6 ?? ROUTE6, '',
    '--- ssh', p.ssh ?? '10.9.0.5 51234 10.20.0.11 22', '',
  ].join('\n');
}

/** Our files as the renderer writes them for these params: what a node configured by us holds. */
function rendered(renderer: Renderer, p: NetParamsT = PARAMS): RenderedFile[] {
  return RENDERERS[renderer].render(normalizeNetParams(p).spec);
}

async function plan(p: NetParamsT, probe: Probe, res: { code?: number; stderr?: string } = {}): Promise<{ plan: Plan; probes: (readonly string[])[] }> {
  const probes: (readonly string[])[] = [];
  const ctx = {
    host: 'cp1', check: false, diff: true, become: undefined, loc: undefined, vars: {},
    async probe(argv: readonly string[]) {
      probes.push(argv);
      return { code: res.code ?? 0, signal: null, stdout: probeStdout(probe), stderr: res.stderr ?? '' };
    },
  } as unknown as PlanContext;
  return { plan: await network_config.plan(ctx, p), probes };
}

/** The apply action's arguments by name. */
function applyArgs(c: ChangePlan): { renderer: string; wait: string; downs: string; deletes: string; ups: string; cleanup: string; stdin: string } {
  assert.equal(c.actions.length, 1);
  const a = c.actions[0] as ExecAction;
  assert.equal(a.kind, 'exec');
  assert.deepEqual(a.argv.slice(0, 4), ['sh', '-c', NETCFG_APPLY, 'k8sbm-netcfg-apply']);
  const [renderer, wait, downs, deletes, ups, cleanup] = a.argv.slice(4) as string[];
  assert.equal(a.argv.length, 10);
  return { renderer: renderer!, wait: wait!, downs: downs!, deletes: deletes!, ups: ups!, cleanup: cleanup!, stdin: String(a.stdin ?? '') };
}

function change(p: Plan): ChangePlan {
  assert.equal(p.kind, 'change', JSON.stringify(p));
  return p as ChangePlan;
}

function liveDiff(c: ChangePlan): { before: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  const d = c.diffs.find((x) => x.kind === 'state' && x.subject === 'links (live)');
  return d?.kind === 'state' ? { before: { ...d.before }, after: { ...d.after } } : undefined;
}

const summaryLines = (c: ChangePlan): string[] => c.summary.split('; ');

describe('network_config plan', () => {
  it('nothing to do: ok, with the renderer and why it was chosen; one probe, the module\'s own script', async () => {
    const { plan: p, probes } = await plan(params(), { files: rendered('networkd') });
    assert.equal(p.kind, 'ok', JSON.stringify(p));
    assert.ok(p.kind === 'ok');
    assert.match(p.reason, /^6 links are as configured, live and in .* \(networkd: as asked\)$/);
    for (const f of rendered('networkd')) assert.ok(p.reason.includes(f.path), `${f.path} in ${p.reason}`);
    assert.deepEqual(probes, [['sh', '-c', NETCFG_PROBE, 'k8sbm-netcfg']]);
  });

  it('a bond switched to balance-rr by hand is recreated in 802.3ad, its VLANs and the bridge over them come up again', async () => {
    const links = liveLinks();
    const data = link(links, 'bond0').linkinfo.info_data;
    // What the kernel reports of a bond that left 802.3ad: its LACP state is gone, lacp_rate stays.
    data.mode = 'balance-rr';
    for (const k of ['ad_info', 'ad_actor_sys_prio', 'ad_user_port_key', 'ad_actor_system']) delete data[k];
    // The session's address is unknown here (detached when it is on the bond: the test after next).
    const c = change((await plan(params(), { links, files: rendered('networkd'), ssh: '' })).plan);
    assert.deepEqual(summaryLines(c), ['bond0: mode balance-rr → 802.3ad (link is recreated)']);
    assert.deepEqual(liveDiff(c), { before: { 'bond0 mode': 'balance-rr' }, after: { 'bond0 mode': '802.3ad (link is recreated)' } });
    const a = applyArgs(c);
    // The members are reconfigured with the bond, to join it again.
    assert.deepEqual({ ...a, stdin: undefined }, {
      renderer: 'networkd', wait: 'wait', downs: '', deletes: 'bond0', ups: 'eno1 eno2 bond0 bond0.2000 bond0.2001 br0', cleanup: '', stdin: undefined,
    });
    assert.equal(a.stdin, '\n', 'no file is written or removed');
    assert.deepEqual(c.result, { renderer: 'networkd', files: rendered('networkd').map((f) => f.path), links: ['eno1', 'eno2', 'bond0', 'bond0.2000', 'bond0.2001', 'br0'], recreated: ['bond0'], detached: false });
  });

  it('the session arrived on a VLAN over a bond that is recreated: the VLAN goes with the bond, so the worker is detached', async () => {
    const links = liveLinks();
    link(links, 'bond0').linkinfo.info_data.mode = 'balance-rr';
    const c = change((await plan(params(), { links, files: rendered('networkd') })).plan);
    assert.equal(applyArgs(c).wait, 'detach');
    assert.ok(summaryLines(c).includes("this run's connection arrived at 10.20.0.11 on bond0.2000, which the change deletes and makes anew: applied in the background, confirmed over a new connection"));
  });

  it('a bond made in balance-rr from the start: every setting that differs is said, the last one says it is recreated', async () => {
    const links = liveLinks();
    const data = link(links, 'bond0').linkinfo.info_data;
    Object.assign(data, { mode: 'balance-rr', ad_lacp_rate: 'slow', xmit_hash_policy: 'layer2' });
    const c = change((await plan(params(), { links, files: rendered('networkd'), ssh: '' })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0: mode balance-rr → 802.3ad', 'bond0: lacp_rate slow → fast', 'bond0: xmit_hash_policy layer2 → layer3+4 (link is recreated)',
    ]);
    assert.equal(applyArgs(c).deletes, 'bond0');
  });

  it('an MTU set by hand is drift, changed in place: on the bond and everything that followed it down', async () => {
    const links = liveLinks();
    // `ip link set bond0 mtu 1500`: the kernel takes the members, the VLANs and the bridge along.
    for (const n of ['eno1', 'eno2', 'bond0', 'bond0.2000', 'bond0.2001', 'br0']) link(links, n).mtu = 1500;
    const c = change((await plan(params(), { links, files: rendered('networkd') })).plan);
    assert.deepEqual(summaryLines(c), ['eno1', 'eno2', 'bond0', 'bond0.2000', 'bond0.2001', 'br0'].map((n) => `${n}: MTU 1500 → 9000`));
    assert.ok(!c.summary.includes('recreated'));
    const d = liveDiff(c)!;
    assert.equal(d.before['bond0 MTU'], '1500');
    assert.equal(d.after['bond0 MTU'], '9000');
    const a = applyArgs(c);
    assert.equal(a.deletes, '');
    assert.equal(a.ups, 'eno1 eno2 bond0 bond0.2000 bond0.2001 br0');
    assert.equal(a.wait, 'wait');
  });

  it('a VLAN with another id than the spec\'s is recreated; a VLAN the node lacks is created', async () => {
    const links = liveLinks();
    link(links, 'bond0.2000').linkinfo.info_data.id = 2002;
    const p = params({ vlans: { ...PARAMS.vlans, storage: { id: 2030, address: '10.30.0.11/24', mtu: 9000 } } });
    const c = change((await plan(p, { links, files: rendered('networkd', p), ssh: '' })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0.2000: VLAN 2002 on bond0 → 2000 on bond0 (link is recreated)',
      'bond0.2030: link absent → VLAN 2030 on bond0',
    ]);
    assert.deepEqual(liveDiff(c), {
      before: { 'bond0.2000 VLAN': '2002 on bond0', 'bond0.2030 link': 'absent' },
      after: { 'bond0.2000 VLAN': '2000 on bond0 (link is recreated)', 'bond0.2030 link': 'VLAN 2030 on bond0' },
    });
    const a = applyArgs(c);
    assert.equal(a.deletes, 'bond0.2000', 'only a link that exists is deleted');
    assert.equal(a.ups, 'bond0.2000 bond0.2030');
    assert.deepEqual(c.result?.recreated, ['bond0.2000']);
  });

  it('an address added by hand is reported and cleaned up; the API VIP in unmanaged_addresses is not', async () => {
    const links = liveLinks();
    link(links, 'bond0.2000').addr_info.splice(2, 0, {
      family: 'inet', local: '10.20.0.99', prefixlen: 24, scope: 'global', secondary: true, label: 'bond0.2000',
      valid_life_time: 4294967295, preferred_life_time: 4294967295,
    });
    const c = change((await plan(params(), { links, files: rendered('networkd') })).plan);
    assert.deepEqual(summaryLines(c), ['bond0.2000: address 10.20.0.99/24 present → absent']);
    assert.deepEqual(liveDiff(c), { before: { 'bond0.2000 address 10.20.0.99/24': 'present' }, after: { 'bond0.2000 address 10.20.0.99/24': 'absent' } });
    const a = applyArgs(c);
    assert.equal(a.cleanup, 'addr del 10.20.0.99/24 dev bond0.2000');
    assert.equal(a.ups, 'bond0.2000');
    assert.equal(a.wait, 'wait', 'the session\'s own address stays');
    assert.ok(!c.summary.includes('10.20.0.10'));

    // Without unmanaged_addresses, the VIP keepalived holds is one more address to take away.
    const bare = change((await plan(params({ unmanaged_addresses: undefined }), { links, files: rendered('networkd') })).plan);
    assert.deepEqual(summaryLines(bare), ['bond0.2000: address 10.20.0.10/32 present → absent', 'bond0.2000: address 10.20.0.99/24 present → absent']);
    assert.equal(applyArgs(bare).cleanup, 'addr del 10.20.0.10/32 dev bond0.2000\naddr del 10.20.0.99/24 dev bond0.2000');
  });

  it('a route added by hand and a missing one are said; the stale one is deleted after the change', async () => {
    const route4 = JSON.stringify([
      ...JSON.parse(ROUTE4) as Json[],
      { dst: '10.40.0.0/16', gateway: '10.20.0.254', dev: 'bond0.2000', protocol: 'boot', flags: [] },
    ]);
    const c = change((await plan(params(), { route4, route6: '[]', files: rendered('networkd') })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0.2000: route default via 2001:db8:20::1 absent → present',
      'bond0.2000: route 10.40.0.0/16 via 10.20.0.254 present → absent',
    ]);
    assert.equal(applyArgs(c).cleanup, 'route del 10.40.0.0/16 via 10.20.0.254 dev bond0.2000');
  });

  it('a route with another metric than the spec\'s: the wanted one is added, the other one said and deleted by its metric', async () => {
    const p = params({ vlans: { ...PARAMS.vlans, kubernetes: { ...PARAMS.vlans!.kubernetes!, routes: [...PARAMS.vlans!.kubernetes!.routes!, { to: '10.40.0.0/16', via: '10.20.0.254', metric: 100 }] } } });
    const hand = { dst: '10.40.0.0/16', gateway: '10.20.0.254', dev: 'bond0.2000', protocol: 'boot', metric: 200, flags: [] };
    const route4 = JSON.stringify([...JSON.parse(ROUTE4) as Json[], hand]);
    const c = change((await plan(p, { route4, files: rendered('networkd', p) })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0.2000: route 10.40.0.0/16 via 10.20.0.254 metric 100 absent → present',
      'bond0.2000: route 10.40.0.0/16 via 10.20.0.254 metric 200 present → absent',
    ]);
    assert.equal(applyArgs(c).cleanup, 'route del 10.40.0.0/16 via 10.20.0.254 metric 200 dev bond0.2000');
    // Both there (the cleanup failed, or the next run): the one by hand is still drift.
    const both = JSON.stringify([...JSON.parse(route4) as Json[], { ...hand, protocol: 'static', metric: 100 }]);
    const again = change((await plan(p, { route4: both, files: rendered('networkd', p) })).plan);
    assert.deepEqual(summaryLines(again), ['bond0.2000: route 10.40.0.0/16 via 10.20.0.254 metric 200 present → absent']);
  });

  it('a VLAN our old networkd files configured and the spec no longer has: its files removed, the link deleted', async () => {
    const links = liveLinks();
    const old = JSON.parse(JSON.stringify(link(links, 'bond0.2000'))) as Json;
    links.push({ ...old, ifindex: 9, ifname: 'bond0.2002', linkinfo: { ...old.linkinfo, info_data: { ...old.linkinfo.info_data, id: 2002 } }, addr_info: [] });
    const stale: RenderedFile[] = [
      { path: '/etc/systemd/network/10-k8sbm-bond0.2002.netdev', mode: '0644', content: '[NetDev]\nName=bond0.2002\nKind=vlan\n\n[VLAN]\nId=2002\n' },
      { path: '/etc/systemd/network/10-k8sbm-bond0.2002.network', mode: '0644', content: '[Match]\nName=bond0.2002\n\n[Network]\nLinkLocalAddressing=no\n' },
    ];
    const c = change((await plan(params(), { links, files: [...rendered('networkd'), ...stale] })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0.2002: no longer configured, link is deleted',
      'remove /etc/systemd/network/10-k8sbm-bond0.2002.netdev',
      'remove /etc/systemd/network/10-k8sbm-bond0.2002.network',
    ]);
    assert.deepEqual(liveDiff(c), { before: { 'bond0.2002': 'configured' }, after: { 'bond0.2002': 'deleted' } });
    const a = applyArgs(c);
    assert.deepEqual([a.downs, a.deletes, a.ups], ['', 'bond0.2002', '']);
    assert.equal(a.stdin, 'R /etc/systemd/network/10-k8sbm-bond0.2002.netdev\nR /etc/systemd/network/10-k8sbm-bond0.2002.network\n');
    const removed = c.diffs.filter((d) => d.kind === 'text' && d.after === null).map((d) => d.subject);
    assert.deepEqual(removed, stale.map((f) => f.path));
  });

  it('ifupdown: a VLAN and a NIC our old file configured are taken down with the old file; the VLAN is deleted, the NIC stays', async () => {
    const links = liveLinks();
    const vlan = JSON.parse(JSON.stringify(link(links, 'bond0.2000'))) as Json;
    links.push({ ...vlan, ifindex: 9, ifname: 'bond0.2002', linkinfo: { ...vlan.linkinfo, info_data: { ...vlan.linkinfo.info_data, id: 2002 } }, addr_info: [] });
    const nic = JSON.parse(JSON.stringify(link(links, 'eno1'))) as Json;
    delete nic.master;
    delete nic.linkinfo;
    links.push({ ...nic, ifindex: 10, ifname: 'eno3', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, address: 'b8:ca:3a:6e:10:a2', altnames: ['enp24s0f2'], addr_info: [] });
    const path = '/etc/network/interfaces.d/k8sbm';
    const now = rendered('ifupdown').find((f) => f.path === path);
    const oldText = `${now?.content ?? ''}\nauto eno3\niface eno3 inet manual\n    mtu 1500\n\nauto bond0.2002\niface bond0.2002 inet manual\n    vlan-raw-device bond0\n`;
    const c = change((await plan(params({ renderer: 'ifupdown' }), { tools: TOOLS.ifupdown, links, files: [{ path, mode: '0644', content: oldText }] })).plan);
    assert.deepEqual(summaryLines(c), [
      'eno3: no longer configured, taken down',
      'bond0.2002: no longer configured, link is deleted',
      // With a renderer the file is rewritten without them, with none written yet it goes.
      now ? `update ${path}` : `remove ${path}`,
    ]);
    assert.deepEqual(liveDiff(c), { before: { eno3: 'configured', 'bond0.2002': 'configured' }, after: { eno3: 'down', 'bond0.2002': 'deleted' } });
    const a = applyArgs(c);
    assert.deepEqual([a.renderer, a.downs, a.deletes, a.ups], ['ifupdown', 'eno3 bond0.2002', 'bond0.2002', '']);
    const t = c.diffs.find((d) => d.kind === 'text' && d.subject === path);
    assert.ok(t?.kind === 'text' && t.before === oldText);
  });

  it('networkd: a NIC our old files configured is handed to the apply as a down (nothing else would take it down)', async () => {
    const links = liveLinks();
    const nic = JSON.parse(JSON.stringify(link(links, 'eno1'))) as Json;
    delete nic.master;
    delete nic.linkinfo;
    links.push({ ...nic, ifindex: 10, ifname: 'eno3', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, address: 'b8:ca:3a:6e:10:a2', addr_info: [] });
    const old: RenderedFile = { path: '/etc/systemd/network/10-k8sbm-eno3.network', mode: '0644', content: '[Match]\nName=eno3\n\n[Network]\nAddress=10.99.0.11/24\n' };
    const c = change((await plan(params(), { links, files: [...rendered('networkd'), old] })).plan);
    assert.deepEqual(summaryLines(c), ['eno3: no longer configured, taken down', `remove ${old.path}`]);
    const a = applyArgs(c);
    assert.deepEqual([a.downs, a.deletes, a.ups], ['eno3', '', '']);
  });

  it('our files of another renderer are removed when the renderer changes; their links, still wanted, stay', async () => {
    const others: RenderedFile[] = [
      { path: '/etc/netplan/60-k8sbm.yaml', mode: '0600', content: 'network:\n  version: 2\n  bonds:\n    bond0:\n      interfaces: [eno1, eno2]\n' },
      { path: '/etc/network/interfaces.d/k8sbm', mode: '0644', content: 'auto bond0\niface bond0 inet manual\n    bond-slaves eno1 eno2\n' },
    ];
    const c = change((await plan(params(), { files: [...rendered('networkd'), ...others] })).plan);
    assert.deepEqual(summaryLines(c), ['remove /etc/netplan/60-k8sbm.yaml', 'remove /etc/network/interfaces.d/k8sbm'].sort());
    assert.equal(liveDiff(c), undefined, 'no link changes');
    const a = applyArgs(c);
    assert.deepEqual([a.downs, a.deletes], ['', '']);
    assert.equal(a.stdin, 'R /etc/netplan/60-k8sbm.yaml\nR /etc/network/interfaces.d/k8sbm\n');
  });

  it('a NIC the host lacks fails, naming the NICs it has, before anything is planned', async () => {
    const { plan: p } = await plan(params({ bond: { ...PARAMS.bond!, slaves: ['eno1', 'ens1f0'] } }), {});
    assert.deepEqual(p, { kind: 'fail', msg: 'ens1f0: no such NIC on this host (it has eno1, eno2); nothing was changed' });
  });

  it('the session\'s address taken off its link: the worker is detached and the summary says so', async () => {
    const p = params({ addresses: { kubernetes: ['10.20.0.12/24', '2001:db8:20::11/64'] } });
    const c = change((await plan(p, { files: rendered('networkd', p), ssh: '10.9.0.5 51234 10.20.0.11 22' })).plan);
    assert.deepEqual(summaryLines(c), [
      'bond0.2000: address 10.20.0.12/24 absent → present',
      'bond0.2000: address 10.20.0.11/24 present → absent',
      'this run\'s connection arrived at 10.20.0.11 on bond0.2000, which the change takes away: applied in the background, confirmed over a new connection',
    ]);
    const a = applyArgs(c);
    assert.equal(a.wait, 'detach');
    assert.equal(a.cleanup, 'addr del 10.20.0.11/24 dev bond0.2000');
    assert.equal(c.result?.detached, true);

    // Arrived at the bridge's address, which stays: the change is waited for.
    const kept = change((await plan(p, { files: rendered('networkd', p), ssh: '10.9.0.5 51234 10.21.0.11 22' })).plan);
    assert.equal(applyArgs(kept).wait, 'wait');
    assert.ok(!kept.summary.includes('connection arrived'));
    // Unknown (no SSH: a local run): waited for.
    assert.equal(applyArgs(change((await plan(p, { files: rendered('networkd', p), ssh: '' })).plan)).wait, 'wait');
  });

  describe('file writes (once the renderers write files)', () => {
    for (const renderer of ['networkd', 'netplan', 'ifupdown'] as const) {
      it(`${renderer}: a node without our files gets each one created, staged as W lines; every link is brought up`, async () => {
        const files = rendered(renderer);
        assert.ok(files.length, `the ${renderer} renderer writes files`);
        const c = change((await plan(params({ renderer }), { tools: TOOLS[renderer] })).plan);
        assert.deepEqual(summaryLines(c), files.map((f) => `create ${f.path}`));
        const a = applyArgs(c);
        assert.deepEqual([a.renderer, a.wait, a.downs, a.deletes, a.cleanup], [renderer, 'wait', '', '', '']);
        assert.equal(a.ups, 'eno1 eno2 bond0 bond0.2000 bond0.2001 br0');
        const staged = a.stdin.trimEnd().split('\n').map((l) => l.split(' '));
        assert.deepEqual(staged.map(([op, path, mode]) => [op, path, mode]), files.map((f) => ['W', f.path, f.mode]));
        assert.deepEqual(staged.map((l) => Buffer.from(l[3]!, 'base64').toString('utf8')), files.map((f) => f.content));
        assert.deepEqual(c.diffs.map((d) => d.kind === 'text' ? [d.subject, d.before, d.after] : d.subject), files.map((f) => [f.path, null, f.content]));
        assert.equal(liveDiff(c), undefined);
      });
    }

    it('networkd: a file of ours edited by hand is rewritten and only its link reconfigured', async () => {
      const files = rendered('networkd');
      const path = '/etc/systemd/network/10-k8sbm-bond0.2000.network';
      const f = files.find((x) => x.path === path);
      assert.ok(f, 'the networkd renderer writes files');
      const edited = files.map((x) => (x === f ? { ...x, content: `${x.content}DNS=192.0.2.53\n` } : x));
      const c = change((await plan(params(), { files: edited })).plan);
      assert.deepEqual(summaryLines(c), [`update ${path}`]);
      const a = applyArgs(c);
      assert.equal(a.ups, 'bond0.2000');
      assert.match(a.stdin, new RegExp(`^W ${path.replace(/\./g, '\\.')} 0644 \\S+\n$`));
    });

    it('ifupdown: a bond recreated is taken down with the old file, from the top (bridge, VLANs, bond), and brought up from the bottom', async () => {
      const files = rendered('ifupdown');
      assert.ok(files.length, 'the ifupdown renderer writes files');
      const links = liveLinks();
      link(links, 'bond0').linkinfo.info_data.mode = 'balance-rr';
      const c = change((await plan(params({ renderer: 'ifupdown' }), { tools: TOOLS.ifupdown, links, files, ssh: '' })).plan);
      assert.deepEqual(summaryLines(c), ['bond0: mode balance-rr → 802.3ad (link is recreated)']);
      const a = applyArgs(c);
      assert.deepEqual([a.downs, a.deletes, a.ups], ['br0 bond0.2001 bond0.2000 bond0 eno2 eno1', 'bond0', 'eno1 eno2 bond0 bond0.2000 bond0.2001 br0']);
    });
  });

  it('the session arrived at an address on a link our old files configured, which goes: detached', async () => {
    const links = liveLinks();
    const old = JSON.parse(JSON.stringify(link(links, 'bond0.2000'))) as Json;
    links.push({
      ...old, ifindex: 9, ifname: 'bond0.2002', linkinfo: { ...old.linkinfo, info_data: { ...old.linkinfo.info_data, id: 2002 } },
      addr_info: [{ family: 'inet', local: '10.22.0.11', prefixlen: 24, scope: 'global', label: 'bond0.2002', valid_life_time: 4294967295, preferred_life_time: 4294967295 }],
    });
    const stale: RenderedFile = { path: '/etc/systemd/network/10-k8sbm-bond0.2002.netdev', mode: '0644', content: '[NetDev]\nName=bond0.2002\nKind=vlan\n' };
    const c = change((await plan(params(), { links, files: [...rendered('networkd'), stale], ssh: '10.9.0.5 51234 10.22.0.11 22' })).plan);
    assert.equal(summaryLines(c).at(-1), 'this run\'s connection arrived at 10.22.0.11 on bond0.2002, which the change takes away: applied in the background, confirmed over a new connection');
    assert.deepEqual([applyArgs(c).wait, applyArgs(c).deletes], ['detach', 'bond0.2002']);
  });

  it('the real probe, run on this machine (it only reads), parses: its links, routes and tools', () => {
    const r = spawnSync('sh', ['-c', NETCFG_PROBE, 'k8sbm-netcfg'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, SSH_CONNECTION: '192.0.2.9 40000 192.0.2.2 22' } });
    assert.equal(r.status, 0, r.stderr);
    const p = parseNetProbe(r.stdout);
    assert.ok(p.links.lo, 'lo is a link');
    assert.equal(p.links.lo!.ipv4[0]?.address, '127.0.0.1');
    for (const route of p.routes) assert.ok(p.links[route.dev], `route ${route.to} on a known link ${route.dev}`);
    assert.equal(p.sshServer, '192.0.2.2');
    assert.ok([...p.tools].every((tool) => ['netplan', 'systemd', 'networkd', 'ifupdown', 'interfaces_source', 'ip_missing'].includes(tool)), [...p.tools].join(' '));
  });

  describe('renderer', () => {
    const auto = params({ renderer: 'auto' });
    const cases: [string, Renderer, string][] = [
      ['netplan with files of its own', 'netplan', 'netplan is installed and /etc/netplan has files'],
      ['a running systemd-networkd', 'networkd', 'systemd-networkd runs'],
      ['ifupdown', 'ifupdown', 'ifupdown is installed'],
    ];
    for (const [what, renderer, why] of cases) {
      it(`auto: ${what} → ${renderer}`, async () => {
        const { plan: p } = await plan(auto, { tools: TOOLS[renderer], files: rendered(renderer) });
        assert.ok(p.kind === 'ok', JSON.stringify(p));
        assert.ok(p.reason.endsWith(`(${renderer}: ${why})`), p.reason);
        assert.equal(p.result?.renderer, renderer);
      });
    }

    it('auto: netplan without files of its own is not chosen (networkd runs)', async () => {
      const { plan: p } = await plan(auto, { tools: ['netplan=1', 'netplan_files=0', 'systemd=1', 'networkd=1'], files: rendered('networkd') });
      assert.ok(p.kind === 'ok' && p.reason.endsWith('(networkd: systemd-networkd runs)'), JSON.stringify(p));
    });

    it('the fail messages: nothing found, ifupdown without the source line, tools missing', async () => {
      const msg = async (p: NetParamsT, tools: string[]): Promise<string> => {
        const r = (await plan(p, { tools })).plan;
        assert.equal(r.kind, 'fail', JSON.stringify(r));
        return r.kind === 'fail' ? r.msg : '';
      };
      assert.equal(await msg(auto, TOOLS.none), 'no renderer for the network: neither netplan (with files in /etc/netplan), a running systemd-networkd nor ifupdown is found; set renderer (network_renderer)');
      assert.equal(await msg(auto, ['ifupdown=1']), 'renderer ifupdown: /etc/network/interfaces does not read /etc/network/interfaces.d (add "source /etc/network/interfaces.d/*")');
      assert.equal(await msg(params({ renderer: 'ifupdown' }), ['interfaces_source=1']), 'renderer ifupdown: ifup is not installed (package ifupdown)');
      assert.equal(await msg(params({ renderer: 'netplan' }), TOOLS.networkd), 'renderer netplan: netplan is not installed (package netplan.io)');
      assert.equal(await msg(params({ renderer: 'networkd' }), ['ifupdown=1']), 'renderer networkd: systemd is not running here, so neither is systemd-networkd');
      assert.equal(await msg(params(), ['ip_missing=1', ...TOOLS.networkd]), 'ip is not installed on this host (package iproute2)');
    });
  });

  it('a probe that fails is a failure with its exit code and stderr', async () => {
    const { plan: p } = await plan(params(), {}, { code: 126, stderr: 'sh: permission denied\n' });
    assert.deepEqual(p, { kind: 'fail', msg: 'reading the network state failed (exit 126): sh: permission denied' });
  });

  it('a non-address in the params fails with its parameter path, before the node is asked anything', async () => {
    const { plan: p, probes } = await plan(params({
      addresses: { kubernetes: ['10.20.0.311/24', '2001:db8:20::11/64'] },
      bridges: { br0: { interfaces: ['bond0.2001'], address: '10.21.0.11/24', gateway: '10.21.0' } },
    }), {});
    assert.equal(p.kind, 'fail');
    assert.ok(p.kind === 'fail');
    assert.deepEqual(p.msg.split('; '), [
      'addresses.kubernetes.0: "10.20.0.311/24" is not an address with its prefix length (write it as 10.30.20.11/24 (or give the VLAN its cidr))',
      'bridges.br0.gateway: gateway "10.21.0" is not an address (one address, without prefix length: 10.30.10.1)',
    ]);
    assert.deepEqual(probes, []);
  });
});
