/**
 * A run that is stopped leaves nothing running on its hosts, over real SSH against a lab node:
 * stopped on purpose (SIGTERM, a second Ctrl-C), or gone without a word (k8sbm SIGKILLed, its
 * TCP connection reset, the node's sshd for it killed). The command is a shell with a child in
 * the background; the test waits for the pid file it writes, stops k8sbm one way or another,
 * then polls the node until the command's process group and the child are gone.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

let lab: TestLab;
let node: string;
let address: string;
let socketReset: string | undefined;
before(async () => {
  socketReset = await whySocketsCannotBeReset();
  lab = await startLab({ name: 'intr', nodes: 1 });
  node = lab.nodes[0]!.name;
  address = lab.nodes[0]!.address;
});
after(async () => { await lab?.down(); });
// A run killed without a word leaves its lease (it goes stale; `k8sbm unlock` is the operator's
// way out, tested with the run lock): cleared here so the next test's run can take one.
afterEach(async () => { await labSsh(lab, node, 'rm -f /run/k8sbm/lock'); });

async function lease(): Promise<string> {
  return (await labSsh(lab, node, 'test -e /run/k8sbm/lock && echo held || echo free')).stdout.trim();
}

interface RunningCli {
  readonly pid: number;
  kill(sig: NodeJS.Signals): void;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(dir: string, args: readonly string[]): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: '1' };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, kill: (sig) => child.kill(sig), stdout: () => out, stderr: () => err, exited };
}

/** `ss -K` needs a kernel with CONFIG_INET_DIAG_DESTROY: tried on a connection of this process. */
async function whySocketsCannotBeReset(): Promise<string | undefined> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted: Socket[] = [];
  server.on('connection', (s) => { accepted.push(s); s.on('error', () => undefined); });
  const client = connect(port, '127.0.0.1');
  const ended = new Promise<boolean>((r) => { client.on('error', () => r(true)); client.on('close', () => r(true)); });
  await new Promise<void>((r) => client.on('connect', () => r()));
  const ss = spawnSync('ss', ['-K', 'dst', '127.0.0.1', 'dport', '=', `:${port}`], { encoding: 'utf8' });
  const reset = await Promise.race([ended, new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
  client.destroy();
  for (const s of accepted) s.destroy();
  server.close();
  return reset ? undefined : `ss -K cannot reset connections here (${ss.stderr.trim() || `exit ${ss.status}`})`;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs / 1000}s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let seq = 0;

/** One test's command: its marker, its files on the node, and the playbook that runs it. */
function scenario(t: TestContext, opts: { become?: boolean; stdin?: string } = {}) {
  const m = `${process.pid}${++seq}`;
  const file = (ext: string): string => `/tmp/k8sbm-intr-${m}.${ext}`;
  const shell = `echo $$ > ${file('pid')}; sleep 1000.${m} & wait`;
  const task = opts.stdin === undefined
    ? `shell: "${shell}"`
    : `command: { argv: [sh, -c, "cat > ${file('in')}; ${shell}"], stdin: "${opts.stdin}", stdin_add_newline: false }`;
  const dir = writeTree({
    'site.yml': `- hosts: all
  gather_facts: false
  vars: { ansible_user: ${opts.become ? 'ops' : 'root'} }
  tasks:
    - name: hangs
      ${task}
      become: ${opts.become === true}
    - name: never starts
      command: touch ${file('after')}
`,
  }, t);
  const onNode = (path: string): string => join(nodeRootPath(lab.lab, node), path);
  return {
    dir,
    marker: m,
    args: ['run', 'site.yml', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile],
    onNode,
    file,
    /** The command's pid on the node (its process group), once it runs there. */
    async started(cli: RunningCli): Promise<string> {
      await until(() => existsSync(onNode(file('pid'))) || cli.stdout().includes('PLAY RECAP'), 'the command to start on the node', 120_000);
      assert.ok(existsSync(onNode(file('pid'))), `the command never started:\n${cli.stdout()}${cli.stderr()}`);
      let pid = '';
      await until(() => { pid = readFileSync(onNode(file('pid')), 'utf8').trim(); return pid !== ''; }, 'the pid file to be written', 30_000);
      return pid;
    },
    /** Polls the node until nothing of the command runs (its group, the child by its marker). */
    async gone(pid: string): Promise<void> {
      let left = '';
      await until(async () => {
        const r = await labSsh(lab, node, `{ pgrep -g ${pid}; pgrep -f 'slee[p] 1000\\.${m}'; } || true`);
        left = r.stdout.trim();
        return r.code === 0 && left === '';
      }, 'the command to be gone from the node', 60_000).catch((e: Error) => { throw new Error(`${e.message}; still running: ${left}`); });
      assert.equal(existsSync(onNode(file('after'))), false, 'no task started after the stop');
    },
  };
}

describe('a run stopped on purpose stops its commands on the hosts', () => {
  it('SIGTERM: the command and its child are gone, k8sbm says so and exits 143', async (t) => {
    const s = scenario(t);
    const cli = startCli(s.dir, s.args);
    const pid = await s.started(cli);
    cli.kill('SIGTERM');
    const { code } = await cli.exited;
    assert.equal(code, 143, cli.stdout() + cli.stderr());
    assert.match(cli.stderr(), /terminated \(SIGTERM\): stopping the commands still running/);
    assert.match(cli.stderr(), new RegExp(`stopped 1 command \\(${node}\\)`));
    await s.gone(pid);
    assert.equal(await lease(), 'free', 'the lease is released once the commands are stopped');
  });

  it('a second Ctrl-C: the first lets the task run, the second stops it; exit 130', async (t) => {
    const s = scenario(t);
    const cli = startCli(s.dir, s.args);
    const pid = await s.started(cli);
    cli.kill('SIGINT');
    await until(() => cli.stderr().includes('interrupted: finishing running tasks'), 'the first Ctrl-C to be taken', 30_000);
    const still = await labSsh(lab, node, ['kill', '-0', pid]);
    assert.equal(still.code, 0, 'the first Ctrl-C leaves the running command alone');
    cli.kill('SIGINT');
    const { code } = await cli.exited;
    assert.equal(code, 130, cli.stdout() + cli.stderr());
    assert.match(cli.stderr(), /interrupted again: stopping the commands still running/);
    assert.match(cli.stderr(), new RegExp(`stopped 1 command \\(${node}\\)`));
    await s.gone(pid);
    assert.equal(await lease(), 'free', 'the lease is released once the commands are stopped');
  });

  it('with become, the command runs as root under sudo and is stopped all the same', async (t) => {
    const s = scenario(t, { become: true });
    const cli = startCli(s.dir, s.args);
    const pid = await s.started(cli);
    const owner = await labSsh(lab, node, ['ps', '-o', 'user=', '-p', pid]);
    assert.equal(owner.stdout.trim(), 'root');
    cli.kill('SIGTERM');
    assert.equal((await cli.exited).code, 143, cli.stdout() + cli.stderr());
    assert.match(cli.stderr(), new RegExp(`stopped 1 command \\(${node}\\)`));
    await s.gone(pid);
  });
});

describe('a run that goes away without a word leaves nothing running on the hosts', () => {
  it('k8sbm SIGKILLed (the workstation lost): the node stops the command when the connection closes', async (t) => {
    const s = scenario(t);
    const cli = startCli(s.dir, s.args);
    const pid = await s.started(cli);
    cli.kill('SIGKILL');
    assert.equal((await cli.exited).signal, 'SIGKILL');
    await s.gone(pid);
    assert.equal(await lease(), 'held', 'a run that vanished leaves its lease, to go stale');
  });

  it('k8sbm SIGKILLed while a command with a payload runs as root under sudo: the payload arrived whole, the command stops', async (t) => {
    const s = scenario(t, { become: true, stdin: 'the payload' });
    const cli = startCli(s.dir, s.args);
    const pid = await s.started(cli);
    assert.equal(readFileSync(s.onNode(s.file('in')), 'utf8'), 'the payload', 'byte for byte: the newline that ends it on the channel is not the command\'s');
    cli.kill('SIGKILL');
    await cli.exited;
    await s.gone(pid);
  });

  it('the connection reset under k8sbm: the host is lost to the run, and the command stops', async (t) => {
    if (socketReset) { t.skip(socketReset); return; }
    const s = scenario(t);
    const cli = startCli(s.dir, [...s.args, '--json']);
    const pid = await s.started(cli);
    // k8sbm's own connection to the node (not the test's ssh), by the process that holds it.
    const listed = spawnSync('ss', ['-tnpH', 'state', 'established', 'dst', address, 'dport', '=', ':22'], { encoding: 'utf8' }).stdout;
    const line = listed.split('\n').find((l) => l.includes(`pid=${cli.pid},`));
    assert.ok(line, `k8sbm's connection to ${address}:22 in:\n${listed}`);
    const sport = /\S+:(\d+)\s+\S+:22\b/.exec(line)![1]!;
    const reset = spawnSync('ss', ['-K', 'dst', address, 'dport', '=', ':22', 'sport', '=', `:${sport}`], { encoding: 'utf8' });
    assert.equal(reset.status, 0, reset.stderr);
    const { code } = await cli.exited;
    assert.equal(code, 1, cli.stdout() + cli.stderr());
    const lost = jsonEvents(cli.stdout()).find((e) => e.event === 'task_result' && e.task === 'hangs');
    assert.equal(lost?.status, 'unreachable', JSON.stringify(lost));
    await s.gone(pid);
  });

  it('the node\'s sshd process for the connection killed: the command stops', async (t) => {
    const s = scenario(t);
    const cli = startCli(s.dir, [...s.args, '--json']);
    const pid = await s.started(cli);
    const parent = await labSsh(lab, node, `p=$(ps -o ppid= -p ${pid}); ps -o comm= -p $p; kill -KILL $p`);
    assert.match(parent.stdout, /^sshd/, `the command's parent is the connection's sshd: ${parent.stdout}${parent.stderr}`);
    assert.equal((await cli.exited).code, 1, cli.stdout() + cli.stderr());
    await s.gone(pid);
  });
});
