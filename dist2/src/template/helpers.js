import { isSecret } from '../util/secret.js';
import { filters } from './expr-filters.js';
import { Ref, Undef, lookupVar, member } from './scope.js';
import { deepEqual, typeName, unwrap } from './values.js';
/** Handlebars' own idea of true: empty lists and 0 are false too. */
export function hbsTruthy(v) {
    if (isSecret(v))
        return v.reveal() !== '';
    return Array.isArray(v) ? v.length > 0 : Boolean(v);
}
/** Text of a value inside other text: lists and mappings as JSON, none as nothing. */
export function textOf(v) {
    if (typeof v === 'string')
        return v;
    if (v === null || v === undefined)
        return '';
    if (typeof v === 'object')
        return JSON.stringify(v, (_k, x) => (isSecret(x) ? x.reveal() : x));
    return String(v);
}
function compareNums(a, b, h) {
    const x = unwrap(a);
    const y = unwrap(b);
    if (typeof x === 'number' && typeof y === 'number')
        return [x, y];
    if (typeof x === 'string' && typeof y === 'string')
        return [x, y];
    return h.fail(`cannot compare ${typeName(x)} with ${typeName(y)}`, 'compare numbers with numbers and text with text');
}
/**
 * A helper that is the filter of the same name, arguments in handlebars' order:
 * `{{name X A B}}` is `X | name(A, B)`, and `key=value` are its keyword arguments.
 */
function viaFilter(name, usage) {
    const fl = filters[name];
    // "| join needs a list" reads "join: needs a list" in a helper's words.
    const fail = (h) => (message, hint) => h.fail(message.replace(new RegExp(`^\\| ${name}:? `), ''), hint);
    return { usage, min: fl.min + 1, max: fl.max + 1, call: (args, h) => fl.call(args[0], args.slice(1), { fail: fail(h), kwargs: h.hash }) };
}
export const helpers = {
    default: {
        usage: 'default VALUE FALLBACK',
        min: 2,
        max: Infinity,
        args: 'raw',
        call: (args) => {
            // The first argument that is defined and not none; the last one is the fallback.
            for (const a of args.slice(0, -1)) {
                if (a instanceof Undef || a === undefined || a === null)
                    continue;
                if (a instanceof Ref && (a.value === null || a.value === undefined))
                    continue;
                return a;
            }
            return args[args.length - 1];
        },
    },
    lookup: {
        usage: 'lookup MAPPING KEY',
        min: 2,
        max: 2,
        args: 'raw',
        call: ([obj, key], h) => {
            if (obj instanceof Undef)
                return h.undefinedVar(obj);
            if (key instanceof Undef)
                return h.undefinedVar(key);
            const k = key instanceof Ref ? key.value : key;
            if (typeof k !== 'string' && typeof k !== 'number')
                return h.fail(`lookup: the key must be text or a number, got ${typeName(k)}`);
            const base = obj instanceof Ref ? obj : new Ref(obj, h.state.rootScope, '(value)', true);
            return member(h.state, base, String(k));
        },
    },
    hostvar: {
        usage: 'hostvar HOST NAME',
        min: 2,
        max: 2,
        args: 'raw',
        call: ([host, name], h) => {
            const hv = lookupVar(h.state, h.state.rootScope, 'hostvars');
            if (hv instanceof Undef)
                return h.undefinedVar(hv);
            const hostName = plainArg(host, h);
            const varName = plainArg(name, h);
            const entry = member(h.state, hv, hostName);
            if (entry instanceof Undef)
                return h.undefinedVar(entry);
            return member(h.state, entry, varName);
        },
    },
    group_hosts: {
        usage: 'group_hosts GROUP',
        min: 1,
        max: 1,
        args: 'raw',
        call: ([group], h) => {
            const groups = lookupVar(h.state, h.state.rootScope, 'groups');
            if (groups instanceof Undef)
                return h.undefinedVar(groups);
            return member(h.state, groups, plainArg(group, h));
        },
    },
    eq: { usage: 'eq A B', min: 2, max: 2, call: ([a, b]) => deepEqual(a, b) },
    ne: { usage: 'ne A B', min: 2, max: 2, call: ([a, b]) => !deepEqual(a, b) },
    lt: { usage: 'lt A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x < y; } },
    lte: { usage: 'lte A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x <= y; } },
    gt: { usage: 'gt A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x > y; } },
    gte: { usage: 'gte A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x >= y; } },
    and: { usage: 'and A B ...', min: 2, max: Infinity, args: 'tolerant', call: (args) => args.every(hbsTruthy) },
    or: { usage: 'or A B ...', min: 2, max: Infinity, args: 'tolerant', call: (args) => args.some(hbsTruthy) },
    not: { usage: 'not A', min: 1, max: 1, args: 'tolerant', call: ([a]) => !hbsTruthy(a) },
    join: viaFilter('join', 'join LIST [SEPARATOR]'),
    to_yaml: viaFilter('to_yaml', 'to_yaml VALUE'),
    to_json: viaFilter('to_json', 'to_json VALUE'),
    to_nice_json: viaFilter('to_nice_json', 'to_nice_json VALUE [indent=N]'),
    indent: viaFilter('indent', 'indent TEXT WIDTH [FIRST]'),
    upper: viaFilter('upper', 'upper TEXT'),
    lower: viaFilter('lower', 'lower TEXT'),
    trim: viaFilter('trim', 'trim TEXT'),
    replace: viaFilter('replace', 'replace TEXT OLD NEW'),
    split: viaFilter('split', 'split TEXT [SEPARATOR]'),
    first: viaFilter('first', 'first LIST'),
    last: viaFilter('last', 'last LIST'),
    length: viaFilter('length', 'length LIST'),
    b64encode: viaFilter('b64encode', 'b64encode TEXT'),
    b64decode: viaFilter('b64decode', 'b64decode TEXT'),
    cidr_address: viaFilter('cidr_address', 'cidr_address CIDR'),
    cidr_prefix: viaFilter('cidr_prefix', 'cidr_prefix CIDR'),
    cidr_netmask: viaFilter('cidr_netmask', 'cidr_netmask CIDR'),
    cidr_network: viaFilter('cidr_network', 'cidr_network CIDR'),
    cidr_broadcast: viaFilter('cidr_broadcast', 'cidr_broadcast CIDR'),
    cidr_host: viaFilter('cidr_host', 'cidr_host CIDR N'),
    cidr_contains: viaFilter('cidr_contains', 'cidr_contains CIDR ADDRESS'),
};
export const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with', 'raw']);
export function helperOf(name) {
    return Object.prototype.hasOwnProperty.call(helpers, name) ? helpers[name] : undefined;
}
function plainArg(v, h) {
    if (v instanceof Undef)
        return h.undefinedVar(v);
    const x = unwrap(v instanceof Ref ? v.value : v);
    if (typeof x === 'string' || typeof x === 'number')
        return String(x);
    return h.fail(`expected a name, got ${typeName(x)}`);
}
//# sourceMappingURL=helpers.js.map