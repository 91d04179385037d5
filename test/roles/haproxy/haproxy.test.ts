/**
 * The haproxy role on lab nodes: 3 control planes (node01-03) and a worker (node04) that plays the
 * client, through playbooks/site.yml with `-t hardening,haproxy` (hardening owns
 * net.ipv4.ip_nonlocal_bind; haproxy only checks it), in docs/roles.md's steps: check mode on
 * fresh nodes (node files byte-identical, no haproxy running), apply and the operator's checks, a
 * second run with changed=0, a configuration haproxy -c refuses never going live, drift repaired
 * with a reload that a connection held open through the VIP survives.
 *
 * Real in the lab: haproxy itself (Debian's package, started and reloaded by its SysV init script:
 * lab nodes have no systemd), its frontend bound to api_vip on every control plane through
 * net.ipv4.ip_nonlocal_bind (per network namespace, so real), TLS health checks against the
 * kube-apiserver TEST DOUBLE (test/doubles/kube-apiserver, started here on each control plane's
 * api_port), requests through the VIP from another node, the stats socket.
 * Stood in for: keepalived. The test puts api_vip on node01's eth0 itself, the way keepalived
 * would; which node holds it is keepalived's business, not this role's.
 * Waits are bounded polls (the double's pid file, haproxy's own server states); no sleeps.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { API_DOUBLE_STATE, startApiDoubles } from '../../helpers/apiserver.js';
import { roleRun, type RoleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const CPS = ['node01', 'node02', 'node03'];
const CONFIG = '/etc/haproxy/haproxy.cfg';
const STATE = API_DOUBLE_STATE;
const T = (name: string): string => `haproxy : ${name}`;

let lab: TestLab;
let vip: string;
/** site.yml with -t hardening,haproxy (the role's runs), -t haproxy alone, -t hardening alone. */
let both: RoleRun;
let haproxyOnly: RoleRun;
let hardeningOnly: RoleRun;
const work = tempDir('role-haproxy');
before(async () => {
  lab = await startLab({ name: 'rhap', nodes: 4 });
  vip = String((parse(readFileSync(join(lab.dir, 'group_vars', 'all.yml'), 'utf8')) as Record<string, unknown>).api_vip);
  both = roleRun(() => lab, work, 'hardening,haproxy');
  haproxyOnly = roleRun(() => lab, work, 'haproxy');
  hardeningOnly = roleRun(() => lab, work, 'hardening');
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const cli = (command: 'run' | 'plan', code: number, extra: readonly string[] = []) => both.cli(command, code, { extra });
const statuses = (stdout: string, task: string): Record<string, string> => both.statuses(stdout, task);
const onNode = (node: string, command: string | readonly string[]): Promise<string> => both.onNode(node, command);
/** The task's result events whole (with their diffs and details). */
const results = (stdout: string, task: string) => jsonEvents(stdout).filter((e) => e.event === 'task_result' && e.task === task);
const nodeFile = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
const etcHash = (node: string): string => treeHash(nodeFile(node, 'etc'));
const fileHash = (node: string, path: string): string => createHash('sha256').update(readFileSync(nodeFile(node, path))).digest('hex');

/** Polls a condition (every 200 ms, for up to 60 s); returns the milliseconds it took. */
async function until(check: () => Promise<boolean>, what: string): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - start;
}

/** haproxy's pids on a node (its pid file; empty when it does not run). */
const haproxyPids = async (node: string): Promise<string> =>
  (await onNode(node, 'cat /run/haproxy.pid 2>/dev/null || true')).trim();

/** A request through the VIP from the worker: the body, or "" when it fails. */
async function viaVip(path: string): Promise<string> {
  const r = await labSsh(lab, 'node04', ['curl', '-sk', '--max-time', '5', `https://${vip}:8443${path}`]);
  return r.code === 0 ? r.stdout.trim() : '';
}

/** Server name -> status (UP, DOWN, ...) of the backend, from haproxy's stats socket on a node. */
const STATS = `import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\\n")
out = b""
while True:
    b = s.recv(65536)
    if not b: break
    out += b
print(out.decode())`;
async function serverStates(node: string): Promise<Record<string, string>> {
  const csv = (await onNode(node, ['python3', '-c', STATS, '/run/haproxy/admin.sock'])).trim().split('\n');
  const header = csv[0]!.replace(/^# /, '').split(',');
  const [px, sv, st] = ['pxname', 'svname', 'status'].map((c) => header.indexOf(c)) as [number, number, number];
  const out: Record<string, string> = {};
  for (const line of csv.slice(1)) {
    const f = line.split(',');
    if (f[px] === 'kube-apiserver' && f[sv] !== 'BACKEND' && f[sv] !== 'FRONTEND') out[f[sv]!] = f[st]!;
  }
  return out;
}

/**
 * A client on one kept-alive TLS connection through the VIP: asks /whoami, writes "STATUS BODY"
 * to OUT.first, waits for OUT.go (at most 120 s), asks again on the same connection, writes OUT.second.
 */
const HOLD = `import os, socket, ssl, sys, time
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection((sys.argv[1], 8443), timeout=120))
f = s.makefile("rb")
def ask():
    s.sendall(b"GET /whoami HTTP/1.1\\r\\nHost: api\\r\\n\\r\\n")
    status = f.readline().split()[1].decode(); n = 0
    while True:
        line = f.readline()
        if line in (b"\\r\\n", b""): break
        if line.lower().startswith(b"content-length:"): n = int(line.split(b":")[1])
    return status + " " + f.read(n).decode().strip()
out = sys.argv[2]
open(out + ".first", "w").write(ask())
end = time.time() + 120
while not os.path.exists(out + ".go") and time.time() < end: time.sleep(0.1)
open(out + ".second", "w").write(ask())`;

describe('role haproxy on 3 control planes, a worker as the client', () => {
  before(async () => {
    // The kube-apiserver test double on each control plane's API port.
    await startApiDoubles(lab, CPS);
  });

  it('check mode on fresh nodes: plan exits 2, predicts the configuration and the start, leaves /etc byte-identical and haproxy stopped', async () => {
    const hashes = lab.nodes.map((n) => etcHash(n.name));
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, T('load balancer configuration')), { node01: 'changed', node02: 'changed', node03: 'changed', node04: 'skipped' }, 'only on the control planes');
    assert.deepEqual(statuses(plan.stdout, T('haproxy running, and started at boot')), { node01: 'changed', node02: 'changed', node03: 'changed', node04: 'skipped' });
    const cfg = results(plan.stdout, T('load balancer configuration')).find((e) => e.host === 'node01')!;
    const unified = String((cfg.diff as { unified: string }[])[0]!.unified);
    assert.match(unified, new RegExp(`^\\+ {4}bind ${vip.replace(/\./g, '\\.')}:8443$`, 'm'), 'the diff reads as the file');
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), hashes, 'check mode changed a file under /etc');
    for (const n of CPS) assert.equal(await haproxyPids(n), '', `${n}: haproxy runs after plan`);
  });

  it('apply: haproxy runs on every control plane bound to the VIP (held by node01 only), answers through it from the worker, every backend UP', async () => {
    const run = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(run.stdout))) assert.ok(c.failed === 0, `${h}: ${JSON.stringify(c)}`);
    assert.deepEqual(statuses(run.stdout, T('load balancer configuration')), { node01: 'changed', node02: 'changed', node03: 'changed', node04: 'skipped' });
    for (const n of CPS) {
      assert.equal((await onNode(n, ['sysctl', '-n', 'net.ipv4.ip_nonlocal_bind'])).trim(), '1', `${n}: hardening's sysctl`);
      assert.notEqual(await haproxyPids(n), '', `${n}: haproxy runs`);
      assert.match(await onNode(n, ['ss', '-Hltn']), new RegExp(`${vip.replace(/\./g, '\\.')}:8443 `), `${n}: listening on the VIP`);
      // No node holds the VIP yet: each binds it only through ip_nonlocal_bind.
      assert.doesNotMatch(await onNode(n, ['ip', '-o', '-4', 'addr', 'show']), new RegExp(` ${vip.replace(/\./g, '\\.')}/`), `${n} holds the VIP`);
      await onNode(n, ['haproxy', '-c', '-f', CONFIG]);
    }
    assert.equal((await onNode('node04', 'ss -Hltn | grep -c :8443 || true')).trim(), '0', 'no haproxy on the worker');
    assert.equal((await onNode('node04', ['sysctl', '-n', 'net.ipv4.ip_nonlocal_bind'])).trim(), '0', 'the worker keeps the kernel default');

    // Standing in for keepalived: node01 takes the VIP.
    await onNode('node01', ['ip', 'addr', 'add', `${vip}/24`, 'dev', 'eth0']);
    await until(async () => (await viaVip('/healthz')) === 'ok', 'https://VIP:8443/healthz from node04');
    await until(async () => Object.values(await serverStates('node01')).filter((s) => s === 'UP').length === 3, 'all three backends UP');
    // Round robin reaches every API server through the VIP.
    const seen = new Set<string>();
    await until(async () => { seen.add(await viaVip('/whoami')); return CPS.every((n) => seen.has(n)); }, 'each backend answering /whoami');
    // node02 and node03 do not hold the VIP and still run haproxy on it: they are ready to serve when it moves.
    for (const n of ['node02', 'node03']) assert.deepEqual(Object.keys(await serverStates(n)).sort(), CPS);
  });

  it('a failing API server is taken out (the VIP keeps answering, never from it) and put back when healthy', async (t) => {
    await onNode('node02', ['touch', `${STATE}/fail`]);
    const down = await until(async () => (await serverStates('node01')).node02 === 'DOWN', 'node02 DOWN');
    t.diagnostic(`node02 taken out ${down} ms after its /healthz began to fail (inter 2s, fall 3)`);
    for (let i = 0; i < 9; i++) {
      const who = await viaVip('/whoami');
      assert.ok(who === 'node01' || who === 'node03', `answered by ${JSON.stringify(who)} while node02 is DOWN`);
    }
    await onNode('node02', ['rm', '-f', `${STATE}/fail`]);
    const up = await until(async () => /^UP/.test((await serverStates('node01')).node02 ?? ''), 'node02 back UP');
    t.diagnostic(`node02 put back ${up} ms after it healed (rise 2, slowstart 60s)`);
    assert.equal(await viaVip('/healthz'), 'ok');
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    assert.deepEqual(results(again.stdout, T('reload haproxy')), [], 'no reload without a change');
    cli('plan', 0);
  });

  it('ip_nonlocal_bind turned off by hand: -t haproxy alone stops at its check, naming the hardening role; -t hardening puts it back', async () => {
    await onNode('node02', ['sysctl', '-q', '-w', 'net.ipv4.ip_nonlocal_bind=0']);
    try {
      const r = haproxyOnly.cli('run', 1, { extra: ['-l', 'node02'] });
      const [check] = results(r.stdout, T('haproxy may bind api_vip on a node that does not hold it'));
      assert.equal(check?.status, 'failed', r.stdout);
      assert.match(String(check.msg), /net\.ipv4\.ip_nonlocal_bind is 0 on this control plane.*the hardening role sets it/);
      assert.deepEqual(results(r.stdout, T('load balancer configuration')), [], 'stopped before the configuration');
    } finally {
      const fix = hardeningOnly.cli('run', 0, { extra: ['-l', 'node02'] });
      assert.deepEqual(statuses(fix.stdout, 'hardening : network security settings'), { node02: 'changed' });
    }
    assert.equal((await onNode('node02', ['sysctl', '-n', 'net.ipv4.ip_nonlocal_bind'])).trim(), '1');
  });

  it('a configuration haproxy -c refuses fails the task before the live file changes; the running haproxy keeps serving', async () => {
    const cfg = fileHash('node01', CONFIG);
    const pids = await haproxyPids('node01');
    const r = cli('run', 1, ['-e', 'haproxy_timeout_server=4x']);
    const failed = results(r.stdout, T('load balancer configuration')).filter((e) => e.host !== 'node04');
    assert.deepEqual(Object.fromEntries(failed.map((e) => [e.host, e.status])), { node01: 'failed', node02: 'failed', node03: 'failed' });
    assert.match(JSON.stringify(failed[0]!.detail), /unexpected character 'x' in 'timeout server'.*validation failed/);
    assert.deepEqual(results(r.stdout, T('reload haproxy')), [], 'nothing reloaded');
    assert.equal(fileHash('node01', CONFIG), cfg, 'the live file is as it was');
    assert.equal(await haproxyPids('node01'), pids, 'the same haproxy runs');
    assert.equal(await viaVip('/healthz'), 'ok');
  });

  it('the configuration changed by hand on node01 (the VIP holder): plan names it and touches nothing, run puts it back with a reload that an open connection survives', async () => {
    // A client holding one keep-alive connection through the VIP across the reload.
    await onNode('node04', `setsid python3 -c '${HOLD}' ${vip} /tmp/hold >/dev/null 2>&1 </dev/null &`);
    await until(async () => (await labSsh(lab, 'node04', ['test', '-s', '/tmp/hold.first'])).code === 0, 'the first answer on the held connection');
    const first = (await onNode('node04', ['cat', '/tmp/hold.first'])).trim();
    assert.match(first, /^200 node0[123]$/);

    await onNode('node01', `sed -i 's/^    balance roundrobin$/    balance leastconn/' ${CONFIG}`);
    const hash = etcHash('node01');
    const pids = await haproxyPids('node01');
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, T('load balancer configuration')), { node01: 'changed', node02: 'ok', node03: 'ok', node04: 'skipped' });
    const diff = String((results(plan.stdout, T('load balancer configuration')).find((e) => e.host === 'node01')!.diff as { unified: string }[])[0]!.unified);
    assert.match(diff, /^- {4}balance leastconn\n\+ {4}balance roundrobin$/m);
    assert.equal(etcHash('node01'), hash, 'plan changed a file');

    const repair = cli('run', 0);
    assert.deepEqual(statuses(repair.stdout, T('reload haproxy')), { node01: 'changed' });
    assert.match(readFileSync(nodeFile('node01', CONFIG), 'utf8'), /^ {4}balance roundrobin$/m);
    // Reloaded, not restarted: the init script starts a new haproxy that takes over the sockets
    // (-sf), and the old one keeps the connections it holds until they end.
    const newPids = await haproxyPids('node01');
    assert.ok(newPids !== '' && newPids !== pids, `node01 runs a new haproxy (${pids} -> ${newPids})`);
    await onNode('node04', ['touch', '/tmp/hold.go']);
    await until(async () => (await labSsh(lab, 'node04', ['test', '-s', '/tmp/hold.second'])).code === 0, 'the second answer on the held connection');
    assert.equal((await onNode('node04', ['cat', '/tmp/hold.second'])).trim(), first, 'the connection opened before the reload still answers, from the same API server');
    await until(async () => Object.values(await serverStates('node01')).filter((s) => s === 'UP').length === 3, 'node01 sees all backends UP');
    assert.equal(await viaVip('/healthz'), 'ok');
    cli('plan', 0);
  });
});
