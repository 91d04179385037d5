import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BecomeStderrGate, ExecStreams } from '../../src/transport/exec-io.js';
import { LocalConnection } from '../../src/transport/local.js';
import { BECOME_PROMPT, BECOME_READY, becomeWrap, buildRemoteCommand, needsBecome } from '../../src/transport/quote.js';
import { Secret } from '../../src/util/secret.js';
const root = { user: 'root', method: 'sudo' };
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
        const log = [];
        return { log, sink: { write: (d) => { log.push(`write:${d.toString()}`); }, end: () => { log.push('end'); } } };
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
describe('LocalConnection with a become password', () => {
    it('hands the command exactly its own stdin when sudo does not ask (root becoming nobody)', async () => {
        const conn = new LocalConnection('localhost', { becomePassword: new Secret('not-for-the-command') });
        const res = await conn.exec({ argv: ['sh', '-c', 'id -un; cat'], stdin: 'line1\nline2\n', become: { user: 'nobody', method: 'sudo' } });
        assert.equal(res.code, 0, res.stderr);
        assert.equal(res.stdout, 'nobody\nline1\nline2\n');
        assert.equal(res.stderr, '');
    });
});
//# sourceMappingURL=become.test.js.map