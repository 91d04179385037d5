/**
 * The firewall role on five lab nodes (3 control planes, 2 workers), through playbooks/site.yml
 * with `-t hardening,firewall` (the node's sshd hardened too), as docs/roles.md asks of every role: check mode first (node files
 * byte-identical, no table), apply and probe ports between nodes, a second run with changed=0,
 * a rule deleted by hand seen by `plan` and put back by `run`. Then the two lockouts: refused
 * before anything is sent by the static check, and rolled back by the node itself when the
 * check is off. All of it is real: nft in each node's network namespace, TCP between nodes,
 * new SSH connections from the machine. The machine's own ruleset is compared at the end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash } from '../../helpers/cli.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const TASK = 'firewall : table inet k8sbm, live and in its file';
const machineRuleset = (): string => spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout;

let lab: TestLab;
let machineBefore: string;
const work = tempDir('role-firewall');
const { cli, results, statuses, onNode, inventoryWith } = roleRun(() => lab, work, 'hardening,firewall', TASK);
before(async () => {
  machineBefore = machineRuleset();
  lab = await startLab({ name: 'rfw', nodes: 5 });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const etcHash = (node: string): string => treeHash(join(nodeRootPath(lab.lab, node), 'etc'));
/** The live table, counters left out (they move with every packet). */
const table = async (node: string): Promise<string> =>
  (await onNode(node, 'nft list table inet k8sbm 2>/dev/null || echo absent')).replace(/counter packets \d+ bytes \d+/g, 'counter');

/** Polls a condition on the nodes (every 100 ms, for up to 30 s). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const addressOf = (node: string): string => lab.nodes.find((n) => n.name === node)!.address;

/** A TCP connection from a node: open, refused or timeout (a listener is on every probed port). */
const PROBE = `import socket, sys
s = socket.socket(); s.settimeout(20)
try:
    s.connect((sys.argv[1], int(sys.argv[2]))); print("open")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")`;
async function probe(from: string, to: string, port: number): Promise<string> {
  return (await onNode(from, ['python3', '-c', PROBE, addressOf(to), String(port)])).trim();
}

