import { K8sbmError } from '../source/errors.js';
import { assertNever } from '../util/assert-never.js';
import { Secret, isSecret } from '../util/secret.js';
import { checkExpr, filterProblem, testProblem } from './expr-check.js';
import { LOOKUPS } from './expr-lookup.js';
import { FILTER_ALIASES, filters } from './expr-filters.js';
import { TEST_ALIASES, pyStr, pyTruthy, tests } from './expr-lib.js';
import { lineColAt, mapPos } from './origin.js';
import { Ref, Undef, atUseSite, lookupVar, member, resolveDeep, undefinedError } from './scope.js';
import { deepEqual, isPlainObject, preview, typeName, unwrap } from './values.js';
export class ExprRun {
    state;
    scope;
    text;
    offset;
    origin;
    local;
    constructor(state, scope, 
    /** The text as written, and where the parsed part starts in it (after a stripped `{{`). */
    text, offset, origin, 
    /** Names a template block gives (`{{#each xs as |x|}}`), before the variables. */
    local) {
        this.state = state;
        this.scope = scope;
        this.text = text;
        this.offset = offset;
        this.origin = origin;
        this.local = local;
    }
    locAt(pos) {
        if (!this.origin)
            return undefined;
        const { line, col0 } = lineColAt(this.text, this.offset + pos);
        return mapPos(this.origin, line, col0);
    }
    /** The value of an expression (secrets stay Secret objects). */
    value(e) {
        return this.valueOf(e);
    }
    get(v, pos) {
        if (v instanceof Undef)
            throw undefinedError(v, this.locAt(pos), 'expression');
        return this.resolve(v, pos);
    }
    /** Like get(), with an undefined name reported at the start of its path (`a` in `a.b.c`). */
    valueOf(e) {
        const v = this.eval(e);
        if (v instanceof Undef)
            throw undefinedError(v, this.locAt(startOf(e)), 'expression');
        return this.resolve(v, e.pos);
    }
    resolve(v, pos) {
        if (!(v instanceof Ref))
            return v;
        try {
            return resolveDeep(this.state, v, false);
        }
        catch (e) {
            throw atUseSite(e, this.locAt(pos));
        }
    }
    fail(pos, message, hint, code = 'K8SBM_EXPR_TYPE') {
        throw new K8sbmError(code, message, { loc: this.locAt(pos), hint });
    }
    show(v) {
        return preview(v, this.state.revealed);
    }
    eval(e) {
        switch (e.k) {
            case 'lit':
                return e.value;
            case 'name':
                return this.guard(e.pos, () => this.local?.(e.name) ?? lookupVar(this.state, this.scope, e.name));
            case 'attr':
                return this.member(this.eval(e.obj), e.key, e.pos);
            case 'index':
                return this.index(e);
            case 'list':
                return e.items.map((x) => this.value(x));
            case 'dict': {
                const out = {};
                for (const [k, v] of e.entries) {
                    const key = unwrap(this.value(k));
                    if (typeof key !== 'string' && typeof key !== 'number')
                        this.fail(k.pos, `a mapping key must be text or a number, got ${typeName(key)}`, 'quote the key');
                    out[String(key)] = this.value(v);
                }
                return out;
            }
            case 'not':
                return !this.truthy(e.arg);
            case 'neg': {
                const x = unwrap(this.value(e.arg));
                if (typeof x !== 'number')
                    this.fail(e.pos, `cannot negate ${typeName(x)}`, 'convert first: -(x | int)');
                return -x;
            }
            case 'and': {
                const l = this.eval(e.left);
                return this.truthyVal(l, startOf(e.left)) ? this.defined(e.right) : l;
            }
            case 'or': {
                const l = this.eval(e.left);
                return this.truthyVal(l, startOf(e.left)) ? l : this.defined(e.right);
            }
            case 'bin':
                return this.binary(e.op, this.value(e.left), this.value(e.right), e.pos);
            case 'cmp': {
                let left = this.value(e.first);
                for (const r of e.rest) {
                    const right = this.value(r.right);
                    if (!this.compare(r.op, left, right, r.pos))
                        return false;
                    left = right;
                }
                return true;
            }
            case 'cond':
                if (this.truthy(e.test))
                    return this.eval(e.then);
                return e.else ? this.eval(e.else) : null;
            case 'filter':
                return this.filter(e.name, e.arg, e.args, e.kwargs, e.pos);
            case 'test': {
                const r = this.test(e.name, e.arg, e.args, e.pos);
                return e.negate ? !r : r;
            }
            case 'call':
                return this.method(e.method, this.value(e.obj), e.args.map((a) => this.value(a)), e.pos);
            case 'fn':
                return this.lookup(e);
            default:
                return assertNever(e, 'expression node');
        }
    }
    /** A value kept lazy, but an undefined name is reported here, where it is written. */
    defined(e) {
        const v = this.eval(e);
        if (v instanceof Undef)
            throw undefinedError(v, this.locAt(startOf(e)), 'expression');
        return v;
    }
    guard(pos, fn) {
        try {
            return fn();
        }
        catch (e) {
            throw atUseSite(e, this.locAt(pos));
        }
    }
    member(obj, key, pos) {
        if (obj instanceof Undef)
            return obj.extend(key);
        const ref = obj instanceof Ref ? obj : new Ref(obj, this.scope, '(value)', true);
        return this.guard(pos, () => member(this.state, ref, key));
    }
    index(e) {
        const obj = this.eval(e.obj);
        const key = unwrap(this.value(e.index));
        if (obj instanceof Undef)
            return obj.extend(String(key));
        const container = obj instanceof Ref ? obj.value : obj;
        if (typeof key === 'number') {
            if (!Number.isInteger(key))
                this.fail(e.index.pos, `an index must be a whole number, got ${key}`, 'use | int');
            if (typeof container === 'string')
                return container.at(key) ?? this.fail(e.pos, `index ${key} is past the end of the text`, 'check the length first');
            if (Array.isArray(container) && key < 0)
                return this.member(obj, String(container.length + key), e.pos);
            return this.member(obj, String(key), e.pos);
        }
        if (typeof key === 'string')
            return this.member(obj, key, e.pos);
        return this.fail(e.index.pos, `an index must be text or a number, got ${typeName(key)}`, 'x["key"] or x[0]');
    }
    truthy(e) {
        return pyTruthy(this.valueOf(e));
    }
    truthyVal(v, pos) {
        return pyTruthy(this.get(v, pos));
    }
    binary(op, a, b, pos) {
        if (op === '~')
            return this.keep(a, b, pyStr(a) + pyStr(b));
        const x = unwrap(a);
        const y = unwrap(b);
        if (op === '+') {
            if (typeof x === 'string' && typeof y === 'string')
                return this.keep(a, b, x + y);
            if (Array.isArray(x) && Array.isArray(y))
                return [...x, ...y];
        }
        if (typeof x !== 'number' || typeof y !== 'number') {
            return this.fail(pos, `cannot apply ${op} to ${typeName(x)} and ${typeName(y)}`, op === '+' ? 'join text with ~ ("a" ~ x), convert numbers with | int' : 'convert first: x | int or x | float');
        }
        switch (op) {
            case '+': return x + y;
            case '-': return x - y;
            case '*': return x * y;
            case '**': return x ** y;
            default:
                if (y === 0)
                    return this.fail(pos, 'division by zero', 'check the divisor first');
                if (op === '/')
                    return x / y;
                if (op === '//')
                    return Math.floor(x / y);
                return ((x % y) + y) % y; // Python's modulo takes the divisor's sign
        }
    }
    /** Text made from a secret stays a secret. */
    keep(a, b, out) {
        return isSecret(a) || isSecret(b) ? new Secret(out) : out;
    }
    compare(op, a, b, pos) {
        switch (op) {
            case '==': return deepEqual(a, b);
            case '!=': return !deepEqual(a, b);
            case 'in': return this.contains(b, a, pos);
            case 'not in': return !this.contains(b, a, pos);
        }
        const x = unwrap(a);
        const y = unwrap(b);
        const bothNum = typeof x === 'number' && typeof y === 'number';
        const bothStr = typeof x === 'string' && typeof y === 'string';
        if (!bothNum && !bothStr) {
            const numeric = (v) => typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v);
            return this.fail(pos, `cannot compare ${typeName(x)} ${isSecret(a) ? '' : this.show(x)} with ${typeName(y)} ${isSecret(b) ? '' : this.show(y)} using ${op}`.replace(/\s+/g, ' '), numeric(x) || numeric(y) ? 'convert the text to a number first: x | int' : 'compare numbers with numbers and text with text');
        }
        const [p, q] = [x, y];
        switch (op) {
            case '<': return p < q;
            case '>': return p > q;
            case '<=': return p <= q;
            default: return p >= q;
        }
    }
    contains(container, item, pos) {
        const c = unwrap(container);
        const x = unwrap(item);
        if (typeof c === 'string') {
            if (typeof x !== 'string')
                return this.fail(pos, `"in" text needs text on the left, got ${typeName(x)}`, 'convert with | string');
            return c.includes(x);
        }
        if (Array.isArray(c))
            return c.some((v) => deepEqual(v, x));
        if (isPlainObject(c))
            return (typeof x === 'string' || typeof x === 'number') && Object.prototype.hasOwnProperty.call(c, String(x));
        return this.fail(pos, `"in" needs a list, text or mapping on the right, got ${typeName(c)}`, 'e.g. x in ["a", "b"], "sub" in text, "key" in mapping');
    }
    lib(pos, kwargs = {}) {
        return { kwargs, fail: (message, hint) => this.fail(pos, message, hint ?? 'see the filter and test list in the docs') };
    }
    filter(name, argExpr, argExprs, kwargExprs, pos) {
        const problem = filterProblem(name, argExprs.length, kwargExprs, pos);
        if (problem)
            return this.fail(problem.pos, problem.message, problem.hint, problem.code);
        const n = FILTER_ALIASES[name] ?? name;
        if (n === 'default') {
            const v = this.eval(argExpr);
            const orFalsy = argExprs[1] !== undefined && pyTruthy(this.value(argExprs[1]));
            const missing = v instanceof Undef || (orFalsy && !this.truthyVal(v, startOf(argExpr)));
            return missing ? (argExprs[0] ? this.eval(argExprs[0]) : '') : v;
        }
        if (n === 'mandatory') {
            const v = this.eval(argExpr);
            if (v instanceof Undef) {
                const msg = argExprs[0] ? pyStr(this.value(argExprs[0])) : `mandatory variable "${v.name}" is not defined`;
                throw new K8sbmError('K8SBM_UNDEFINED_VAR', msg, { loc: this.locAt(startOf(argExpr)), hint: `define ${v.name} (vars, group_vars, host_vars or -e)` });
            }
            return v;
        }
        const first = argExprs[0];
        if (n === 'map' && first?.k === 'lit' && first.value === 'extract')
            return this.extract(argExpr, argExprs.slice(1), pos);
        const x = this.value(argExpr);
        const kwargs = Object.fromEntries(kwargExprs.map((k) => [k.name, this.value(k.value)]));
        return filters[n].call(x, argExprs.map((a) => this.value(a)), this.lib(pos, kwargs));
    }
    /** lookup() gives one value (several terms joined by commas, as Ansible does); query() a list. */
    lookup(e) {
        const problem = checkExpr(e);
        if (problem)
            return this.fail(problem.pos, problem.message, problem.hint, problem.code);
        const plugin = LOOKUPS[String(e.args[0].value).replace(/^.*\./, '')];
        const kwargs = Object.fromEntries(e.kwargs.map((k) => [k.name, this.value(k.value)]));
        const terms = e.args.slice(1).map((a) => this.value(a)).flatMap((t) => (Array.isArray(unwrap(t)) ? unwrap(t) : [t]));
        const variable = (name) => {
            const v = lookupVar(this.state, this.scope, name);
            return v instanceof Ref ? v.value : undefined;
        };
        const out = plugin.call(terms, { ...this.lib(e.pos, kwargs), variable });
        if (e.name !== 'lookup')
            return out;
        return out.length === 1 ? out[0] : out.map(pyStr).join(',');
    }
    /** `keys | map('extract', container, attr)`: looks up only what it names (hostvars stay lazy). */
    extract(keysExpr, args, pos) {
        if (args.length < 1 || args.length > 2)
            this.fail(pos, 'wrong number of arguments', "usage: names | map('extract', hostvars, 'ansible_host')", 'K8SBM_EXPR_SYNTAX');
        const keys = unwrap(this.value(keysExpr));
        if (!Array.isArray(keys))
            return this.fail(pos, `map('extract') needs a list of keys, got ${typeName(keys)}`, "e.g. groups['etcd'] | map('extract', hostvars, 'ip')");
        const container = this.defined(args[0]);
        const attr = args[1] ? unwrap(this.value(args[1])) : undefined;
        return keys.map((k) => {
            let v = this.member(container, pyStr(k), pos);
            if (attr !== undefined)
                v = this.member(v, pyStr(attr), pos);
            return this.get(v, pos);
        });
    }
    test(name, argExpr, argExprs, pos) {
        const problem = testProblem(name, argExprs.length, pos);
        if (problem)
            return this.fail(problem.pos, problem.message, problem.hint, problem.code);
        const n = TEST_ALIASES[name] ?? name;
        if (n === 'defined' || n === 'undefined') {
            const v = this.eval(argExpr);
            return (v instanceof Undef) === (n === 'undefined');
        }
        return tests[n].call(this.value(argExpr), argExprs.map((a) => this.value(a)), this.lib(pos));
    }
    /** The few Python string and dict methods playbooks use. */
    method(name, obj, args, pos) {
        const x = unwrap(obj);
        const str = (i) => {
            const a = unwrap(args[i]);
            return typeof a === 'string' ? a : this.fail(pos, `.${name}() needs text arguments, got ${typeName(a)}`, `usage: x.${name}("text")`);
        };
        if (typeof x === 'string') {
            switch (name) {
                case 'startswith': return x.startsWith(str(0));
                case 'endswith': return x.endsWith(str(0));
                case 'lower': return this.keep(obj, undefined, x.toLowerCase());
                case 'upper': return this.keep(obj, undefined, x.toUpperCase());
                case 'strip': return this.keep(obj, undefined, x.trim());
                case 'split': return args.length === 0 ? x.trim().split(/\s+/).filter((s) => s !== '') : x.split(str(0));
            }
        }
        if (isPlainObject(x)) {
            switch (name) {
                case 'keys': return Object.keys(x);
                case 'values': return Object.values(x);
                case 'items': return Object.entries(x);
                case 'get': {
                    const k = unwrap(args[0]);
                    return typeof k === 'string' && Object.prototype.hasOwnProperty.call(x, k) ? x[k] : (args[1] ?? null);
                }
            }
        }
        return this.fail(pos, `${typeName(x)} has no method .${name}()`, 'available: text .startswith() .endswith() .lower() .upper() .strip() .split(); mapping .keys() .values() .items() .get()', 'K8SBM_EXPR_UNSUPPORTED');
    }
}
/** Where an expression starts: the head of a chain like `a.b[0] | f`. */
function startOf(e) {
    switch (e.k) {
        case 'attr':
        case 'index':
        case 'call':
            return startOf(e.obj);
        case 'filter':
        case 'test':
            return startOf(e.arg);
        case 'bin':
        case 'and':
        case 'or':
            return startOf(e.left);
        case 'cond':
            return startOf(e.then);
        default:
            return e.pos;
    }
}
//# sourceMappingURL=expr-eval.js.map