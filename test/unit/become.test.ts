import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BecomeStderrGate, ExecStreams } from '../../src/transport/exec-io.js';
import { LocalConnection } from '../../src/transport/local.js';
import { BECOME_PROMPT, BECOME_READY, becomeWrap, buildRemoteCommand, needsBecome, shellQuote } from '../../src/transport/quote.js';
import { PAYLOAD_END, SUPERVISE_ENTRY, SUPERVISE_SCRIPT, SUPERVISE_WATCH } from '../../src/transport/supervise.js';
import { Secret } from '../../src/util/secret.js';

const root = { user: 'root', method: 'sudo' } as const;

describe('becomeWrap and buildRemoteCommand', () => {
  it('uses sudo -n without a password', () => {
    assert.equal(becomeWrap(root, 'id -u'), "sudo -n -H -u root -- sh -c 'id -u'");
  });

  it('uses sudo -S -k with a prompt marker and announces the start with a password, which stays out of argv', () => {
    const line = buildRemoteCommand({ argv: ['cat'], become: root }, 'deploy', { becomePassword: true });
    assert.equal(line, `sudo -S -k -p ${"'" + BECOME_PROMPT + "'"} -H -u root -- sh -c 'printf '\\''%s\\n'\\'' ${BECOME_READY} >&2; cat'`);
  });

  it('does not wrap when the login user is the become user', () => {
    assert.equal(needsBecome({ argv: ['x'], become: root }, 'root'), false);
    assert.equal(buildRemoteCommand({ argv: ['id'], become: root }, 'root', { becomePassword: true }), 'id');
  });

  it('puts timeout(1) right before the program, inside cd, env and sudo', () => {
    const line = buildRemoteCommand({ argv: ['sleep', '9'], cwd: '/tmp', env: { A: '1' }, timeoutMs: 1500, become: root }, 'u', { remoteTimeout: true });
    assert.equal(line, "sudo -n -H -u root -- sh -c 'cd /tmp && env A=1 timeout -k 1 1.5 sleep 9'");
  });
});

describe('BecomeStderrGate', () => {
  it('asks for the password at the prompt and for stdin at the ready line, cutting both out', () => {
    const g = new BecomeStderrGate();
    assert.deepEqual(g.push('sudo: a warning\n'), []);
    assert.deepEqual(g.push(BECOME_PROMPT), ['send-password']);
    assert.deepEqual(g.push(`${BECOME_READY}\ncommand stderr\n`), ['send-stdin']);
    assert.deepEqual(g.push(`more ${BECOME_PROMPT}\n`), [], 'after the ready line, everything is the command\'s');
    assert.equal(g.text(), `sudo: a warning\ncommand stderr\nmore ${BECOME_PROMPT}\n`);
  });

  it('finds markers split across chunks', () => {
    const g = new BecomeStderrGate();
    const steps = [...`x${BECOME_PROMPT}${BECOME_READY}\ny`].flatMap((c) => g.push(c));
    assert.deepEqual(steps, ['send-password', 'send-stdin']);
    assert.equal(g.text(), 'xy');
  });

  it('gives up at a second prompt (wrong password) instead of sending it again', () => {
    const g = new BecomeStderrGate();
    assert.deepEqual(g.push(`${BECOME_PROMPT}Sorry, try again.\n${BECOME_PROMPT}`), ['send-password', 'give-up']);
    assert.equal(g.text(), 'Sorry, try again.\n');
  });
});

describe('ExecStreams', () => {
  function recorder() {
    const log: string[] = [];
    return { log, sink: { write: (d: string | Buffer) => { log.push(`write:${d.toString()}`); }, end: () => { log.push('end'); } } };
  }

  it('writes stdin at once without a become password', () => {
    const r = recorder();
    new ExecStreams(r.sink, 'data', undefined).start();
    assert.deepEqual(r.log, ['write:data', 'end']);
  });

  it('writes the password only after the prompt and stdin only after the ready line', () => {
    const r = recorder();
    const io = new ExecStreams(r.sink, 'data', 'pw');
    io.start();
    assert.deepEqual(r.log, []);
    io.stderr(Buffer.from(BECOME_PROMPT));
    assert.deepEqual(r.log, ['write:pw\n']);
    io.stderr(Buffer.from(`${BECOME_READY}\n`));
    assert.deepEqual(r.log, ['write:pw\n', 'write:data', 'end']);
    assert.equal(io.result().stderr, '');
  });

  it('never writes the password when sudo does not ask', () => {
    const r = recorder();
    const io = new ExecStreams(r.sink, 'data', 'pw');
    io.start();
    io.stderr(Buffer.from(`${BECOME_READY}\n`));
    assert.deepEqual(r.log, ['write:data', 'end']);
  });
});

