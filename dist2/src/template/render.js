import { K8sbmError } from '../source/errors.js';
import { copyPositions, keyPosOf, valueLocOf } from '../source/loc.js';
import { Secret, isSecret } from '../util/secret.js';
import { compileTemplate } from './compile.js';
import { TemplateRun } from './interpret.js';
import { mapPos, originOfFile, originOfValue } from './origin.js';
import { RenderState, atUseSite, maskError } from './scope.js';
import { isPlainObject, mayBeTemplate } from './values.js';
/** A new render state whose lazy variables are rendered as templates. */
export function newRenderState(vars) {
    return new RenderState(vars, renderLazy);
}
function renderLazy(text, scope, state, where) {
    return renderTyped(text, scope, state, where ? originOfValue(where) : undefined);
}
function problemError(p, origin, text) {
    const loc = origin ? mapPos(origin, p.line, p.col0) : undefined;
    const details = loc ? [] : [`in template: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`];
    return new K8sbmError(p.code, p.message, { loc, hint: p.hint, details });
}
/**
 * Render a template string that stands as a value: a single `{{ expr }}` keeps the value's
 * type; anything else is text. Output that carries a secret's real value comes back as a
 * Secret, so it stays masked wherever it goes next.
 */
function renderTyped(text, scope, state, origin) {
    const c = compileTemplate(text);
    if (!c.ok)
        throw problemError(c.problem, origin, text);
    const run = new TemplateRun(state, scope, origin, c);
    const before = state.revealCount;
    const out = c.single ? run.single(c.single, run.rootFrame()) : run.program(c.program, run.rootFrame());
    return state.revealCount === before ? out : taint(out, state.revealed);
}
/** Wrap text that holds a secret's real value (inside lists and mappings too). */
function taint(v, revealed) {
    if (typeof v === 'string') {
        for (const s of revealed)
            if (s !== '' && v.includes(s))
                return new Secret(v);
        return v;
    }
    if (Array.isArray(v))
        return v.map((x) => taint(x, revealed));
    if (isPlainObject(v))
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, taint(x, revealed)]));
    return v;
}
/** Whether a value holds a template anywhere inside (a string with `{{`, or a Jinja `{%`). */
export function isTemplated(value) {
    if (typeof value === 'string')
        return mayBeTemplate(value);
    if (Array.isArray(value))
        return value.some(isTemplated);
    if (isPlainObject(value))
        return Object.values(value).some(isTemplated);
    return false;
}
/**
 * Render every string inside `value` (through lists and mappings; keys are left alone).
 * A string that is exactly one `{{ expr }}` keeps the type of what it names (list, number,
 * mapping, boolean, Secret); other templated strings become text. `loc` is where the value
 * stands in its file; nested values use their own recorded positions when they have them.
 */
export function renderValue(value, vars, loc) {
    if (typeof value === 'string' && !mayBeTemplate(value))
        return value;
    const state = newRenderState(vars);
    try {
        return renderIn(value, state, loc);
    }
    catch (e) {
        throw maskError(e, state);
    }
}
/**
 * `loc` is the value's own position when `exact`; otherwise it is its container's, which is
 * only good as a fallback for errors (columns inside the string cannot be mapped from it).
 */
function renderIn(value, state, loc, exact = true) {
    if (typeof value === 'string') {
        if (!mayBeTemplate(value))
            return value;
        if (exact)
            return renderTyped(value, state.rootScope, state, loc ? originOfValue(loc) : undefined);
        try {
            return renderTyped(value, state.rootScope, state, undefined);
        }
        catch (e) {
            throw atUseSite(e, loc);
        }
    }
    if (value === null || typeof value !== 'object' || isSecret(value))
        return value;
    const isArr = Array.isArray(value);
    if (!isArr && !isPlainObject(value))
        return value;
    const src = value;
    const keys = isArr ? Array.from({ length: value.length }, (_, i) => i) : Object.keys(value);
    let out;
    keys.forEach((key, i) => {
        const raw = src[key];
        const own = keyPosOf(value, key)?.value;
        const child = renderIn(raw, state, own ?? valueLocOf(value, key) ?? loc, own !== undefined);
        if (child !== raw && out === undefined) {
            out = isArr ? value.slice(0, i) : Object.fromEntries(keys.slice(0, i).map((k) => [k, src[k]]));
        }
        if (out !== undefined) {
            if (isArr)
                out.push(child);
            else
                out[key] = child;
        }
    });
    if (out === undefined)
        return value;
    copyPositions(value, out);
    return out;
}
/** Render a template file's text; positions in errors are the file's own lines and columns. */
export function renderTemplateText(text, vars, where) {
    const state = newRenderState(vars);
    const origin = originOfFile(where.file, where.line ?? 1, where.col ?? 1);
    const c = compileTemplate(text);
    if (!c.ok)
        throw problemError(c.problem, origin, text);
    const run = new TemplateRun(state, state.rootScope, origin, c);
    try {
        const out = run.program(c.program, run.rootFrame());
        return { text: out, secrets: [...state.revealed] };
    }
    catch (e) {
        throw maskError(e, state);
    }
}
/** Render a template file's text (secrets appear with their real values: this is file content). */
export function renderString(text, vars, where) {
    return renderTemplateText(text, vars, where).text;
}
/**
 * What can be known of the templates inside a value before it renders: each `{{ }}` parses and
 * names filters, tests and helpers that exist. Throws the first problem at its file:line:col.
 */
export function checkTemplates(value, loc, exact = true) {
    if (typeof value === 'string') {
        if (!mayBeTemplate(value))
            return;
        const c = compileTemplate(value);
        if (c.ok)
            return;
        if (exact)
            throw problemError(c.problem, loc ? originOfValue(loc) : undefined, value);
        throw atUseSite(problemError(c.problem, undefined, value), loc);
    }
    if (value === null || typeof value !== 'object' || isSecret(value))
        return;
    if (!Array.isArray(value) && !isPlainObject(value))
        return;
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    for (const key of keys) {
        const own = keyPosOf(value, key)?.value;
        checkTemplates(value[key], own ?? valueLocOf(value, key) ?? loc, own !== undefined);
    }
}
/** The same for a template file's text; positions are the file's own. */
export function checkTemplateText(text, file) {
    const c = compileTemplate(text);
    if (!c.ok)
        throw problemError(c.problem, originOfFile(file), text);
}
//# sourceMappingURL=render.js.map