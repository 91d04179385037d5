import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyHostKey } from '../../src/transport/host-keys.js';
import { checkHostKey, formatKnownHostsLine, hashHostName, keyTypeOfBlob, knownHostName, parseKnownHosts, preferredHostKeyAlgorithms, sha256Fingerprint, } from '../../src/transport/known-hosts.js';
import { tempDir } from '../helpers/temp.js';
const dir = tempDir('known-hosts', { after });
function newKey(name, type = 'ed25519') {
    const f = join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', f], { stdio: 'ignore' });
    const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(' ');
    return { line: `${t} ${b64}`, blob: Buffer.from(b64, 'base64'), type: t };
}
const k1 = newKey('k1');
const k2 = newKey('k2');
const ec = newKey('ec', 'ecdsa');
describe('parseKnownHosts', () => {
    it('reads plain, listed and [host]:port entries, markers and comments; skips bad lines with a reason', () => {
        const text = [
            '# a comment',
            `node1,10.0.0.1 ${k1.line} root@node1`,
            `[10.0.0.2]:2222 ${k2.line}`,
            `@revoked * ${k2.line}`,
            `@cert-authority *.lab ${ec.line}`,
            '',
            `broken-line-only-host`,
            `@weird host ${k1.line}`,
            `node9 ssh-ed25519 AAAAnotakey`,
        ].join('\n');
        const { entries, skipped } = parseKnownHosts(text, 'kh');
        assert.deepEqual(entries.map((e) => [e.line, e.marker, e.keyType]), [
            [2, undefined, 'ssh-ed25519'], [3, undefined, 'ssh-ed25519'], [4, 'revoked', 'ssh-ed25519'], [5, 'cert-authority', 'ecdsa-sha2-nistp256'],
        ]);
        assert.deepEqual(entries[0].hosts, { kind: 'patterns', patterns: ['node1', '10.0.0.1'] });
        assert.deepEqual(skipped.map((s) => s.split(':').slice(0, 2).join(':')), ['kh:7', 'kh:8', 'kh:9']);
    });
    it('names hosts the way ssh does: plain on port 22, [host]:port otherwise, lower case', () => {
        assert.equal(knownHostName('Node1', 22), 'node1');
        assert.equal(knownHostName('10.0.0.2', 2222), '[10.0.0.2]:2222');
    });
});
describe('hashed names', () => {
    it('matches the entries `ssh-keygen -H` writes, for the names hashed and no others', () => {
        const f = join(dir, 'to_hash');
        writeFileSync(f, `node1 ${k1.line}\n[10.0.0.5]:2200 ${k2.line}\n`);
        execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
        const text = readFileSync(f, 'utf8');
        assert.ok(!text.includes('node1'), 'ssh-keygen -H replaced the names');
        const { entries } = parseKnownHosts(text, f);
        assert.equal(entries.length, 2);
        assert.ok(entries.every((e) => e.hosts.kind === 'hashed'));
        assert.equal(checkHostKey(entries, 'node1', k1.blob).kind, 'known');
        assert.equal(checkHostKey(entries, '[10.0.0.5]:2200', k2.blob).kind, 'known');
        assert.equal(checkHostKey(entries, '10.0.0.5', k2.blob).kind, 'unknown');
        assert.equal(checkHostKey(entries, 'node2', k1.blob).kind, 'unknown');
    });
    it('writes hashed names that `ssh-keygen -F` finds', () => {
        const f = join(dir, 'ours_hashed');
        writeFileSync(f, `${formatKnownHostsLine('[127.0.0.1]:2022', k1.blob, { hashed: true })}\n`);
        assert.match(readFileSync(f, 'utf8'), /^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
        const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', f]).toString();
        assert.match(found, /found: line 1/);
        assert.throws(() => execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2023', '-f', f], { stdio: 'ignore' }));
    });
    it('is HMAC-SHA1 of the name keyed by the salt', () => {
        const salt = Buffer.alloc(20, 7);
        assert.equal(hashHostName('node1', salt), hashHostName('node1', salt));
        assert.notEqual(hashHostName('node1', salt), hashHostName('node2', salt));
    });
});
describe('checkHostKey', () => {
    const text = [
        `*.lab,!evil.lab ${k1.line}`,
        `db.lab ${ec.line}`,
        `@revoked old.lab ${k2.line}`,
        `@cert-authority *.corp ${ec.line}`,
    ].join('\n');
    const { entries } = parseKnownHosts(text, '/kh');
    it('knows a stored key, refuses a different key of the same type, naming file:line', () => {
        assert.equal(checkHostKey(entries, 'web.lab', k1.blob).kind, 'known');
        const v = checkHostKey(entries, 'web.lab', k2.blob);
        assert.equal(v.kind, 'mismatch');
        assert.deepEqual(v.kind === 'mismatch' && v.entries.map((e) => `${e.file}:${e.line}`), ['/kh:1']);
    });
    it('treats a negated name as not listed', () => {
        assert.equal(checkHostKey(entries, 'evil.lab', k1.blob).kind, 'unknown');
    });
    it('says unknown, with the other stored types, when only keys of other types are stored', () => {
        const v = checkHostKey(entries, 'db.lab', k2.blob);
        assert.equal(v.kind, 'mismatch', 'db.lab also matches *.lab, which has an ed25519 key');
        const onlyEc = parseKnownHosts(`db.lab ${ec.line}`, '/kh2').entries;
        const u = checkHostKey(onlyEc, 'db.lab', k2.blob);
        assert.equal(u.kind, 'unknown');
        assert.deepEqual(u.kind === 'unknown' && u.otherTypes.map((e) => e.keyType), ['ecdsa-sha2-nistp256']);
    });
    it('refuses a @revoked key and reports @cert-authority lines as not usable', () => {
        assert.equal(checkHostKey(entries, 'old.lab', k2.blob).kind, 'revoked');
        const v = checkHostKey(entries, 'app.corp', k1.blob);
        assert.equal(v.kind, 'unknown');
        assert.deepEqual(v.kind === 'unknown' && v.certAuthorities.map((e) => e.line), [4]);
    });
    it('offers the stored key types first, as ssh does', () => {
        const algos = preferredHostKeyAlgorithms(parseKnownHosts(`db.lab ${ec.line}`, '/kh').entries, 'db.lab');
        assert.equal(algos[0], 'ecdsa-sha2-nistp256');
        assert.equal(algos.length, new Set(algos).size);
        assert.ok(algos.includes('ssh-ed25519'));
        assert.equal(preferredHostKeyAlgorithms([], 'x')[0], 'ssh-ed25519');
    });
});
describe('fingerprints and lines', () => {
    it('prints SHA256 fingerprints exactly like ssh-keygen -l', () => {
        const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k1.pub')]).toString();
        assert.equal(out.split(' ')[1], sha256Fingerprint(k1.blob));
        assert.equal(keyTypeOfBlob(k1.blob), 'ssh-ed25519');
    });
    it('writes plain lines as "name type base64"', () => {
        assert.equal(formatKnownHostsLine('[h]:2', k1.blob, { hashed: false }), `[h]:2 ${k1.line}`);
    });
});
describe('verifyHostKey', () => {
    const policy = (file, mode, name = '[127.0.0.1]:2200') => ({
        name, hostname: '127.0.0.1', port: 2200, files: [file], mode, hashed: false,
    });
    it('strict: refuses an unknown key with the keyscan command as the fix', async () => {
        const d = await verifyHostKey(policy(join(dir, 'none'), 'strict'), k1.blob);
        assert.equal(d.ok, false);
        assert.match(!d.ok ? d.reason : '', /^host key unknown: \[127\.0\.0\.1\]:2200 presented ssh-ed25519 SHA256:/);
        assert.match(!d.ok ? d.hint ?? '' : '', /ssh-keyscan -H -p 2200 127\.0\.0\.1 >> .*none/);
    });
    it('refuses a changed key in accept-new mode too, naming file:line and both fingerprints', async () => {
        const f = join(dir, 'changed');
        writeFileSync(f, `# header\n[127.0.0.1]:2200 ${k1.line}\n`);
        const d = await verifyHostKey(policy(f, 'accept-new'), k2.blob);
        assert.equal(d.ok, false);
        const reason = !d.ok ? d.reason : '';
        assert.match(reason, /^HOST KEY MISMATCH/);
        assert.ok(reason.includes(`${f}:2 has ${sha256Fingerprint(k1.blob)}`));
        assert.ok(reason.includes(sha256Fingerprint(k2.blob)));
        assert.equal(readFileSync(f, 'utf8'), `# header\n[127.0.0.1]:2200 ${k1.line}\n`, 'nothing appended');
    });
    it('accept-new: many concurrent checks of one new host append exactly one line', async () => {
        const f = join(dir, 'sub', 'concurrent');
        const results = await Promise.all(Array.from({ length: 20 }, () => verifyHostKey(policy(f, 'accept-new'), k1.blob)));
        assert.ok(results.every((r) => r.ok));
        assert.equal(readFileSync(f, 'utf8'), `[127.0.0.1]:2200 ${k1.line}\n`);
    });
    it('accept-new: appends after a last line that lacks its newline', async () => {
        const f = join(dir, 'no_newline');
        writeFileSync(f, `other ${k2.line}`);
        assert.ok((await verifyHostKey(policy(f, 'accept-new', 'newhost'), k1.blob)).ok);
        assert.equal(readFileSync(f, 'utf8'), `other ${k2.line}\nnewhost ${k1.line}\n`);
    });
    it('accept-new: refuses, saying why, when the key cannot be recorded', async () => {
        const notADir = join(dir, 'plain-file');
        writeFileSync(notADir, '');
        const d = await verifyHostKey(policy(join(notADir, 'known_hosts'), 'accept-new'), k1.blob);
        assert.equal(d.ok, false);
        assert.match(!d.ok ? d.reason : '', /^host key unknown: cannot add it to .*plain-file\/known_hosts/);
    });
    it('off: accepts anything and writes nothing', async () => {
        const f = join(dir, 'off');
        writeFileSync(f, `[127.0.0.1]:2200 ${k1.line}\n`);
        assert.ok((await verifyHostKey(policy(f, 'off'), k2.blob)).ok);
        assert.equal(readFileSync(f, 'utf8'), `[127.0.0.1]:2200 ${k1.line}\n`);
    });
});
//# sourceMappingURL=known-hosts.test.js.map