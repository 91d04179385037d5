/**
 * playbooks/upgrade.yml on the site test's cluster (3 control planes, 2 workers, 1.31.4), to
 * 1.32.0: the lab's package repository has both releases. kubeadm.test.ts calls this inside its
 * describe, once the cluster is built, so the upgrade reuses that lab instead of building one.
 *
 * Real: apt moving the pinned, held packages to the v1.32 repository; the etcd members (Debian's
 * etcd) the gates read with etcdctl, one of them stopped (SIGSTOP) for real; TLS to the API double
 * through the VIP and haproxy, verified with the cluster's CA; the engine's gates, serial batches,
 * rescue. TEST DOUBLES: kubeadm (upgrade plan|apply|node rewrite the static pod manifests and
 * restart the API server double), kubectl (drain, cordon, uncordon, get node; a stuck pod told to
 * block a drain) and the kubelet (it reports its version on its port). Their records give the
 * order: the kubectl journal on node01, each node's kubeadm and kubelet logs, dpkg's log.
 *
 * In order: bad input refused before anything is sent; plan (byte-identical nodes, the
 * read-only gates run); a run where node01 is upgraded and node02's drain fails (node02
 * uncordoned, the rollout stops, node03 and the workers untouched); node03's etcd member stopped,
 * so the gate before node02's batch stops the rollout; etcd restored, the rerun completes (order
 * asserted over the three runs); a second run changes nothing, kubeadm's plan is up to date,
 * plan exits 0.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, type CliResult } from '../../helpers/cli.js';
import { labSsh, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';

export interface UpgradeContext {
  readonly lab: () => TestLab;
  readonly work: string;
  /** Keeps an output for the test's secret scan. */
  readonly track: (r: CliResult) => CliResult;
  /** A hash of what check mode must leave as it is on a node (its /etc and package database). */
  readonly nodeState: (node: string) => string;
  readonly cps: readonly string[];
  readonly workers: readonly string[];
}

const TARGET = '1.32.0';

/** One thing that happened to a node, from the doubles' records; `lo`..`hi` is when (dpkg's log has seconds). */
interface Step { node: string; what: string; lo: number; hi: number }

