import { didYouMean } from '../source/errors.js';
import { keyPosOf } from '../source/loc.js';
import { isTemplated, jsonType } from './coerce.js';
import { enclosingCondition, nodesAlong } from './conditions.js';
import { formatSpec } from './formats.js';
import { locAt, pointerSegments, valueAt } from './pointer.js';
/**
 * Errors that only concern templated strings are not errors yet: the value is known after
 * rendering, and the engine validates again then. A composite (anyOf/oneOf) is dropped when one
 * of its branches failed only on templated values, since that branch may pass once rendered.
 */
export function dropTemplatedErrors(errors, data) {
    const dropped = new Set();
    for (const e of errors)
        if (isTemplated(valueAt(data, e.instancePath)))
            dropped.add(e);
    // ajv reports a composite after its branches' errors, so inner composites are settled first.
    for (const c of errors) {
        if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf')
            continue;
        if (c.keyword === 'oneOf' && c.params.passingSchemas)
            continue;
        const under = branchErrors(errors, c);
        if ([...under.values()].some((list) => list.every((e) => dropped.has(e)))) {
            dropped.add(c);
            for (const list of under.values())
                for (const e of list)
                    dropped.add(e);
        }
    }
    return errors.filter((e) => !dropped.has(e));
}
function branchErrors(errors, composite) {
    const prefix = `${composite.schemaPath}/`;
    const out = new Map();
    for (const e of errors) {
        if (e === composite || !e.schemaPath.startsWith(prefix))
            continue;
        const branch = e.schemaPath.slice(prefix.length).split('/')[0];
        out.set(branch, [...(out.get(branch) ?? []), e]);
    }
    return out;
}
function isSecretPath(mod, pointer) {
    const top = pointerSegments(pointer)[0];
    return top !== undefined && (mod.secretParams ?? []).includes(top);
}
function show(pointer) {
    return pointer === '' ? 'params' : pointer;
}
function typeWords(t) {
    return (Array.isArray(t) ? t.map(String) : String(t).split(',')).map((x) => x.trim());
}
function typeHint(expected, got, pointer, secret) {
    const key = pointerSegments(pointer).at(-1) ?? 'value';
    if (expected.includes('string') && (typeof got === 'number' || typeof got === 'boolean'))
        return `quote the value: ${key}: "${secret ? '***' : String(got)}"`;
    if (expected.includes('string') && Array.isArray(got))
        return `write ${key} as one string, not a list`;
    if (expected.includes('boolean'))
        return `write ${key}: true or ${key}: false`;
    if (expected.includes('integer') || expected.includes('number'))
        return `write ${key}: followed by a number, without quotes`;
    if (expected.includes('array'))
        return `write ${key} as a YAML list (one "- item" per line)`;
    if (expected.includes('object'))
        return `write ${key} as a mapping of name: value pairs`;
    return `give ${key} a value of type ${expected.join(' or ')}`;
}
/** The nearest schema node along the error's path that explains its errors itself. */
function annotationOf(mod, e) {
    return nodesAlong(mod.schema, e.schemaPath).reverse().find((n) => typeof n.errorMessage === 'string' || typeof n.errorHint === 'string');
}
/**
 * Under `propertyNames`, an error is about a key of the mapping at its path, not about the
 * mapping: the key is the value shown, and its place is the key's own.
 */
function keyOf(e) {
    return e.keyword === 'propertyNames' ? undefined : e.propertyName;
}
/** The value an error is about: the one at its path, or the key it names. */
function subjectOf(e, data) {
    return keyOf(e) ?? valueAt(data, e.instancePath);
}
/**
 * Where to point: at the value the error is about (or the key, under propertyNames); for a
 * param missing because of another one (`state: link` needs `src`), at the param that asked for it.
 */
