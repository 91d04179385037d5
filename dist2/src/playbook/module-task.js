import { closest, didYouMean } from '../source/errors.js';
import { keyPosOf, locOf, recordKey, recordNode } from '../source/loc.js';
import { coerceParams } from '../schema/coerce.js';
import { validateParams } from '../schema/params.js';
import { Fields, describeType, fail, isMapping } from './fields.js';
import { parseFreeFormArgs, parseKeyValue, parseKeyValueArgs, splitArgs } from '../source/freeform.js';
import { readInheritable, readLoop } from './inherit.js';
import { BLOCK_KEYWORDS, TASK_KEYWORDS, stripFqcn, unsupportedKeywordHint } from '../schema/playbook-keywords.js';
import { checkModuleArgs } from './template-check.js';
export function taskSubject(raw, module) {
    const name = typeof raw.name === 'string' ? raw.name : undefined;
    if (name !== undefined)
        return module ? `task "${name}" (${module})` : `task "${name}"`;
    return module ? `task (${module})` : 'task';
}
function taskKeywords(handlers) {
    return handlers ? TASK_KEYWORDS : TASK_KEYWORDS.filter((k) => k !== 'listen');
}
/** Which key of the task names its module; fails on none, two, or an unknown one. */
function findModuleKey(raw, f, scope, modules) {
    const keywords = taskKeywords(scope.handlers);
    const moduleKeys = [];
    const unknown = [];
    for (const key of Object.keys(raw)) {
        if (keywords.includes(key))
            continue;
        if (Object.hasOwn(modules, stripFqcn(key)))
            moduleKeys.push(key);
        else
            unknown.push(key);
    }
    if (moduleKeys.length > 1) {
        fail('K8SBM_TASK_MULTIPLE_MODULES', `a task runs one module, this one names ${moduleKeys.map((k) => `"${k}"`).join(' and ')}`, f.keyLoc(moduleKeys[1]), 'split it into one task per module', f.subject);
    }
    const key = unknown[0];
    if (key !== undefined) {
        const bare = stripFqcn(key);
        const unsupported = unsupportedKeywordHint(bare);
        if (unsupported)
            fail('K8SBM_UNKNOWN_KEYWORD', `"${key}" is not supported`, f.keyLoc(key), unsupported, f.subject);
        if (key === 'listen')
            fail('K8SBM_UNKNOWN_KEYWORD', '"listen" is only for handlers', f.keyLoc(key), 'move the task under handlers:, or use notify: to call a handler', f.subject);
        if (key === 'rescue' || key === 'always')
            fail('K8SBM_UNKNOWN_KEYWORD', `"${key}" belongs to a block`, f.keyLoc(key), `put the tasks under block: and add ${key}: beside it`, f.subject);
        const last = bare.split('.').at(-1);
        const moduleGuess = Object.hasOwn(modules, last) ? last : closest(last, Object.keys(modules));
        const keywordGuess = closest(key, [...keywords, ...BLOCK_KEYWORDS]);
        if (moduleKeys.length === 1 || (keywordGuess && !moduleGuess)) {
            fail('K8SBM_UNKNOWN_KEYWORD', `unknown task keyword "${key}"`, f.keyLoc(key), didYouMean(key, [...keywords, ...BLOCK_KEYWORDS]) ?? (moduleGuess ? 'a task runs one module; split it into one task per module' : `task keywords are: ${keywords.join(', ')}`), f.subject);
        }
        const hint = !moduleGuess
            ? `known modules: ${Object.keys(modules).sort().join(', ')}`
            : moduleGuess === last ? `write "${last}" (k8sbm's own module) instead of the collection name` : `did you mean "${moduleGuess}"?`;
        fail('K8SBM_UNKNOWN_MODULE', `unknown module "${key}"`, f.keyLoc(key), hint, f.subject);
    }
    const only = moduleKeys[0];
    if (only === undefined) {
        fail('K8SBM_TASK_NO_MODULE', 'this task names no module to run', f.loc, 'add the module and its params, e.g. `command: uptime` (keywords alone do nothing)', f.subject);
    }
    return only;
}
/** Copy a mapping while keeping the source positions of each key (`places` for keys read from a string). */
function positioned(parts, fallback, places) {
    const out = {};
    recordNode(out, parts.map((p) => locOf(p)).find(Boolean) ?? fallback);
    for (const part of parts) {
        if (!part)
            continue;
        for (const [k, v] of Object.entries(part)) {
            out[k] = v;
            recordKey(out, k, keyPosOf(part, k) ?? places?.get(k) ?? { key: fallback, value: fallback });
        }
    }
    return out;
}
/**
 * Where each `k=v` of a one-line argument string stands, so an error points at `mode=x` rather
 * than at the start of the string. Known only when the source holds the string as it is (plain,
 * or quoted without escapes); otherwise the keys keep the string's own place.
 */