export function upgradeScenario(ctx: UpgradeContext): void {
  const all = [...ctx.cps, ...ctx.workers];
  const root = (n: string): string => nodeRootPath(ctx.lab().lab, n);
  const lines = (n: string, file: string): string[] => {
    const f = join(root(n), file);
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
  };
  const upgrade = (command: 'run' | 'plan', extra: readonly string[] = [], target = TARGET): CliResult =>
    ctx.track(k8sbm([command, join(repoRoot, 'playbooks', 'upgrade.yml'), '-i', ctx.lab().inventoryFile, '--roles-path', join(repoRoot, 'roles'),
      '--json', '-e', `kubernetes_version=${target}`, ...extra], ctx.work));
  const expectCode = (r: CliResult, code: number, what: string): void =>
    assert.equal(r.code, code, `${what} exited ${r.code}, expected ${code}\n${r.stdout.slice(-5000)}${r.stderr}`);

  /** Every step of the upgrade the doubles and dpkg recorded, since `since` (seconds), in time order. */
  const steps = (since: number): Step[] => {
    const out: Step[] = [];
    const at = (node: string, what: string, t: number): void => { if (t >= since) out.push({ node, what, lo: t, hi: t }); };
    for (const l of lines('node01', 'var/log/kubectl-double.journal')) {
      const e = JSON.parse(l) as { verb: string; node?: string; dryRun?: boolean; rc: number; time: number };
      if (e.node && ['drain', 'uncordon', 'cordon'].includes(e.verb)) at(e.node, `${e.verb}${e.dryRun ? ' (dry run)' : ''}${e.rc ? ' failed' : ''}`, e.time);
    }
    for (const n of all) {
      for (const l of lines(n, 'var/log/kubeadm-double.log')) {
        const c = JSON.parse(l) as { argv: string[]; rc?: number; time: number };
        if (c.argv[0] === 'upgrade' && c.rc === undefined) at(n, `kubeadm upgrade ${c.argv[1]}`, c.time);
      }
      for (const l of lines(n, 'var/log/kubelet-double.log')) {
        const k = JSON.parse(l) as { argv: string[]; version: string; time: number; stopped?: boolean };
        if (k.stopped) at(n, 'kubelet stopped', k.time);
        else if (!k.argv.includes('--version') && k.version === `v${TARGET}`) at(n, `kubelet v${TARGET} started`, k.time);
      }
      for (const l of lines(n, 'var/log/dpkg.log')) {
        const m = /^(\S+ \S+) status installed (kubeadm|kubelet):all (\S+)$/.exec(l);
        if (!m || m[3] !== `${TARGET}-1.1`) continue;
        const t = new Date(m[1]!.replace(' ', 'T')).getTime() / 1000;
        const what = `${m[2]} package ${TARGET}`;
        // dpkg may say "installed" twice for one install (triggers): once is the step.
        if (t + 1 >= since && !out.some((s) => s.node === n && s.what === what)) out.push({ node: n, what, lo: t, hi: t + 1 });
      }
    }
    return out.sort((a, b) => a.lo - b.lo);
  };
  /**
   * The node's steps, in an order consistent with their times (a dpkg second may hold several).
   * The kubelet's restart is its stop (the init script waits for it); the new kubelet starts in
   * the background, after that stop, and says so when it is up, which may be after the uncordon.
   */
  const stepsOf = (all: readonly Step[], node: string, expected: readonly string[]): Step[] => {
    const mine = all.filter((s) => s.node === node);
    const restarted = expected.includes('kubelet stopped');
    assert.deepEqual([...mine.map((s) => s.what)].sort(), [...expected, ...(restarted ? [`kubelet v${TARGET} started`] : [])].sort(), `${node}'s steps: ${JSON.stringify(mine)}`);
    if (restarted) {
      const [stop, start] = ['kubelet stopped', `kubelet v${TARGET} started`].map((w) => mine.find((s) => s.what === w)!);
      assert.ok(start!.lo >= stop!.lo, `${node}: the new kubelet started before the old one stopped`);
    }
    const ordered = expected.map((w) => mine.find((s) => s.what === w)!);
    for (let i = 1; i < ordered.length; i++) {
      assert.ok(ordered[i - 1]!.lo <= ordered[i]!.hi, `${node}: "${ordered[i - 1]!.what}" came after "${ordered[i]!.what}"`);
    }
    return ordered;
  };
  const fullSteps = (cp: 'apply' | 'node' | 'worker'): string[] => [
    'drain (dry run)', ...(cp === 'apply' ? ['kubeadm upgrade plan'] : []), 'drain', `kubeadm upgrade ${cp === 'apply' ? 'apply' : 'node'}`,
    `kubelet package ${TARGET}`, 'kubelet stopped', 'uncordon'];

  const apiserverImage = (n: string): string => /image: (\S+)/.exec(readFileSync(join(root(n), 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8'))![1]!;
  const nodeOf = async (n: string): Promise<{ unschedulable: boolean; ready: string; kubelet: string }> => {
    const r = await labSsh(ctx.lab(), 'node01', ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', 'get', 'node', n, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { spec: { unschedulable?: boolean }; status: { conditions: { type: string; status: string }[]; nodeInfo: { kubeletVersion: string } } };
    return { unschedulable: o.spec.unschedulable === true, ready: o.status.conditions.find((c) => c.type === 'Ready')!.status, kubelet: o.status.nodeInfo.kubeletVersion };
  };
  const versions = (n: string): string => {
    const status = readFileSync(join(root(n), 'var/lib/dpkg/status'), 'utf8');
    return ['kubeadm', 'kubelet', 'kubectl'].map((p) => `${p}=${new RegExp(`^Package: ${p}\\n(?:.+\\n)*?Version: (\\S+)`, 'm').exec(status)?.[1]}`).join(' ');
  };
  const etcdPid = (n: string): string => readFileSync(join(root(n), 'var/lib/kubeadm-double/etcd.pid'), 'utf8').trim();
  const drainSwitch = (): string => join(root('node01'), 'var/lib/kubectl-double/drain/stuck-node02');
  const changedHosts = (r: CliResult): string[] => Object.entries(recapOf(r.stdout)).filter(([, c]) => (c.changed ?? 0) > 0).map(([h]) => h).sort();

  let started = 0;

  it('upgrade.yml refuses bad input before anything is sent: a skipped minor version, an older patch version, no full version', () => {
    const before = all.map(ctx.nodeState);
    const skip = upgrade('run', [], '1.33.0');
    expectCode(skip, 1, 'a skipped minor');
    assert.match(skip.stdout + skip.stderr, /K8SBM_DESIGN_INVALID[\s\S]*upgrade_skip: node01 runs Kubernetes 1\.31\.4 \(its kube-apiserver manifest\) and kubernetes_version asks for 1\.33\.0/);
    const older = upgrade('run', [], '1.31.2');
    expectCode(older, 1, 'an older patch version');
    assert.match(older.stdout, /node01 runs Kubernetes 1\.31\.4 and kubernetes_version asks for 1\.31\.2: kubeadm does not downgrade/);
    const partial = upgrade('run', [], '1.32');
    expectCode(partial, 1, 'not a full version');
    assert.match(partial.stdout, /give the version to upgrade to as a full version/);
    for (const r of [older, partial]) {
      assert.deepEqual(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed'), [], 'nothing changed');
      assert.ok(Object.values(recapOf(r.stdout)).every((c) => (c.failed ?? 0) === 1), 'every host failed, so none goes further');
    }
    assert.deepEqual(all.map(ctx.nodeState), before, 'a node changed');
  });

  it('upgrade.yml plan: every node to upgrade, the read-only gates run, nodes byte-identical', () => {
    const before = all.map(ctx.nodeState);
    started = Date.now() / 1000;
    const plan = upgrade('plan');
    expectCode(plan, 2, 'plan');
    assert.deepEqual(changedHosts(plan), all);
    const gates = jsonEvents(plan.stdout).filter((e) => e.event === 'task_result' && e.gate !== undefined && e.status === 'ok').map((e) => String(e.task));
    assert.ok(gates.includes('gate before batch 1/3: drain possible (server dry run)'), gates.join('\n'));
    assert.ok(gates.includes('gate before batch 2/2: etcd members all there and healthy'), gates.join('\n'));
    assert.deepEqual(all.map(ctx.nodeState), before, 'a node changed in check mode');
    assert.deepEqual(steps(started).filter((s) => !s.what.endsWith('(dry run)')), [], 'only drain dry runs in check mode');
  });

  it('run: node01 upgraded; node02\'s drain fails, node02 is uncordoned and the rollout stops; node03 and the workers untouched', async () => {
    mkdirSync(join(root('node01'), 'var/lib/kubectl-double/drain'), { recursive: true });
    writeFileSync(drainSwitch(), '');
    try {
      started = Date.now() / 1000;
      const r = upgrade('run', ['-e', 'upgrade_drain_timeout=3']);
      expectCode(r, 1, 'the run with a drain that fails');
      assert.match(r.stdout, /the upgrade of node02 to v1\.32\.0 failed \(see the failed task above\); the node is uncordoned and the rollout stops here/);
      assert.match(r.stdout, /error when waiting for pod \\"stuck-node02\\" in namespace \\"default\\" to terminate: global timeout reached: 3s/);
      const s = steps(started);
      stepsOf(s, 'node01', ['kubeadm package 1.32.0', ...fullSteps('apply')]);
      stepsOf(s, 'node02', ['kubeadm package 1.32.0', 'drain (dry run)', 'drain failed', 'uncordon']);
      for (const n of ['node03', ...ctx.workers]) stepsOf(s, n, ['kubeadm package 1.32.0']);
      assert.deepEqual(await nodeOf('node02'), { unschedulable: false, ready: 'True', kubelet: 'v1.31.4' }, 'node02 is uncordoned, not upgraded');
      assert.deepEqual(await nodeOf('node01'), { unschedulable: false, ready: 'True', kubelet: 'v1.32.0' });
      assert.equal(apiserverImage('node01'), 'registry.k8s.io/kube-apiserver:v1.32.0');
      for (const n of ['node02', 'node03']) assert.equal(apiserverImage(n), 'registry.k8s.io/kube-apiserver:v1.31.4');
      for (const n of ['node03', ...ctx.workers]) assert.equal(versions(n), 'kubeadm=1.32.0-1.1 kubelet=1.31.4-1.1 kubectl=1.31.4-1.1');
    } finally {
      rmSync(drainSwitch(), { force: true });
    }
  });

  it('an etcd member stopped: the gate before node02\'s batch stops the rollout, the recap says so, node02 and node03 untouched', async () => {
    // etcd.pid is etcd's, or the static pod runner's that starts it: then etcd is its child.
    const runner = etcdPid('node03');
    const child = (await labSsh(ctx.lab(), 'node03', ['pgrep', '-P', runner])).stdout.trim().split('\n').filter(Boolean);
    const pid = child.length === 1 ? child[0]! : runner;
    assert.equal((await labSsh(ctx.lab(), 'node03', ['kill', '-STOP', pid])).code, 0);
    try {
      started = Date.now() / 1000;
      // The terminal's output (its recap says ROLLOUT STOPPED), with the JSON events in a report.
      const report = join(ctx.work, 'upgrade-stopped.json');
      const r = ctx.track(k8sbm(['run', join(repoRoot, 'playbooks', 'upgrade.yml'), '-i', ctx.lab().inventoryFile, '--roles-path', join(repoRoot, 'roles'),
        '-e', `kubernetes_version=${TARGET}`, '--report', report], ctx.work));
      expectCode(r, 1, 'the run with an etcd member stopped');
      assert.match(r.stdout, /ROLLOUT STOPPED before batch 2\/3 of play "Upgrade the control planes, one at a time"\n {2}gate "etcd members all there and healthy" \(\S*upgrade\.yml:\d+\) failed on node02 \(checked on node01\)\n[\s\S]*not started on: node02, node03/);
      const events = ctx.track({ code: 0, stdout: readFileSync(report, 'utf8'), stderr: '' });
      const recap = jsonEvents(events.stdout).find((e) => e.event === 'recap') as { stopped?: Record<string, unknown> };
      assert.deepEqual({ ...recap.stopped, msg: undefined, file: undefined, line: undefined, code: undefined }, {
        play: 'Upgrade the control planes, one at a time', phase: 'before', batch: 2, batches: 3, name: 'etcd members all there and healthy',
        host: 'node02', delegatedTo: 'node01', untouched: ['node02', 'node03'], msg: undefined, file: undefined, line: undefined, code: undefined,
      });
      assert.deepEqual(steps(started), [], 'nothing done to any node');
      for (const n of ['node02', 'node03']) assert.equal(apiserverImage(n), 'registry.k8s.io/kube-apiserver:v1.31.4');
    } finally {
      await labSsh(ctx.lab(), 'node03', ['kill', '-CONT', pid]);
    }
  });

  it('etcd restored, the rerun completes: node02 and node03 with upgrade node, one at a time, then the workers one batch each', async () => {
    started = Date.now() / 1000;
    const r = upgrade('run');
    expectCode(r, 0, 'the rerun');
    assert.deepEqual(changedHosts(r), ['node02', 'node03', ...ctx.workers]);
    assert.match(jsonEvents(r.stdout).filter((e) => e.event === 'task_result' && e.host === 'node01').map((e) => String(e.msg)).join('\n'),
      /node01 runs v1\.32\.0 already \(kubelet v1\.32\.0, kube-apiserver v1\.32\.0\): nothing to do/);
    const s = steps(started);
    let previousEnd = 0;
    for (const n of ['node02', 'node03', ...ctx.workers]) {
      const mine = stepsOf(s, n, fullSteps(ctx.cps.includes(n) ? 'node' : 'worker'));
      assert.ok(mine[0]!.lo > previousEnd, `${n} started before the previous batch ended`);
      previousEnd = mine.at(-1)!.hi;
    }
    for (const n of all) {
      assert.deepEqual(await nodeOf(n), { unschedulable: false, ready: 'True', kubelet: 'v1.32.0' });
      assert.equal(versions(n), 'kubeadm=1.32.0-1.1 kubelet=1.32.0-1.1 kubectl=1.32.0-1.1');
    }
    for (const n of ctx.cps) assert.equal(apiserverImage(n), 'registry.k8s.io/kube-apiserver:v1.32.0');
  });

  it('second run: changed=0 and no drain or kubeadm call; kubeadm upgrade plan is up to date; plan exits 0', async () => {
    started = Date.now() / 1000;
    const r = upgrade('run');
    expectCode(r, 0, 'the second run');
    for (const [h, c] of Object.entries(recapOf(r.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    expectCode(upgrade('plan'), 0, 'plan after the upgrade');
    assert.deepEqual(steps(started), []);
    const plan = await labSsh(ctx.lab(), 'node01', ['kubeadm', 'upgrade', 'plan']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Cluster version: v1\.32\.0[\s\S]*you're up-to-date/);
  });
}
