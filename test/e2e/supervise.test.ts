/**
 * The supervisor every command runs in (src/transport/supervise.ts), run by the machine's own
 * /bin/sh as sshd or sudo would run it, with the channel's stdin played by a pipe this test
 * holds: the payload gets through byte for byte, the command's exit status is its own, and the
 * end of stdin stops the command with its whole session, whether the shell led a group already,
 * got one from setsid, or had no setsid to get one from.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ExecRequest } from '../../src/transport/connection.js';
import { buildRemoteCommand } from '../../src/transport/quote.js';
import { PAYLOAD_END, payloadBytes } from '../../src/transport/supervise.js';
import { eventually } from '../helpers/ssh-env.js';
import { tempDir } from '../helpers/temp.js';

/**
 * leader: the shell that runs the line leads its session (sshd's child, the local transport);
 * forked: it is a child in someone else's group (a login shell that forks, sudo without use_pty).
 */
type Mode = 'leader' | 'forked';

interface Supervised {
  readonly pid: number;
  write(data: string | Buffer): void;
  /** The end of the channel's stdin: k8sbm went away, or asks the command to stop. */
  endStdin(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }>;
}

function run(req: ExecRequest, opts: { mode?: Mode; path?: string } = {}): Supervised {
  const line = buildRemoteCommand(req, 'nobody-in-particular', { supervise: { stdinBytes: payloadBytes(req.stdin) } });
  // Always a session of its own: a supervisor falling back to its caller's group stops only this.
  const script = opts.mode === 'forked' ? `(${line}); exit $?` : line;
  const env = opts.path === undefined ? process.env : { ...process.env, PATH: opts.path };
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      child.stdin.destroy();
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  if (req.stdin !== undefined && payloadBytes(req.stdin) > 0) {
    child.stdin.write(req.stdin);
    child.stdin.write(PAYLOAD_END);
  }
  return { pid: child.pid!, write: (d) => child.stdin.write(d), endStdin: () => child.stdin.end(), exited };
}

/** Runs to the end with stdin open all along, as a channel of a connection that stays up. */
async function complete(req: ExecRequest, opts: { mode?: Mode; path?: string } = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }> {
  return run(req, opts).exited;
}

