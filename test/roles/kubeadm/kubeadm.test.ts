/**
 * The kubeadm role's test is the main job, since the role needs every role before it (the VIP,
 * haproxy, the firewall, containerd, the packages): playbooks/site.yml, every role, on the
 * reference cluster's shape, from fresh lab nodes to a 3-control-plane cluster with stacked etcd behind the VIP and 2 workers joined
 * (node01-03 control planes, node04-05 workers). This is the issue's "done when" as a test.
 *
 * Real: sshd, the hardening, firewall (nftables, policy drop), network, keepalived (VRRP VIP)
 * and haproxy (8443) roles, containerd with its validated config, apt installing kubeadm,
 * kubelet and kubectl from the lab's signed repository (pinned, held), etcd (Debian's, started
 * by the kubeadm double with the PKI it made with openssl): a 3-member cluster whose members the
 * joins add and the resets remove, TLS to the VIP, the certificate checks (openssl).
 * TEST DOUBLES (packaged by the lab as kubeadm/kubelet/kubectl 1.31.4-1.1): kubeadm
 * (test/doubles/kubeadm: it records every call with its arguments, which the test reads for the
 * order of things), the API server (test/doubles/kube-apiserver, started by the kubeadm double
 * on api_port as the kubelet would run the static pod; it serves the double's discovery), the
 * kubelet (test/doubles/kubelet, started by init and join as kubeadm starts it; it reports its
 * version on its port). No container runs.
 *
 * One lab for the whole file: plan on fresh nodes (nothing changes there; compared task by task
 * with the first run), the first run, a second run and plan, API certificate drift, the rolling
 * upgrade to 1.32.0 of playbooks/upgrade.yml (upgrade-scenario.ts, which says what is real there),
 * a reset of a control plane and a worker and their rejoin with node03's join told to fail once (-vv).
 * Secrets (tokens, certificate keys, admin.conf's key) are looked for in every output and in the
 * workstation's files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { roleRun, type RoleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';
import { upgradeScenario } from './upgrade-scenario.js';

const CPS = ['node01', 'node02', 'node03'];
const WORKERS = ['node04', 'node05'];
const ALL = [...CPS, ...WORKERS];
const DOUBLE_LOG = '/var/log/kubeadm-double.log';
const ETCDCTL = ['etcdctl', '--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
  '--cert=/etc/kubernetes/pki/apiserver-etcd-client.crt', '--key=/etc/kubernetes/pki/apiserver-etcd-client.key'];

interface Call { time: number; node: string; argv: string[]; rc?: number }

let lab: TestLab;
/** onNode, and the kubeadm role alone (-t kubeadm) once the whole site has been applied. */
let kubeadm: RoleRun;
let vip: string;
const work = tempDir('site-lab');
const outputs: string[] = [];
const started = Date.now();

