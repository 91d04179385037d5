/**
 * The keepalived role on the lab's three control planes, through playbooks/site.yml with
 * `-t firewall,keepalived`: the firewall (policy drop, VRRP admitted from the control planes
 * only) is applied with it, so a single holder of the virtual address also proves the two roles
 * agree (VRRP dropped, every node would make itself MASTER).
 *
 * Real in the lab: keepalived itself (Debian's, started by its SysV init script, as lab nodes have
 * no systemd), VRRP multicast between the nodes' network namespaces over the lab bridge, the
 * virtual address on eth0, the track script (curl to the local API), failover and preemption,
 * reload by SIGHUP, `keepalived -t` refusing a file before it goes live. The API is the TEST
 * DOUBLE test/doubles/kube-apiserver (HTTPS /healthz, 500 while its fail file exists), not
 * kube-apiserver. haproxy is not part of this test: keepalived_check_haproxy is false here (the
 * haproxy role lands on its own; the combined test checks both). Only checked, not run: the
 * systemd drop-in (no systemd in the lab), the configurations for 5 control planes and unicast
 * mode (configs.test.ts, with keepalived -t).
 *
 * Steps as docs/roles.md asks: check mode on fresh nodes, apply, second run, drift (on node03),
 * then the failovers, a refused configuration, and nopreempt with authentication.
 *
 * Failover times are measured (the VIP's appearance seen by a loop on the new holder, against
 * the machine's clock the nodes share) and printed for docs/keepalived.md; the test asserts only
 * generous bounds, so a loaded machine cannot make it flake.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { startApiDoubles } from '../../helpers/apiserver.js';
import { roleRun, type TaskResult } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const CONF_TASK = 'keepalived : keepalived configuration';
const NODES = ['node01', 'node02', 'node03'];
const DOUBLE_STATE = '/run/kube-apiserver-double';

let lab: TestLab;
let vip: string;
const work = tempDir('role-keepalived');
before(async () => {
  lab = await startLab({ name: 'rka', nodes: 3 });
  vip = /^api_vip: (\S+)$/m.exec(readFileSync(join(lab.dir, 'group_vars', 'all.yml'), 'utf8'))![1]!;
  // The API double on each node, on the API port; ready when its pid file is written (it listens by then).
  await startApiDoubles(lab, NODES);
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const role = roleRun(() => lab, work, 'firewall,keepalived');
/** The lab's inventory in a folder of its own, with control_plane group vars. */
function inventory(name: string, cpVars = '', routerId = 51): string {
  const hosts = role.inventoryWith(name, {});
  // keepalived_check_haproxy false: no haproxy in this test (see the header).
  writeFileSync(join(dirname(hosts), 'group_vars', 'control_plane.yml'), `keepalived_router_id: ${routerId}\nkeepalived_check_haproxy: false\n${cpVars}`);
  return hosts;
}
let inv: string;

const cli = (command: 'run' | 'plan', code: number | 'fail', inventoryFile = inv, extra: readonly string[] = []): CliResult =>
  role.cli(command, code, { inventory: inventoryFile, extra });
const results = (stdout: string, task: string): Record<string, TaskResult> => role.results(stdout, task);
const onNode = (node: string, command: string | readonly string[]): Promise<string> => role.onNode(node, command);
const etcHash = (node: string): string => treeHash(join(nodeRootPath(lab.lab, node), 'etc'));

/** Polls a condition (every 250 ms, up to `ms`): each poll is an SSH connection per node. */
async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The nodes holding the virtual address, each asked with `ip -o addr` (at once). */
async function holders(): Promise<string[]> {
  const held = await Promise.all(NODES.map(async (n) => (await onNode(n, ['ip', '-o', '-4', 'addr', 'show'])).includes(` ${vip}/`)));
  return NODES.filter((_, i) => held[i]);
}
async function untilHolder(node: string, what: string, ms = 30_000): Promise<void> {
  await until(async () => (await holders()).join() === node, `${what}: ${node} the only holder of the VIP`, ms);
}
const running = async (node: string): Promise<boolean> =>
  (await labSsh(lab, node, 'start-stop-daemon --status --pidfile /run/keepalived.pid --exec /usr/sbin/keepalived')).code === 0;

/**
 * Milliseconds from `act` until `node` holds the VIP: a loop on that node prints the clock when
 * the address appears (nodes share the machine's clock), started before the act.
 */
async function timeToHolder(node: string, act: () => Promise<void>): Promise<number> {
  await onNode(node, ['rm', '-f', '/tmp/vip-watch']);
  const watch = labSsh(lab, node, `touch /tmp/vip-watch; while ! ip -o -4 addr show | grep -q ' ${vip}/'; do sleep 0.05; done; date +%s%3N`, { timeoutMs: 60_000 });
  // The watcher must be looking before the act.
  await until(async () => (await labSsh(lab, node, 'test -e /tmp/vip-watch')).code === 0, `the watcher on ${node}`);
  const t0 = Date.now();
  await act();
  const r = await watch;
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.trim()) - t0;
}

