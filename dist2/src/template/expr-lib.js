import { Secret, isSecret } from '../util/secret.js';
import { deepEqual, isPlainObject, typeName, unwrap } from './values.js';
/** Python's idea of true: none, false, 0, "", [] and {} are false. */
export function pyTruthy(v) {
    const x = unwrap(v);
    if (x === null || x === undefined)
        return false;
    if (typeof x === 'boolean')
        return x;
    if (typeof x === 'number')
        return x !== 0;
    if (typeof x === 'string')
        return x !== '';
    if (Array.isArray(x))
        return x.length > 0;
    if (typeof x === 'object')
        return Object.keys(x).length > 0;
    return true;
}
/** Python's str(): True, None, 1.5; lists and mappings as JSON. */
export function pyStr(v) {
    const x = unwrap(v);
    if (x === null || x === undefined)
        return 'None';
    if (x === true)
        return 'True';
    if (x === false)
        return 'False';
    if (typeof x === 'string')
        return x;
    if (typeof x === 'object')
        return JSON.stringify(x, (_k, y) => (isSecret(y) ? y.reveal() : y));
    return String(x);
}
const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);
export function toBool(v, c) {
    const x = unwrap(v);
    if (typeof x === 'boolean')
        return x;
    if (x === null)
        return false;
    if (x === 1 || x === 0)
        return x === 1;
    if (typeof x === 'string') {
        const w = x.trim().toLowerCase();
        if (TRUE_WORDS.has(w))
            return true;
        if (FALSE_WORDS.has(w))
            return false;
    }
    return c.fail(`| bool cannot read ${isSecret(v) ? 'a secret' : typeName(x)} ${isSecret(v) ? '' : JSON.stringify(x)} as true or false`.replace(/\s+$/, ''), 'bool reads yes/no, on/off, true/false, 1/0; compare other values explicitly (x == "enabled")');
}
export function toInt(v, fallback) {
    const x = unwrap(v);
    if (typeof x === 'boolean')
        return x ? 1 : 0;
    if (typeof x === 'number')
        return Number.isFinite(x) ? Math.trunc(x) : fallback;
    if (typeof x === 'string') {
        const s = x.trim();
        if (/^[+-]?\d+$/.test(s))
            return Number(s);
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s))
            return Math.trunc(Number(s));
    }
    return fallback; // as Jinja's int: what cannot be read gives the default (0)
}
export function toFloat(v, fallback) {
    const x = unwrap(v);
    if (typeof x === 'boolean')
        return x ? 1 : 0;
    if (typeof x === 'number')
        return x;
    if (typeof x === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(x))
        return Number(x);
    return fallback;
}
export function text(v, c, what) {
    const x = unwrap(v);
    if (typeof x === 'string')
        return x;
    if (typeof x === 'number' || typeof x === 'boolean')
        return pyStr(x);
    return c.fail(`${what} needs text, got ${typeName(x)}`);
}
export function seq(v, c, what) {
    const x = unwrap(v);
    if (Array.isArray(x))
        return x;
    if (typeof x === 'string')
        return [...x];
    if (isPlainObject(x))
        return Object.keys(x);
    return c.fail(`${what} needs a list, got ${typeName(x)}`);
}
export function num(v, c, what) {
    const x = unwrap(v);
    if (typeof x === 'number')
        return x;
    return c.fail(`${what} needs a number, got ${typeName(x)}`, 'convert first: x | int or x | float');
}
/** A string filter applied to a secret gives a secret. */
export function keepSecret(input, out) {
    return isSecret(input) ? new Secret(out) : out;
}
export function cmpAny(a, b) {
    if (typeof a === 'number' && typeof b === 'number')
        return a - b;
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
function result(x, c, what) {
    const v = unwrap(x);
    if (isPlainObject(v))
        return v;
    return c.fail(`"is ${what}" needs a registered result (a mapping with failed/changed keys), got ${typeName(v)}`, 'register the task first (register: name) and test that name');
}
function versionParts(v) {
    return v.replace(/^v/i, '').split(/[.\-+_]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
export function compareVersions(a, b) {
    const x = versionParts(a);
    const y = versionParts(b);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const p = x[i] ?? 0;
        const q = y[i] ?? 0;
        if (p === q)
            continue;
        if (typeof p === 'number' && typeof q === 'number')
            return p - q;
        return String(p) < String(q) ? -1 : 1;
    }
    return 0;
}
const VERSION_OPS = {
    '<': (d) => d < 0, lt: (d) => d < 0, '<=': (d) => d <= 0, le: (d) => d <= 0,
    '>': (d) => d > 0, gt: (d) => d > 0, '>=': (d) => d >= 0, ge: (d) => d >= 0,
    '==': (d) => d === 0, '=': (d) => d === 0, eq: (d) => d === 0, '!=': (d) => d !== 0, '<>': (d) => d !== 0, ne: (d) => d !== 0,
};
export function regex(p, c) {
    const s = text(p, c, 'the pattern');
    try {
        return new RegExp(s);
    }
    catch {
        return c.fail(`invalid regular expression ${JSON.stringify(s)}`);
    }
}
const t = (usage, min, max, call) => ({ usage, min, max, call });
export const tests = {
    none: t('x is none', 0, 0, (x) => unwrap(x) === null),
    true: t('x is true', 0, 0, (x) => unwrap(x) === true),
    false: t('x is false', 0, 0, (x) => unwrap(x) === false),
    boolean: t('x is boolean', 0, 0, (x) => typeof unwrap(x) === 'boolean'),
    string: t('x is string', 0, 0, (x) => typeof unwrap(x) === 'string'),
    number: t('x is number', 0, 0, (x) => typeof unwrap(x) === 'number'),
    integer: t('x is integer', 0, 0, (x) => Number.isInteger(unwrap(x))),
    float: t('x is float', 0, 0, (x) => typeof unwrap(x) === 'number' && !Number.isInteger(unwrap(x))),
    mapping: t('x is mapping', 0, 0, (x) => isPlainObject(unwrap(x))),
    sequence: t('x is sequence', 0, 0, (x) => Array.isArray(unwrap(x)) || typeof unwrap(x) === 'string'),
    iterable: t('x is iterable', 0, 0, (x) => Array.isArray(unwrap(x)) || typeof unwrap(x) === 'string' || isPlainObject(unwrap(x))),
    even: t('x is even', 0, 0, (x, _a, c) => num(x, c, 'is even') % 2 === 0),
    odd: t('x is odd', 0, 0, (x, _a, c) => Math.abs(num(x, c, 'is odd') % 2) === 1),
    divisibleby: t('x is divisibleby(n)', 1, 1, (x, [n], c) => num(x, c, 'is divisibleby') % num(n, c, 'is divisibleby') === 0),
    in: t('x is in(list)', 1, 1, (x, [xs], c) => seq(xs, c, 'is in').some((v) => deepEqual(v, x))),
    match: t('x is match(pattern)', 1, 1, (x, [p], c) => regex(`^(?:${text(p, c, 'is match')})`, c).test(text(x, c, 'is match'))),
    search: t('x is search(pattern)', 1, 1, (x, [p], c) => regex(p, c).test(text(x, c, 'is search'))),
    version: t("x is version('1.28', '>=')", 1, 2, (x, [v, op], c) => {
        const o = op === undefined ? 'eq' : text(op, c, 'is version');
        const cmp = VERSION_OPS[o];
        if (!cmp)
            return c.fail(`is version: unknown operator ${JSON.stringify(o)}`, `use one of ${Object.keys(VERSION_OPS).join(' ')}`);
        return cmp(compareVersions(text(x, c, 'is version'), text(v, c, 'is version')));
    }),
    failed: t('r is failed', 0, 0, (x, _a, c) => pyTruthy(result(x, c, 'failed')['failed'])),
    succeeded: t('r is succeeded', 0, 0, (x, _a, c) => !pyTruthy(result(x, c, 'succeeded')['failed'])),
    changed: t('r is changed', 0, 0, (x, _a, c) => pyTruthy(result(x, c, 'changed')['changed'])),
    skipped: t('r is skipped', 0, 0, (x, _a, c) => pyTruthy(result(x, c, 'skipped')['skipped'])),
};
/** Test names Ansible accepts under another name. */
export const TEST_ALIASES = {
    success: 'succeeded', failure: 'failed', change: 'changed', skip: 'skipped', version_compare: 'version',
    divisible_by: 'divisibleby', True: 'true', False: 'false', None: 'none', regex: 'search',
};
//# sourceMappingURL=expr-lib.js.map