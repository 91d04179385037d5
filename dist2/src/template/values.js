import { isSecret, maskSecrets } from '../util/secret.js';
/** Shared value utilities for templates and expressions: names of types, safe previews, equality. */
export function isPlainObject(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || isSecret(v))
        return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}
/** The name users know a value's type by (YAML words, not JavaScript ones). */
export function typeName(v) {
    if (v === undefined)
        return 'undefined';
    if (v === null)
        return 'none';
    if (isSecret(v))
        return 'secret';
    if (Array.isArray(v))
        return 'list';
    if (typeof v === 'object')
        return 'mapping';
    if (typeof v === 'number')
        return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v;
}
/**
 * A short rendering of a value for error messages. Secrets show as ***, and so does any text
 * that came from a secret during this render (`revealed`).
 */
export function preview(v, revealed = []) {
    let s;
    if (isSecret(v))
        return '***';
    if (typeof v === 'string')
        s = JSON.stringify(v);
    else if (v === undefined)
        s = 'undefined';
    else {
        try {
            s = JSON.stringify(v) ?? String(v);
        }
        catch {
            s = `<${typeName(v)}>`;
        }
    }
    s = maskSecrets(s, revealed);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
/** The real value of a secret, for comparisons; anything else unchanged. */
export function unwrap(v) {
    return isSecret(v) ? v.reveal() : v;
}
/** Structural equality of YAML-shaped data (secrets compare by their real value). */
export function deepEqual(a, b) {
    a = unwrap(a);
    b = unwrap(b);
    if (a === b)
        return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length)
        return false;
    const ra = a;
    const rb = b;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && deepEqual(ra[k], rb[k]));
}
/** A string to render: `{{`, or `{%` so a Jinja statement gets its clear error instead of passing as text. */
export function mayBeTemplate(s) {
    return s.includes('{{') || s.includes('{%');
}
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `a.b`, `a[0]`, `a['node-1']`: how a path is shown in messages. */
export function childName(parent, key) {
    if (parent === '')
        return IDENT.test(key) ? key : `['${key}']`;
    if (IDENT.test(key))
        return `${parent}.${key}`;
    if (/^\d+$/.test(key))
        return `${parent}[${key}]`;
    return `${parent}['${key.replace(/'/g, "\\'")}']`;
}
//# sourceMappingURL=values.js.map