before(async () => {
  lab = await startLab({ name: 'site', nodes: 5 });
  // The kubectl double (the lab's kubectl package) on the first control plane: every object the
  // metallb role waits for is ready at once (its own test makes the wait take time).
  mkdirSync(join(nodeRootPath(lab.lab, 'node01'), 'var/lib/kubectl-double/ready'), { recursive: true });
  writeFileSync(join(nodeRootPath(lab.lab, 'node01'), 'var/lib/kubectl-double/ready/all'), '');
  kubeadm = roleRun(() => lab, work, 'kubeadm');
  vip = lab.nodes[0]!.address.replace(/\.\d+$/, '.250');
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
  process.stderr.write(`site.yml lab test: ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
});

/** `k8sbm COMMAND playbooks/site.yml` on the lab, every role (no tags), --json. */
function site(command: 'run' | 'plan', code: number, extra: readonly string[] = []): CliResult {
  const r = k8sbm([command, join(repoRoot, 'playbooks', 'site.yml'), '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
  outputs.push(r.stdout, r.stderr);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout.slice(-6000)}${r.stderr}`);
  return r;
}

/** What check mode must leave as it is on a node: its /etc and its package database. */
function nodeState(n: string): string {
  const root = nodeRootPath(lab.lab, n);
  return `${treeHash(join(root, 'etc'))} ${treeHash(join(root, 'var/lib/dpkg'))}`;
}

/** Every call the kubeadm doubles recorded, start records only, in time order; ends carry rc. */
function calls(): { starts: Call[]; ends: Call[] } {
  const all: Call[] = [];
  for (const n of ALL) {
    const f = join(nodeRootPath(lab.lab, n), DOUBLE_LOG);
    if (!existsSync(f)) continue;
    for (const l of readFileSync(f, 'utf8').split('\n').filter(Boolean)) all.push(JSON.parse(l) as Call);
  }
  all.sort((a, b) => a.time - b.time);
  return { starts: all.filter((c) => c.rc === undefined), ends: all.filter((c) => c.rc !== undefined) };
}
/** "HOST TASK [ITEM]" of every task a run reports changed, or a plan predicts changed. */
function changedTasks(stdout: string): string[] {
  return [...new Set(jsonEvents(stdout).filter((e) => e.event === 'task_result' && e.status === 'changed')
    .map((e) => `${String(e.host)} ${String(e.task)}${e.item !== undefined ? ` [${JSON.stringify(e.item)}]` : ''}`))].sort();
}
const isJoin = (c: Call): boolean => c.argv[0] === 'join';
const argOf = (c: Call, name: string): string | undefined => c.argv[c.argv.indexOf(name) + 1];
const endOf = (c: Call, ends: readonly Call[]): Call => {
  const e = ends.find((x) => x.node === c.node && x.time >= c.time && JSON.stringify(x.argv) === JSON.stringify(c.argv));
  assert.ok(e, `no end recorded for ${c.node} ${c.argv.slice(0, 3).join(' ')}`);
  return e;
};

/** The values that must never leave the nodes: every token and certificate key used, admin.conf's key. */
function secretValues(): string[] {
  const out = new Set<string>();
  for (const c of calls().starts) {
    for (const flag of ['--token', '--certificate-key']) { const v = argOf(c, flag); if (c.argv.includes(flag) && v) out.add(v); }
  }
  const admin = readFileSync(join(nodeRootPath(lab.lab, 'node01'), 'etc/kubernetes/admin.conf'), 'utf8');
  out.add(/client-key-data: (\S+)/.exec(admin)![1]!);
  return [...out];
}

/** Every file under dir (the workstation's side of the test), but admin.conf itself. */
function workstationFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).filter((f) => !f.endsWith('admin.conf'));
}

function assertNoSecrets(texts: readonly string[], where: string): void {
  const secrets = secretValues();
  assert.ok(secrets.length >= 8, `expected tokens, keys and admin.conf's key, got ${secrets.length}`);
  for (const s of secrets) for (const t of texts) assert.ok(!t.includes(s), `a secret (${s.slice(0, 4)}...) appears in ${where}`);
}

async function etcdMembers(): Promise<string[]> {
  const out = await kubeadm.onNode('node01', [...ETCDCTL, 'member', 'list', '-w', 'json']);
  return (JSON.parse(out) as { members: { name: string }[] }).members.map((m) => m.name).sort();
}

const track = (r: CliResult): CliResult => { outputs.push(r.stdout, r.stderr); return r; };

/**
 * The double refuses a join as kubeadm would (node03 is reset, so it can try): an unknown token,
 * a wrong certificate key, and uploaded certificates that have expired (uploaded with a TTL of 0).
 */