function pgrep(args: readonly string[]): string[] {
  return spawnSync('pgrep', args, { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

let seq = 0;
const marker = (): string => `${process.pid}${++seq}`;

/** A PATH of the tools the supervisor and the tests use, without setsid. */
function pathWithoutSetsid(t: TestContext): string {
  const dir = tempDir('nosetsid', t);
  for (const tool of ['sh', 'head', 'dd', 'cat', 'sleep', 'pkill', 'touch']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(found, join(dir, tool));
  }
  assert.notEqual(spawnSync('sh', ['-c', 'command -v setsid'], { env: { PATH: dir } }).status, 0, 'setsid is out of reach');
  return dir;
}

/** A PATH whose head is not GNU's: the payload is read with dd instead. */
function pathWithOtherHead(t: TestContext): string {
  const dir = tempDir('otherhead', t);
  writeFileSync(join(dir, 'head'), '#!/bin/sh\ncase $1 in --version) echo "head: unrecognized option" >&2; exit 1;; esac\nexec /usr/bin/head "$@"\n');
  chmodSync(join(dir, 'head'), 0o755);
  return `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
}

describe('the supervisor: what the command sees', () => {
  it('passes the payload byte for byte, without the newline that follows it on the channel', async () => {
    const payload = Buffer.concat([Buffer.from('line one\n\0binary\r\n'), randomBytes(300_000), Buffer.from('no newline at the end')]);
    const r = await complete({ argv: ['cat'], stdin: payload });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(payload), `got ${r.stdout.length} bytes, sent ${payload.length}`);
  });

  it('reads the payload with dd where head is not GNU head', async (t) => {
    const payload = Buffer.concat([randomBytes(3000), Buffer.from('\nend')]);
    const r = await complete({ argv: ['cat'], stdin: payload }, { path: pathWithOtherHead(t) });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(payload));
  });

  it('gives a command without a payload an empty stdin', async () => {
    const r = await complete({ argv: ['sh', '-c', 'wc -c'] });
    assert.equal(r.stdout.toString().trim(), '0');
  });

  it('reports the exit code and the signal of the command itself', async () => {
    assert.equal((await complete({ argv: ['sh', '-c', 'exit 3'] })).code, 3);
    assert.equal((await complete({ argv: ['sh', '-c', 'exit 130'] })).code, 130, 'an exit code above 128 stays an exit code');
    const killed = await complete({ argv: ['sh', '-c', 'kill -TERM $$'] });
    assert.deepEqual([killed.code, killed.signal], [null, 'SIGTERM']);
    const killedWithPayload = await complete({ argv: ['sh', '-c', 'cat >/dev/null; kill -TERM $$'], stdin: 'x' });
    assert.deepEqual([killedWithPayload.code, killedWithPayload.signal], [null, 'SIGTERM']);
    assert.equal((await complete({ argv: ['sh', '-c', 'cat >/dev/null; exit 7'], stdin: 'x' })).code, 7);
  });

  it('runs cwd, env and shell builtins as before', async () => {
    const r = await complete({ argv: ['sh', '-c', 'pwd; echo "$A"'], cwd: '/', env: { A: 'a b' } });
    assert.equal(r.stdout.toString(), '/\na b\n');
    const builtin = await complete({ argv: ['ulimit', '-n'] });
    assert.equal(builtin.code, 0, builtin.stderr);
    assert.match(builtin.stdout.toString(), /^\d+\n$/);
    const noDir = await complete({ argv: ['true'], cwd: '/no/such/dir' });
    assert.notEqual(noDir.code, 0);
    assert.match(noDir.stderr, /no\/such\/dir/);
  });
});

describe('the supervisor: the end of stdin stops the command', () => {
  for (const [mode, label] of [['leader', 'in the session the shell leads'], ['forked', 'in a session of its own from setsid']] as const) {
    it(`stops it with its children, ${label}`, async (t) => {
      const dir = tempDir('sup', t);
      const m = marker();
      const s = run({ argv: ['sh', '-c', `echo $$ > ${dir}/pid; sleep 1000.${m} & wait`] }, { mode });
      await eventually(() => existsSync(join(dir, 'pid')) && pgrep(['-f', `sleep 1000.${m}`]).length > 0, 'the command and its child to run', 60_000);
      const pid = readFileSync(join(dir, 'pid'), 'utf8').trim();
      if (mode === 'forked') assert.equal(pgrep(['-s', pid]).length > 0, true, 'the command leads a session of its own');
      s.endStdin();
      const r = await s.exited;
      assert.equal(r.code === 0, false, 'stopped, not ended');
      await eventually(() => pgrep(['-f', `sleep 1000.${m}`]).length === 0 && pgrep(['-g', pid]).length === 0, 'the command\'s group to be gone', 30_000);
    });
  }

  it('stops it where there is no setsid, with the group it was started in', async (t) => {
    const dir = tempDir('sup', t);
    const m = marker();
    const s = run({ argv: ['sh', '-c', `echo $$ > ${dir}/pid; sleep 1000.${m} & wait`] }, { mode: 'forked', path: pathWithoutSetsid(t) });
    await eventually(() => existsSync(join(dir, 'pid')) && pgrep(['-f', `sleep 1000.${m}`]).length > 0, 'the command and its child to run', 60_000);
    s.endStdin();
    await s.exited;
    await eventually(() => pgrep(['-f', `sleep 1000.${m}`]).length === 0, 'the command\'s child to be gone', 30_000);
  });

  it('kills a command that ignores SIGTERM a second later', async (t) => {
    const dir = tempDir('sup', t);
    const m = marker();
    const s = run({ argv: ['sh', '-c', `trap '' TERM; echo $$ > ${dir}/pid; sleep 1000.${m} & wait`] });
    await eventually(() => existsSync(join(dir, 'pid')) && pgrep(['-f', `sleep 1000.${m}`]).length > 0, 'the command to run', 60_000);
    s.endStdin();
    const r = await s.exited;
    assert.equal(r.signal, 'SIGKILL');
    await eventually(() => pgrep(['-f', `sleep 1000.${m}`]).length === 0, 'its child to be gone', 30_000);
  });

  it('stops a command whose payload was cut short before it sees the end of its input', async (t) => {
    const dir = tempDir('sup', t);
    const payload = 'the whole file';
    const line = buildRemoteCommand({ argv: ['sh', '-c', `cat > ${dir}/got && touch ${dir}/installed`] }, 'x', { supervise: { stdinBytes: payload.length } });
    const child = spawn('/bin/sh', ['-c', line], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.stdin.end(payload.slice(0, 5));
    assert.equal(await exited, 'SIGTERM');
    assert.equal(existsSync(join(dir, 'installed')), false, 'the command never went on with half its input');
  });

  it('leaves alone what a command that ended put in the background on purpose, and no watcher stays behind', async (t) => {
    const dir = tempDir('sup', t);
    const m = marker();
    const s = run({ argv: ['sh', '-c', `nohup sleep 1001.${m} >/dev/null 2>&1 & echo $! > ${dir}/bg`] });
    const r = await s.exited;
    assert.equal(r.code, 0, r.stderr);
    // The channel's stdin ends after the command did (sshd closes it then); run() ended it on close.
    await eventually(() => pgrep(['-f', `k8sbm-watch ${s.pid}$`]).length === 0, 'the watcher to go', 30_000);
    const bg = readFileSync(join(dir, 'bg'), 'utf8').trim();
    try {
      assert.deepEqual(pgrep(['-f', `sleep 1001.${m}`]), [bg], 'the background job still runs');
    } finally {
      spawnSync('kill', [bg]);
    }
  });
});
