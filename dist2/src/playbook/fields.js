import { K8sbmError, didYouMean } from '../source/errors.js';
import { keyPosOf, locOf } from '../source/loc.js';
import { asBoolean } from '../schema/coerce.js';
export function isMapping(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
export function fail(code, message, loc, hint, subject) {
    throw new K8sbmError(code, message, { loc, hint, subject });
}
export function describeType(v) {
    if (v === null || v === undefined)
        return 'nothing';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'a mapping';
    if (typeof v === 'string')
        return `the string "${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;
    return `${typeof v} ${String(v)}`;
}
/**
 * Typed access to the keys of one YAML mapping (a play, task, block, role entry). Every reader
 * fails with the key's own file:line:col and a hint, so a wrong value is reported where it is.
 */
export class Fields {
    raw;
    subject;
    fallback;
    constructor(raw, subject, fallback) {
        this.raw = raw;
        this.subject = subject;
        this.fallback = fallback;
    }
    get loc() {
        return locOf(this.raw) ?? this.fallback;
    }
    has(key) {
        return Object.prototype.hasOwnProperty.call(this.raw, key);
    }
    keyLoc(key) {
        return keyPosOf(this.raw, key)?.key ?? this.loc;
    }
    valueLoc(key) {
        return keyPosOf(this.raw, key)?.value ?? this.loc;
    }
    /**
     * Reject keys outside `allowed` (K8SBM_UNKNOWN_KEYWORD, with the closest one as the hint).
     * `kind` names what a key is here: "play keyword", "loop_control key", "import_role param".
     */
    checkKeys(allowed, kind, extraHint) {
        for (const key of Object.keys(this.raw)) {
            if (allowed.includes(key))
                continue;
            const hint = extraHint?.(key) ?? didYouMean(key, allowed) ?? `${kind}s are: ${allowed.join(', ')}`;
            fail('K8SBM_UNKNOWN_KEYWORD', `unknown ${kind} "${key}"`, this.keyLoc(key), hint, this.subject);
        }
    }
    invalid(key, what, hint) {
        fail('K8SBM_KEYWORD_INVALID', `${key} must be ${what}, got ${describeType(this.raw[key])}`, this.valueLoc(key), hint, this.subject);
    }
    string(key) {
        const v = this.raw[key];
        if (v === undefined || v === null)
            return undefined;
        if (typeof v === 'string')
            return v;
        if (typeof v === 'number')
            return String(v);
        return this.invalid(key, 'a string', `write ${key}: "text"`);
    }
    bool(key) {
        const v = this.raw[key];
        if (v === undefined)
            return undefined;
        const b = asBoolean(v);
        if (b !== undefined)
            return b;
        return this.invalid(key, 'a boolean', `write ${key}: true or ${key}: false (yes/no work too)`);
    }
    number(key, opts = {}) {
        const v = this.raw[key];
        if (v === undefined || v === null)
            return undefined;
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
        const kind = opts.integer ? 'a whole number' : 'a number';
        const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` of at least ${opts.min}` : '';
        if (Number.isNaN(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
            return this.invalid(key, kind + range, `write ${key}: followed by ${kind}${range}`);
        }
        return n;
    }
    /** A mapping; an empty value (`vars:` with nothing after it) counts as an empty one. */
    mapping(key) {
        const v = this.raw[key];
        if (v === undefined)
            return undefined;
        if (v === null)
            return {};
        if (isMapping(v))
            return v;
        return this.invalid(key, 'a mapping', `indent \`name: value\` pairs under ${key}:`);
    }
    /** A list; an empty value counts as an empty list. */
    list(key) {
        const v = this.raw[key];
        if (v === undefined)
            return undefined;
        if (v === null)
            return [];
        if (Array.isArray(v))
            return v;
        fail('K8SBM_NOT_A_LIST', `${key} must be a list, got ${describeType(v)}`, this.valueLoc(key), `write each entry on its own line under ${key}:, starting with "- "`, this.subject);
    }
    /** A string or a list of strings (notify, listen); `tags` may also be "a,b". */
    stringList(key, opts = {}) {
        const v = this.raw[key];
        if (v === undefined || v === null)
            return [];
        const items = Array.isArray(v) ? v : [v];
        const out = [];
        for (const item of items) {
            if (typeof item !== 'string' && typeof item !== 'number') {
                return this.invalid(key, 'a string or a list of strings', `write ${key}: name, or a list of names`);
            }
            const s = String(item);
            if (opts.commaSplit)
                out.push(...s.split(',').map((t) => t.trim()).filter(Boolean));
            else
                out.push(s);
        }
        return out;
    }
    /** when / changed_when / failed_when / until: an expression, a boolean, or a list of them (all of). */
    conditions(key) {
        const v = this.raw[key];
        if (v === undefined)
            return undefined;
        const items = Array.isArray(v) ? v : [v];
        return items.map((item) => {
            const b = asBoolean(item);
            if (b !== undefined)
                return b;
            if (typeof item === 'string' && item.trim() !== '')
                return item;
            if (typeof item === 'number')
                return String(item);
            return this.invalid(key, 'a condition (an expression, true/false, or a list of them)', `write ${key}: some_var == "value"`);
        });
    }
}
//# sourceMappingURL=fields.js.map