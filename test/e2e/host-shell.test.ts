import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ExecRequest, SshOptions } from '../../src/transport/connection.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { runAction } from '../../src/transport/actions.js';
import { INLINE_PAYLOAD_MAX } from '../../src/transport/inline-payload.js';
import { eventually, isolateSshHome, sshSpec, testSshOptions, writeLines } from '../helpers/ssh-env.js';
import { descendantsOf, generateKey, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/**
 * The host shell (src/transport/host-shell.ts) against a real sshd: a light request gets what a
 * channel of its own gives it, the shell costs two channels for any number of requests, and
 * nothing it ran outlives k8sbm.
 */

const home = isolateSshHome();
let dir: string;
let key: KeyPair;
let sshd: Sshd;
let opts: SshOptions;

before(async () => {
  dir = tempDir('host-shell');
  key = generateKey(dir, 'id');
  sshd = await startSshd({ authorizedKeys: [key.publicLine] });
  opts = testSshOptions(dir, { privateKeyFiles: [key.privateKeyFile] });
  writeLines(opts.knownHostsFile!, sshd.knownHostsLines());
});

after(async () => {
  await sshd.stop();
  removeTempDir(dir);
  removeTempDir(home);
});

function open(): SshConnection {
  return new SshConnection(sshSpec(sshd, { host: 'node' }), opts);
}

/** The first light request takes a channel; the second starts the host shell (two channels). */
async function startShell(c: SshConnection): Promise<void> {
  await c.exec({ argv: ['true'], light: true });
  await c.exec({ argv: ['true'], light: true });
}

/** Processes on the machine whose command line holds `text` (below sshd or orphaned). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text);
    } catch {
      return false;
    }
  });
}

/** A `sleep` no other process on the machine runs: its fraction of a second is random. */
function uniqueSleep(): string {
  return `sleep 300.${randomBytes(3).readUIntBE(0, 3)}`;
}

/**
 * Kills the per-connection sshd processes only, not what their sessions run: the connection is
 * gone as when k8sbm's machine is, and the sessions' stdin ends.
 */
function killConnectionsOnly(): number {
  let n = 0;
  for (const pid of descendantsOf(sshd.pid)) {
    try {
      if (!/^sshd/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      process.kill(pid, 'SIGKILL');
      n++;
    } catch { /* gone */ }
  }
  return n;
}

/** A script long enough to be sent once per session and named afterwards. */
const LONG = `# ${'a long comment that makes this script worth defining once '.repeat(5)}
printf '%s|' "$@"; printf 'name=%s\\n' "$0" >/dev/null; echo; cat; printf 'to stderr\\n' >&2; exit "\${K8SBM_RC:-4}"`;

const PROBES: { name: string; req: ExecRequest }[] = [
  { name: 'stdin, UTF-8 on both streams, exit code', req: { argv: ['sh', '-c', 'cat; printf "é err" >&2; exit 3'], stdin: 'héllo wörld\n' } },
  { name: 'literal arguments, cwd and env', req: { argv: ['printf', '%s|', 'a b', "it's", '$HOME', '*', ''], cwd: '/tmp', env: { K8SBM_X: 'x y' } } },
  { name: 'a script with cwd and env', req: { argv: ['sh', '-c', 'pwd; printf %s "$K8SBM_X"'], cwd: '/tmp', env: { K8SBM_X: 'x y' } } },
  { name: 'a long script with arguments', req: { argv: ['sh', '-c', LONG, 'k8sbm-test', 'one', 'two words', ''], stdin: 'in\n' } },
  { name: 'the same long script again', req: { argv: ['sh', '-c', LONG, 'k8sbm-test', "it's"] } },
  { name: 'binary stdin, byte for byte', req: { argv: ['sha256sum'], stdin: Buffer.concat([Buffer.from('a\0b\r\n'), randomBytes(200_000)]) } },
  { name: 'output without a final newline', req: { argv: ['sh', '-c', 'printf no-newline; printf err-no-newline >&2'] } },
  { name: 'output that ends in blank lines', req: { argv: ['sh', '-c', 'printf "x\\n\\n\\n"'] } },
  { name: 'a command that reads only part of its stdin', req: { argv: ['head', '-c', '3'], stdin: 'abcdefgh' } },
  { name: 'a command that reads none of it', req: { argv: ['true'], stdin: 'x'.repeat(100_000) } },
  { name: 'killed by a signal', req: { argv: ['sh', '-c', 'kill -TERM $$'] } },
  { name: 'killed by a signal after reading stdin', req: { argv: ['sh', '-c', 'cat >/dev/null; kill -TERM $$'], stdin: 'x' } },
  { name: 'an exit code above 128 of its own', req: { argv: ['sh', '-c', 'exit 7'] } },
  { name: 'a shell builtin', req: { argv: ['umask'] } },
  { name: 'no stdin given', req: { argv: ['sh', '-c', 'wc -c'] } },
  { name: 'a missing directory', req: { argv: ['true'], cwd: '/no/such/dir' } },
  { name: 'a script that sets variables and traps', req: { argv: ['sh', '-c', 'x=1; trap "echo trapped" EXIT; echo "${k8sbm_c:-clean}"; exit 0'] } },
];

describe('the host shell: a light request gets what a channel of its own gives', () => {
  it('runs every probe as a channel does, the shell on two channels for all of them', async () => {
    const c = open();
    try {
      await startShell(c);
      const alone: Record<string, unknown>[] = [];
      const inShell: Record<string, unknown>[] = [];
      for (const p of PROBES) alone.push({ name: p.name, ...(await c.exec(p.req)) });
      const channels = c.channelCount;
      for (const p of PROBES) inShell.push({ name: p.name, ...(await c.exec({ ...p.req, light: true })) });
      assert.equal(c.channelCount, channels, 'no light request opened a channel');
      for (const [i, p] of PROBES.entries()) {
        const a = alone[i]!;
        const s = inShell[i]!;
        if (p.name === 'a missing directory') {
          // sh says where it could not cd, with its own line number: the same message otherwise.
          assert.deepEqual([s.code, s.signal, s.stdout], [a.code, a.signal, a.stdout], p.name);
          assert.match(String(s.stderr), /can't cd to \/no\/such\/dir/);
          continue;
        }
        assert.deepEqual(s, a, p.name);
      }
    } finally {
      await c.close();
    }
  });

  it('takes a channel for a request the shell is busy with another one', async () => {
    const c = open();
    try {
      await startShell(c);
      const channels = c.channelCount;
      const slow = c.exec({ argv: ['sh', '-c', 'read -r x; echo "$x"'], stdin: 'late\n', light: true });
      const quick = await c.exec({ argv: ['echo', 'quick'], light: true });
      assert.equal(quick.stdout, 'quick\n');
      assert.equal((await slow).stdout, 'late\n');
      assert.equal(c.channelCount, channels + 1);
    } finally {
      await c.close();
    }
  });

  it('a patient request (the lease heartbeat) waits for the busy shell instead of taking a channel', async () => {
    // Patience far beyond what a loaded machine needs here: the order is what is checked.
    const c = new SshConnection(sshSpec(sshd, { host: 'node' }), opts);
    const fifo = `${dir}/hold-${randomBytes(4).toString('hex')}`;
    try {
      await c.exec({ argv: ['mkfifo', fifo], light: true });
      await c.exec({ argv: ['true'], light: true });
      const channels = c.channelCount;
      const done: string[] = [];
      // Busy until the test writes into the fifo: the patient request comes meanwhile.
      const held = c.exec({ argv: ['cat', fifo], light: true }).then((r) => { done.push('held'); return r; });
      const patient = c.exec({ argv: ['echo', 'beat'], light: true, patient: 300_000 }).then((r) => { done.push('patient'); return r; });
      await eventually(() => processesNaming(`cat ${fifo}`).length > 0, 'the held request runs');
      assert.deepEqual(done, [], 'the patient request waits while the shell is busy');
      await writeFile(fifo, 'go\n');
      assert.equal((await held).stdout, 'go\n');
      assert.equal((await patient).stdout, 'beat\n');
      assert.deepEqual(done, ['held', 'patient']);
      assert.equal(c.channelCount, channels, 'no channel opened for either');
    } finally {
      await c.close();
      rmSync(fifo, { force: true });
    }
  });

  it('takes a channel for a request that is not light, or too long for the shell', async () => {
    const c = open();
    try {
      await startShell(c);
      const channels = c.channelCount;
      await c.exec({ argv: ['true'] });
      const long = await c.exec({ argv: ['printf', '%s', 'y'.repeat(40_000)], light: true });
      assert.equal(long.stdout.length, 40_000);
      assert.equal(c.channelCount, channels + 2);
    } finally {
      await c.close();
    }
  });

  it('stops a light command at its timeout and runs the next one', async () => {
    const c = open();
    try {
      await c.exec({ argv: ['true'], light: true });
      const r = await c.exec({ argv: ['sleep', '30'], timeoutMs: 300, light: true });
      assert.deepEqual([r.code, r.signal], [null, 'SIGTERM']);
      assert.match(r.stderr, /timed out/);
      assert.equal((await c.exec({ argv: ['echo', 'next'], light: true })).stdout, 'next\n');
    } finally {
      await c.close();
    }
  });
});

/** Contents an upload must write byte for byte, whichever way the host shell passes them. */
const CONTENTS: { name: string; content: string | Buffer }[] = [
  { name: 'quotes, expansions and backslashes', content: `it's "$(touch /tmp/pwned)" \`id\` $HOME \\n %s %b \\\n'\n` },
  { name: 'no final newline, blank lines, CRLF, tabs', content: '\n\nkey=1\r\n\tindented   \nend' },
  { name: 'UTF-8', content: 'héllo wörld ✓\n' },
  { name: 'empty', content: '' },
  { name: 'a NUL byte', content: Buffer.from('a\0b\n') },
  { name: 'bytes that are not UTF-8', content: Buffer.from([0x66, 0xff, 0xfe, 0x0a]) },
  { name: 'exactly the inline limit', content: `${'x'.repeat(INLINE_PAYLOAD_MAX - 1)}\n` },
  { name: 'one byte over it', content: `${'y'.repeat(INLINE_PAYLOAD_MAX)}\n` },
];

describe('the host shell: short text payloads in the request', () => {
  it('a script that takes its stdin as an argument gets a short text payload so, and the rest on stdin', async () => {
    const c = open();
    try {
      await startShell(c);
      const script = 'printf "%s args;" "$#"; if [ $# -ge 2 ]; then printf "%s" "$2"; else cat; fi';
      const run = (stdin: string | Buffer, light: boolean): Promise<{ stdout: string; code: number | null }> =>
        c.exec({ argv: ['sh', '-c', script, 'k8sbm-test', 'one'], stdin, stdinAsArg: true, light });
      const short = "it's $(x)\n";
      assert.deepEqual(await run(short, true), { ...(await run(short, false)), stdout: `2 args;${short}` }, 'in the shell: one more argument');
      assert.equal((await run(short, false)).stdout, `1 args;${short}`, 'on a channel: stdin, as before');
      assert.equal((await run('z'.repeat(INLINE_PAYLOAD_MAX + 1), true)).stdout, `1 args;${'z'.repeat(INLINE_PAYLOAD_MAX + 1)}`, 'too long: stdin');
      assert.equal((await run(Buffer.from('a\0b'), true)).stdout, '1 args;a\0b', 'a NUL byte: stdin');
      // Without stdinAsArg a script gets stdin whatever its size.
      const plain = await c.exec({ argv: ['sh', '-c', script, 'k8sbm-test', 'one'], stdin: short, light: true });
      assert.equal(plain.stdout, `1 args;${short}`);
    } finally {
      await c.close();
    }
  });

  it('uploads write every content byte for byte through the host shell, as an argument or on stdin', async () => {
    const c = open();
    const d = tempDir('host-shell-upload');
    try {
      await startShell(c);
      const channels = c.channelCount;
      for (const [i, { name, content }] of CONTENTS.entries()) {
        const dest = `${d}/f${i}`;
        await runAction(c, { kind: 'upload', dest, content, mode: '0640' });
        assert.ok(readFileSync(dest).equals(Buffer.isBuffer(content) ? content : Buffer.from(content)), name);
        assert.deepEqual(readdirSync(d).filter((f) => f.startsWith('.')), [], `${name}: no temporary file left`);
      }
      assert.equal(c.channelCount, channels, 'every upload ran in the shell');
      assert.equal(existsSync('/tmp/pwned'), false);
    } finally {
      await c.close();
      removeTempDir(d);
    }
  });
});

describe('the host shell: nothing outlives k8sbm', () => {
  it('ends the shell and its watcher at close, without a signal', async () => {
    const c = open();
    const tag = `k8sbm-hs-${randomBytes(4).toString('hex')}`;
    await startShell(c);
    // The shell leads its session: the session id of a command it runs is the shell's pid.
    const r = await c.exec({ argv: ['sh', '-c', `echo ${tag} >/dev/null; ps -o sid= -p $$`], light: true });
    const sid = Number(r.stdout.trim());
    assert.ok(sid > 1, r.stdout + r.stderr);
    assert.ok(descendantsOf(sshd.pid).includes(sid), 'the shell runs below sshd');
    await c.close();
    await eventually(() => !descendantsOf(sshd.pid).includes(sid), 'the shell to end');
    await eventually(() => descendantsOf(sshd.pid).every((p) => !processesNaming('k8sbm-watch').includes(p)), 'the watcher to end');
  });

  it('stops a running light command with its children when k8sbm stops its commands', async () => {
    const c = open();
    const tag = `k8sbm-hs-${randomBytes(4).toString('hex')}`;
    try {
      await startShell(c);
      const [child, self] = [uniqueSleep(), uniqueSleep()];
      const running = c.exec({ argv: ['sh', '-c', `${child} & ${self}; : ${tag}`], light: true });
      await eventually(() => processesNaming(child).length > 0 && processesNaming(self).length > 0, 'the command to start');
      const outcome = await c.stopCommands(10_000);
      assert.deepEqual(outcome, { running: 1, unconfirmed: 0 });
      const r = await running;
      assert.equal(r.code, null);
      await eventually(() => processesNaming(tag).length === 0 && processesNaming(child).length === 0 && processesNaming(self).length === 0, 'the command and its child to end');
    } finally {
      await c.close();
    }
  });

  it('stops a running light command when the connection is lost', async () => {
    const c = open();
    await startShell(c);
    const sleep = uniqueSleep();
    const running = c.exec({ argv: ['sh', '-c', sleep], light: true });
    await eventually(() => processesNaming(sleep).length > 0, 'the command to start');
    assert.ok(killConnectionsOnly() > 0);
    await assert.rejects(running);
    // Nobody but the watcher stops it: the sessions' processes were left alive.
    await eventually(() => processesNaming(sleep).length === 0, 'the watcher to stop the command');
    await c.close();
  });
});
