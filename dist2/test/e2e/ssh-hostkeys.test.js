import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UnreachableError } from '../../src/transport/connection.js';
import { createConnectionFactory } from '../../src/transport/factory.js';
import { sha256Fingerprint } from '../../src/transport/known-hosts.js';
import { SshConnection } from '../../src/transport/ssh.js';
import { isolateSshHome, sshSpec, testSshOptions, writeLines } from '../helpers/ssh-env.js';
import { generateKey, startSshd } from '../helpers/sshd.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
const home = isolateSshHome();
let dir;
let key;
let sshd;
let other;
before(async () => {
    dir = tempDir('ssh-hostkeys');
    key = generateKey(dir, 'id');
    other = generateKey(dir, 'other_host_key');
    sshd = await startSshd({ authorizedKeys: [key.publicLine], hostKeyTypes: ['ed25519', 'ecdsa'] });
});
after(async () => {
    await sshd.stop();
    removeTempDir(dir);
    removeTempDir(home);
});
function options(over = {}) {
    const o = testSshOptions(dir, { privateKeyFiles: [key.privateKeyFile], ...over });
    const kh = join(dir, `known_hosts_${Math.random().toString(36).slice(2)}`);
    return { ...o, knownHostsFile: over.knownHostsFile ?? kh };
}
const name = () => `[127.0.0.1]:${sshd.port}`;
const ed25519 = () => {
    const k = sshd.hostKeys.find((h) => h.type === 'ssh-ed25519');
    return { line: k.publicLine, fp: sha256Fingerprint(k.blob) };
};
async function works(c) {
    try {
        assert.equal((await c.exec({ argv: ['echo', 'in'] })).stdout, 'in\n');
    }
    finally {
        await c.close();
    }
}
function refusal(c) {
    return c.connect().then(() => assert.fail('connected'), (e) => {
        assert.ok(e instanceof UnreachableError, String(e));
        return e;
    });
}
describe('strict (the default)', () => {
    it('refuses an unknown host key before authenticating, with the keyscan line as the fix', async () => {
        const logins = sshd.acceptedLogins();
        const e = await refusal(new SshConnection(sshSpec(sshd), options()));
        assert.match(e.reason, new RegExp(`^host key unknown: \\[127\\.0\\.0\\.1\\]:${sshd.port} presented ssh-ed25519 ${ed25519().fp.replace(/[+/]/g, '\\$&')}`));
        assert.match(e.hint ?? '', new RegExp(`ssh-keyscan -H -p ${sshd.port} 127\\.0\\.0\\.1 >> `));
        assert.match(e.hint ?? '', /--host-key-checking accept-new/);
        assert.equal(sshd.acceptedLogins(), logins, 'no login happened');
    });
    it('refuses a changed key naming the stored line and both fingerprints, also under accept-new', async () => {
        for (const mode of ['strict', 'accept-new']) {
            const o = options({ hostKeyChecking: mode });
            writeLines(o.knownHostsFile, ['# managed by hand', `${name()} ${other.publicLine}`]);
            const e = await refusal(new SshConnection(sshSpec(sshd), o));
            assert.match(e.reason, /^HOST KEY MISMATCH: /);
            assert.ok(e.reason.includes(`${o.knownHostsFile}:2 has ${sha256Fingerprint(Buffer.from(other.publicLine.split(' ')[1], 'base64'))}`), e.reason);
            assert.ok(e.reason.includes(ed25519().fp));
            assert.match(e.hint ?? '', /ssh-keygen -R/);
        }
    });
    it('accepts a host whose only stored key is of another type it also has (ecdsa), as ssh does', async () => {
        const o = options();
        const ecdsa = sshd.hostKeys.find((k) => k.type.startsWith('ecdsa'));
        writeLines(o.knownHostsFile, [`${name()} ${ecdsa.publicLine}`]);
        await works(new SshConnection(sshSpec(sshd), o));
    });
    it('accepts a key stored hashed by ssh-keygen -H', async () => {
        const o = options();
        writeLines(o.knownHostsFile, [`${name()} ${ed25519().line}`]);
        execFileSync('ssh-keygen', ['-H', '-f', o.knownHostsFile], { stdio: 'ignore' });
        await works(new SshConnection(sshSpec(sshd), o));
    });
    it('reports @cert-authority lines as not supported', async () => {
        const o = options();
        writeLines(o.knownHostsFile, [`@cert-authority * ${other.publicLine}`]);
        const e = await refusal(new SshConnection(sshSpec(sshd), o));
        assert.match(e.reason, /^host key unknown: .*@cert-authority lines \(.*:1\) are not supported/);
    });
    it('refuses a @revoked key', async () => {
        const o = options({ hostKeyChecking: 'off' });
        writeLines(o.knownHostsFile, [`@revoked * ${ed25519().line}`, `${name()} ${ed25519().line}`]);
        const e = await refusal(new SshConnection(sshSpec(sshd), { ...o, hostKeyChecking: 'strict' }));
        assert.match(e.reason, /^HOST KEY REVOKED: .*:1$/);
    });
});
describe('accept-new', () => {
    it('appends the new key in a line that ssh-keygen -F finds, then trusts it in strict mode', async () => {
        const o = options({ hostKeyChecking: 'accept-new' });
        await works(new SshConnection(sshSpec(sshd), o));
        assert.equal(readFileSync(o.knownHostsFile, 'utf8'), `${name()} ${ed25519().line}\n`);
        const found = execFileSync('ssh-keygen', ['-F', name(), '-f', o.knownHostsFile]).toString();
        assert.match(found, /found: line 1/);
        await works(new SshConnection(sshSpec(sshd), { ...o, hostKeyChecking: 'strict' }));
    });
    it('writes hashed lines when ssh_config says HashKnownHosts yes', async () => {
        const o = options({ hostKeyChecking: 'accept-new' });
        writeFileSync(o.sshConfigFile, 'Host *\n  HashKnownHosts yes\n');
        await works(new SshConnection(sshSpec(sshd), o));
        const text = readFileSync(o.knownHostsFile, 'utf8');
        assert.match(text, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
        assert.ok(!text.includes('127.0.0.1'));
        assert.match(execFileSync('ssh-keygen', ['-F', name(), '-f', o.knownHostsFile]).toString(), /found: line 1/);
    });
    it('adds one line when ten hosts with the same address connect at once', async () => {
        const o = options({ hostKeyChecking: 'accept-new' });
        const factory = createConnectionFactory(o);
        await Promise.all(Array.from({ length: 10 }, (_, i) => works(factory(sshSpec(sshd, { host: `n${i}` })))));
        assert.equal(readFileSync(o.knownHostsFile, 'utf8'), `${name()} ${ed25519().line}\n`);
    });
    it('writes to the UserKnownHostsFile ssh_config names for the host', async () => {
        const o = options({ hostKeyChecking: 'accept-new' });
        const own = join(dir, 'from_ssh_config');
        writeFileSync(o.sshConfigFile, `Host 127.0.0.1\n  UserKnownHostsFile ${own}\n`);
        await works(new SshConnection(sshSpec(sshd), o));
        assert.ok(existsSync(own));
        assert.ok(!existsSync(o.knownHostsFile));
    });
});
describe('off, and per-host StrictHostKeyChecking', () => {
    it('off accepts any key and writes nothing', async () => {
        const o = options({ hostKeyChecking: 'off' });
        writeLines(o.knownHostsFile, [`${name()} ${other.publicLine}`]);
        await works(new SshConnection(sshSpec(sshd), o));
        assert.equal(readFileSync(o.knownHostsFile, 'utf8'), `${name()} ${other.publicLine}\n`);
    });
    it('applies StrictHostKeyChecking=no from ansible_ssh_common_args unless the run chose explicitly', async () => {
        const args = '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null';
        await works(new SshConnection(sshSpec(sshd, { sshCommonArgs: args }), options()));
        const e = await refusal(new SshConnection(sshSpec(sshd, { sshCommonArgs: args }), options({ hostKeyChecking: 'strict', hostKeyCheckingExplicit: true })));
        assert.match(e.reason, /^host key unknown: .* not in \/dev\/null/);
    });
    it('applies StrictHostKeyChecking accept-new from ssh_config for the hosts it names', async () => {
        const o = options();
        writeFileSync(o.sshConfigFile, 'Host 127.0.0.*\n  StrictHostKeyChecking accept-new\n');
        await works(new SshConnection(sshSpec(sshd), o));
        assert.match(readFileSync(o.knownHostsFile, 'utf8'), /ssh-ed25519/);
    });
});
//# sourceMappingURL=ssh-hostkeys.test.js.map