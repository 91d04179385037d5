import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertNever } from '../util/assert-never.js';
import { checkHostKey, entryLocation, formatKnownHostsLine, keyTypeOfBlob, parseKnownHosts, sha256Fingerprint, } from './known-hosts.js';
export async function loadKnownHosts(files) {
    const out = [];
    for (const f of files) {
        let text;
        try {
            text = await readFile(f, 'utf8');
        }
        catch (e) {
            const code = e.code;
            if (code === 'ENOENT' || code === 'ENOTDIR')
                continue;
            throw new Error(`cannot read ${f}: ${e.message}`);
        }
        out.push(...parseKnownHosts(text, f).entries);
    }
    return out;
}
/** Decides about a presented key; accept-new appends it (serialized per file, re-checked under the lock). */
export async function verifyHostKey(policy, key) {
    if (policy.mode === 'off')
        return { ok: true };
    let verdict;
    try {
        verdict = checkHostKey(await loadKnownHosts(policy.files), policy.name, key);
    }
    catch (e) {
        return { ok: false, reason: `host key unknown: ${e.message}`, hint: undefined };
    }
    if (verdict.kind !== 'unknown' || policy.mode === 'strict')
        return decide(policy, key, verdict);
    const file = policy.files[0];
    return withFileLock(file, async () => {
        // Another connection may have added this host since we looked (two inventory names, one address).
        const again = checkHostKey(await loadKnownHosts(policy.files), policy.name, key);
        if (again.kind !== 'unknown')
            return decide(policy, key, again);
        const line = formatKnownHostsLine(policy.name, key, { hashed: policy.hashed });
        try {
            appendLine(file, line);
        }
        catch (e) {
            return { ok: false, reason: `host key unknown: cannot add it to ${file}: ${e.message}`, hint: `make ${file} writable, or name another file with --known-hosts` };
        }
        return { ok: true, added: file };
    });
}
function decide(policy, key, verdict) {
    const presented = `${keyTypeOfBlob(key) ?? 'unknown-type'} ${sha256Fingerprint(key)}`;
    switch (verdict.kind) {
        case 'known':
            return { ok: true };
        case 'revoked':
            return {
                ok: false,
                reason: `HOST KEY REVOKED: ${policy.name} presented ${presented}, marked @revoked at ${entryLocation(verdict.entry)}`,
                hint: 'this key must not be trusted; find out why the host still uses it',
            };
        case 'mismatch': {
            const stored = verdict.entries.map((e) => `${entryLocation(e)} has ${sha256Fingerprint(e.key)}`).join(', ');
            const first = verdict.entries[0];
            return {
                ok: false,
                reason: `HOST KEY MISMATCH: ${policy.name} presented ${presented}; ${stored}`,
                hint: `someone may be intercepting the connection. If the host was reinstalled, remove the old key (ssh-keygen -R '${policy.name}' -f ${first.file}) and check the new fingerprint`,
            };
        }
        case 'unknown': {
            const extra = [];
            if (verdict.otherTypes.length) {
                extra.push(`keys of other types are stored (${verdict.otherTypes.map((e) => `${e.keyType} at ${entryLocation(e)}`).join(', ')}) but the host did not offer them`);
            }
            if (verdict.certAuthorities.length) {
                extra.push(`@cert-authority lines (${verdict.certAuthorities.map(entryLocation).join(', ')}) are not supported: host certificates are not checked`);
            }
            const portArg = policy.port === 22 ? '' : `-p ${policy.port} `;
            return {
                ok: false,
                reason: `host key unknown: ${policy.name} presented ${presented}, not in ${policy.files.join(', ')}${extra.length ? `; ${extra.join('; ')}` : ''}`,
                hint: `check the fingerprint, then add the key: ssh-keyscan -H ${portArg}${policy.hostname} >> ${policy.files[0]} (or run with --host-key-checking accept-new)`,
            };
        }
        default:
            return assertNever(verdict, 'host key verdict');
    }
}
const locks = new Map();
/** Runs fn after every earlier fn for the same file has finished (appends within this process). */
export function withFileLock(file, fn) {
    const before = locks.get(file) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    locks.set(file, tail);
    void tail.then(() => { if (locks.get(file) === tail)
        locks.delete(file); });
    return run;
}
/**
 * One write(2) with O_APPEND: the line lands whole at the end even when another process appends
 * at the same time (a rename-over-temp-file would lose their line, and cannot work for /dev/null).
 */
function appendLine(file, line) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(file, 'a+', 0o600);
    try {
        let needsNewline = false;
        const st = fstatSync(fd);
        if (st.isFile() && st.size > 0) {
            const last = Buffer.alloc(1);
            readSync(fd, last, 0, 1, st.size - 1);
            needsNewline = last[0] !== 0x0a;
        }
        writeSync(fd, `${needsNewline ? '\n' : ''}${line}\n`);
        try {
            fsyncSync(fd);
        }
        catch { /* not a regular file */ }
    }
    finally {
        closeSync(fd);
    }
}
//# sourceMappingURL=host-keys.js.map