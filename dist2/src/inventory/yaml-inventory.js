import { K8sbmError } from '../source/errors.js';
import { keyPosOf, locOf, recordKey, recordNode } from '../source/loc.js';
import { keyWasNonString } from './ansible-yaml.js';
import { expandHostPatternAt } from './ranges.js';
/**
 * Ansible's YAML inventory: top-level keys are groups; each group may have `hosts`, `children`
 * (nested groups, at any depth) and `vars`. Sections written as a plain string name one entry.
 * Unknown keys and non-mapping groups are skipped with a warning, as Ansible does.
 */
export function parseYamlInventory(inv, data, file, source) {
    for (const name of Object.keys(data))
        parseGroup(inv, data, name, file, source);
}
function isMapping(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function typeName(v) {
    return Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}
function parseGroup(inv, parent, name, file, source) {
    const data = parent[name];
    const pos = keyPosOf(parent, name);
    const loc = pos?.key ?? locOf(parent) ?? { file, line: 1, col: 1 };
    if (data !== null && !isMapping(data)) {
        inv.warnings.push(`Skipping '${name}' as this is not a valid group definition (${file}:${loc.line})`);
        return name;
    }
    if (keyWasNonString(parent, name)) {
        throw new K8sbmError('K8SBM_INVENTORY_STRUCTURE', `group name ${name} is not a string`, {
            loc, hint: `quote it: "${name}":`,
        });
    }
    const group = inv.addGroup(name, loc);
    if (data === null)
        return name;
    for (const section of ['vars', 'children', 'hosts']) {
        const v = data[section];
        if (typeof v === 'string') {
            const at = keyPosOf(data, section)?.value ?? loc;
            const one = { [v]: null };
            recordNode(one, at);
            recordKey(one, v, { key: at, value: at });
            data[section] = one;
        }
        else if (v !== undefined && v !== null && !isMapping(v)) {
            throw new K8sbmError('K8SBM_INVENTORY_STRUCTURE', `"${section}" of group "${name}" must be a mapping, found ${typeName(v)}`, {
                loc: keyPosOf(data, section)?.value ?? loc,
                hint: section === 'vars' ? 'write vars as `name: value` lines' : `list ${section} as keys ending in a colon (\`web1:\`), not as \`- web1\` items`,
            });
        }
    }
    for (const key of Object.keys(data)) {
        const v = data[key];
        const keyLoc = keyPosOf(data, key)?.key ?? loc;
        if (v === null)
            continue;
        if (!isMapping(v)) {
            inv.warnings.push(`Skipping key (${key}) in group (${name}) as it is not a mapping, it is ${typeName(v)} (${file}:${keyLoc.line})`);
            continue;
        }
        switch (key) {
            case 'vars':
                for (const k of Object.keys(v))
                    inv.setVar(group, k, v[k], keyPosOf(v, k));
                break;
            case 'children':
                for (const child of Object.keys(v)) {
                    const childName = parseGroup(inv, v, child, file, source);
                    inv.addChild(name, childName, keyPosOf(v, child)?.key);
                }
                break;
            case 'hosts':
                for (const pattern of Object.keys(v))
                    parseHostEntry(inv, v, pattern, name, file, source);
                break;
            default:
                inv.warnings.push(`Skipping unexpected key (${key}) in group (${name}), only "vars", "children" and "hosts" are valid (${file}:${keyLoc.line})`);
        }
    }
    return name;
}
function parseHostEntry(inv, hosts, pattern, group, file, source) {
    const pos = keyPosOf(hosts, pattern);
    const loc = pos?.key ?? locOf(hosts) ?? { file, line: 1, col: 1 };
    if (keyWasNonString(hosts, pattern)) {
        throw new K8sbmError('K8SBM_INVENTORY_STRUCTURE', `host pattern ${pattern} must be a string`, {
            loc, hint: `enclose numbers in quotation marks: "${pattern}":`,
        });
    }
    const vars = hosts[pattern] ?? {};
    if (!isMapping(vars)) {
        throw new K8sbmError('K8SBM_INVENTORY_STRUCTURE', `variables of host "${pattern}" must be a mapping, found ${typeName(vars)}`, {
            loc: pos?.value ?? loc, hint: 'write host variables as `name: value` lines under the host',
        });
    }
    const { names, port } = expandHostPatternAt(pattern, loc);
    const portPos = port === undefined ? undefined : { key: loc, value: loc, raw: String(port), plain: true };
    for (const n of names) {
        const h = inv.addHost(n, { group, port, portPos, source, loc });
        for (const k of Object.keys(vars))
            inv.setVar(h, k, vars[k], keyPosOf(vars, k));
    }
}
//# sourceMappingURL=yaml-inventory.js.map