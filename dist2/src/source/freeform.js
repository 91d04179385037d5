/**
 * Ansible's one-line argument forms:
 *   command: ls -l /tmp creates=/x     -> { cmd: "ls -l /tmp", creates: "/x" }   (free-form module)
 *   file: path=/x state=directory      -> { path: "/x", state: "directory" }    (other modules)
 * Values stay strings here; params.ts coerces "yes"/"8080" where the module's schema wants them.
 */
const JINJA_CLOSERS = { '{{': '}}', '{%': '%}', '{#': '#}' };
/**
 * Split on whitespace, as Ansible's split_args does: quoted text and template blocks
 * (`{{ a }}`, `{% if %}`) are never split, so `msg="a b"` and `creates={{ dir }}/x` stay whole.
 */
export function splitArgs(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
        while (i < text.length && /\s/.test(text[i]))
            i++;
        if (i >= text.length)
            break;
        const start = i;
        while (i < text.length && !/\s/.test(text[i])) {
            const two = text.slice(i, i + 2);
            const closer = JINJA_CLOSERS[two];
            const ch = text[i];
            if (closer) {
                const j = text.indexOf(closer, i + 2);
                i = j < 0 ? text.length : j + 2;
            }
            else if (ch === '"' || ch === "'") {
                i = closingQuote(text, i) + 1;
            }
            else if (ch === '\\') {
                i += 2;
            }
            else {
                i++;
            }
        }
        i = Math.min(i, text.length);
        tokens.push({ text: text.slice(start, i), start, end: i });
    }
    return tokens;
}
function closingQuote(text, open) {
    const q = text[open];
    for (let j = open + 1; j < text.length; j++) {
        if (q === '"' && text[j] === '\\') {
            j++;
            continue;
        }
        if (text[j] === q)
            return j;
    }
    return text.length - 1;
}
/** `key=value` with the value's surrounding quotes removed, or undefined for other tokens. */
export function parseKeyValue(token) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(token);
    if (!m)
        return undefined;
    return { key: m[1], value: unquote(m[2]) };
}
export function unquote(v) {
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
        const inner = v.slice(1, -1);
        return v[0] === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
    }
    return v;
}
/**
 * A free-form module's string: `k=v` tokens whose key is one of the module's options are split
 * off (wherever they stand, as Ansible does); the rest, as written, goes to `freeForm`.
 */
export function parseFreeFormArgs(text, freeForm, options) {
    const out = {};
    const kept = [];
    let from = 0;
    for (const tok of splitArgs(text)) {
        const kv = parseKeyValue(tok.text);
        if (!kv || kv.key === freeForm || !options.has(kv.key))
            continue;
        out[kv.key] = kv.value;
        kept.push(text.slice(from, tok.start).replace(/[ \t]+$/, ''));
        from = tok.end;
    }
    if (from === 0) {
        if (text.trim() !== '')
            out[freeForm] = text;
        return out;
    }
    kept.push(text.slice(from));
    const rest = kept.join('').trim();
    if (rest !== '')
        out[freeForm] = rest;
    return out;
}
/**
 * `k=v k2='v 2'` for a module without a free-form param. Returns the first token that is not
 * `k=v` as `bad` so the caller can say what it could not read.
 */
export function parseKeyValueArgs(text) {
    const args = {};
    for (const tok of splitArgs(text)) {
        const kv = parseKeyValue(tok.text);
        if (!kv)
            return { args, bad: tok.text };
        args[kv.key] = kv.value;
    }
    return { args };
}
//# sourceMappingURL=freeform.js.map