import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnreachableError } from '../../src/transport/connection.js';
import { createConnectionFactory } from '../../src/transport/factory.js';
import { sha256Fingerprint } from '../../src/transport/known-hosts.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { Secret } from '../../src/util/secret.js';
import { isolateSshHome, sshSpec, testSshOptions, writeLines } from '../helpers/ssh-env.js';
import { generateKey, startAgent, startSshd } from '../helpers/sshd.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
const home = isolateSshHome();
const PASSWORD = 'k8sbm-sudo-pw-3141';
const users = [
    { name: 'k8sbmpw', uid: 42701, password: PASSWORD, sudo: 'password' },
    { name: 'k8sbmnp', uid: 42702, password: 'other-pw-2718', sudo: 'nopasswd' },
];
let dir;
let sshd;
let plain;
let encrypted;
let agentKey;
let agent;
before(async () => {
    dir = tempDir('ssh-auth');
    plain = generateKey(dir, 'id_root');
    encrypted = generateKey(dir, 'id_enc', { passphrase: 'correct horse' });
    agentKey = generateKey(dir, 'id_agent');
    sshd = await startSshd({ authorizedKeys: [plain.publicLine, encrypted.publicLine, agentKey.publicLine], users });
    agent = await startAgent(dir);
    agent.add(agentKey.privateKeyFile);
});
after(async () => {
    await agent.stop();
    await sshd.stop();
    removeTempDir(dir);
    removeTempDir(home);
});
function options(over = {}) {
    const o = testSshOptions(dir, over);
    writeLines(o.knownHostsFile, sshd.knownHostsLines());
    return o;
}
function fingerprintOf(k) {
    return sha256Fingerprint(Buffer.from(k.publicLine.split(' ')[1], 'base64'));
}
async function whoami(c) {
    try {
        return (await c.exec({ argv: ['id', '-un'] })).stdout.trim();
    }
    finally {
        await c.close();
    }
}
describe('key files', () => {
    it('authenticates with the inventory key (ansible_ssh_private_key_file)', async () => {
        const c = new SshConnection(sshSpec(sshd, { privateKeyFile: plain.privateKeyFile }), options());
        assert.equal(await whoami(c), 'root');
        assert.ok(sshd.log().includes(fingerprintOf(plain)));
    });
    it('finds the key through an ssh_config IdentityFile with %r', async () => {
        const o = options();
        writeFileSync(o.sshConfigFile, `Host 127.0.0.1\n  IdentityFile ${dir}/id_%r\n`);
        assert.equal(await whoami(new SshConnection(sshSpec(sshd), o)), 'root');
    });
    it('asks the passphrase of an encrypted key once for the whole run', async () => {
        const asked = [];
        const factory = createConnectionFactory(options({
            privateKeyFiles: [encrypted.privateKeyFile],
            askPassphrase: async (file) => { asked.push(file); return 'correct horse'; },
        }));
        const [a, b] = await Promise.all([whoami(factory(sshSpec(sshd, { host: 'a' }))), whoami(factory(sshSpec(sshd, { host: 'b' })))]);
        assert.deepEqual([a, b], ['root', 'root']);
        assert.equal(await whoami(factory(sshSpec(sshd, { host: 'c' }))), 'root');
        assert.deepEqual(asked, [encrypted.privateKeyFile]);
    });
    it('reports a wrong passphrase and a missing prompt in the list of what was tried', async () => {
        const wrong = new SshConnection(sshSpec(sshd), options({ privateKeyFiles: [encrypted.privateKeyFile], askPassphrase: async () => 'wrong' }));
        await assert.rejects(wrong.connect(), (e) => e instanceof UnreachableError
            && e.reason === `auth failed (tried: publickey ${encrypted.privateKeyFile} (wrong passphrase))`);
        const noPrompt = new SshConnection(sshSpec(sshd), options({ privateKeyFiles: [encrypted.privateKeyFile] }));
        await assert.rejects(noPrompt.connect(), (e) => e instanceof UnreachableError && /\(encrypted, no passphrase prompt: load it with ssh-add\)/.test(e.reason));
    });
    it('lists every method tried when none works, and never offers a stack trace', async () => {
        const stranger = generateKey(dir, 'id_stranger');
        const c = new SshConnection(sshSpec(sshd), options({ privateKeyFiles: [stranger.privateKeyFile, join(dir, 'absent')], agentSocket: join(dir, 'no-agent.sock') }));
        await assert.rejects(c.connect(), (e) => {
            assert.ok(e instanceof UnreachableError);
            assert.equal(e.reason, `auth failed (tried: publickey agent (no socket at ${join(dir, 'no-agent.sock')}), publickey ${stranger.privateKeyFile}, publickey ${join(dir, 'absent')} (missing))`);
            assert.match(e.hint ?? '', /--private-key/);
            return true;
        });
    });
});
describe('ssh-agent', () => {
    it('authenticates with a key held by a real ssh-agent', async () => {
        const c = new SshConnection(sshSpec(sshd), options({ agentSocket: agent.socket }));
        assert.equal(await whoami(c), 'root');
        assert.ok(sshd.log().includes(`Accepted publickey for root from 127.0.0.1`));
        assert.ok(sshd.log().includes(fingerprintOf(agentKey)), 'the agent key was the one accepted');
    });
    it('uses SSH_AUTH_SOCK when no socket is given', async () => {
        process.env.SSH_AUTH_SOCK = agent.socket;
        try {
            assert.equal(await whoami(createConnectionFactory(options())(sshSpec(sshd))), 'root');
        }
        finally {
            delete process.env.SSH_AUTH_SOCK;
        }
    });
});
describe('become with a sudo password', () => {
    const spec = (user) => sshSpec(sshd, { user, privateKeyFile: plain.privateKeyFile, host: user });
    const root = { user: 'root', method: 'sudo' };
    it('runs as root through sudo -S, feeding the password and then the command stdin', async () => {
        const c = new SshConnection(spec('k8sbmpw'), options({ becomePassword: new Secret(PASSWORD) }));
        try {
            assert.equal((await c.exec({ argv: ['id', '-un'] })).stdout, 'k8sbmpw\n');
            const res = await c.exec({ argv: ['sh', '-c', 'id -un; cat'], stdin: 'payload\n', become: root });
            assert.deepEqual(res, { code: 0, signal: null, stdout: 'root\npayload\n', stderr: '' });
        }
        finally {
            await c.close();
        }
    });
    it('fails without a password (sudo -n) instead of hanging', async () => {
        const c = new SshConnection(spec('k8sbmpw'), options());
        try {
            const res = await c.exec({ argv: ['id', '-un'], become: root });
            assert.equal(res.code, 1);
            assert.match(res.stderr, /password is required/);
        }
        finally {
            await c.close();
        }
    });
    it('fails on a wrong password without repeating it or printing it', async () => {
        const wrong = 'not-the-password-1618';
        const c = new SshConnection(spec('k8sbmpw'), options({ becomePassword: new Secret(wrong) }));
        try {
            const res = await c.exec({ argv: ['id', '-un'], become: root, stdin: 'x' });
            assert.equal(res.code, 1);
            assert.equal(res.stdout, '');
            assert.match(res.stderr, /incorrect password|Sorry, try again/);
            assert.ok(!res.stderr.includes(wrong));
        }
        finally {
            await c.close();
        }
    });
    it('never hands the password to the command when sudo does not ask (NOPASSWD)', async () => {
        const c = new SshConnection(spec('k8sbmnp'), options({ becomePassword: new Secret(PASSWORD) }));
        try {
            const res = await c.exec({ argv: ['sh', '-c', 'id -un; cat'], stdin: 'only this\n', become: root });
            assert.deepEqual(res, { code: 0, signal: null, stdout: 'root\nonly this\n', stderr: '' });
        }
        finally {
            await c.close();
        }
    });
});
describe('cost on localhost', () => {
    it('measures one connect and one exec round trip (login shell /bin/sh)', async (t) => {
        const c = new SshConnection(sshSpec(sshd, { user: 'k8sbmnp', privateKeyFile: plain.privateKeyFile }), options());
        try {
            let t0 = process.hrtime.bigint();
            await c.connect();
            const connectMs = Number(process.hrtime.bigint() - t0) / 1e6;
            const runs = [];
            for (let i = 0; i < 20; i++) {
                t0 = process.hrtime.bigint();
                const r = await c.exec({ argv: ['true'] });
                runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
                assert.equal(r.code, 0);
            }
            runs.sort((x, y) => x - y);
            const median = runs[runs.length >> 1];
            t.diagnostic(`connect ${connectMs.toFixed(1)} ms; exec round trip median ${median.toFixed(1)} ms (min ${runs[0].toFixed(1)}, max ${runs[runs.length - 1].toFixed(1)})`);
            assert.equal(c.execCount, 20);
            assert.ok(median < connectMs, 'an exec on the open connection costs less than connecting');
        }
        finally {
            await c.close();
        }
    });
});
//# sourceMappingURL=ssh-auth.test.js.map