import { K8sbmError } from '../source/errors.js';
import { keyPosOf } from '../source/loc.js';
import { isSecret } from '../util/secret.js';
import { checkExpr } from './expr-check.js';
import { ExprRun } from './expr-eval.js';
import { ExprSyntaxError, parseExpression } from './expr-parse.js';
import { lineColAt, mapPos, originOfValue } from './origin.js';
import { newRenderState } from './render.js';
import { atUseSite, maskError } from './scope.js';
import { preview, typeName, unwrap } from './values.js';
/**
 * `when`, `changed_when`, `failed_when`, `until`, assert's `that` and debug's `var`: Jinja-style
 * expressions with bare variable names, evaluated by our own interpreter (never JS eval).
 */
/** `"{{ x }}"` is accepted as `x` (a common Ansible habit); the offset keeps columns right. */
function unwrapBraces(text) {
    const m = /^(\s*\{\{)([\s\S]*?)\}\}\s*$/.exec(text);
    if (m && !m[2].includes('{{') && !m[2].includes('}}'))
        return { src: m[2], offset: m[1].length };
    return { src: text, offset: 0 };
}
/**
 * Parse an expression as written (a `{{ }}` around it is dropped) and check its filters and
 * tests; errors point at the offending token in the file when `loc` is where the text starts.
 */
function parseChecked(text, loc) {
    const { src, offset } = unwrapBraces(text);
    const origin = loc ? originOfValue(loc) : undefined;
    const where = (pos) => {
        if (!origin)
            return undefined;
        const { line, col0 } = lineColAt(text, offset + pos);
        return mapPos(origin, line, col0);
    };
    const fail = (pos, code, message, hint) => {
        const at = where(pos);
        // Without a place in a file, show the expression with a caret under the offending token.
        const details = at ? [] : [`  ${text.replace(/\n/g, ' ')}`, `  ${' '.repeat(offset + pos)}^`];
        throw new K8sbmError(code, message, { loc: at, hint, details });
    };
    let ast;
    try {
        ast = parseExpression(src);
    }
    catch (e) {
        if (!(e instanceof ExprSyntaxError))
            throw e;
        return fail(e.offset, 'K8SBM_EXPR_SYNTAX', e.message, e.hint);
    }
    const problem = checkExpr(ast);
    if (problem)
        fail(problem.pos, problem.code, problem.message, problem.hint);
    return { ast, offset };
}
/**
 * What can be known of a condition before it runs (syntax, filter and test names): a
 * K8SBM_EXPR_* error at its file:line:col, or nothing. A list is checked item by item.
 */
export function checkCondition(cond, loc) {
    if (Array.isArray(cond)) {
        cond.forEach((c, i) => checkCondition(c, keyPosOf(cond, i)?.value ?? loc));
        return;
    }
    if (typeof cond === 'string')
        parseChecked(cond, loc);
}
/** `exact`: loc is where the expression text itself starts (so columns inside it can be mapped). */
function evaluateIn(text, state, loc, exact = true) {
    if (!exact) {
        try {
            return evaluateIn(text, state, undefined);
        }
        catch (e) {
            throw atUseSite(e, loc);
        }
    }
    const { ast, offset } = parseChecked(text, loc);
    const run = new ExprRun(state, state.rootScope, text, offset, loc ? originOfValue(loc) : undefined);
    return run.value(ast);
}
/** Evaluate an expression (debug's `var`); undefined names are errors, secrets stay masked. */
export function evalExpression(expr, vars, loc) {
    const state = newRenderState(vars);
    try {
        return evaluateIn(expr, state, loc);
    }
    catch (e) {
        throw maskError(e, state);
    }
}
/**
 * Whether a condition holds. A list means all of them, checked in order and stopping at the
 * first false one (so `- x is defined` can guard `- x > 1`). YAML booleans pass through.
 */
export function evalCondition(cond, vars, loc) {
    const state = newRenderState(vars);
    try {
        if (!Array.isArray(cond))
            return evalOne(cond, state, loc);
        const list = cond;
        for (let i = 0; i < list.length; i++) {
            const own = keyPosOf(list, i)?.value;
            if (!evalOne(list[i], state, own ?? loc, own !== undefined))
                return false;
        }
        return true;
    }
    catch (e) {
        throw maskError(e, state);
    }
}
function evalOne(cond, state, loc, exact = true) {
    if (typeof cond === 'boolean')
        return cond;
    if (typeof cond !== 'string')
        return notBoolean(String(cond), cond, loc, state);
    const v = evaluateIn(cond, state, loc, exact);
    if (typeof v === 'boolean')
        return v;
    const { src, offset } = unwrapBraces(cond);
    const at = exact ? startOf(cond, offset + (src.length - src.trimStart().length), loc) : loc;
    return notBoolean(src.trim(), v, at, state);
}
/** Where the expression itself starts in the file (past quotes and a stripped `{{`). */
function startOf(text, offset, loc) {
    if (!loc)
        return undefined;
    const { line, col0 } = lineColAt(text, offset);
    return mapPos(originOfValue(loc), line, col0);
}
function notBoolean(expr, v, loc, state) {
    const x = unwrap(v);
    const shown = isSecret(v) ? 'a secret' : `${typeName(x)} ${preview(x, state.revealed)}`;
    let hint;
    if (typeof x === 'string')
        hint = `compare explicitly, e.g. ${expr} | bool (for yes/no, true/false) or ${expr} == "${x.length <= 20 && !isSecret(v) ? x : 'yes'}"`;
    else if (typeof x === 'number')
        hint = `compare explicitly, e.g. ${expr} | bool, ${expr} > 0 or ${expr} == 1`;
    else if (Array.isArray(x) || (x !== null && typeof x === 'object'))
        hint = `compare explicitly, e.g. ${expr} | length > 0`;
    else if (x === null)
        hint = `compare explicitly, e.g. ${expr} is not none`;
    else
        hint = `compare explicitly, e.g. ${expr} | bool or ${expr} == "yes"`;
    throw new K8sbmError('K8SBM_CONDITION_NOT_BOOLEAN', `condition gave ${shown}, not true or false`, { loc, hint });
}
//# sourceMappingURL=condition.js.map