describe('role firewall on 3 control planes and 2 workers', () => {
  it('check mode on fresh nodes: plan exits 2, predicts the table under commit-confirmed, and no node file or ruleset changes', async () => {
    const hashes = lab.nodes.map((n) => etcHash(n.name));
    const plan = cli('plan', 2);
    const all = Object.fromEntries(lab.nodes.map((n) => [n.name, 'changed']));
    assert.deepEqual(statuses(plan.stdout), all);
    const cc = results(plan.stdout, 'commit confirmed: host firewall');
    assert.match(cc.node01!.msg, /would apply the changes above under commit-confirmed: snapshot \/etc\/nftables\.d\/k8sbm\.nft, the live table inet k8sbm, arm a 60 s rollback timer/);
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), hashes);
    for (const n of lab.nodes) assert.equal((await onNode(n.name, ['nft', 'list', 'ruleset'])).trim(), '', `${n.name} has a ruleset after plan`);
  });

  it('apply: the table is live in each node, etcd is refused from a worker while the API answers, SSH still works, unlisted ports are refused', async () => {
    const run = cli('run', 0);
    assert.deepEqual(statuses(run.stdout), Object.fromEntries(lab.nodes.map((n) => [n.name, 'changed'])));
    for (const n of lab.nodes) {
      const t = await table(n.name);
      assert.match(t, /type filter hook input priority filter; policy drop;/, n.name);
      assert.match(t, /tcp dport 22 ip saddr @admin_v4 accept/, n.name);
      assert.equal(/tcp dport 2379-2380/.test(t), n.name <= 'node03', `${n.name}: etcd rule only on the members`);
      assert.match(await onNode(n.name, ['cat', '/etc/nftables.conf']), /^include "\/etc\/nftables\.d\/\*\.nft"$/m);
      await onNode(n.name, ['nft', '-c', '-f', '/etc/nftables.d/k8sbm.nft']);
    }
    // Listeners on a control plane and a worker: a refused connection is then the firewall's.
    for (const [node, ports] of [['node01', [2379, 6443, 12345]], ['node04', [10250, 12345]]] as const) {
      for (const port of ports) await onNode(node, `setsid python3 -m http.server ${port} --bind 0.0.0.0 >/dev/null 2>&1 < /dev/null &`);
      await until(async () => {
        const ss = await onNode(node, ['ss', '-Hltn']);
        return ports.every((p) => ss.includes(`:${p} `));
      }, `listeners on ${node}`);
    }
    assert.equal(await probe('node04', 'node01', 6443), 'open', 'the API from a worker');
    assert.equal(await probe('node04', 'node01', 2379), 'refused', 'etcd from a worker');
    assert.equal(await probe('node02', 'node01', 2379), 'open', 'etcd from another member');
    assert.equal(await probe('node04', 'node01', 12345), 'refused', 'a port no rule lists');
    assert.equal(await probe('node01', 'node04', 10250), 'open', 'the kubelet from a control plane');
    assert.equal(await probe('node05', 'node04', 10250), 'refused', 'the kubelet from another worker');
    assert.equal(await probe('node05', 'node04', 12345), 'refused', 'a port no rule lists, on a worker');
    // A new SSH connection from the machine (the admin network) still gets in.
    assert.equal((await onNode('node01', ['echo', 'in'])).trim(), 'in');
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    assert.deepEqual(statuses(again.stdout), Object.fromEntries(lab.nodes.map((n) => [n.name, 'ok'])));
    for (const [h, r] of Object.entries(results(again.stdout, 'commit confirmed: host firewall'))) {
      assert.equal(r.msg, 'the block changed nothing: no rollback armed, nothing to confirm', h);
    }
    cli('plan', 0);
  });

  it('a rule deleted by hand: plan exits 2 naming it, run puts it back and keeps other tables, plan exits 0', async () => {
    const handles = await onNode('node02', ['nft', '-a', 'list', 'chain', 'inet', 'k8sbm', 'input']);
    const handle = /tcp dport 2379-2380 ip saddr @etcd_v4 accept # handle (\d+)/.exec(handles)?.[1];
    assert.ok(handle, handles);
    await onNode('node02', ['nft', 'delete', 'rule', 'inet', 'k8sbm', 'input', 'handle', handle]);
    await onNode('node02', ['nft', 'add table ip kube-proxy-like; add chain ip kube-proxy-like nat-prerouting']);
    const hash = etcHash('node02');
    const plan = cli('plan', 2);
    const drift = jsonEvents(plan.stdout).find((e) => e.event === 'task_result' && e.task === TASK && e.host === 'node02');
    assert.equal(drift?.status, 'changed');
    assert.match(String(drift?.msg), /replace table inet k8sbm \(the live table differs\)/);
    assert.equal(statuses(plan.stdout).node01, 'ok', 'the other nodes are as defined');
    assert.equal(etcHash('node02'), hash, 'plan changed a file');
    assert.doesNotMatch(await table('node02'), /2379-2380 ip saddr @etcd_v4/, 'plan changed the live table');

    const repair = cli('run', 0);
    assert.equal(statuses(repair.stdout).node02, 'changed');
    assert.equal(statuses(repair.stdout).node01, 'ok');
    assert.match(await table('node02'), /tcp dport 2379-2380 ip saddr @etcd_v4 accept/);
    assert.match(await onNode('node02', ['nft', 'list', 'tables']), /table ip kube-proxy-like/, 'another table survived the run');
    cli('plan', 0);
  });

  const lockedOut = 'admin_cidrs: [192.0.2.0/24]\n';

  it('a table that would lock out the run is refused before anything is sent: node files and table as they were', async () => {
    const inv = inventoryWith('refused', { hostVars: { node05: lockedOut } });
    const hash = etcHash('node05');
    const live = await table('node05');
    const r = cli('run', 'fail', { inventory: inv });
    const pre = results(r.stdout);
    assert.equal(pre.node05?.status, 'failed');
    assert.match(pre.node05!.msg, /lockout refused: table inet k8sbm would not admit a new SSH connection from \S+ to port 22 \(this run's own connection\)/);
    assert.equal(pre.node01?.status, 'ok');
    const armedOn05 = jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.task === 'commit confirmed: host firewall' && e.host === 'node05');
    assert.deepEqual(armedOn05, [], 'nothing was armed on node05');
    assert.equal(etcHash('node05'), hash);
    assert.equal(await table('node05'), live);
  });

  it('with the check off, the same table is rolled back by the node within its timer; the others apply theirs', async () => {
    const inv = inventoryWith('rolled-back', {
      groupVars: 'firewall_extra_rules: [{port: 9100, comment: node exporter}]\n',
      hostVars: { node05: `${lockedOut}firewall_skip_lockout_check: true\nfirewall_confirm_timeout: 5\n` },
    });
    const file = '/etc/nftables.d/k8sbm.nft';
    const fileBefore = await onNode('node05', ['cat', file]);
    const live = await table('node05');
    const r = cli('run', 'fail', { inventory: inv });
    const cc = results(r.stdout, 'commit confirmed: host firewall');
    assert.equal(cc.node05?.status, 'failed');
    assert.equal(cc.node05?.code, 'K8SBM_COMMIT_ROLLED_BACK');
    assert.match(cc.node05!.msg, /rolled back by the node after 5 s: a new SSH connection failed/);
    assert.match(cc.node05!.msg, /restored \/etc\/nftables\.d\/k8sbm\.nft, the live table inet k8sbm/);
    for (const h of ['node01', 'node02', 'node03', 'node04']) {
      assert.equal(cc[h]?.status, 'ok', `${h} confirmed`);
      assert.match(await table(h), /tcp dport 9100 accept/, `${h} applied its table`);
    }
    // Reachable again with its previous table and file.
    assert.equal(await table('node05'), live);
    assert.equal(await onNode('node05', ['cat', file]), fileBefore);
  });

  it("the machine's own ruleset is as it was", () => {
    assert.equal(machineRuleset(), machineBefore);
  });
});
