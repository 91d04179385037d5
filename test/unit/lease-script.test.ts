/**
 * The run lock's node scripts, run with the local sh in a sandbox folder (their BASE argument):
 * taking is atomic, reading writes nothing, only the run that holds a lease beats or releases it,
 * and the journal is replaced whole or removed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { leaseText, parseSessionOutput, type RunIdentity } from '../../src/engine/lease.js';
import { beatArgv, journalArgv, releaseArgv, sessionArgv } from '../../src/engine/lease-script.js';
import { tempDir } from '../helpers/temp.js';

const alice: RunIdentity = { owner: 'alice@ws1', pid: 4242, runId: 'aaaa1111', command: 'run site.yml' };
const bob: RunIdentity = { owner: 'bob@ws2', pid: 77, runId: 'bbbb2222', command: 'run other.yml' };

function sh(argv: readonly string[], stdin = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { input: stdin, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function session(base: string, mode: 'take' | 'peek', who: RunIdentity): ReturnType<typeof parseSessionOutput> {
  const r = sh(sessionArgv(mode, leaseText(who), base));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return parseSessionOutput(r.stdout);
}

describe('the session script', () => {
  it('takes a free lease: a 0600 file holding who, the run, when and the boot', (t) => {
    const base = tempDir('lease', t);
    const a = session(base, 'take', alice);
    assert.equal(a.lease.kind, 'taken');
    assert.equal(a.lockFile, join(base, 'run', 'lock'));
    assert.equal(a.journalFile, join(base, 'lib', 'handlers'));
    const text = readFileSync(a.lockFile, 'utf8');
    assert.match(text, /^owner=alice@ws1\npid=4242\nrun=aaaa1111\ncommand=run site\.yml\nstarted=\d+\nboot=/);
    assert.equal(statSync(a.lockFile).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(base, 'run')), ['lock'], 'no temp file left beside it');
  });

  it('describes a held lease to the second run and leaves it as it was', (t) => {
    const base = tempDir('lease', t);
    session(base, 'take', alice);
    const before = readFileSync(join(base, 'run', 'lock'), 'utf8');
    const b = session(base, 'take', bob);
    assert.equal(b.lease.kind, 'held');
    if (b.lease.kind !== 'held') return;
    assert.deepEqual([b.lease.lease.owner, b.lease.lease.pid, b.lease.lease.run, b.lease.lease.command], ['alice@ws1', '4242', 'aaaa1111', 'run site.yml']);
    assert.equal(b.lease.lease.file, join(base, 'run', 'lock'));
    assert.ok(b.lease.lease.age >= 0 && b.lease.lease.age < 60);
    assert.equal(b.lease.lease.boot, b.boot);
    assert.equal(readFileSync(join(base, 'run', 'lock'), 'utf8'), before);
    assert.deepEqual(readdirSync(join(base, 'run')), ['lock']);
  });

  it('peek writes nothing: no folder on a free host, the holder on a held one', (t) => {
    const base = tempDir('lease', t);
    assert.equal(session(base, 'peek', alice).lease.kind, 'free');
    assert.deepEqual(readdirSync(base), []);
    session(base, 'take', alice);
    const p = session(base, 'peek', bob);
    assert.equal(p.lease.kind === 'held' && p.lease.lease.owner, 'alice@ws1');
  });

  it('of runs started at the same moment, exactly one takes the lease', async (t) => {
    const base = tempDir('lease', t);
    const runs = Array.from({ length: 8 }, (_, i) => ({ ...alice, runId: `run${i}` }));
    const outs = await Promise.all(runs.map((who) => new Promise<string>((resolve) => {
      const argv = sessionArgv('take', leaseText(who), base);
      const child = spawn(argv[0]!, argv.slice(1));
      let out = '';
      child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      child.on('close', () => resolve(out));
    })));
    const answers = outs.map(parseSessionOutput);
    assert.equal(answers.filter((a) => a.lease.kind === 'taken').length, 1, outs.join('\n---\n'));
    assert.equal(answers.filter((a) => a.lease.kind === 'held').length, 7);
    const holder = /^run=(.*)$/m.exec(readFileSync(join(base, 'run', 'lock'), 'utf8'))?.[1];
    const taker = runs[answers.findIndex((a) => a.lease.kind === 'taken')]!.runId;
    assert.equal(holder, taker);
  });

  it('a run without root respects a root lease it can see (BASE/root/lock in the sandbox)', (t) => {
    const base = tempDir('lease', t);
    mkdirSync(join(base, 'root'));
    writeFileSync(join(base, 'root', 'lock'), 'owner=root@ws\nrun=r00t\n');
    const a = session(base, 'take', alice);
    assert.equal(a.lease.kind, 'held');
    assert.equal(a.lease.kind === 'held' && a.lease.lease.file, join(base, 'root', 'lock'));
    assert.equal(existsSync(join(base, 'run', 'lock')), false);
  });

  it('prints the handler journal, line by line', (t) => {
    const base = tempDir('lease', t);
    mkdirSync(join(base, 'lib'));
    writeFileSync(join(base, 'lib', 'handlers'), '{"handler":"restart a"}\n{"handler":"b : reload"}\n');
    assert.deepEqual(session(base, 'peek', alice).journal, ['{"handler":"restart a"}', '{"handler":"b : reload"}']);
  });
});

describe('heartbeat, release and journal scripts', () => {
  it('the heartbeat touches only its own run\'s lease', (t) => {
    const base = tempDir('lease', t);
    const { lockFile } = session(base, 'take', alice);
    utimesSync(lockFile, 1_000_000, 1_000_000);
    assert.equal(sh(beatArgv(lockFile, bob.runId)).stdout, 'beat=lost\n');
    assert.equal(statSync(lockFile).mtimeMs, 1_000_000_000);
    assert.equal(sh(beatArgv(lockFile, alice.runId)).stdout, 'beat=ok\n');
    assert.ok(Date.now() - statSync(lockFile).mtimeMs < 60_000);
    const again = session(base, 'peek', bob);
    assert.ok(again.lease.kind === 'held' && again.lease.lease.age < 60);
  });

  it('release removes the lease of its own run only', (t) => {
    const base = tempDir('lease', t);
    const { lockFile } = session(base, 'take', alice);
    assert.equal(sh(releaseArgv(lockFile, bob.runId)).stdout, 'release=lost\n');
    assert.ok(existsSync(lockFile));
    assert.equal(sh(releaseArgv(lockFile, alice.runId)).stdout, 'release=done\n');
    assert.equal(existsSync(lockFile), false);
    assert.equal(sh(releaseArgv(lockFile, alice.runId)).stdout, 'release=lost\n');
    assert.equal(session(base, 'take', bob).lease.kind, 'taken');
  });

  it('the journal is written whole (mode 0600, its folder made), and removed when empty', (t) => {
    const base = tempDir('lease', t);
    const file = join(base, 'lib', 'handlers');
    assert.equal(sh(journalArgv(file), '{"handler":"x"}\n').code, 0);
    assert.equal(readFileSync(file, 'utf8'), '{"handler":"x"}\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(sh(journalArgv(file), '{"handler":"x"}\n{"handler":"y"}\n').code, 0);
    assert.equal(readFileSync(file, 'utf8'), '{"handler":"x"}\n{"handler":"y"}\n');
    assert.deepEqual(readdirSync(join(base, 'lib')), ['handlers'], 'no temp file left');
    assert.equal(sh(journalArgv(file), '').code, 0);
    assert.equal(existsSync(file), false);
  });
});
