import { inspect } from 'node:util';
import { copyPositions } from '../source/loc.js';
/** A value that must never be printed: it shows as *** in output, JSON, diffs and errors. */
export class Secret {
    #value;
    constructor(value) { this.#value = value; }
    /** The only way to get the real value: use it where it is sent, nowhere else. */
    reveal() { return this.#value; }
    toString() { return '***'; }
    toJSON() { return '***'; }
    [inspect.custom]() { return '***'; }
}
export function isSecret(v) {
    return v instanceof Secret;
}
/** Replace every occurrence of the given secret strings in text with ***. */
export function maskSecrets(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s.length >= 3)
            out = out.split(s).join('***');
    return out;
}
/**
 * Replace Secret values (deep) by their real text so a module receives plain data, and remember
 * each revealed text in `sink` so output can be masked.
 */
export function revealSecrets(value, sink) {
    if (value instanceof Secret) {
        const v = value.reveal();
        sink.add(v);
        return v;
    }
    // Unchanged containers are returned as they are, so their YAML positions (loc.ts) stay on them.
    if (Array.isArray(value)) {
        const out = value.map((v) => revealSecrets(v, sink));
        if (out.every((v, i) => v === value[i]))
            return value;
        copyPositions(value, out);
        return out;
    }
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
        let changed = false;
        const out = {};
        for (const [k, v] of Object.entries(value)) {
            const r = revealSecrets(v, sink);
            if (r !== v)
                changed = true;
            out[k] = r;
        }
        if (!changed)
            return value;
        copyPositions(value, out);
        return out;
    }
    return value;
}
//# sourceMappingURL=secret.js.map