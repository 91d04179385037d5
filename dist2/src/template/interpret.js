import { K8sbmError } from '../source/errors.js';
import { isSecret } from '../util/secret.js';
import { exprIndex } from './compile.js';
import { ExprRun } from './expr-eval.js';
import { pyTruthy } from './expr-lib.js';
import { hbsTruthy, helperOf, textOf } from './helpers.js';
import { mapPos } from './origin.js';
import { Ref, Undef, atUseSite, lookupVar, member, resolveDeep, undefinedError, } from './scope.js';
import { isPlainObject, typeName } from './values.js';
export class TemplateRun {
    state;
    scope;
    origin;
    source;
    constructor(state, scope, origin, 
    /** The template as written and the expressions put aside from it (see mustache-expr.ts). */
    source = { text: '', exprs: [] }) {
        this.state = state;
        this.scope = scope;
        this.origin = origin;
        this.source = source;
    }
    rootFrame() {
        const root = new Ref(this.scope.vars, this.scope, '', false);
        return { ctx: root, parent: undefined, data: { root }, params: undefined };
    }
    locOf(node) {
        return this.origin ? mapPos(this.origin, node.loc.start.line, node.loc.start.column) : undefined;
    }
    /** Text of a whole program. */
    program(p, frame) {
        if (!p)
            return '';
        let out = '';
        for (const s of p.body)
            out += this.statement(s, frame);
        return out;
    }
    /** The value of a single `{{ expr }}`, type kept (secrets stay Secret objects). */
    single(m, frame) {
        const v = this.call(m, frame);
        if (v instanceof Undef)
            throw this.undefinedHere(v, m.path);
        return v instanceof Ref ? this.deep(v, false, m) : v;
    }
    statement(s, frame) {
        switch (s.type) {
            case 'ContentStatement':
                return s.value;
            case 'MustacheStatement': {
                const m = s;
                return this.text(this.call(m, frame), m.path);
            }
            case 'BlockStatement':
                return this.block(s, frame);
            default:
                return ''; // comments (other statements were refused when compiling)
        }
    }
    text(v, node) {
        if (v instanceof Undef)
            throw this.undefinedHere(v, node);
        const x = v instanceof Ref ? this.deep(v, true, node) : v;
        if (isSecret(x))
            return this.state.reveal(x);
        return textOf(x);
    }
    /** Inside {{#each}} / {{#with}} names refer to the item: say so when the name is a variable. */
    undefinedHere(u, node) {
        const e = undefinedError(u, this.locOf(node), 'template');
        const owner = u.owner;
        const first = u.name.split(/[.[]/)[0] ?? '';
        if (!owner || owner.value === this.scope.vars || owner.name === '' || first === '')
            return e;
        if (lookupVar(this.state, this.scope, u.key) instanceof Undef)
            return e;
        return new K8sbmError(e.code, e.message, {
            loc: e.loc,
            details: e.details,
            hint: `inside {{#each}} and {{#with}} a bare name refers to the current item; for the variable write @root.${u.key} (or ../${u.key})`,
        });
    }
    deep(ref, reveal, node) {
        try {
            return resolveDeep(this.state, ref, reveal);
        }
        catch (e) {
            throw atUseSite(e, this.locOf(node));
        }
    }
    /** A mustache, sub-expression or block head: helper call, or a path / literal. */
    call(c, frame) {
        const path = c.path;
        if (path.type !== 'PathExpression')
            return literal(path);
        const n = exprIndex(path);
        if (n !== undefined)
            return this.expression(n, frame);
        const p = path;
        const helper = isSimple(p) ? helperOf(p.original) : undefined;
        const hasArgs = c.params.length > 0 || (c.hash?.pairs.length ?? 0) > 0;
        // Every helper takes arguments, so a bare {{first}} is the variable of that name.
        if (helper && hasArgs)
            return this.invoke(p.original, helper, c, frame);
        return this.path(p, frame);
    }
    /** An expression of the condition language, with the names the enclosing blocks give. */
    expression(n, frame) {
        const e = this.source.exprs[n];
        const local = (name) => {
            const bp = blockParam(frame.params, name);
            if (bp)
                return bp;
            const ctx = frame.ctx;
            if (ctx.name === '' && ctx.value === this.scope.vars)
                return undefined;
            const v = ctx.value;
            return v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, name) ? member(this.state, ctx, name) : undefined;
        };
        return new ExprRun(this.state, this.scope, this.source.text, e.offset, this.origin, local).value(e.ast);
    }
    invoke(name, helper, c, frame) {
        const mode = helper.args ?? 'resolved';
        const args = c.params.map((e) => this.arg(this.expr(e, frame), mode, e));
        const hash = {};
        for (const pair of c.hash?.pairs ?? [])
            hash[pair.key] = this.arg(this.expr(pair.value, frame), 'resolved', pair.value);
        const loc = this.locOf(c.path);
        if (args.length < helper.min) {
            throw new K8sbmError('K8SBM_TEMPLATE_HELPER', `${name} needs ${helper.min} argument${helper.min === 1 ? '' : 's'}`, { loc, hint: `usage: {{${helper.usage}}}` });
        }
        const ctx = {
            state: this.state,
            hash,
            fail: (message, hint) => { throw new K8sbmError('K8SBM_TEMPLATE_HELPER', `${name}: ${message.replace(new RegExp(`^${name}: `), '')}`, { loc, hint: hint ?? `usage: {{${helper.usage}}}` }); },
            undefinedVar: (u) => { throw undefinedError(u, loc, 'template'); },
        };
        try {
            return helper.call(args, ctx);
        }
        catch (e) {
            throw atUseSite(e, loc);
        }
    }
    arg(v, mode, node) {
        if (mode === 'raw')
            return v;
        if (v instanceof Undef) {
            if (mode === 'tolerant')
                return undefined;
            throw this.undefinedHere(v, node);
        }
        return v instanceof Ref ? this.deep(v, true, node) : v;
    }
    expr(e, frame) {
        switch (e.type) {
            case 'PathExpression':
                return this.path(e, frame);
            case 'SubExpression':
                return this.call(e, frame);
            default:
                return literal(e);
        }
    }
    /** Resolve a path segment by segment, rendering lazy variables as they are reached. */
    path(p, frame) {
        try {
            return this.walkPath(p, frame);
        }
        catch (e) {
            throw atUseSite(e, this.locOf(p));
        }
    }
    walkPath(p, frame) {
        const parts = p.parts;
        let cur;
        let i = 0;
        if (p.data) {
            const head = parts[0] ?? '';
            const d = frame.data[head];
            if (head === 'root')
                cur = d;
            else if (d === undefined)
                return new Undef(`@${parts.join('.')}`, undefined, `@${head}`);
            else
                cur = new Ref(d, this.scope, `@${head}`, true);
            i = 1;
        }
        else {
            let f = frame;
            for (let d = 0; d < p.depth && f; d++)
                f = f.parent;
            if (!f)
                return new Undef(p.original, undefined, p.original);
            const scoped = /^\.|this\b/.test(p.original);
            const bp = !scoped && p.depth === 0 ? blockParam(frame.params, parts[0]) : undefined;
            if (bp) {
                cur = bp;
                i = 1;
            }
            else if (parts.length === 0)
                return f.ctx;
            else if (f.ctx.name === '' && f.ctx.value === this.scope.vars) {
                cur = lookupVar(this.state, this.scope, parts[0]);
                i = 1;
            }
            else
                cur = f.ctx;
        }
        for (; i < parts.length; i++) {
            cur = cur instanceof Undef ? cur.extend(parts[i]) : member(this.state, cur, parts[i]);
        }
        return cur;
    }
    block(b, frame) {
        const name = b.path.original;
        const simple = isSimple(b.path);
        if (simple && name === 'raw')
            return this.program(b.program, frame);
        const head = b.params[0];
        const v = head ? this.expr(head, frame) : this.path(b.path, frame);
        const at = head ?? b.path;
        const blockParams = b.program?.blockParams ?? [];
        if (simple && (name === 'if' || name === 'unless')) {
            const includeZero = b.hash?.pairs.some((p) => p.key === 'includeZero' && literal(p.value) === true) ?? false;
            const x = this.arg(v, 'tolerant', at);
            // A condition written as an expression is true as in `when:` (Python's truth).
            const isExpr = head?.type === 'SubExpression' && exprIndex(head.path) !== undefined;
            const truthy = isExpr ? pyTruthy(x) : includeZero && x === 0 ? true : hbsTruthy(x);
            return truthy === (name === 'if') ? this.program(b.program, frame) : this.program(b.inverse, frame);
        }
        if (simple && name === 'with') {
            if (v instanceof Undef || !hbsTruthy(v instanceof Ref ? v.value : v))
                return this.program(b.inverse, frame);
            const ctx = this.asRef(v);
            return this.program(b.program, this.enter(frame, ctx, frame.data, blockParams, [ctx]));
        }
        if (simple && name === 'each') {
            if (v instanceof Undef)
                throw this.undefinedHere(v, at);
            return this.each(this.asRef(v), b, frame, at);
        }
        // A section: {{#x}} ... {{/x}} on a variable, as in mustache.
        if (v instanceof Undef)
            return this.program(b.inverse, frame);
        const x = v instanceof Ref ? v.value : v;
        if (Array.isArray(x))
            return this.each(this.asRef(v), b, frame, at);
        if (!hbsTruthy(x))
            return this.program(b.inverse, frame);
        if (x !== null && typeof x === 'object') {
            const ctx = this.asRef(v);
            return this.program(b.program, this.enter(frame, ctx, frame.data, blockParams, [ctx]));
        }
        return this.program(b.program, frame);
    }
    each(ref, b, frame, at) {
        const x = ref.value;
        if (x === null || x === undefined)
            return this.program(b.inverse, frame);
        if (!Array.isArray(x) && !isPlainObject(x)) {
            throw new K8sbmError('K8SBM_TEMPLATE_HELPER', `each needs a list or a mapping, "${ref.name || 'value'}" is ${typeName(x)}`, {
                loc: this.locOf(at),
                hint: 'loop over a list ({{#each xs as |x|}}) or a mapping ({{#each m as |value key|}})',
            });
        }
        const keys = Array.isArray(x) ? x.map((_, i) => String(i)) : Object.keys(x);
        if (keys.length === 0)
            return this.program(b.inverse, frame);
        const blockParams = b.program?.blockParams ?? [];
        let out = '';
        keys.forEach((key, i) => {
            const item = member(this.state, ref, key);
            // member() only fails to find a key for exotic objects: treat the entry as none.
            const itemRef = item instanceof Ref ? item : new Ref(null, ref.scope, item.name, true);
            const data = { ...frame.data, index: i, key: Array.isArray(x) ? i : key, first: i === 0, last: i === keys.length - 1 };
            const keyRef = new Ref(Array.isArray(x) ? i : key, ref.scope, '@key', true);
            out += this.program(b.program, this.enter(frame, itemRef, data, blockParams, [itemRef, keyRef]));
        });
        return out;
    }
    enter(frame, ctx, data, names, values) {
        const params = names.length > 0 ? { names, values: values.slice(0, names.length), parent: frame.params } : frame.params;
        return { ctx, parent: frame, data, params };
    }
    asRef(v) {
        return v instanceof Ref ? v : new Ref(v, this.scope, '(value)', true);
    }
}
function isSimple(p) {
    return !p.data && p.depth === 0 && p.parts.length === 1 && !/^\.|this\b/.test(p.original);
}
function blockParam(params, name) {
    if (name === undefined)
        return undefined;
    for (let p = params; p; p = p.parent) {
        const i = p.names.indexOf(name);
        if (i >= 0)
            return p.values[i];
    }
    return undefined;
}
function literal(e) {
    switch (e.type) {
        case 'StringLiteral':
        case 'NumberLiteral':
        case 'BooleanLiteral':
            return e.value;
        case 'NullLiteral':
            return null;
        default:
            return undefined;
    }
}
//# sourceMappingURL=interpret.js.map