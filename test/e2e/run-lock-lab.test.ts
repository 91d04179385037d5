/**
 * The run lock on lab nodes, through the CLI: a second run against a host the first one holds
 * fails that host with K8SBM_HOST_LOCKED (the other hosts go on), plan only warns and leaves the
 * node byte-identical, the lease is gone after the run, a stale lease is reported with the unlock
 * hint, and `k8sbm unlock` removes a stale lease (a live one only with --force).
 *
 * The first run is held in the middle of a task that reads a fifo on the node, which the test
 * writes to when it is done looking: no sleeps, no timing in the assertions.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';
import { eventually } from '../helpers/ssh-env.js';

let lab: TestLab;
let n1: string;
let n2: string;
const held = new Set<ReturnType<typeof spawn>>();

before(async () => {
  lab = await startLab({ name: 'runlock', nodes: 2 });
  n1 = lab.nodes[0]!.name;
  n2 = lab.nodes[1]!.name;
  for (const n of [n1, n2]) {
    const r = await labSsh(lab, n, 'mkdir -p /var/tmp/lockt /var/tmp/lockwait && mkfifo /var/tmp/lockwait/go && echo made');
    assert.equal(r.stdout.trim(), 'made', r.stderr);
  }
});
after(async () => {
  for (const c of held) c.kill('SIGKILL');
  await lab?.down();
});

const me = `${userInfo().username}@${hostname()}`;
const onNode = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$|node:internal|K8SBM_INTERNAL/m;

const files = {
  // The first run writes its line, then waits in a task until the test writes to the fifo.
  'first.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: first line
      lineinfile: { path: /var/tmp/lockt/shared.conf, line: first, create: true }
    - name: wait for the test
      shell: "echo started > /var/tmp/lockt/ready && cat /var/tmp/lockwait/go"
`,
  'second.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: second line
      lineinfile: { path: /var/tmp/lockt/shared.conf, line: second, create: true }
`,
};

/** Starts `k8sbm run first.yml -l NODE` and waits until it is inside its waiting task. */
async function holdRun(dir: string, node: string): Promise<{ release: () => Promise<CliResult>; stop: (sig: NodeJS.Signals) => Promise<CliResult> }> {
  await labSsh(lab, node, 'rm -f /var/tmp/lockt/ready');
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), 'run', 'first.yml', ...base(), '-l', node, '--json'], {
    cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  held.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => { held.delete(child); resolve(code ?? -1); }));
  await eventually(() => existsSync(onNode(node, 'var/tmp/lockt/ready')) || child.exitCode !== null, 'the first run to reach its waiting task', 60_000);
  assert.equal(child.exitCode, null, `the first run ended early: ${stdout}${stderr}`);
  return {
    async release() {
      const w = await labSsh(lab, node, 'echo go > /var/tmp/lockwait/go');
      assert.equal(w.code, 0, w.stderr);
      return { code: await exited, stdout, stderr };
    },
    async stop(sig) {
      child.kill(sig);
      return { code: await exited, stdout, stderr };
    },
  };
}

/** Everything a run or plan could write on the node, hashed (the fifo's folder is left out: reading a fifo blocks). */
function nodeState(node: string): string {
  return ['etc', 'run/k8sbm', 'var/lib/k8sbm', 'var/tmp/lockt']
    .map((p) => (existsSync(onNode(node, p)) ? `${p}:${treeHash(onNode(node, p))}` : `${p}:-`)).join(' ');
}

function lockFailure(r: CliResult, node: string): Record<string, unknown> {
  const e = jsonEvents(r.stdout).find((x) => x.event === 'task_result' && x.host === node && x.task === 'run lock');
  assert.ok(e, `no run lock failure for ${node}:\n${r.stdout}${r.stderr}`);
  return e;
}

