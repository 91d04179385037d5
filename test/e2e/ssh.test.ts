import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnreachableError, type SshOptions } from '../../src/transport/connection.js';
import { createConnectionFactory } from '../../src/transport/factory.js';
import { MAX_CHANNELS, SshConnection } from '../../src/transport/ssh.js';
import { eventually, isolateSshHome, sshSpec, testSshOptions, writeLines } from '../helpers/ssh-env.js';
import { generateKey, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const home = isolateSshHome();
let dir: string;
let key: KeyPair;
let sshd: Sshd;
let opts: SshOptions;

before(async () => {
  dir = tempDir('ssh-e2e');
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

function open(host = 'node'): SshConnection {
  return new SshConnection(sshSpec(sshd, { host }), opts);
}

describe('SshConnection exec', () => {
  it('passes stdin, collects stdout and stderr as UTF-8, and returns the exit code', async () => {
    const c = open();
    try {
      const res = await c.exec({ argv: ['sh', '-c', 'cat; printf "é err" >&2; exit 3'], stdin: 'héllo wörld\n' });
      assert.deepEqual(res, { code: 3, signal: null, stdout: 'héllo wörld\n', stderr: 'é err' });
    } finally {
      await c.close();
    }
  });

  it('reports the signal that killed the command', async () => {
    const c = open();
    try {
      const res = await c.exec({ argv: ['sh', '-c', 'kill -TERM $$'] });
      assert.equal(res.code, null);
      assert.equal(res.signal, 'SIGTERM');
    } finally {
      await c.close();
    }
  });

  it('keeps every argument literal and applies cwd and env', async () => {
    const c = open();
    try {
      const res = await c.exec({ argv: ['printf', '%s|', 'a b', "it's", '$HOME', '*', ''], cwd: '/tmp', env: { K8SBM_X: 'x y' } });
      assert.equal(res.stdout, "a b|it's|$HOME|*||");
      const env = await c.exec({ argv: ['sh', '-c', 'pwd; printf %s "$K8SBM_X"'], cwd: '/tmp', env: { K8SBM_X: 'x y' } });
      assert.equal(env.stdout, '/tmp\nx y');
    } finally {
      await c.close();
    }
  });

  it('moves a megabyte through stdin and stdout intact', async () => {
    const c = open();
    try {
      const big = 'ü0123456789abcdef'.repeat(64 * 1024);
      const res = await c.exec({ argv: ['cat'], stdin: big });
      assert.equal(res.code, 0);
      assert.equal(res.stdout.length, big.length);
      assert.equal(res.stdout, big);
    } finally {
      await c.close();
    }
  });

  it(`runs 20 parallel execs over one TCP connection, at most ${MAX_CHANNELS} channels at a time`, async () => {
    const c = open();
    const marks = join(dir, 'marks');
    mkdirSync(marks);
    writeFileSync(join(marks, 'running'), '0\n');
    writeFileSync(join(marks, 'started'), '0\n');
    const loginsBefore = sshd.acceptedLogins();
    try {
      // The node keeps the record. Each command counts itself in and out under a lock, writing
      // how many ran at that moment; in between it waits until MAX_CHANNELS commands have
      // started, a barrier that only channels open at the same time can pass. With fewer at
      // once it would wait out its deadline and fail, however slow or loaded the machine.
      const script = [
        'd=$1; id=$2; want=$3; deadline=$(( $(date +%s) + $4 ))',
        'flock "$d/lock" sh -c \'n=$(( $(cat "$1/running") + 1 )); echo $n > "$1/running"; echo $(( $(cat "$1/started") + 1 )) > "$1/started"; echo "start $2 $n" >> "$1/log"\' mark "$d" "$id"',
        'until [ "$(flock -s "$d/lock" cat "$d/started")" -ge "$want" ]; do',
        '  [ "$(date +%s)" -le "$deadline" ] || { echo "$(cat "$d/started") of $want commands had started by the deadline" >&2; exit 3; }',
        '  sleep 0.02',
        'done',
        'flock "$d/lock" sh -c \'n=$(( $(cat "$1/running") - 1 )); echo $n > "$1/running"; echo "end $2 $n" >> "$1/log"\' mark "$d" "$id"',
      ].join('\n');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        c.exec({ argv: ['sh', '-c', script, 'count', marks, String(i), String(MAX_CHANNELS), '120'] })));
      // Exit codes only: stderr may also hold what the machine's own shell start-up says (this
      // sshd logs in to the machine's root, whose ~/.bashrc may run a version manager).
      assert.deepEqual(results.map((r) => r.code), results.map(() => 0), results.map((r) => r.stderr).join(''));
      const log = readFileSync(join(marks, 'log'), 'utf8').trim().split('\n').map((l) => l.split(' '));
      const starts = log.filter(([what]) => what === 'start');
      assert.deepEqual(starts.map(([, id]) => Number(id)).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      assert.equal(log.filter(([what]) => what === 'end').length, 20);
      // Only channels open together pass the barrier: the node saw exactly MAX_CHANNELS at once.
      assert.equal(Math.max(...starts.map(([, , n]) => Number(n))), MAX_CHANNELS, log.join('\n'));
      assert.equal(readFileSync(join(marks, 'running'), 'utf8'), '0\n');
      assert.equal(sshd.acceptedLogins() - loginsBefore, 1, 'one SSH login, hence one TCP connection');
      assert.equal(c.execCount, 20);
    } finally {
      await c.close();
    }
  });

  it('kills a command that runs past timeoutMs and says so; the connection stays usable', async () => {
    const c = open();
    try {
      const started = Date.now();
      const res = await c.exec({ argv: ['sleep', '30'], timeoutMs: 500 });
      assert.ok(Date.now() - started < 5_000, 'returned long before the command would have ended');
      assert.equal(res.code, null);
      // timeout(1) on the node sends TERM; on a loaded machine the workstation's own give-up
      // (3 s later) can come before the node's exit status, and says KILL: killed either way.
      assert.match(String(res.signal), /^SIG(TERM|KILL)$/);
      assert.match(res.stderr, /timed out after 0\.5s/);
      assert.equal((await c.exec({ argv: ['echo', 'still here'] })).stdout, 'still here\n');
    } finally {
      await c.close();
    }
  });

  it('does not wrap become root for root, and runs sudo -n for another user', async () => {
    const c = open();
    try {
      const asRoot = await c.exec({ argv: ['sh', '-c', 'id -un; ps -o comm= -p $PPID'], become: { user: 'root', method: 'sudo' } });
      assert.equal(asRoot.stdout.split('\n')[0], 'root');
      assert.notEqual(asRoot.stdout.split('\n')[1], 'sudo', 'no sudo around the command');
      const asNobody = await c.exec({ argv: ['id', '-un'], become: { user: 'nobody', method: 'sudo' } });
      assert.equal(asNobody.stdout, 'nobody\n');
      const noSuchUser = await c.exec({ argv: ['true'], become: { user: 'no-such-user-k8sbm', method: 'sudo' } });
      assert.notEqual(noSuchUser.code, 0);
      assert.match(noSuchUser.stderr, /unknown user/);
    } finally {
      await c.close();
    }
  });

  it('connects lazily, once, even when asked many times at once', async () => {
    const c = open();
    const before = sshd.acceptedLogins();
    try {
      assert.equal(sshd.acceptedLogins(), before, 'the constructor did not connect');
      await Promise.all([c.connect(), c.connect(), c.exec({ argv: ['true'] }), c.connect()]);
      assert.equal(sshd.acceptedLogins() - before, 1);
    } finally {
      await c.close();
    }
  });
});

describe('sessions the server refuses', () => {
  it('a channel refused under sshd\'s MaxSessions is opened once one of ours comes free', async () => {
    const tight = await startSshd({ authorizedKeys: [key.publicLine], extraConfig: ['MaxSessions 1'] });
    const tightOpts = testSshOptions(dir, { privateKeyFiles: [key.privateKeyFile], knownHostsFile: join(dir, 'known_hosts_tight') });
    writeLines(tightOpts.knownHostsFile!, tight.knownHostsLines());
    const c = new SshConnection(sshSpec(tight), tightOpts);
    const gate = join(dir, 'gate');
    const refusals = (): number => (tight.log().match(/^no more sessions$/gm) ?? []).length;
    try {
      let firstRunning = false;
      const first = c.exec({
        argv: ['sh', '-c', 'echo running; until [ -e "$1" ]; do sleep 0.02; done; echo first', 'first', gate],
        timeoutMs: 300_000,
        onOutput: (stream, chunk) => { if (stream === 'stdout' && chunk.includes('running')) firstRunning = true; },
      });
      // Handled here so that a failure on the way reports itself, not these two left pending.
      first.catch(() => undefined);
      await eventually(() => firstRunning, 'the first command to run', 120_000);
      const second = c.exec({ argv: ['echo', 'second'] });
      second.catch(() => undefined);
      // The only session is taken: the server refuses the second, and says so, before the gate opens.
      await eventually(() => refusals() >= 1, 'sshd to refuse the second session', 120_000);
      writeFileSync(gate, '');
      assert.deepEqual(await first, { code: 0, signal: null, stdout: 'running\nfirst\n', stderr: '' });
      assert.deepEqual(await second, { code: 0, signal: null, stdout: 'second\n', stderr: '' });
    } finally {
      await c.close();
      await tight.stop();
    }
  });
});

describe('connection lost mid-run', () => {
  it('fails the exec in flight and every later one with UnreachableError, without crashing', async () => {
    const c = createConnectionFactory(opts)(sshSpec(sshd, { host: 'victim' }));
    await c.connect();
    const sessions = (): number => (sshd.log().match(/Starting session: command for root/g) ?? []).length;
    const before = sessions();
    const inFlight = c.exec({ argv: ['sleep', '30'] });
    await eventually(() => sessions() > before, 'the command to start');
    assert.ok(sshd.killSessions() > 0);
    await assert.rejects(inFlight, (e: unknown) => e instanceof UnreachableError && e.host === 'victim' && /^connection lost/.test(e.reason));
    await assert.rejects(c.exec({ argv: ['true'] }), (e: unknown) => e instanceof UnreachableError && /^connection lost/.test(e.reason));
    await c.close();
  });
});

describe('close', () => {
  it('ends the SSH session on the server', async () => {
    const c = open();
    await c.exec({ argv: ['true'] });
    const disconnects = (): number => (sshd.log().match(/Disconnected from user root/g) ?? []).length;
    const before = disconnects();
    await c.close();
    await eventually(() => disconnects() > before, 'sshd to log the disconnect');
    await assert.rejects(c.exec({ argv: ['true'] }), UnreachableError);
  });
});