const stats = (xs: readonly number[]): { median: number; max: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, max: s[s.length - 1]! };
};

describe('role keepalived on 3 control planes (with the firewall)', () => {
  it('check mode on fresh nodes: plan exits 2, node files byte-identical, no keepalived, no VIP', async () => {
    inv = inventory('main');
    const hashes = NODES.map(etcHash);
    const plan = cli('plan', 2);
    assert.deepEqual(Object.values(results(plan.stdout, CONF_TASK)).map((r) => r.status), ['changed', 'changed', 'changed']);
    assert.deepEqual(NODES.map(etcHash), hashes);
    for (const n of NODES) assert.equal(await running(n), false, `keepalived runs on ${n} after plan`);
    assert.deepEqual(await holders(), []);
  });

  it('apply: keepalived runs on each node, node01 (highest priority) alone holds the VIP behind the firewall', async () => {
    const run = cli('run', 0);
    for (const n of NODES) assert.equal(results(run.stdout, CONF_TASK)[n]?.status, 'changed', n);
    for (const n of NODES) assert.equal(await running(n), true, `keepalived on ${n}`);
    await untilHolder('node01', 'after the first run');
    for (const n of NODES) {
      assert.match(await onNode(n, ['nft', 'list', 'table', 'inet', 'k8sbm']), /policy drop;[\s\S]*ip protocol vrrp ip saddr @control_plane_v4 accept/, `${n}: firewall`);
      await onNode(n, ['keepalived', '-t', '-f', '/etc/keepalived/keepalived.conf']);
    }
    const conf = await onNode('node02', ['cat', '/etc/keepalived/keepalived.conf']);
    assert.match(conf, /^ {4}state BACKUP$/m);
    assert.match(conf, /^ {4}priority 140$/m);
    assert.match(conf, /^ {4}interface eth0$/m, 'the interface holding node_cidr, from facts');
    // The notify hook logged node01's way to MASTER; the track script passes (the API answers).
    await until(async () => /k8sbm_api MASTER priority=150/.test(await onNode('node01', 'cat /var/log/keepalived-notify.log 2>/dev/null || true')), 'MASTER in the notify log');
    assert.equal((await onNode('node01', '/etc/keepalived/k8sbm-check-api.sh; echo rc=$?')).trim(), 'rc=0');
  });

  it('a second run changes nothing, plan exits 0 and leaves /etc as it was', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    const hashes = NODES.map(etcHash);
    cli('plan', 0);
    assert.deepEqual(NODES.map(etcHash), hashes);
  });

  it('drift on node03 (its configuration edited, keepalived stopped): plan exits 2 naming both and touches nothing; run repairs', async () => {
    await onNode('node03', "sed -i 's/priority 130/priority 200/' /etc/keepalived/keepalived.conf && /etc/init.d/keepalived stop");
    // The init script's stop signals keepalived and does not wait for it to exit.
    await until(async () => !(await running('node03')), 'keepalived stopped on node03');
    const hash = etcHash('node03');
    const plan = cli('plan', 2);
    assert.equal(results(plan.stdout, CONF_TASK).node03?.status, 'changed');
    assert.equal(results(plan.stdout, CONF_TASK).node02?.status, 'ok');
    assert.equal(results(plan.stdout, 'keepalived : keepalived started').node03?.status, 'changed');
    assert.equal(results(plan.stdout, 'keepalived : keepalived started').node01?.status, 'skipped');
    assert.equal(etcHash('node03'), hash, 'plan changed a file');
    assert.equal(await running('node03'), false, 'plan started keepalived');
    cli('run', 0);
    assert.equal(await running('node03'), true);
    assert.match(await onNode('node03', ['cat', '/etc/keepalived/keepalived.conf']), /^ {4}priority 130$/m);
    await untilHolder('node01', 'after the repair');
    cli('plan', 0);
  });

  it('keepalived stopped on the holder: the VIP moves to node02 (next priority); started again, back to node01', async (t) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      times.push(await timeToHolder('node02', async () => { await onNode('node01', ['/etc/init.d/keepalived', 'stop']); }));
      await untilHolder('node02', `failover ${i + 1}`);
      // node02 takes the address on node01's last advertisement (priority 0), sent before node01's
      // keepalived has exited; a start while it still runs is a no-op (start-stop-daemon finds it
      // running), so the start waits for the exit and is then seen to take.
      await until(async () => !(await running('node01')), `keepalived exited on node01 ${i + 1}`);
      await onNode('node01', ['/etc/init.d/keepalived', 'start']);
      await until(() => running('node01'), `keepalived started again on node01 ${i + 1}`);
      await untilHolder('node01', `preempted back ${i + 1}`);
    }
    const s = stats(times);
    t.diagnostic(`failover on stop (ms): ${times.join(', ')}; median ${s.median}, max ${s.max}`);
    console.log(`keepalived failover on stop (ms): ${times.join(', ')}; median ${s.median}, max ${s.max}`);
    assert.ok(s.max < 15_000, `failover took ${s.max} ms`);
  });

  it("the holder's API fails: its track script gives the VIP up to node02; healed, node01 takes it back", async (t) => {
    const times: number[] = [];
    for (let i = 0; i < 2; i++) {
      times.push(await timeToHolder('node02', async () => { await onNode('node01', ['touch', `${DOUBLE_STATE}/fail`]); }));
      await untilHolder('node02', `API failed ${i + 1}`);
      assert.match(await onNode('node01', '/etc/keepalived/k8sbm-check-api.sh; echo rc=$?'), /rc=1/);
      await onNode('node01', ['rm', '-f', `${DOUBLE_STATE}/fail`]);
      await untilHolder('node01', `API healed ${i + 1}`);
    }
    const s = stats(times);
    t.diagnostic(`failover on API failure (ms): ${times.join(', ')}; median ${s.median}, max ${s.max}`);
    console.log(`keepalived failover on API failure (ms): ${times.join(', ')}; median ${s.median}, max ${s.max}`);
    assert.ok(s.max < 30_000, `failover took ${s.max} ms`);
  });

  it('a router id keepalived -t refuses (300) fails the task before the live file changes; the daemon keeps the VIP', async () => {
    const bad = inventory('bad', '', 300);
    const live = await onNode('node01', ['cat', '/etc/keepalived/keepalived.conf']);
    const pid = (await onNode('node01', ['cat', '/run/keepalived.pid'])).trim();
    const r = cli('run', 'fail', bad);
    const conf = results(r.stdout, CONF_TASK);
    assert.equal(conf.node01?.status, 'failed');
    const failure = JSON.stringify(jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.task === CONF_TASK && e.host === 'node01'));
    assert.match(failure, /validate: keepalived -t -f/);
    assert.match(failure, /VRID '300' not valid/);
    assert.equal(conf.node02?.status, 'failed');
    assert.equal(await onNode('node01', ['cat', '/etc/keepalived/keepalived.conf']), live);
    assert.equal((await onNode('node01', ['cat', '/run/keepalived.pid'])).trim(), pid, 'keepalived was not restarted');
    assert.deepEqual(await holders(), ['node01']);
    assert.equal((await onNode('node01', 'ls /etc/keepalived')).trim().split('\n').filter((f) => f.startsWith('.')).length, 0, 'no temporary file left');
  });

  it('nopreempt with authentication: the password shows nowhere, check mode changes nothing; the VIP leaves a failing node and stays away when it heals', async () => {
    const secret = 'Vr3p-s3c';
    const nopre = inventory('nopreempt', `keepalived_nopreempt: true\nkeepalived_auth_pass: ${secret}\n`);
    const hashes = NODES.map(etcHash);
    const plan = cli('plan', 2, nopre, ['--diff']);
    assert.ok(!`${plan.stdout}${plan.stderr}`.includes(secret), 'the password in plan output');
    assert.deepEqual(NODES.map(etcHash), hashes);
    const run = cli('run', 0, nopre, ['--diff', '-v']);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), 'the password in run output');
    assert.match(await onNode('node02', ['cat', '/etc/keepalived/keepalived.conf']), new RegExp(`auth_pass ${secret}`));
    // Reloaded (SIGHUP), the holder keeps the address.
    await untilHolder('node01', 'after the reload');
    // The API fails on node01: FAULT (weight 0), node02 takes over.
    await onNode('node01', ['touch', `${DOUBLE_STATE}/fail`]);
    await untilHolder('node02', 'nopreempt, API failed');
    await until(async () => /k8sbm_api FAULT/.test(await onNode('node01', ['cat', '/var/log/keepalived-notify.log'])), 'FAULT in the notify log')
      .catch(async (e: unknown) => { throw new Error(`${String(e)}\n${await onNode('node01', ['cat', '/var/log/keepalived-notify.log'])}`); });
    // Healed, node01 comes back as BACKUP and does not take the address back.
    const backups = (await onNode('node01', ['cat', '/var/log/keepalived-notify.log'])).split('\n').filter((l) => / BACKUP /.test(l)).length;
    await onNode('node01', ['rm', '-f', `${DOUBLE_STATE}/fail`]);
    await until(async () => (await onNode('node01', ['cat', '/var/log/keepalived-notify.log'])).split('\n').filter((l) => / BACKUP /.test(l)).length > backups, 'node01 BACKUP again');
    // A negative, so a bounded wait: five advertisement intervals in which node01 could preempt.
    await new Promise((r) => setTimeout(r, 5_000));
    assert.deepEqual(await holders(), ['node02']);
    const again = cli('run', 0, nopre);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
  });
});