function argPlaces(text, at, pos) {
    const places = new Map();
    const raw = pos?.raw;
    if (raw === undefined || text.includes('\n'))
        return places;
    const offset = pos?.plain && raw === text ? 0 : raw === `"${text}"` || raw === `'${text}'` ? 1 : undefined;
    if (offset === undefined)
        return places;
    for (const tok of splitArgs(text)) {
        const kv = parseKeyValue(tok.text);
        if (!kv)
            continue;
        const key = { ...at, col: at.col + offset + tok.start };
        places.set(kv.key, { key, value: { ...key, col: key.col + kv.key.length + 1 } });
    }
    return places;
}
/** The module's params as a mapping, from a mapping, a one-line string, or nothing. */
function readModuleArgs(module, key, f) {
    const value = f.raw[key];
    const at = f.valueLoc(key);
    if (value === null || value === undefined)
        return {};
    if (isMapping(value))
        return value;
    if (typeof value === 'string') {
        const options = new Set(Object.keys(module.schema.properties ?? {}));
        const places = argPlaces(value, at, keyPosOf(f.raw, key));
        if (module.freeForm)
            return positioned([parseFreeFormArgs(value, module.freeForm, options)], at, places);
        const { args, bad } = parseKeyValueArgs(value);
        if (bad !== undefined) {
            fail('K8SBM_PARAM_INVALID', `cannot read "${bad}" as key=value`, at, `${module.name} takes named params; write them as a mapping under ${key}: (one "name: value" per line)`, f.subject);
        }
        return positioned([args], at, places);
    }
    fail('K8SBM_PARAM_INVALID', `the params of ${module.name} must be a mapping${module.freeForm ? ' or a string' : ''}, got ${describeType(value)}`, at, `write them under ${key}: as "name: value" lines`, f.subject);
}
const REGISTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export function parseModuleTask(raw, scope, modules, fallback) {
    const pre = new Fields(raw, taskSubject(raw), fallback);
    const key = findModuleKey(raw, pre, scope, modules);
    const moduleName = stripFqcn(key);
    const module = modules[moduleName];
    const f = new Fields(raw, taskSubject(raw, moduleName), fallback);
    const moduleLoc = f.keyLoc(key);
    const extra = f.mapping('args');
    const own = readModuleArgs(module, key, f);
    // Ansible: params written with the module win over those under `args:`.
    const merged = extra ? positioned([extra, own], moduleLoc) : own;
    const args = coerceParams(module, merged);
    validateParams(module, args, { loc: moduleLoc, subject: f.subject }, { allowTemplates: true });
    checkModuleArgs(module, args, moduleLoc, { role: scope.role, playbookDir: scope.play.playbookDir, seen: scope.play.seenTemplates });
    const register = f.string('register');
    if (register !== undefined && !REGISTER_NAME.test(register)) {
        fail('K8SBM_KEYWORD_INVALID', `register: "${register}" is not a variable name`, f.valueLoc('register'), 'use letters, digits and _ (not starting with a digit)', f.subject);
    }
    const loop = readLoop(f);
    const until = f.conditions('until');
    return {
        kind: 'task',
        name: f.string('name'),
        module: moduleName,
        args,
        loc: f.loc,
        moduleLoc,
        ...readInheritable(f),
        ...loop,
        register,
        notify: f.stringList('notify'),
        changedWhen: f.conditions('changed_when'),
        failedWhen: f.conditions('failed_when'),
        until,
        retries: f.number('retries', { integer: true, min: 0 }),
        delay: f.number('delay', { min: 0 }),
        listen: scope.handlers ? f.stringList('listen') : [],
        role: scope.role,
    };
}
//# sourceMappingURL=module-task.js.map