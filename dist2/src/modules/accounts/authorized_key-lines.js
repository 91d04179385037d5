import { joinLines, splitLines } from '../../util/lines.js';
const KEY_TYPE = /^(ssh-(rsa|dss|ed25519|xmss@openssh\.com)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v0[01]@openssh\.com)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,3}$/;
/** Whitespace-separated words; double quotes (with \" inside) hold spaces, as sshd reads options. */
function words(line) {
    const out = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted && c === '\\' && line[i + 1] === '"') {
            cur += '\\"';
            i++;
        }
        else if (c === '"') {
            quoted = !quoted;
            cur += c;
        }
        else if (!quoted && (c === ' ' || c === '\t')) {
            if (cur !== '')
                out.push(cur);
            cur = '';
        }
        else
            cur += c;
    }
    if (cur !== '')
        out.push(cur);
    return out;
}
/** "a,b=\"x,y\",c" -> ["a", "b=\"x,y\"", "c"]. */
export function splitKeyOptions(text) {
    const out = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted && c === '\\' && text[i + 1] === '"') {
            cur += '\\"';
            i++;
        }
        else if (c === '"') {
            quoted = !quoted;
            cur += c;
        }
        else if (c === ',' && !quoted) {
            if (cur.trim() !== '')
                out.push(cur.trim());
            cur = '';
        }
        else
            cur += c;
    }
    if (cur.trim() !== '')
        out.push(cur.trim());
    return out;
}
/** A key line, or undefined for a comment, a blank or anything that is not a key. */
export function parseKeyLine(line) {
    const trimmed = line.replace(/\\#/g, '#').trim();
    if (trimmed === '' || trimmed.startsWith('#'))
        return undefined;
    const w = words(trimmed);
    const at = w.findIndex((x) => KEY_TYPE.test(x));
    if (at < 0 || at + 1 >= w.length || !BASE64.test(w[at + 1]))
        return undefined;
    return {
        options: at === 0 ? [] : splitKeyOptions(w.slice(0, at).join(' ')),
        type: w[at],
        body: w[at + 1],
        comment: w.slice(at + 2).join(' '),
    };
}
export function formatKeyLine(k) {
    return [k.options.length ? k.options.join(',') : undefined, k.type, k.body, k.comment || undefined].filter((x) => x !== undefined).join(' ');
}
/** Same key, same type, same options in any order, same comment: nothing to rewrite. */
export function sameKeyLine(a, b) {
    const opts = (k) => JSON.stringify([...k.options].sort());
    return a.body === b.body && a.type === b.type && a.comment === b.comment && opts(a) === opts(b);
}
/** The `key` param: one key per line, blank lines and # comments skipped; key_options and comment override each key's own. */
export function parseWantedKeys(text, keyOptions, comment) {
    const keys = [];
    const invalid = [];
    text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            return;
        const k = parseKeyLine(line);
        if (!k) {
            invalid.push(i + 1);
            return;
        }
        if (keys.some((x) => x.body === k.body))
            return;
        keys.push({
            ...k,
            ...(keyOptions !== undefined ? { options: splitKeyOptions(keyOptions) } : {}),
            ...(comment !== undefined ? { comment } : {}),
        });
    });
    return { keys, invalid };
}
/** Pure: the authorized_keys content after adding (or removing) `wanted`. */
export function editAuthorizedKeys(current, wanted, req) {
    const { lines } = splitLines(current);
    let rows = lines.map((text) => ({ text, key: parseKeyLine(text), keep: false }));
    const added = [];
    const updated = [];
    const removed = [];
    let droppedLines = 0;
    for (const want of wanted) {
        const same = rows.filter((r) => r.key?.body === want.body);
        if (req.state === 'absent') {
            if (same.length)
                removed.push(same[0].key);
            rows = rows.filter((r) => !same.includes(r));
            continue;
        }
        const exact = same.find((r) => sameKeyLine(r.key, want));
        if (exact) {
            exact.keep = true;
            continue;
        }
        if (same.length) {
            // Rewritten in place (Ansible moves it to the end; the file means the same either way).
            updated.push(want);
            const first = same[0];
            rows = rows.filter((r) => r === first || !same.includes(r)).map((r) => (r === first ? { text: formatKeyLine(want), key: want, keep: true } : r));
        }
        else {
            added.push(want);
            rows.push({ text: formatKeyLine(want), key: want, keep: true });
        }
    }
    if (req.state === 'present' && req.exclusive) {
        const kept = [];
        for (const r of rows) {
            if (r.keep && !kept.some((k) => k.key?.body === r.key?.body))
                kept.push(r);
            else if (r.key)
                removed.push(r.key);
            else
                droppedLines++;
        }
        rows = kept;
    }
    const changed = added.length + updated.length + removed.length + droppedLines > 0;
    const content = changed ? joinLines(rows.map((r) => r.text), true) : current;
    return { content, added, updated, removed, droppedLines };
}
/** "ssh-ed25519 AAAAC3Nz...x9Yk alice@laptop": enough to recognise a key in a summary. */
export function shortKey(k) {
    const b = k.body.length > 16 ? `${k.body.slice(0, 8)}...${k.body.slice(-6)}` : k.body;
    return [k.type, b, k.comment || undefined].filter(Boolean).join(' ');
}
//# sourceMappingURL=authorized_key-lines.js.map