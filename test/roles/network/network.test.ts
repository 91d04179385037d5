/**
 * The network role on three lab nodes, through playbooks/site.yml with `-t network`, as
 * docs/roles.md asks of every role: check mode first (node files byte-identical, links as they
 * were), apply and check what an operator would (the node's own `ip` output, the file ifupdown
 * reads), a second run with changed=0, drift made by hand seen by `plan` and put back by `run`.
 * Then the commit-confirmed path against a real network change: one node moved to an address the
 * machine cannot reach is rolled back by the node itself, answers on its old address, and its
 * block fails with the reason, while the other two apply their change. Last, a design mistake
 * (a bond member that is no NIC of the node) stops the run before anything is sent.
 *
 * Real here: ifupdown (`ifup`/`ifdown` from Debian's package) on each node's eth0, in the node's
 * own network namespace: its address, MTU and a static route; the rollback's `ip` commands; new
 * SSH connections from the machine. Not here (the lab's kernel has no bonding or 802.1Q, and no
 * systemd): bonds, VLANs, netplan and networkd — test/modules/network_config/ checks those
 * renderers' output with the real netplan and ifupdown tools, and the plan with captured `ip`
 * output.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash } from '../../helpers/cli.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const TASK = 'network : links, addresses and routes, live and in their files';
const CC = 'commit confirmed: links, addresses and routes';
const FILE = '/etc/network/interfaces.d/k8sbm';

let lab: TestLab;
const work = tempDir('role-network');
const { cli, results, statuses, onNode, inventoryWith } = roleRun(() => lab, work, 'network', TASK);
before(async () => {
  lab = await startLab({ name: 'rnet', nodes: 3 });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const etcHash = (node: string): string => treeHash(join(nodeRootPath(lab.lab, node), 'etc'));
const addressOf = (node: string): string => lab.nodes.find((n) => n.name === node)!.address;
/** The machine's address on the lab bridge: the lab's admin network, and the route's gateway. */
const gateway = (): string => addressOf('node01').replace(/\.\d+$/, '.1');

/** eth0 as the node's kernel has it: global addresses, MTU, routes other than the kernel's. */
async function link(node: string): Promise<{ addresses: string[]; mtu: number; routes: string[] }> {
  const [addr] = JSON.parse(await onNode(node, ['ip', '-j', 'addr', 'show', 'dev', 'eth0'])) as { mtu: number; addr_info: { scope: string; local: string; prefixlen: number }[] }[];
  const routes = JSON.parse(await onNode(node, ['ip', '-j', 'route', 'show', 'dev', 'eth0'])) as { dst: string; gateway?: string; protocol?: string }[];
  return {
    addresses: addr!.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`),
    mtu: addr!.mtu,
    routes: routes.filter((r) => r.protocol !== 'kernel').map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}`),
  };
}