function placeOf(e, data, cond) {
    const here = valueAt(data, e.instancePath);
    const key = keyOf(e);
    if (key !== undefined)
        return keyPosOf(here, key)?.key ?? locAt(data, e.instancePath);
    for (const name of cond?.params ?? []) {
        const pos = keyPosOf(here, name);
        if (pos)
            return pos.key;
    }
    return locAt(data, e.instancePath);
}
/** For params that exclude each other: the one written last, which is where the conflict arises. */
function lastWritten(e, data, names) {
    const here = valueAt(data, e.instancePath);
    const keys = names.map((n) => keyPosOf(here, n)?.key).filter((l) => l !== undefined);
    keys.sort((a, b) => b.line - a.line || b.col - a.col);
    return keys[0] ?? locAt(data, e.instancePath);
}
/** "state=link needs ..." / "... unless state=absent". */
function needs(cond, what, fallback) {
    if (!cond)
        return fallback;
    return cond.branch === 'then' ? `${cond.text} needs ${what}` : `${what} is required unless ${cond.text}`;
}
/** Merge a composite whose branches each failed on one type/enum/const at its own path. */
function describeComposite(c, branches, data, mod) {
    const moduleName = mod.name;
    const lists = [...branches.values()];
    if (lists.length === 0)
        return undefined;
    const got = valueAt(data, c.instancePath);
    if (lists.every((l) => l.length === 1 && l[0].instancePath === c.instancePath && ['type', 'enum', 'const'].includes(l[0].keyword))) {
        const alts = lists.map((l) => {
            const e = l[0];
            if (e.keyword === 'type')
                return typeWords(e.params.type).join(' or ');
            if (e.keyword === 'const')
                return JSON.stringify(e.params.allowedValue);
            return (e.params.allowedValues).map((v) => JSON.stringify(v)).join(', ');
        });
        const types = lists.flatMap((l) => (l[0].keyword === 'type' ? typeWords(l[0].params.type) : []));
        return {
            message: `${show(c.instancePath)} must be ${alts.join(' or ')}, got ${jsonType(got)}`,
            loc: locAt(data, c.instancePath),
            hint: types.length ? typeHint(types, got, c.instancePath, isSecretPath(mod, c.instancePath)) : `see the params of ${moduleName}`,
        };
    }
    if (lists.every((l) => l.every((e) => e.keyword === 'required' && e.instancePath === c.instancePath))) {
        const names = lists.map((l) => l.map((e) => `"${e.params.missingProperty}"`).join(' and '));
        const cond = enclosingCondition(mod.schema, c.schemaPath);
        const plain = c.instancePath === '' ? `missing a required param: ${names.join(' or ')}` : `${c.instancePath} needs ${names.join(' or ')}`;
        return {
            message: needs(cond, names.join(' or '), plain),
            loc: placeOf(c, data, cond),
            hint: `${moduleName} needs one of these; add it to the task`,
        };
    }
    return undefined;
}
/** Turn ajv's errors into one line each, in the playbook's terms, with a place and a remedy. */
export function describeParamErrors(errors, data, mod) {
    const consumed = new Set();
    const out = [];
    // A node with an errorMessage speaks once for everything that failed under it (once per key
    // under propertyNames). The propertyNames error itself only repeats its keys' errors.
    for (const e of errors)
        if (e.keyword === 'propertyNames')
            consumed.add(e);
    const spoken = new Map();
    for (const e of errors) {
        const note = e.keyword === 'if' || consumed.has(e) ? undefined : annotationOf(mod, e);
        if (note?.errorMessage === undefined)
            continue;
        consumed.add(e);
        const keys = spoken.get(note) ?? new Set();
        if (keys.has(keyOf(e)))
            continue;
        spoken.set(note, keys.add(keyOf(e)));
        const got = subjectOf(e, data);
        const shown = isSecretPath(mod, e.instancePath) ? '"***"' : JSON.stringify(got);
        out.push({
            message: note.errorMessage.replace(/\{value\}/g, shown),
            loc: placeOf(e, data, enclosingCondition(mod.schema, e.schemaPath)),
            hint: note.errorHint ?? `see the params of ${mod.name}`,
        });
    }
    for (const c of errors) {
        if (consumed.has(c) || (c.keyword !== 'anyOf' && c.keyword !== 'oneOf'))
            continue;
        const branches = branchErrors(errors, c);
        const merged = describeComposite(c, branches, data, mod);
        if (!merged) {
            // `that: []` against "a condition or a list of them": the list form is the one meant, so
            // only its complaints are told, not "must be string".
            const typed = [...branches.values()].filter((l) => !l.some((e) => e.keyword === 'type' && e.instancePath === c.instancePath));
            if (typed.length !== 1)
                continue;
            consumed.add(c);
            for (const l of branches.values())
                if (l !== typed[0])
                    for (const e of l)
                        consumed.add(e);
            continue;
        }
        consumed.add(c);
        for (const l of branches.values())
            for (const e of l)
                consumed.add(e);
        out.push(withHint(merged, annotationOf(mod, c)));
    }
    for (const e of errors) {
        if (consumed.has(e) || e.keyword === 'if')
            continue;
        const p = describeOne(e, data, mod);
        if (p)
            out.push(withHint(p, annotationOf(mod, e)));
    }
    // Keep source order so the first complaint is the first one in the file.
    return out.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0));
}
function withHint(p, note) {
    return note?.errorHint === undefined ? p : { ...p, hint: note.errorHint };
}
function describeOne(e, data, mod) {
    const moduleName = mod.name;
    const secret = isSecretPath(mod, e.instancePath);
    const got = subjectOf(e, data);
    const shown = secret ? '"***"' : JSON.stringify(got);
    const named = keyOf(e);
    const where = named === undefined ? show(e.instancePath) : `${show(e.instancePath)} key ${shown}`;
    const key = named ?? pointerSegments(e.instancePath).at(-1) ?? 'value';
    const cond = enclosingCondition(mod.schema, e.schemaPath);
    const loc = named === undefined ? locAt(data, e.instancePath) : placeOf(e, data, undefined);
    const parent = (e.parentSchema ?? {});
    const within = (message) => (cond ? `${message} (${cond.branch === 'else' ? 'unless' : cond.text.includes('=') ? 'when' : 'with'} ${cond.text})` : message);
    switch (e.keyword) {
        case 'type': {
            const parentPointer = e.instancePath.slice(0, e.instancePath.lastIndexOf('/'));
            const pos = keyPosOf(valueAt(data, parentPointer), key);
            const own = formatSpec(parent.format)?.wrongType?.(got, key, pos?.raw === undefined ? undefined : { text: pos.raw, plain: pos.plain === true });
            if (own)
                return { ...own, loc };
            const expected = typeWords(e.params.type);
            return { message: within(`${where} must be ${expected.join(' or ')}, got ${jsonType(got)}`), loc, hint: typeHint(expected, got, e.instancePath, secret) };
        }
        case 'format': {
            const spec = formatSpec(e.params.format);
            const why = spec && typeof got === 'string' ? spec.problem(got) : undefined;
            return { message: within(`${named === undefined ? `${where}: ${shown}` : where} ${why ?? `is not a valid ${e.params.format}`}`), loc, hint: spec?.hint ?? `see the params of ${moduleName}` };
        }
        case 'required': {
            const prop = e.params.missingProperty;
            const plain = e.instancePath === '' ? `missing required param "${prop}"` : `${where} is missing "${prop}"`;
            return { message: needs(cond, `"${prop}"`, plain), loc: placeOf(e, data, cond), hint: `add ${prop}: to the ${e.instancePath === '' ? 'task' : 'mapping'}` };
        }
        case 'not': {
            const excluded = e.schema?.required;
            if (Array.isArray(excluded) && Object.keys(e.schema).length === 1) {
                const names = excluded.map(String);
                return {
                    message: within(`${names.map((n) => `"${n}"`).join(' and ')} exclude each other`),
                    loc: lastWritten(e, data, names),
                    hint: `keep one of ${names.join(', ')}`,
                };
            }
            return { message: within(`${where} is a combination ${moduleName} refuses`), loc, hint: `see the params of ${moduleName}` };
        }
        case 'additionalProperties': {
            const prop = e.params.additionalProperty;
            const known = Object.keys((e.parentSchema?.properties) ?? {});
            const message = e.instancePath === '' ? `unknown param "${prop}"` : `${where} has an unknown key "${prop}"`;
            const patterns = Object.keys((e.parentSchema?.patternProperties) ?? {});
            const takes = [...known, ...patterns.map((p) => `names matching ${p}`)];
            const hint = didYouMean(prop, known) ?? (takes.length ? `${e.instancePath === '' ? moduleName : where} takes: ${takes.join(', ')}` : `${moduleName} takes no params here`);
            return { message, loc: keyPosOf(got, prop)?.key ?? loc, hint };
        }
        case 'enum': {
            const allowed = e.params.allowedValues;
            const hint = (typeof got === 'string' && !secret ? didYouMean(got, allowed.map(String)) : undefined) ?? `use one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
            return { message: within(`${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`), loc, hint };
        }
        case 'minimum':
        case 'maximum':
        case 'exclusiveMinimum':
        case 'exclusiveMaximum': {
            const min = typeof parent.minimum === 'number' ? parent.minimum : undefined;
            const max = typeof parent.maximum === 'number' ? parent.maximum : undefined;
            const range = min !== undefined && max !== undefined ? `from ${min} to ${max}` : `${e.params.comparison} ${e.params.limit}`;
            return { message: within(`${where} must be ${range}, got ${shown}`), loc, hint: `give ${key} a number ${range}` };
        }
        case 'minItems':
            if (e.params.limit === 1)
                return { message: within(`${where} is an empty list`), loc, hint: `give ${key} at least one item` };
            return { message: within(`${where} ${e.message ?? 'has too few items'}`), loc, hint: `see the params of ${moduleName}` };
        case 'minLength':
            if (e.params.limit === 1)
                return { message: within(`${where} is empty`), loc, hint: `give ${key} a value` };
            return { message: within(`${where} ${e.message ?? 'is too short'}`), loc, hint: `see the params of ${moduleName}` };
        case 'oneOf':
        case 'anyOf': {
            // Failed branches explain themselves; only "more than one matched" needs saying here.
            const passing = e.params.passingSchemas;
            if (!passing)
                return undefined;
            const alts = Array.isArray(e.schema) ? passing.map((i) => e.schema[i]?.required) : [];
            if (alts.length > 1 && alts.every((r) => Array.isArray(r) && r.length === 1)) {
                const names = alts.map((r) => String(r[0]));
                return { message: `${names.map((n) => `"${n}"`).join(' and ')} exclude each other`, loc: lastWritten(e, data, names), hint: `keep one of ${names.join(', ')}` };
            }
            return { message: `${where} matches more than one of the forms ${moduleName} accepts`, loc, hint: 'these params exclude each other; keep one of them' };
        }
        case 'const':
            return { message: within(`${where} must be ${JSON.stringify(e.params.allowedValue)}, got ${shown}`), loc, hint: `see the params of ${moduleName}` };
        default:
            return { message: within(`${where} ${e.message ?? 'is invalid'}`), loc, hint: `see the params of ${moduleName}` };
    }
}
//# sourceMappingURL=param-errors.js.map