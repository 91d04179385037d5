import { createHash, createHmac, randomBytes } from 'node:crypto';
import { matchHostPatterns } from './ssh-config.js';
export function parseKnownHosts(text, file) {
    const entries = [];
    const skipped = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            return;
        const at = `${file}:${i + 1}`;
        const words = line.split(/\s+/);
        let marker;
        if (words[0].startsWith('@')) {
            const m = words.shift();
            if (m === '@revoked')
                marker = 'revoked';
            else if (m === '@cert-authority')
                marker = 'cert-authority';
            else
                return void skipped.push(`${at}: unknown marker ${m}`);
        }
        const [hostField, typeField, keyField] = words;
        if (!hostField || !typeField || !keyField)
            return void skipped.push(`${at}: not a "hosts keytype key" line`);
        const key = Buffer.from(keyField, 'base64');
        const keyType = keyTypeOfBlob(key);
        if (keyType === undefined || keyType !== typeField)
            return void skipped.push(`${at}: the key does not parse as ${typeField}`);
        const hosts = parseHostField(hostField);
        if (!hosts)
            return void skipped.push(`${at}: bad hashed host name`);
        entries.push({ file, line: i + 1, marker, hosts, keyType, key });
    });
    return { entries, skipped };
}
function parseHostField(field) {
    if (!field.startsWith('|'))
        return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
    const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(field);
    if (!m)
        return undefined;
    return { kind: 'hashed', salt: Buffer.from(m[1], 'base64'), hash: Buffer.from(m[2], 'base64') };
}
/** The type string at the start of an SSH public key blob (uint32 length + name). */
export function keyTypeOfBlob(blob) {
    if (blob.length < 4)
        return undefined;
    const n = blob.readUInt32BE(0);
    if (n === 0 || n > 64 || blob.length < 4 + n)
        return undefined;
    const t = blob.subarray(4, 4 + n).toString('latin1');
    return /^[a-z0-9@.-]+$/.test(t) ? t : undefined;
}
/** The name ssh files a host's key under: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(host, port) {
    const h = host.toLowerCase();
    return port === 22 ? h : `[${h}]:${port}`;
}
export function hashHostName(name, salt = randomBytes(20)) {
    const hash = createHmac('sha1', salt).update(name).digest();
    return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}
export function entryMatchesHost(entry, name) {
    const h = entry.hosts;
    if (h.kind === 'hashed')
        return createHmac('sha1', h.salt).update(name).digest().equals(h.hash);
    return matchHostPatterns(name, h.patterns);
}
/** OpenSSH's fingerprint format: SHA256:base64-without-padding. */
export function sha256Fingerprint(blob) {
    return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
/** What the stored entries say about the key a host presented under `name`. */
export function checkHostKey(entries, name, key) {
    const type = keyTypeOfBlob(key);
    const forHost = entries.filter((e) => entryMatchesHost(e, name));
    const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
    if (revoked)
        return { kind: 'revoked', entry: revoked };
    const plain = forHost.filter((e) => e.marker === undefined);
    const same = plain.filter((e) => e.keyType === type);
    const known = same.find((e) => e.key.equals(key));
    if (known)
        return { kind: 'known', entry: known };
    if (same.length)
        return { kind: 'mismatch', entries: same };
    return {
        kind: 'unknown',
        otherTypes: plain,
        certAuthorities: forHost.filter((e) => e.marker === 'cert-authority'),
    };
}
/** The key types stored for a host, as ssh2 host key algorithm names. */
export function knownHostKeyAlgorithms(entries, name) {
    const out = [];
    for (const e of entries) {
        if (e.marker !== undefined || !entryMatchesHost(e, name))
            continue;
        const algos = e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType];
        for (const a of algos)
            if (!out.includes(a))
                out.push(a);
    }
    return out;
}
/** ssh2's default host key algorithms, most preferred first. */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
    'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
    'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];
/**
 * Host key algorithms to offer: the types already stored for the host first, as ssh does, so a
 * host whose RSA key is known is not reported unknown because it also has an ed25519 key.
 */
export function preferredHostKeyAlgorithms(entries, name) {
    const known = knownHostKeyAlgorithms(entries, name).filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
    return [...known, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !known.includes(a))];
}
/** A known_hosts line the way ssh writes it (hashed when HashKnownHosts is on). */
export function formatKnownHostsLine(name, key, opts) {
    const type = keyTypeOfBlob(key);
    if (!type)
        throw new Error('not an SSH public key blob');
    const hosts = opts.hashed ? hashHostName(name, opts.salt) : name;
    return `${hosts} ${type} ${key.toString('base64')}`;
}
/** Where an entry lives, for messages. */
export function entryLocation(e) {
    return `${e.file}:${e.line}`;
}
//# sourceMappingURL=known-hosts.js.map