describe('role network on three lab nodes (ifupdown on eth0, for real)', () => {
  it('check mode on fresh nodes: plan exits 2, predicts the route and the file under commit-confirmed, and no node file or link changes', async () => {
    const hashes = lab.nodes.map((n) => etcHash(n.name));
    const links = await Promise.all(lab.nodes.map((n) => link(n.name)));
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout), Object.fromEntries(lab.nodes.map((n) => [n.name, 'changed'])));
    const r = results(plan.stdout);
    assert.match(r.node01!.msg, new RegExp(`eth0: route 203\\.0\\.113\\.0/24 via ${gateway().replace(/\./g, '\\.')} absent → present`));
    assert.match(r.node01!.msg, /create \/etc\/network\/interfaces\.d\/k8sbm/);
    assert.match(results(plan.stdout, CC).node01!.msg, /would apply the changes above under commit-confirmed: snapshot the live state of eth0, .*arm a 90 s rollback timer/);
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), hashes);
    assert.deepEqual(await Promise.all(lab.nodes.map((n) => link(n.name))), links);
  });

  it('apply: each node has its address, MTU and route from ifupdown, the file names them, and a new SSH connection gets in', async () => {
    const run = cli('run', 0);
    assert.deepEqual(statuses(run.stdout), Object.fromEntries(lab.nodes.map((n) => [n.name, 'changed'])));
    for (const [h, c] of Object.entries(results(run.stdout, CC))) assert.match(c.msg, /confirmed through a new SSH connection \(the probe passed\)/, h);
    for (const n of lab.nodes) {
      assert.deepEqual(await link(n.name), { addresses: [`${n.address}/24`], mtu: 1500, routes: [`203.0.113.0/24 via ${gateway()}`] }, n.name);
      const file = await onNode(n.name, ['cat', FILE]);
      assert.match(file, /^# Managed by k8sbm \(role network\)/);
      assert.match(file, new RegExp(`^iface eth0 inet static\\n\\s+address ${n.address.replace(/\./g, '\\.')}/24$`, 'm'));
      // ifupdown itself knows eth0 as configured, from this file.
      assert.match(await onNode(n.name, ['cat', '/run/network/ifstate.eth0']), /^eth0\s*$/);
      assert.match(await onNode(n.name, ['ifquery', 'eth0']), /^mtu: 1500$/m);
    }
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    for (const [h, c] of Object.entries(results(again.stdout, CC))) assert.match(c.msg, /the block changed nothing: no rollback armed/, h);
    cli('plan', 0);
  });

  it('drift made by hand (an MTU, a deleted route, an address added) is shown by plan, which touches nothing, and put back by run', async () => {
    await onNode('node02', 'ip link set dev eth0 mtu 1400 && ip route del 203.0.113.0/24 && ip addr add 192.0.2.7/24 dev eth0');
    const drifted = await link('node02');
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout), { node01: 'ok', node02: 'changed', node03: 'ok' });
    const msg = results(plan.stdout).node02!.msg;
    assert.match(msg, /eth0: MTU 1400 → 1500/);
    assert.match(msg, /eth0: route 203\.0\.113\.0\/24 via \S+ absent → present/);
    assert.match(msg, /eth0: address 192\.0\.2\.7\/24 present → absent/);
    assert.doesNotMatch(msg, /interfaces\.d\/k8sbm/, 'the file is right: only the live link drifted');
    assert.deepEqual(await link('node02'), drifted, 'plan changed nothing');
    const repair = cli('run', 0);
    assert.deepEqual(statuses(repair.stdout), { node01: 'ok', node02: 'changed', node03: 'ok' });
    assert.deepEqual(await link('node02'), { addresses: [`${addressOf('node02')}/24`], mtu: 1500, routes: [`203.0.113.0/24 via ${gateway()}`] });
    cli('plan', 0);
  });

  it('a node moved to an address the machine cannot reach is rolled back by the node within its timer and answers on its old address; the others apply their change', async () => {
    const inv = inventoryWith('moved', { hostVars: {
      node01: 'network_ethernets:\n  eth0:\n    address: 10.99.0.11/24\n    mtu: 1500\nnetwork_confirm_timeout: 10\n',
      node02: `network_ethernets:\n  eth0:\n    address: "{{ ansible_host }}/24"\n    mtu: 1450\n    routes: [{ to: 203.0.113.0/24, via: ${gateway()} }]\n`,
      node03: `network_ethernets:\n  eth0:\n    address: "{{ ansible_host }}/24"\n    mtu: 1450\n    routes: [{ to: 203.0.113.0/24, via: ${gateway()} }]\n`,
    } });
    const fileBefore = await onNode('node01', ['cat', FILE]);
    const linkBefore = await link('node01');
    const r = cli('run', 'fail', { inventory: inv });
    const task = results(r.stdout);
    assert.equal(task.node01?.status, 'changed');
    assert.match(task.node01!.msg, /eth0: address 10\.99\.0\.11\/24 absent → present/);
    assert.match(task.node01!.msg, /this run's connection arrived at \S+ on eth0, which the change takes away: applied in the background/);
    const cc = results(r.stdout, CC);
    assert.equal(cc.node01?.status, 'failed');
    assert.equal(cc.node01?.code, 'K8SBM_COMMIT_ROLLED_BACK');
    assert.match(cc.node01!.msg, /rolled back by the node after 10 s: (a new SSH connection failed|no new SSH connection got through before the rollback timer fired)/);
    assert.match(cc.node01!.msg, /restored the live state of eth0/);
    for (const h of ['node02', 'node03']) {
      assert.equal(cc[h]?.status, 'ok', `${h} confirmed`);
      assert.equal((await link(h)).mtu, 1450, `${h} applied its MTU`);
    }
    // Reachable again on its old address, with its previous link and file.
    assert.deepEqual(await link('node01'), linkBefore);
    assert.equal(await onNode('node01', ['cat', FILE]), fileBefore);
    // Back to the lab's own settings for the next test.
    cli('run', 0);
    cli('plan', 0);
  });

  it('a bond member that is no NIC of the node stops the run before anything is sent, naming the host_vars line', async () => {
    const inv = inventoryWith('typo', { hostVars: { node03: 'bond:\n  name: bond0\n  slaves: [eth0, eht1]\n' } });
    const hashes = lab.nodes.map((n) => etcHash(n.name));
    const r = cli('run', 'fail', { inventory: inv });
    assert.match(r.stdout + r.stderr, /K8SBM_DESIGN_INVALID/);
    assert.match(r.stdout + r.stderr, /node03: .*eht1/);
    assert.match(r.stdout + r.stderr, /host_vars\/node03\.yml:3:\d+/);
    assert.deepEqual(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.task === TASK), [], 'no task ran');
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), hashes);
  });
});