async function joinsRefusedLikeKubeadm(): Promise<void> {
  const joinCmd = (await kubeadm.onNode('node01', ['kubeadm', 'token', 'create', '--print-join-command'])).trim().split(/\s+/).slice(1);
  const key = (await kubeadm.onNode('node01', ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs'])).trim().split('\n').at(-1)!;
  const cp = ['--control-plane', '--apiserver-advertise-address', lab.nodes[2]!.address];
  const tryJoin = async (args: string[], env = ''): Promise<string> => {
    const r = await labSsh(lab, 'node03', `${env}kubeadm ${args.map((a) => `'${a}'`).join(' ')}`);
    assert.notEqual(r.code, 0, `the join ${args.slice(0, 2).join(' ')} should fail`);
    return r.stderr;
  };
  const token = joinCmd[joinCmd.indexOf('--token') + 1]!;
  const badToken = joinCmd.map((a) => (a === token ? `${token.slice(0, 7)}${'0'.repeat(16)}` : a));
  assert.match(await tryJoin([...badToken, ...cp, '--certificate-key', key]), /is invalid for this cluster or it has expired/);
  const wrongKey = key.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  assert.match(await tryJoin([...joinCmd, ...cp, '--certificate-key', wrongKey]), /error decrypting data/);
  const stale = (await kubeadm.onNode('node01', 'K8SBM_KUBEADM_DOUBLE_CERTS_TTL=0 kubeadm init phase upload-certs --upload-certs')).trim().split('\n').at(-1)!;
  assert.match(await tryJoin([...joinCmd, ...cp, '--certificate-key', stale]), /Secret "kubeadm-certs" was not found/);
  // Nothing of those joins stayed on node03.
  assert.ok(!existsSync(join(nodeRootPath(lab.lab, 'node03'), 'etc/kubernetes/pki/ca.crt')));
}

describe('site.yml on 3 control planes and 2 workers: from fresh nodes to a cluster with stacked etcd behind the VIP', () => {
  const report = join(work, 'report.json');

  let planned: string[];
  it('plan on fresh nodes: the design passes, every role has changes to make, no kubeadm call, nothing changes on a node', () => {
    const states = ALL.map(nodeState);
    const plan = site('plan', 2);
    planned = changedTasks(plan.stdout);
    const design = jsonEvents(plan.stdout).filter((e) => e.event === 'task_result' && String(e.task).startsWith('preflight : '));
    assert.ok(design.length >= ALL.length && design.every((e) => e.status === 'ok'), JSON.stringify(design));
    for (const role of ['base', 'hardening', 'network', 'firewall', 'haproxy', 'keepalived', 'container_runtime', 'kube_packages', 'kubeadm', 'metallb', 'etcd_backup']) {
      assert.ok(planned.some((t) => t.split(' ')[1] === role), `the plan has no change of the ${role} role`);
    }
    assert.ok(planned.includes('node01 kubeadm : the cluster initialised on the first control plane'), planned.join('\n'));
    assert.deepEqual(calls().starts, [], 'no kubeadm call in check mode');
    assert.deepEqual(ALL.map(nodeState), states, 'a node changed in check mode');
    assert.ok(!existsSync(join(work, '.k8sbm', 'admin.conf')));
  });

  it('first run: exactly the planned changes; init once, control planes joined one at a time with a fresh certificate key each, then the workers in parallel', () => {
    const run = site('run', 0, ['--report', report]);
    outputs.push(readFileSync(report, 'utf8'));
    assert.ok(Object.values(recapOf(run.stdout)).every((c) => (c.failed ?? 0) === 0));
    // The plan on fresh nodes predicted, task by task, what the run changed.
    const changed = changedTasks(run.stdout);
    assert.deepEqual({ unpredicted: changed.filter((t) => !planned.includes(t)), predictedNotDone: planned.filter((t) => !changed.includes(t)) },
      { unpredicted: [], predictedNotDone: [] });
    assert.ok(changed.length > 100, `${changed.length} changes`);
    const { starts, ends } = calls();
    const inits = starts.filter((c) => c.argv[0] === 'init' && c.argv[1] !== 'phase');
    assert.deepEqual(inits.map((c) => c.node), ['node01'], 'kubeadm init runs once, on the first control plane');
    assert.ok(inits[0]!.argv.includes('--upload-certs'));

    const cpJoins = starts.filter((c) => isJoin(c) && c.argv.includes('--control-plane'));
    assert.deepEqual(cpJoins.map((c) => c.node), ['node02', 'node03']);
    assert.deepEqual(cpJoins.map((c) => endOf(c, ends).rc), [0, 0]);
    // One at a time: each control-plane join starts after the previous one ended, and after a
    // fresh upload-certs on node01 that came after that end.
    const uploads = starts.filter((c) => c.node === 'node01' && c.argv.slice(0, 3).join(' ') === 'init phase upload-certs');
    assert.equal(uploads.length, 2, 'one upload-certs per control-plane join');
    let previousEnd = endOf(inits[0]!, ends).time;
    for (const j of cpJoins) {
      assert.ok(j.time > previousEnd, `${j.node}'s join started before the previous step ended`);
      assert.ok(uploads.some((u) => u.time > previousEnd && u.time < j.time), `no fresh upload-certs right before ${j.node}'s join`);
      previousEnd = endOf(j, ends).time;
    }
    const keys = cpJoins.map((c) => argOf(c, '--certificate-key'));
    assert.notEqual(keys[0], keys[1], 'each control-plane join has its own certificate key');
    const tokens = starts.filter(isJoin).map((c) => argOf(c, '--token'));
    assert.equal(new Set(tokens.slice(0, 2)).size, 2, 'each control-plane join has its own token');
    // Workers join after the control planes, without --control-plane, in parallel (both started
    // before either ended).
    const workerJoins = starts.filter((c) => isJoin(c) && !c.argv.includes('--control-plane'));
    assert.deepEqual(workerJoins.map((c) => c.node).sort(), WORKERS);
    for (const w of workerJoins) { assert.equal(endOf(w, ends).rc, 0); assert.ok(w.time > previousEnd); }
    assert.ok(Math.max(...workerJoins.map((w) => w.time)) < Math.min(...workerJoins.map((w) => endOf(w, ends).time)), 'the workers join in parallel');
    // A token per batch: each control plane its own (serial 1), the workers one between them.
    assert.equal(new Set(workerJoins.map((c) => argOf(c, '--token'))).size, 1, 'the workers join with one token');
    assert.ok(!tokens.slice(0, 2).includes(argOf(workerJoins[0]!, '--token')), 'not a control plane\'s');
    const creates = starts.filter((c) => c.node === 'node01' && c.argv.slice(0, 2).join(' ') === 'token create');
    assert.equal(creates.length, 3, 'one token create per control-plane join and one for the workers');
  });

  it('a real 3-member etcd cluster is healthy, the API answers through the VIP, kubeadm is the packaged one', async () => {
    assert.deepEqual(await etcdMembers(), CPS);
    // etcdctl prints its health report on stderr.
    const health = await kubeadm.onNode('node01', `${ETCDCTL.join(' ')} endpoint health --cluster 2>&1`);
    assert.equal((health.match(/is healthy/g) ?? []).length, 3, health);
    assert.equal((await kubeadm.onNode('node04', ['curl', '-sk', '--max-time', '5', `https://${vip}:8443/healthz`])).trim(), 'ok');
    const image = await kubeadm.onNode('node02', ['grep', 'image:', '/etc/kubernetes/manifests/kube-apiserver.yaml']);
    assert.match(image, /registry\.k8s\.io\/kube-apiserver:v1\.31\.4/);
    for (const n of WORKERS) await kubeadm.onNode(n, ['test', '-s', '/etc/kubernetes/kubelet.conf']);
    assert.match(await kubeadm.onNode('node05', ['dpkg', '-S', '/usr/bin/kubeadm']), /^kubeadm: \/usr\/bin\/kubeadm$/m);
    assert.match(await kubeadm.onNode('node05', ['apt-mark', 'showhold']), /^kubeadm\nkubectl\nkubelet$/m);
  });

  it('admin.conf is on the workstation: mode 0600, its server the VIP endpoint', () => {
    const file = join(work, '.k8sbm', 'admin.conf');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), new RegExp(`server: https://${vip.replace(/\./g, '\\.')}:8443\\n`));
  });

  it('second run changes nothing and calls no kubeadm command that writes; plan exits 0', () => {
    const before = calls().starts.length;
    const again = site('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    const later = calls().starts.slice(before).map((c) => c.argv.join(' '));
    assert.deepEqual(later.filter((a) => !/^version\b/.test(a)), [], 'only read-only kubeadm calls');
    site('plan', 0);
  });

  it('API certificate drift: a name asked for and missing is shown by plan and put in by run', async () => {
    const extra = ['-e', '{"kubeadm_cert_sans": ["api.lab.example"]}'];
    track(kubeadm.cli('plan', 2, { extra }));
    track(kubeadm.cli('run', 0, { extra }));
    for (const n of CPS) assert.match(await kubeadm.onNode(n, ['openssl', 'x509', '-in', '/etc/kubernetes/pki/apiserver.crt', '-noout', '-ext', 'subjectAltName']), /DNS:api\.lab\.example/);
    track(kubeadm.cli('plan', 0, { extra }));
  });

  // playbooks/upgrade.yml to 1.32.0 on this cluster (upgrade-scenario.ts): it reuses the lab.
  upgradeScenario({ lab: () => lab, work, track, nodeState, cps: CPS, workers: WORKERS });

  it('reset.yml undoes a control plane and a worker (etcd member removed); site.yml joins them again, node03 reset and retried after a failed join (-vv)', async () => {
    const resetArgs = ['run', join(repoRoot, 'playbooks', 'reset.yml'), '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '-l', 'node03,node05'];
    const refused = track(k8sbm(resetArgs, work));
    assert.ok(refused.code !== 0 && refused.code !== 2, 'no reset without the confirmation');
    assert.deepEqual(await etcdMembers(), CPS);
    const r = track(k8sbm([...resetArgs, '-e', 'reset_confirm=node03,node05'], work));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await etcdMembers(), ['node01', 'node02']);
    assert.ok(!existsSync(join(nodeRootPath(lab.lab, 'node05'), 'etc/kubernetes/kubelet.conf')));
    // plan sees the nodes that are no longer members: their joins are changes to make.
    const drift = track(kubeadm.cli('plan', 2));
    // (join.yml is imported for control planes and for workers: a host has a line of each.)
    const joinsPlanned = jsonEvents(drift.stdout).filter((e) => e.event === 'task_result' && e.task === 'kubeadm : join the cluster' && e.status === 'changed');
    assert.deepEqual(joinsPlanned.map((e) => e.host).sort(), ['node03', 'node05']);
    await joinsRefusedLikeKubeadm();
    // node03's next join fails after writing part of its state: the role must reset it and retry.
    mkdirSync(join(nodeRootPath(lab.lab, 'node03'), 'var/lib/kubeadm-double'), { recursive: true });
    writeFileSync(join(nodeRootPath(lab.lab, 'node03'), 'var/lib/kubeadm-double/fail-next-join'), '');
    const before = calls().starts.length;
    const v = track(k8sbm(['run', join(repoRoot, 'playbooks', 'site.yml'), '-i', lab.inventoryFile, '-t', 'kubeadm', '--roles-path', join(repoRoot, 'roles'), '-vv'], work));
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /--token \*\*\*/, 'the join is shown with its token masked');
    const { starts, ends } = calls();
    const joins = starts.slice(before).filter((c) => isJoin(c) && c.node === 'node03');
    assert.deepEqual(joins.map((c) => endOf(c, ends).rc), [1, 0], 'node03: a failed join, then one that succeeds');
    const reset = starts.slice(before).find((c) => c.node === 'node03' && c.argv[0] === 'reset');
    assert.ok(reset && reset.time > endOf(joins[0]!, ends).time && reset.time < joins[1]!.time, 'node03 reset between its two joins');
    assert.deepEqual(await etcdMembers(), CPS);
    await kubeadm.onNode('node05', ['test', '-s', '/etc/kubernetes/kubelet.conf']);
  });

  it('no token, certificate key or admin.conf key in any output, report, or file on the workstation', () => {
    assertNoSecrets(outputs, 'the output of a run (--json, -vv, --report, stderr)');
    assertNoSecrets(workstationFiles(work).map((f) => readFileSync(f, 'latin1')), 'a file on the workstation');
  });
});
