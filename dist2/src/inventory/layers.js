import { dirname } from 'node:path';
import { K8sbmError, didYouMean } from '../source/errors.js';
import { keyPosOf, locOf, recordKey, recordNode } from '../source/loc.js';
import { sortGroups } from './model.js';
import { isIpAddress } from './ranges.js';
/**
 * A host's inventory variables as layers, lowest precedence first, in the order Ansible's
 * VariableManager merges them (default VARIABLE_PRECEDENCE): `all` vars from inventory files,
 * then each group's (by depth, ansible_group_priority, name), group_vars/all beside the inventory
 * and beside the playbook, group_vars/GROUP likewise, then the host's own inventory vars and
 * host_vars/HOST beside the inventory and the playbook.
 */
export function hostLayers(inv, host, playbookDir) {
    const h = hostOf(inv, host);
    const all = inv.groups.get('all');
    const groups = sortGroups(inv.groupsOfHost(h).filter((g) => g !== all));
    const layers = [];
    for (const g of [all, ...groups]) {
        if (Object.keys(g.vars).length) {
            layers.push({ level: 'inventory_file_group_vars', name: `inventory group "${g.name}" vars`, vars: g.vars, loc: g.loc ?? locOf(g.vars) });
        }
    }
    layers.push(...fileLayers(inv, inventoryDirs(inv), 'group_vars', [all], 'inventory_group_vars_all'));
    if (playbookDir)
        layers.push(...fileLayers(inv, [playbookDir], 'group_vars', [all], 'playbook_group_vars_all'));
    layers.push(...fileLayers(inv, inventoryDirs(inv), 'group_vars', groups, 'inventory_group_vars'));
    if (playbookDir)
        layers.push(...fileLayers(inv, [playbookDir], 'group_vars', groups, 'playbook_group_vars'));
    if (Object.keys(h.vars).length) {
        layers.push({ level: 'inventory_file_host_vars', name: `inventory host "${h.name}" vars`, vars: h.vars, loc: h.loc ?? locOf(h.vars) });
    }
    layers.push(...fileLayers(inv, inventoryDirs(inv), 'host_vars', [h], 'inventory_host_vars'));
    if (playbookDir)
        layers.push(...fileLayers(inv, [playbookDir], 'host_vars', [h], 'playbook_host_vars'));
    return layers;
}
/** The host's inventory variables merged (what `ansible-inventory --host` shows, before filtering). */
export function hostVars(inv, host, playbookDir) {
    const out = {};
    const h = hostOf(inv, host);
    if (h.loc)
        recordNode(out, h.loc);
    for (const l of hostLayers(inv, host, playbookDir)) {
        for (const [k, v] of Object.entries(l.vars)) {
            out[k] = v;
            // Keep where each winning value was written, so errors about it can point there.
            const pos = keyPosOf(l.vars, k);
            if (pos)
                recordKey(out, k, pos);
        }
    }
    return out;
}
/** The `group_names` magic variable: the host's groups except `all`, sorted. */
export function groupNamesOf(inv, host) {
    const h = hostOf(inv, host);
    return inv.groupsOfHost(h).map((g) => g.name).filter((n) => n !== 'all').sort(byCodePoint);
}
/** The `groups` magic variable: every group (with all and ungrouped) and its hosts. */
export function groupsMap(inv) {
    const out = {};
    for (const g of inv.groups.values())
        out[g.name] = inv.hostsOfGroup(g).map((h) => h.name);
    return out;
}
/** Magic variables that come from the inventory itself (inventory_file, inventory_dir …). */
export function inventoryMagicVars(inv, host) {
    const h = hostOf(inv, host);
    return {
        inventory_hostname: h.name,
        inventory_hostname_short: isIpAddress(h.name) ? h.name : h.name.split('.')[0],
        group_names: groupNamesOf(inv, host),
        inventory_file: h.source ?? null,
        inventory_dir: h.source ? dirname(h.source) : null,
    };
}
/** Variables of one group as `ansible-inventory --graph --vars` and `--list --export` show them. */
export function groupVarsOf(inv, group, playbookDir) {
    const out = { ...group.vars };
    for (const l of fileLayers(inv, inventoryDirs(inv), 'group_vars', [group], 'inventory_group_vars'))
        Object.assign(out, l.vars);
    if (playbookDir)
        for (const l of fileLayers(inv, [playbookDir], 'group_vars', [group], 'playbook_group_vars'))
            Object.assign(out, l.vars);
    if (group.priority !== 1)
        out.ansible_group_priority = group.priority;
    return out;
}
/** A host's directly set variables: inventory line plus host_vars files (`--list --export`). */
export function directHostVarsOf(inv, host, playbookDir) {
    const h = hostOf(inv, host);
    const out = { ...h.vars };
    for (const l of fileLayers(inv, inventoryDirs(inv), 'host_vars', [h], 'inventory_host_vars'))
        Object.assign(out, l.vars);
    if (playbookDir)
        for (const l of fileLayers(inv, [playbookDir], 'host_vars', [h], 'playbook_host_vars'))
            Object.assign(out, l.vars);
    return out;
}
export function hostOf(inv, name) {
    const h = inv.hosts.get(name) ?? inv.implicitHost(name);
    if (!h) {
        throw new K8sbmError('K8SBM_INVENTORY_UNKNOWN_HOST', `host "${name}" is not in the inventory`, {
            hint: didYouMean(name, inv.hosts.keys()) ?? `known hosts: ${[...inv.hosts.keys()].slice(0, 10).join(', ') || '(none)'}`,
        });
    }
    return h;
}
function inventoryDirs(inv) {
    return inv.sources.flatMap((s) => (s.varsDir ? [s.varsDir] : []));
}
// Ansible walks sources first, then entities, then each entity's files.
function fileLayers(inv, dirs, subdir, entities, level) {
    const out = [];
    for (const dir of dirs) {
        for (const e of entities) {
            for (const f of inv.varsFiles.filesFor(dir, subdir, e.name)) {
                out.push({ level, name: f.file, vars: f.vars, loc: { file: f.file, line: 1, col: 1 } });
            }
        }
    }
    return out;
}
function byCodePoint(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
//# sourceMappingURL=layers.js.map