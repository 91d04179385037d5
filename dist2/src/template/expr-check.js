import { closest } from '../source/errors.js';
import { assertNever } from '../util/assert-never.js';
import { FILTER_ALIASES, SPECIAL_FILTERS, filters } from './expr-filters.js';
import { TEST_ALIASES, tests } from './expr-lib.js';
import { LOOKUPS } from './expr-lookup.js';
const SPECIAL = {
    default: { min: 0, max: 2, usage: "x | default('value') or x | default('value', true)" },
    mandatory: { min: 0, max: 1, usage: "x | mandatory('message')" },
};
const SPECIAL_TESTS = ['defined', 'undefined'];
function arity(got, spec, pos) {
    if (got >= spec.min && got <= spec.max)
        return undefined;
    return { pos, code: 'K8SBM_EXPR_SYNTAX', message: `wrong number of arguments (${got})`, hint: `usage: ${spec.usage}` };
}
/** The filter a name stands for, or why there is none. */
export function filterProblem(name, args, kwargs, pos) {
    const n = FILTER_ALIASES[name] ?? name;
    const special = SPECIAL[n];
    const filter = special ?? (Object.prototype.hasOwnProperty.call(filters, n) ? filters[n] : undefined);
    if (!filter) {
        const names = [...Object.keys(filters), ...SPECIAL_FILTERS];
        const near = closest(name, [...names, ...Object.keys(FILTER_ALIASES)]);
        return { pos, code: 'K8SBM_EXPR_UNSUPPORTED', message: `unknown filter "${name}"`, hint: near ? `did you mean "${near}"?` : `available: ${names.sort().join(', ')}` };
    }
    const allowed = filter.kwargs ?? [];
    for (const k of kwargs) {
        if (!allowed.includes(k.name)) {
            return { pos: k.pos, code: 'K8SBM_EXPR_SYNTAX', message: `filter ${name} takes no argument ${k.name}=`, hint: kwargHint(k.name, allowed, filter.usage) };
        }
    }
    return arity(args, filter, pos);
}
function kwargHint(name, allowed, usage) {
    const near = closest(name, [...allowed]);
    if (near)
        return `did you mean ${near}=?`;
    return allowed.length > 0 ? `it takes ${allowed.map((a) => `${a}=`).join(', ')}` : `usage: ${usage}`;
}
export function testProblem(name, args, pos) {
    const n = TEST_ALIASES[name] ?? name;
    if (SPECIAL_TESTS.includes(n))
        return arity(args, { min: 0, max: 0, usage: `x is ${n}` }, pos);
    const test = Object.prototype.hasOwnProperty.call(tests, n) ? tests[n] : undefined;
    if (!test) {
        const names = [...Object.keys(tests), ...SPECIAL_TESTS];
        const near = closest(name, [...names, ...Object.keys(TEST_ALIASES)]);
        return { pos, code: 'K8SBM_EXPR_UNSUPPORTED', message: `unknown test "${name}"`, hint: near ? `did you mean "${near}"?` : `available: ${names.join(', ')}` };
    }
    return arity(args, test, pos);
}
/** `lookup('file', ...)`: a plugin that exists, named by a literal, with the keyword arguments it takes. */
function lookupProblem(e) {
    const usage = Object.values(LOOKUPS).map((l) => l.usage).join(', ');
    const plugin = e.args[0];
    if (!plugin)
        return { pos: e.pos, code: 'K8SBM_EXPR_SYNTAX', message: `${e.name}() needs the plugin's name first`, hint: `e.g. ${usage}` };
    if (plugin.k !== 'lit' || typeof plugin.value !== 'string')
        return { pos: plugin.pos, code: 'K8SBM_EXPR_SYNTAX', message: `${e.name}(): the plugin's name must be written as text`, hint: `e.g. ${usage}` };
    const name = plugin.value.replace(/^.*\./, '');
    const lookup = Object.prototype.hasOwnProperty.call(LOOKUPS, name) ? LOOKUPS[name] : undefined;
    if (!lookup) {
        const near = closest(name, Object.keys(LOOKUPS));
        return { pos: plugin.pos, code: 'K8SBM_EXPR_UNSUPPORTED', message: `unknown lookup plugin "${plugin.value}"`, hint: near ? `did you mean "${near}"?` : `available: ${usage}` };
    }
    if (e.args.length < 2)
        return { pos: e.pos, code: 'K8SBM_EXPR_SYNTAX', message: `${e.name}('${name}') needs at least one term`, hint: `usage: ${lookup.usage}` };
    const bad = e.kwargs.find((k) => !lookup.kwargs.includes(k.name));
    if (bad)
        return { pos: bad.pos, code: 'K8SBM_EXPR_SYNTAX', message: `lookup '${name}' takes no argument ${bad.name}=`, hint: kwargHint(bad.name, lookup.kwargs, lookup.usage) };
    return undefined;
}
/** The first problem in the expression, in reading order. */
export function checkExpr(e) {
    switch (e.k) {
        case 'lit':
        case 'name':
            return undefined;
        case 'attr':
            return checkExpr(e.obj);
        case 'index':
            return checkExpr(e.obj) ?? checkExpr(e.index);
        case 'list':
            return first(e.items);
        case 'dict':
            return first(e.entries.flat());
        case 'not':
        case 'neg':
            return checkExpr(e.arg);
        case 'and':
        case 'or':
        case 'bin':
            return checkExpr(e.left) ?? checkExpr(e.right);
        case 'cmp':
            return checkExpr(e.first) ?? first(e.rest.map((r) => r.right));
        case 'cond':
            return checkExpr(e.then) ?? checkExpr(e.test) ?? (e.else ? checkExpr(e.else) : undefined);
        case 'filter':
            return checkExpr(e.arg) ?? filterProblem(e.name, e.args.length, e.kwargs, e.pos) ?? first([...e.args, ...e.kwargs.map((k) => k.value)]);
        case 'test':
            return checkExpr(e.arg) ?? testProblem(e.name, e.args.length, e.pos) ?? first(e.args);
        case 'call':
            return checkExpr(e.obj) ?? first(e.args);
        case 'fn':
            return lookupProblem(e) ?? first([...e.args, ...e.kwargs.map((k) => k.value)]);
        default:
            return assertNever(e, 'expression node');
    }
}
function first(es) {
    for (const x of es) {
        const p = checkExpr(x);
        if (p)
            return p;
    }
    return undefined;
}
//# sourceMappingURL=expr-check.js.map