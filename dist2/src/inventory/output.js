import { K8sbmError, didYouMean } from '../source/errors.js';
import { directHostVarsOf, groupVarsOf, hostOf, hostVars } from './layers.js';
import { pyStr } from './pyliteral.js';
/**
 * What `ansible-inventory` prints: `--list` (the inventory-script JSON shape), `--host`, and
 * `--graph [--vars]`. Shapes, filtering and ordering follow ansible-inventory exactly.
 */
// Variables ansible-inventory never prints (magic and run-time ones).
const INTERNAL_VARS = new Set([
    'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
    'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
    'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
    'groups', 'group_names', 'omit', 'playbook_dir',
]);
function withoutInternal(vars) {
    const out = {};
    for (const [k, v] of Object.entries(vars))
        if (!INTERNAL_VARS.has(k))
            out[k] = v;
    return out;
}
/** `ansible-inventory --list`. */
export function toAnsibleList(inv, playbookDir, opts = {}) {
    const out = {};
    const seen = new Set();
    const format = (g) => {
        const entry = {};
        out[g.name] = entry;
        if (g.name !== 'all')
            entry.hosts = g.hosts.map((h) => h.name);
        entry.children = [];
        for (const sub of g.children) {
            entry.children.push(sub.name);
            if (!seen.has(sub.name)) {
                format(sub);
                seen.add(sub.name);
            }
        }
        if (opts.export)
            entry.vars = withoutInternal(groupVarsOf(inv, g, playbookDir));
        if (!entry.hosts?.length)
            delete entry.hosts;
        if (!entry.children.length)
            delete entry.children;
        if (entry.vars && !Object.keys(entry.vars).length)
            delete entry.vars;
        if (!Object.keys(entry).length)
            delete out[g.name];
    };
    format(inv.groups.get('all'));
    const hostvars = {};
    for (const h of inv.hostsOfGroup(inv.groups.get('all'))) {
        const vars = listHostVars(inv, h.name, playbookDir, opts);
        if (Object.keys(vars).length)
            hostvars[h.name] = vars;
    }
    out._meta = { hostvars };
    return out;
}
function listHostVars(inv, host, playbookDir, opts) {
    return withoutInternal(opts.export ? directHostVarsOf(inv, host, playbookDir) : hostVars(inv, host, playbookDir));
}
/** `ansible-inventory --host NAME`: the host's merged variables. */
export function toAnsibleHost(inv, host, playbookDir) {
    return withoutInternal(hostVars(inv, hostOf(inv, host).name, playbookDir));
}
/** `ansible-inventory --graph [GROUP] [--vars]`. */
export function toGraph(inv, pattern = 'all', withVars = false, playbookDir) {
    const start = inv.groups.get(pattern);
    if (!start) {
        throw new K8sbmError('K8SBM_GRAPH_PATTERN', `"${pattern}" is not a group; --graph takes a group name`, {
            hint: didYouMean(pattern, inv.groups.keys()) ?? 'use all, or one of the inventory groups',
        });
    }
    const lines = [];
    const name = (text, depth) => (depth ? '  |'.repeat(depth) + '--' + text : text);
    const showVars = (vars, depth) => {
        for (const k of Object.keys(vars).sort(byCodePoint))
            lines.push(name(`{${k} = ${pyStr(vars[k])}}`, depth));
    };
    const walk = (g, depth) => {
        lines.push(name(`@${g.name}:`, depth));
        for (const kid of g.children)
            walk(kid, depth + 1);
        if (g.name !== 'all') {
            for (const h of g.hosts) {
                lines.push(name(h.name, depth + 1));
                if (withVars)
                    showVars(withoutInternal(hostVars(inv, h.name, playbookDir)), depth + 2);
            }
        }
        if (withVars)
            showVars(withoutInternal(groupVarsOf(inv, g, playbookDir)), depth + 1);
    };
    walk(start, 0);
    return lines.join('\n');
}
/** JSON as ansible-inventory prints it: keys sorted, four-space indent, non-ASCII kept. */
export function formatAnsibleJson(value) {
    return JSON.stringify(sortKeys(value), null, 4);
}
function sortKeys(v) {
    if (Array.isArray(v))
        return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
        const out = {};
        for (const k of Object.keys(v).sort(byCodePoint))
            out[k] = sortKeys(v[k]);
        return out;
    }
    return v;
}
function byCodePoint(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
//# sourceMappingURL=output.js.map