describe('the run lock on lab nodes', () => {
  it('a second run fails the host the first one holds, plan warns and changes nothing, and the lease goes with the run', async () => {
    const dir = writeTree(files);
    const first = await holdRun(dir, n1);

    const lease = onNode(n1, 'run/k8sbm/lock');
    const text = readFileSync(lease, 'utf8');
    assert.match(text, new RegExp(`^owner=${me.replace(/[.]/g, '\\.')}\\npid=\\d+\\nrun=[0-9a-f]{12}\\ncommand=run first\\.yml\\nstarted=\\d+\\nboot=`));
    assert.equal(statSync(lease).mode & 0o777, 0o600);
    assert.equal(statSync(lease).uid, 0);

    const second = k8sbm(['run', 'second.yml', ...base(), '--json'], dir);
    assert.equal(second.code, 1, second.stdout + second.stderr);
    const refused = lockFailure(second, n1);
    assert.equal(refused.code, 'K8SBM_HOST_LOCKED');
    assert.match(String(refused.msg), new RegExp(`${n1} is locked by a run \\(run first\\.yml\\) by ${me.replace(/[.]/g, '\\.')} \\(pid \\d+, run id [0-9a-f]{12}\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z`));
    assert.match(String(refused.hint), /wait for that run to end/);
    const recap = recapOf(second.stdout);
    assert.deepEqual([recap[n1]!.failed, recap[n2]!.failed, recap[n2]!.changed], [1, 0, 1], 'the other host went on');
    assert.equal(readFileSync(onNode(n1, 'var/tmp/lockt/shared.conf'), 'utf8'), 'first\n', 'the second run wrote nothing on the held host');
    assert.equal(readFileSync(lease, 'utf8'), text, 'nor touched its lease');

    const pretty = k8sbm(['run', 'second.yml', ...base(), '-l', n1], dir);
    assert.equal(pretty.code, 1);
    assert.match(pretty.stdout, new RegExp(`failed: \\[${n1}\\] => K8SBM_HOST_LOCKED: ${n1} is locked by`));
    assert.match(pretty.stdout, /\n {4}hint: wait for that run to end/);
    assert.doesNotMatch(pretty.stdout + pretty.stderr, STACK_FRAME);

    const before = nodeState(n1);
    const plan = k8sbm(['plan', 'second.yml', ...base(), '-l', n1, '--json'], dir);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    const warnings = jsonEvents(plan.stdout).filter((e) => e.event === 'warning').map((e) => String(e.msg));
    assert.ok(warnings.some((w) => w.startsWith(`${n1}: a run (run first.yml) by ${me}`) && w.includes(`is in progress on ${n1}`)), warnings.join('\n'));
    assert.equal(nodeState(n1), before, 'plan changed the node');

    const check = k8sbm(['exec', n1, ...base(), '-m', 'lineinfile', '-a', 'path=/var/tmp/lockt/shared.conf line=x', '--check'], dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /\[WARNING\]: .* is in progress on/);
    const shell = k8sbm(['exec', n1, ...base(), '--', 'cat', '/var/tmp/lockt/shared.conf'], dir);
    assert.equal(shell.code, 0, 'exec runs its command during a run');
    assert.match(shell.stderr, new RegExp(`\\[WARNING\\]: ${n1}: a run \\(run first\\.yml\\) by .* is in progress on ${n1}`));
    assert.equal(nodeState(n1), before, 'exec --check and a reading command changed the node');

    const unlock = k8sbm(['unlock', n1, ...base()], dir);
    assert.equal(unlock.code, 1);
    assert.match(unlock.stderr, new RegExp(`${n1}: K8SBM_HOST_LOCKED: a run \\(run first\\.yml\\) by .* holds the lease, live .*: not removed\\n  hint: .*--force`));
    assert.ok(existsSync(lease));

    const done = await first.release();
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.equal(existsSync(lease), false, 'the lease is gone after the run');
    assert.equal(k8sbm(['run', 'second.yml', ...base(), '-l', n1], dir).code, 0);
    assert.equal(readFileSync(onNode(n1, 'var/tmp/lockt/shared.conf'), 'utf8'), 'first\nsecond\n');
  });

  it('a stale lease is reported with the unlock hint; unlock removes it, and --force a live one', async () => {
    const dir = writeTree(files);
    const stale = await labSsh(lab, n2, "mkdir -p /run/k8sbm && printf 'owner=ghost@gone\\npid=1\\nrun=0badc0de\\ncommand=run old.yml\\nstarted=1000000000\\n' > /run/k8sbm/lock && touch -d @1000000000 /run/k8sbm/lock && echo ok");
    assert.equal(stale.stdout.trim(), 'ok', stale.stderr);
    const refused = k8sbm(['run', 'second.yml', ...base(), '-l', n2, '--json'], dir);
    assert.equal(refused.code, 1);
    const e = lockFailure(refused, n2);
    assert.match(String(e.msg), /by ghost@gone \(pid 1, run id 0badc0de\) since 2001-09-09T01:46:40Z, and the lease is stale: no heartbeat for \d+ days/);
    assert.match(String(e.hint), new RegExp(`\`k8sbm unlock ${n2}\``));
    assert.ok(existsSync(onNode(n2, 'run/k8sbm/lock')), 'a run never breaks a stale lease');

    const unlock = k8sbm(['unlock', n2, ...base()], dir);
    assert.equal(unlock.code, 0, unlock.stdout + unlock.stderr);
    assert.match(unlock.stdout, new RegExp(`^${n2}: removed the stale lease of a run \\(run old\\.yml\\) by ghost@gone .*\\(no heartbeat for \\d+ days\\)$`, 'm'));
    assert.equal(existsSync(onNode(n2, 'run/k8sbm/lock')), false);
    assert.match(k8sbm(['unlock', n2, ...base()], dir).stdout, new RegExp(`^${n2}: no run lock$`, 'm'));
    assert.equal(k8sbm(['run', 'second.yml', ...base(), '-l', n2], dir).code, 0);

    const first = await holdRun(dir, n1);
    const forced = k8sbm(['unlock', n1, ...base(), '--force'], dir);
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.match(forced.stdout, new RegExp(`^${n1}: removed the lease of a run \\(run first\\.yml\\) .*, live \\(heartbeat \\d+s ago\\), as --force asked`, 'm'));
    const done = await first.release();
    assert.equal(done.code, 0, done.stdout + done.stderr);
    const warnings = jsonEvents(done.stdout).filter((x) => x.event === 'warning').map((x) => String(x.msg));
    assert.ok(warnings.some((w) => w.startsWith(`${n1}: this run's lease was gone before the run ended`)), warnings.join('\n'));
  });
});

