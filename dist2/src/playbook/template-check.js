import { existsSync, readFileSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import { formatLoc, keyPosOf, locOf } from '../source/loc.js';
import { checkCondition, checkTemplateText, checkTemplates, isTemplated } from '../template/index.js';
import { localFileCandidates } from './local-files.js';
/**
 * Everything of a playbook's templates and conditions that can be known before it runs is
 * checked as it is read: inline templates in plays, roles and tasks, the template files a task
 * names with a literal path, `when` / `changed_when` / `failed_when` / `until`, and the params a
 * module reads as expressions. A syntax error or an unknown filter stops the run before the
 * first task changes a host (and `--syntax-check` reports it), at its file:line:col.
 */
const CONDITION_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);
/** The keywords of a play, block, task or role entry, but for the keys in `skip` (lists of items, the module). */
export function checkKeywordTemplates(raw, skip, fallback) {
    for (const [key, value] of Object.entries(raw)) {
        if (skip(key))
            continue;
        const at = keyPosOf(raw, key)?.value;
        if (CONDITION_KEYS.has(key))
            checkCondition(value, at ?? locOf(raw) ?? fallback);
        else
            checkTemplates(value, at ?? locOf(raw) ?? fallback, at !== undefined);
    }
}
/** A variables file (role defaults and vars, vars_files): every value's templates. */
export function checkVarsTemplates(vars, fallback) {
    checkTemplates(vars, locOf(vars) ?? fallback, false);
}
/** A module's params: expressions where the module reads them so, templates elsewhere, and the template files named. */
export function checkModuleArgs(module, args, moduleLoc, place) {
    const exprParams = module.expressionParams ?? [];
    for (const [key, value] of Object.entries(args)) {
        const at = keyPosOf(args, key)?.value;
        if (exprParams.includes(key))
            checkCondition(value, at ?? moduleLoc);
        else
            checkTemplates(value, at ?? moduleLoc, at !== undefined);
    }
    for (const key of module.templateFileParams ?? []) {
        const name = args[key];
        if (typeof name === 'string' && !isTemplated(name))
            checkTemplateFile(name, place, keyPosOf(args, key)?.value ?? moduleLoc);
    }
}
/** A template file a task names: checked once; a file not there yet is the task's business when it runs. */
function checkTemplateFile(name, place, at) {
    const file = localFileCandidates('templates', name, place.role, place.playbookDir).find((c) => existsSync(c));
    if (file === undefined || place.seen.has(file))
        return;
    place.seen.add(file);
    try {
        checkTemplateText(readFileSync(file, 'utf8'), file);
    }
    catch (e) {
        if (!(e instanceof K8sbmError))
            throw e;
        throw new K8sbmError(e.code, e.message, { loc: e.loc, hint: e.hint, details: [...e.details, `template named by the task at ${formatLoc(at)}`] });
    }
}
//# sourceMappingURL=template-check.js.map