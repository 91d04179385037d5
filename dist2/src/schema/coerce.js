import { copyPositions } from '../source/loc.js';
// Operators write `force: yes` out of habit; YAML 1.2 reads that as the string "yes".
const TRUE_WORDS = new Set(['yes', 'true', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'off']);
/** true/false for a boolean or one of Ansible's boolean words, undefined for anything else. */
export function asBoolean(v) {
    if (typeof v === 'boolean')
        return v;
    if (typeof v === 'string') {
        const w = v.trim().toLowerCase();
        if (TRUE_WORDS.has(w))
            return true;
        if (FALSE_WORDS.has(w))
            return false;
    }
    return undefined;
}
/** A string holding a template: its value is only known per host, after rendering. */
export function isTemplated(v) {
    return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}
/** JSON types a schema accepts at its top (looking through anyOf/oneOf). Empty: any. */
export function schemaTypes(schema) {
    const out = new Set();
    if (schema === null || typeof schema !== 'object')
        return out;
    const s = schema;
    if (typeof s.type === 'string')
        out.add(s.type);
    if (Array.isArray(s.type))
        for (const t of s.type)
            out.add(String(t));
    if (s.enum !== undefined && Array.isArray(s.enum))
        for (const v of s.enum)
            out.add(jsonType(v));
    if (s.const !== undefined)
        out.add(jsonType(s.const));
    for (const k of ['anyOf', 'oneOf']) {
        const branches = s[k];
        if (Array.isArray(branches))
            for (const b of branches)
                for (const t of schemaTypes(b))
                    out.add(t);
    }
    return out;
}
export function jsonType(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'array';
    if (typeof v === 'number')
        return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v;
}
export function propertiesOf(schema) {
    const p = schema.properties;
    return p !== null && typeof p === 'object' ? p : {};
}
/**
 * Turn the strings a one-line `k=v` form (or an operator's `yes`) produces into the boolean or
 * number a param's schema asks for, when the schema does not take a string there. Templated
 * values are left alone: the engine coerces again after rendering.
 * Returns `args` itself when nothing changes; otherwise a copy that keeps source positions.
 */
export function coerceParams(module, args) {
    const props = propertiesOf(module.schema);
    let out;
    for (const [key, value] of Object.entries(args)) {
        if (typeof value !== 'string' || isTemplated(value))
            continue;
        const types = schemaTypes(props[key]);
        if (types.size === 0 || types.has('string'))
            continue;
        const coerced = coerceString(value, types);
        if (coerced === undefined)
            continue;
        if (!out) {
            out = { ...args };
            copyPositions(args, out);
        }
        out[key] = coerced;
    }
    return out ?? args;
}
function coerceString(value, types) {
    const b = asBoolean(value);
    if (types.has('boolean') && b !== undefined)
        return b;
    const t = value.trim();
    if ((types.has('integer') || types.has('number')) && /^-?\d+$/.test(t))
        return Number(t);
    if (types.has('number') && /^-?\d+\.\d+$/.test(t))
        return Number(t);
    return undefined;
}
//# sourceMappingURL=coerce.js.map