describe('a run stopped from outside', () => {
  it('releases its lease on SIGTERM before it exits', async () => {
    const dir = writeTree(files);
    const first = await holdRun(dir, n1);
    assert.ok(existsSync(onNode(n1, 'run/k8sbm/lock')));
    const stopped = await first.stop('SIGTERM');
    assert.equal(stopped.code, 143, stopped.stdout + stopped.stderr);
    assert.equal(existsSync(onNode(n1, 'run/k8sbm/lock')), false, `the lease went with the run:\n${stopped.stdout}${stopped.stderr}`);
    // The commands were stopped before the lease was released: nothing reads the fifo any more.
    const left = await labSsh(lab, n1, "pgrep -f 'cat /var/tmp/lockwait/[g]o' || echo none");
    assert.equal(left.stdout.trim(), 'none');
  });
});

describe('handlers across a failed run, on a lab node', () => {
  const site = `- hosts: all
  gather_facts: false
  handlers:
    - name: restart app
      shell: "echo restarted >> /var/tmp/lockh/restarts"
  tasks:
    - name: app folder
      file: { path: /var/tmp/lockh, state: directory }
    - name: configure app
      copy: { dest: /var/tmp/lockh/app.conf, content: "v=1\\n" }
      notify: restart app
    - name: a later step
      fail: { msg: broken on purpose }
      when: break_it | default(false) | bool
`;

  it('the notification is journaled on the node, the next run runs the handler and clears it, the one after changes nothing', () => {
    const dir = writeTree({ 'site.yml': site });
    const args = ['run', 'site.yml', ...base(), '-l', n2, '--json'];
    const journal = onNode(n2, 'var/lib/k8sbm/handlers');
    const restarts = onNode(n2, 'var/tmp/lockh/restarts');

    const failed = k8sbm([...args, '-e', 'break_it=true'], dir);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.equal(existsSync(restarts), false, 'the handler did not run');
    const entry = JSON.parse(readFileSync(journal, 'utf8')) as Record<string, string>;
    assert.deepEqual([entry.handler, entry.by], ['restart app', me]);
    assert.match(entry.run!, /^[0-9a-f]{12}$/);
    assert.equal(statSync(journal).mode & 0o777, 0o600);

    const before = nodeState(n2);
    const plan = k8sbm(['plan', 'site.yml', ...base(), '-l', n2, '--json'], dir);
    assert.notEqual(plan.code, 1, plan.stdout + plan.stderr);
    const planned = jsonEvents(plan.stdout);
    assert.ok(planned.some((x) => x.event === 'warning' && String(x.msg).includes(`handler "restart app" is pending from an earlier run (run id ${entry.run}`) && String(x.msg).includes('would run')));
    assert.ok(planned.some((x) => x.event === 'task_result' && x.task === 'restart app'), 'check mode shows the handler');
    assert.equal(nodeState(n2), before, 'check mode changed the node');

    const second = k8sbm(args, dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const events = jsonEvents(second.stdout);
    assert.ok(events.some((x) => x.event === 'warning' && String(x.msg).startsWith(`${n2}: handler "restart app" is pending from an earlier run (run id ${entry.run}, ${entry.at}`)));
    assert.deepEqual(events.filter((x) => x.event === 'task_result').map((x) => `${x.task} ${x.status}`), ['app folder ok', 'configure app ok', 'a later step skipped', 'restart app changed']);
    assert.equal(readFileSync(restarts, 'utf8'), 'restarted\n');
    assert.equal(existsSync(journal), false, 'the entry went once the handler ran');

    const third = k8sbm(args, dir);
    assert.equal(third.code, 0);
    assert.equal(recapOf(third.stdout)[n2]!.changed, 0);
    assert.equal(readFileSync(restarts, 'utf8'), 'restarted\n');
  });
});
