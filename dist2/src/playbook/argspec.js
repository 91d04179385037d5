import { K8sbmError, didYouMean } from '../source/errors.js';
import { keyPosOf, locOf } from '../source/loc.js';
import { asBoolean, isTemplated } from '../schema/coerce.js';
import { assertNever } from '../util/assert-never.js';
import { Fields, describeType, fail, isMapping } from './fields.js';
/**
 * Role argument specs (meta/argument_specs.yml, as Ansible writes them):
 *   argument_specs:
 *     main:
 *       options:
 *         port: {type: int, required: true, description: ...}
 *         mode: {type: str, choices: [a, b], default: a}
 */
const ARG_TYPES = ['str', 'int', 'bool', 'list', 'dict', 'path', 'raw', 'float'];
// Keys Ansible documents for an option; the ones we do not act on are documentation.
const OPTION_KEYS = ['type', 'required', 'default', 'choices', 'elements', 'options', 'description', 'aliases', 'version_added', 'no_log', 'apply_defaults', 'mutually_exclusive', 'required_if', 'required_together', 'required_one_of'];
function specError(message, loc, hint) {
    fail('K8SBM_ROLE_ARG_SPEC_INVALID', message, loc, hint);
}
/** The `options` of each entry point of an argument spec file (or of meta/main.yml's key). */
export function readArgumentSpecs(data, file) {
    const top = isMapping(data) ? data.argument_specs : undefined;
    if (top === undefined || top === null)
        return {};
    const fallback = { file, line: 1, col: 1 };
    if (!isMapping(top))
        specError('argument_specs must be a mapping of entry points (main, ...)', keyPosOf(data, 'argument_specs')?.value ?? fallback, 'write argument_specs:\n  main:\n    options: ...');
    const out = {};
    for (const [entry, spec] of Object.entries(top)) {
        const loc = keyPosOf(top, entry)?.value ?? fallback;
        if (spec === null) {
            out[entry] = {};
            continue;
        }
        if (!isMapping(spec))
            specError(`argument_specs.${entry} must be a mapping`, loc, 'give the entry point an options: mapping');
        const options = spec.options ?? {};
        if (!isMapping(options))
            specError(`argument_specs.${entry}.options must be a mapping`, keyPosOf(spec, 'options')?.value ?? loc, 'write one option per key under options:');
        parseOptions(options, `argument_specs.${entry}.options`, loc);
        out[entry] = options;
    }
    return out;
}
// JSON Schema and Python spellings people reach for first.
const TYPE_ALIASES = {
    string: 'str', integer: 'int', boolean: 'bool', number: 'float', array: 'list', object: 'dict', dictionary: 'dict', any: 'raw',
};
function argType(v, loc, what) {
    if (ARG_TYPES.includes(v))
        return v;
    const alias = TYPE_ALIASES[String(v)];
    specError(`${what} "${String(v)}" is not an argument type`, loc, (alias ? `did you mean "${alias}"?` : didYouMean(String(v), ARG_TYPES)) ?? `types are: ${ARG_TYPES.join(', ')}`);
}
function parseOptions(raw, path, fallback) {
    const out = {};
    for (const [name, def] of Object.entries(raw)) {
        const loc = keyPosOf(raw, name)?.key ?? fallback;
        if (def !== null && !isMapping(def))
            specError(`${path}.${name} must be a mapping (type:, required:, ...)`, loc, 'write the option as a mapping: {type: str}');
        const f = new Fields(def ?? {}, `option ${name}`, loc);
        f.checkKeys(OPTION_KEYS, 'argument spec option key');
        const type = f.has('type') ? argType(f.raw.type, f.valueLoc('type'), 'type') : 'str';
        const required = f.bool('required') ?? false;
        if (required && f.has('default'))
            specError(`${path}.${name} is required and has a default`, f.keyLoc('default'), 'a required option has no default; drop one of them');
        const choices = f.list('choices');
        const elements = f.has('elements') ? argType(f.raw.elements, f.valueLoc('elements'), 'elements') : undefined;
        const nested = f.mapping('options');
        const spec = {
            type, required, choices, elements,
            options: nested ? parseOptions(nested, `${path}.${name}.options`, loc) : undefined,
            description: describeText(f.raw.description),
        };
        if (f.has('default') && f.raw.default !== null) {
            const problem = checkValue(f.raw.default, spec, true);
            if (problem)
                specError(`the default of ${path}.${name} ${problem}`, f.valueLoc('default'), 'make the default fit the option\'s type and choices');
        }
        out[name] = spec;
    }
    return out;
}
function describeText(v) {
    if (typeof v === 'string')
        return v;
    if (Array.isArray(v))
        return v.map(String).join(' ');
    return undefined;
}
const TYPE_WORDS = {
    str: 'a string', path: 'a path (string)', int: 'a whole number', float: 'a number', bool: 'a boolean',
    list: 'a list', dict: 'a mapping', raw: 'any value',
};
function fitsType(v, type) {
    switch (type) {
        case 'str':
        case 'path': return typeof v === 'string';
        case 'int': return Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v.trim()));
        case 'float': return typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()));
        case 'bool': return asBoolean(v) !== undefined;
        case 'list': return Array.isArray(v);
        case 'dict': return isMapping(v);
        case 'raw': return true;
        default: return assertNever(type, 'argument type');
    }
}
function inChoices(v, choices) {
    return choices.some((c) => c === v || String(c) === String(v));
}
/** What is wrong with a value (as a phrase after its name), or undefined when it fits. */
function checkValue(v, spec, allowTemplates) {
    if (allowTemplates && isTemplated(v))
        return undefined;
    if (!fitsType(v, spec.type))
        return `must be ${TYPE_WORDS[spec.type]}, got ${describeType(v)}`;
    const items = spec.type === 'list' ? v : [v];
    for (const [i, item] of items.entries()) {
        const at = spec.type === 'list' ? `[${i}] ` : '';
        if (allowTemplates && isTemplated(item))
            continue;
        if (spec.type === 'list' && spec.elements && !fitsType(item, spec.elements))
            return `${at}must be ${TYPE_WORDS[spec.elements]}, got ${describeType(item)}`;
        if (spec.choices && !inChoices(item, spec.choices))
            return `${at}must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(item)}`;
    }
    return undefined;
}
function argError(ctx, message, loc, spec) {
    const hint = spec?.choices ? `use one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`
        : spec?.description ? `${spec.description.replace(/\s+$/, '')} (from the role's argument spec)`
            : `see meta/argument_specs.yml of role ${ctx.role}`;
    throw new K8sbmError('K8SBM_ROLE_ARG_INVALID', message, { loc: loc ?? ctx.fallback, hint, subject: `role "${ctx.role}"` });
}
function checkValues(options, values, path, ctx, closed) {
    for (const [name, spec] of Object.entries(options)) {
        const v = values[name];
        const loc = keyPosOf(values, name)?.value ?? locOf(values);
        if (v === undefined || v === null) {
            if (ctx.requireAll && spec.required)
                argError(ctx, `${path}${name} is required`, loc, spec);
            continue;
        }
        const problem = checkValue(v, spec, ctx.allowTemplates);
        if (problem)
            argError(ctx, `${path}${name} ${problem}`, loc, spec);
        if (spec.options && !(ctx.allowTemplates && isTemplated(v))) {
            const subs = spec.type === 'list' ? v : [v];
            subs.forEach((sub, i) => {
                if (isMapping(sub))
                    checkValues(spec.options, sub, `${path}${name}${spec.type === 'list' ? `[${i}]` : ''}.`, ctx, true);
            });
        }
    }
    // Nested options describe a whole mapping, so a key they do not name is a mistake; at the top
    // level the values also hold every other variable of the role.
    if (closed) {
        for (const key of Object.keys(values)) {
            if (!Object.hasOwn(options, key)) {
                argError(ctx, `${path}${key} is not an option`, keyPosOf(values, key)?.key ?? locOf(values), undefined);
            }
        }
    }
}
/** Load time: values written in the playbook or role (params, defaults, vars) fit their option. */
export function checkRoleValues(optionsRaw, values, where) {
    const options = parseOptions(optionsRaw, 'options', where.fallback);
    checkValues(options, values, '', { ...where, allowTemplates: true, requireAll: false }, false);
}
/**
 * Run time, per host: every required option has a value and every rendered value fits. The
 * engine calls this when a role starts, with the host's variables as the role sees them.
 */
export function checkRoleArguments(role, vars, loc) {
    if (!role.argumentSpec)
        return;
    const options = parseOptions(role.argumentSpec, 'options', role.loc);
    // Values not rendered yet are left to the module that receives them.
    checkValues(options, vars, '', { role: role.name, fallback: loc ?? role.loc, allowTemplates: true, requireAll: true }, false);
}
//# sourceMappingURL=argspec.js.map