describe('ExecStreams for a supervised command', () => {
  function recorder() {
    const log: string[] = [];
    return { log, sink: { write: (d: string | Buffer) => { log.push(`write:${d.toString()}`); }, end: () => { log.push('end'); } } };
  }

  it('follows the payload with PAYLOAD_END and keeps stdin open until stop()', () => {
    const r = recorder();
    const io = new ExecStreams(r.sink, 'data', undefined, undefined, { supervised: true });
    io.start();
    assert.deepEqual(r.log, ['write:data', `write:${PAYLOAD_END}`]);
    io.stop();
    io.stop();
    assert.deepEqual(r.log, ['write:data', `write:${PAYLOAD_END}`, 'end']);
  });

  it('writes nothing without a payload, and the password before it with one', () => {
    const none = recorder();
    new ExecStreams(none.sink, undefined, undefined, undefined, { supervised: true }).start();
    assert.deepEqual(none.log, []);
    const r = recorder();
    const io = new ExecStreams(r.sink, 'data', 'pw', undefined, { supervised: true });
    io.start();
    io.stderr(Buffer.from(`${BECOME_PROMPT}`));
    io.stderr(Buffer.from(`${BECOME_READY}\n`));
    assert.deepEqual(r.log, ['write:pw\n', 'write:data', `write:${PAYLOAD_END}`]);
  });
});

describe('buildRemoteCommand for a supervised command', () => {
  const supervise = { stdinBytes: 0 };

  it('runs the supervisor through exec, with the command line as its last argument', () => {
    const line = buildRemoteCommand({ argv: ['sleep', '9'], cwd: '/tmp', env: { A: '1' }, timeoutMs: 1500 }, 'root', { remoteTimeout: true, supervise: { stdinBytes: 12 } });
    assert.ok(line.startsWith('exec sh -c '), line);
    assert.ok(line.endsWith(` 12 'cd /tmp && exec env A=1 timeout -k 1 1.5 sleep 9'`), line);
    for (const part of [SUPERVISE_ENTRY, SUPERVISE_SCRIPT, SUPERVISE_WATCH]) assert.ok(line.includes(shellQuote(part)));
  });

  it('puts sudo outside it, so that the watcher runs as the become user', () => {
    const line = buildRemoteCommand({ argv: ['id'], become: root }, 'deploy', { supervise });
    assert.ok(line.startsWith(`exec sudo -n -H -u root -- sh -c ${shellQuote(SUPERVISE_ENTRY)} k8sbm `), line);
    const withPassword = buildRemoteCommand({ argv: ['id'], become: root }, 'deploy', { supervise, becomePassword: true });
    assert.ok(withPassword.includes(shellQuote(`printf '%s\\n' ${BECOME_READY} >&2\n${SUPERVISE_ENTRY}`)), withPassword);
  });

  it('lets the shell run a builtin instead of exec-ing it', () => {
    assert.ok(buildRemoteCommand({ argv: ['ulimit', '-n'] }, 'root', { supervise }).endsWith(` 0 'ulimit -n'`));
    assert.ok(buildRemoteCommand({ argv: ['echo', 'x'] }, 'root', { supervise }).endsWith(` 0 'exec echo x'`));
  });
});

describe('LocalConnection with a become password', () => {
  it('hands the command exactly its own stdin when sudo does not ask (root becoming nobody)', async () => {
    const conn = new LocalConnection('localhost', { becomePassword: new Secret('not-for-the-command') });
    const res = await conn.exec({ argv: ['sh', '-c', 'id -un; cat'], stdin: 'line1\nline2\n', become: { user: 'nobody', method: 'sudo' } });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'nobody\nline1\nline2\n');
    assert.equal(res.stderr, '');
  });
});
