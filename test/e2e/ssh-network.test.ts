import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { sshOptionsFrom } from '../../src/cli/ssh-options.js';
import { loadProjectConfig } from '../../src/config/project.js';
import { K8sbmError } from '../../src/source/errors.js';
import { UnreachableError, type SshOptions } from '../../src/transport/connection.js';
import { createConnectionFactory } from '../../src/transport/factory.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { SshRun } from '../../src/transport/ssh-run.js';
import { eventually, isolateSshHome, sshSpec, testSshOptions, writeLines } from '../helpers/ssh-env.js';
import { descendantsOf, freePort, generateKey, startSilentListener, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const home = isolateSshHome();
let dir: string;
let key: KeyPair;
let bastion: Sshd;
let bastion2: Sshd;
let target: Sshd;

before(async () => {
  dir = tempDir('ssh-net');
  key = generateKey(dir, 'id');
  [bastion, bastion2, target] = await Promise.all([
    startSshd({ authorizedKeys: [key.publicLine], allowTcpForwarding: true }),
    startSshd({ authorizedKeys: [key.publicLine], allowTcpForwarding: true }),
    startSshd({ authorizedKeys: [key.publicLine] }),
  ]);
});

after(async () => {
  await Promise.all([bastion.stop(), bastion2.stop(), target.stop()]);
  removeTempDir(dir);
  removeTempDir(home);
});

function options(over: Partial<SshOptions> = {}, known: readonly Sshd[] = [bastion, bastion2, target]): SshOptions {
  const o = testSshOptions(dir, { privateKeyFiles: [key.privateKeyFile], ...over });
  const kh = `${o.sshConfigFile}.known_hosts`;
  writeLines(kh, known.flatMap((s) => s.knownHostsLines()));
  return { ...o, knownHostsFile: kh };
}

function reason(e: unknown): string {
  assert.ok(e instanceof UnreachableError, String(e));
  return e.reason;
}

/** Sessions (and their processes) an sshd is serving right now. */
const liveChildren = (s: Sshd): number => descendantsOf(s.pid).length;

describe('ProxyJump', () => {
  it('reaches a target through a bastion named in ssh_config, sharing one bastion connection', async () => {
    const o = options();
    writeFileSync(o.sshConfigFile!, [
      'Host behind-*',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  User root',
      `  ProxyJump root@127.0.0.1:${bastion.port}`,
      '',
    ].join('\n'));
    const run = new SshRun(o);
    const before = { bastion: bastion.acceptedLogins(), target: target.acceptedLogins() };
    const a = new SshConnection({ ...sshSpec(target), host: 'a', address: 'behind-a', port: 22 }, o, run);
    const b = new SshConnection({ ...sshSpec(target), host: 'b', address: 'behind-b', port: 22 }, o, run);
    const [ra, rb] = await Promise.all([a.exec({ argv: ['echo', 'a'] }), b.exec({ argv: ['echo', 'b'] })]);
    assert.deepEqual([ra.stdout, rb.stdout], ['a\n', 'b\n']);
    assert.equal(bastion.acceptedLogins() - before.bastion, 1, 'one bastion connection for both targets');
    assert.equal(target.acceptedLogins() - before.target, 2);
    assert.equal(run.openJumps, 1);
    await a.close();
    assert.equal(run.openJumps, 1, 'still used by b');
    await b.close();
    assert.equal(run.openJumps, 0);
    await eventually(() => liveChildren(bastion) === 0, 'the bastion connection to close');
  });

  it('goes through two hops given as -J in ansible_ssh_common_args', async () => {
    const before = { b1: bastion.acceptedLogins(), b2: bastion2.acceptedLogins() };
    const args = `-J root@127.0.0.1:${bastion.port},root@127.0.0.1:${bastion2.port}`;
    const c = new SshConnection(sshSpec(target, { sshCommonArgs: args }), options());
    try {
      assert.equal((await c.exec({ argv: ['echo', 'deep'] })).stdout, 'deep\n');
      assert.equal(bastion.acceptedLogins() - before.b1, 1);
      assert.equal(bastion2.acceptedLogins() - before.b2, 1);
    } finally {
      await c.close();
    }
  });

  it('verifies the bastion host key too, naming the jump host', async () => {
    const c = new SshConnection(sshSpec(target, { sshCommonArgs: `-o ProxyJump=root@127.0.0.1:${bastion.port}` }), options({}, [target]));
    const r = await c.connect().then(() => '', reason);
    assert.match(r, new RegExp(`^host key unknown: \\[127\\.0\\.0\\.1\\]:${bastion.port} .*\\(at jump host root@127\\.0\\.0\\.1:${bastion.port}\\)$`));
    await c.close();
  });

  it('says when the bastion cannot reach the target, and when the bastion forbids forwarding', async () => {
    const closed = await freePort();
    const refused = new SshConnection(sshSpec({ port: closed }, { sshCommonArgs: `-J root@127.0.0.1:${bastion.port}` }), options());
    assert.equal(await refused.connect().then(() => '', reason), `connection refused (via jump host root@127.0.0.1:${bastion.port})`);
    await refused.close();
    const forbidden = new SshConnection(sshSpec(bastion, { sshCommonArgs: `-J root@127.0.0.1:${target.port}` }), options());
    assert.match(await forbidden.connect().then(() => '', reason), /^forwarding refused by the jump host/);
    await forbidden.close();
  });
});

describe('unreachable hosts', () => {
  it('reports a closed port as "connection refused" at once', async () => {
    const port = await freePort();
    const started = Date.now();
    const c = new SshConnection(sshSpec({ port }), options());
    assert.equal(await c.connect().then(() => '', reason), 'connection refused');
    assert.ok(Date.now() - started < 2_000);
    await assert.rejects(c.exec({ argv: ['true'] }), UnreachableError);
  });

  it('retries a refused connect with backoff, then gives up', async () => {
    const port = await freePort();
    const started = Date.now();
    const c = new SshConnection(sshSpec({ port }), options({ connectRetries: 2 }));
    assert.equal(await c.connect().then(() => '', reason), 'connection refused');
    const took = Date.now() - started;
    assert.ok(took >= 250 + 500, `waited between attempts (${took} ms)`);
    assert.ok(took < 5_000, `gave up soon (${took} ms)`);
  });

  it('times out a server that never speaks SSH, retrying the given number of times', async () => {
    const silent = await startSilentListener();
    try {
      const started = Date.now();
      const c = new SshConnection(sshSpec({ port: silent.port }), options({ connectTimeoutMs: 300, connectRetries: 1 }));
      assert.equal(await c.connect().then(() => '', reason), 'connect timeout after 0.3s');
      assert.equal(silent.accepted(), 2, 'one attempt and one retry');
      assert.ok(Date.now() - started < 3_000);
    } finally {
      await silent.close();
    }
  });

  it('holds handshakes beyond --max-handshakes back, each one\'s timeout counted from its own start', async () => {
    const silent = await startSilentListener();
    try {
      const factory = createConnectionFactory(options({ connectTimeoutMs: 300, connectRetries: 0, maxHandshakes: 2 }));
      const conns = [1, 2, 3, 4, 5].map((i) => factory(sshSpec({ port: silent.port }, { host: `n${i}` })));
      const started = Date.now();
      const reasons = await Promise.all(conns.map((c) => c.connect().then(() => '', reason)));
      const took = Date.now() - started;
      // Five dials two at a time are three rounds of a full timeout: a timeout that counted the
      // wait for a slot, or no cap at all, would have them all time out after one round.
      assert.deepEqual(reasons, Array(5).fill('connect timeout after 0.3s'));
      assert.equal(silent.accepted(), 5, 'every host was dialled once its turn came');
      assert.ok(took >= 3 * 300, `three rounds of 300 ms (${took} ms)`);
    } finally {
      await silent.close();
    }
  });

  it('refuses a --max-handshakes that is not a positive whole number', () => {
    for (const bad of [0, -1, 2.5]) {
      assert.throws(() => sshOptionsFrom({ 'max-handshakes': bad }, loadProjectConfig(dir, {})), (e: unknown) =>
        e instanceof K8sbmError && e.code === 'K8SBM_USAGE' && /--max-handshakes must be a positive whole number/.test(e.message));
    }
    assert.equal(sshOptionsFrom({ 'max-handshakes': 4 }, loadProjectConfig(dir, {})).maxHandshakes, 4);
  });

  it('takes ConnectTimeout from ssh_config', async () => {
    const silent = await startSilentListener();
    try {
      const o = options({ connectTimeoutMs: 60_000 });
      writeFileSync(o.sshConfigFile!, 'Host 127.0.0.1\n  ConnectTimeout 1\n');
      const c = new SshConnection(sshSpec({ port: silent.port }), o);
      assert.equal(await c.connect().then(() => '', reason), 'connect timeout after 1s');
    } finally {
      await silent.close();
    }
  });

  it('says a ProxyCommand it cannot run is not supported, and lists settings it ignored', async () => {
    const o = options();
    writeFileSync(o.sshConfigFile!, 'Match user nobody\n  Port 1\n');
    const factory = createConnectionFactory(o);
    const c = factory(sshSpec(target, { host: 'pc', sshCommonArgs: `-o ProxyCommand="nc %h %p" -L 8080:localhost:80` }));
    assert.match(await c.connect().then(() => '', reason), /^ProxyCommand is not supported/);
    assert.deepEqual(factory.warnings(), [
      `${o.sshConfigFile}:1: Match blocks are not supported; their settings are ignored`,
      'pc: ansible_ssh_common_args: ignored -L 8080:localhost:80',
    ]);
  });
});
