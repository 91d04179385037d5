import { didYouMean, K8sbmError } from '../source/errors.js';
import { recordKey, recordNode } from '../source/loc.js';
import { rememberSource } from '../source/yaml.js';
import { toShellLine } from '../transport/quote.js';
/**
 * The one-task play of `exec PATTERN -m MODULE -a ARGS`, made as data whose places are what the
 * user typed: the task stands at `exec -m MODULE -a '...'` (the command line, no lines), the
 * module at `-m:1:1` and each `k=v` of the arguments at its column in `-a` (`-a:1:9`), so an
 * error quotes the -a string with a caret under the culprit.
 */
export function adhocPlaybook(loader, modules, run, dir) {
    const label = toShellLine(['exec', '-m', run.module, ...(run.args !== undefined ? ['-a', run.args] : [])]);
    const whole = { file: label, line: 0, col: 0 };
    const moduleAt = typed('-m', run.module);
    if (!(run.module in modules)) {
        throw new K8sbmError('K8SBM_UNKNOWN_MODULE', `unknown module "${run.module}"`, {
            loc: moduleAt, hint: didYouMean(run.module, Object.keys(modules)) ?? `known modules: ${Object.keys(modules).sort().join(', ')}`,
        });
    }
    const task = node({ name: `${run.module}${run.args ? ` ${run.args}` : ''}` }, whole);
    task[run.module] = run.args ?? {};
    recordKey(task, run.module, { key: moduleAt, value: run.args !== undefined ? typed('-a', run.args) : whole, raw: run.args, plain: true });
    if (run.become)
        add(task, 'become', true, whole);
    if (run.becomeUser)
        add(task, 'become_user', run.becomeUser, whole);
    const tasks = node([task], whole);
    const play = node({ name: `exec ${run.pattern}`, hosts: run.pattern, gather_facts: false, tasks }, whole);
    return loader.loadPlaybookData(node([play], whole), label, dir);
}
/** A text typed as an option's value: its own one-line source, quoted under errors. */
function typed(option, text) {
    rememberSource(option, text);
    return { file: option, line: 1, col: 1 };
}
/** Data standing at one place, each of its keys too. */
function node(data, at) {
    recordNode(data, at);
    for (const k of Object.keys(data))
        recordKey(data, Array.isArray(data) ? Number(k) : k, { key: at, value: at });
    return data;
}
function add(data, key, value, at) {
    data[key] = value;
    recordKey(data, key, { key: at, value: at });
}
//# sourceMappingURL=adhoc-play.js.map