import { K8sbmError } from '../source/errors.js';
import { assertNever } from '../util/assert-never.js';
import { rememberSource } from '../source/yaml.js';
import { parseIniValue } from './pyliteral.js';
import { expandHostPatternAt } from './ranges.js';
import { ShlexError, shlexSplit } from './shlex.js';
/**
 * Ansible's INI inventory format, parsed line by line the way its ini plugin does: hosts before
 * any section are `ungrouped`; `[g]`, `[g:children]`, `[g:vars]`; inline host vars and `:vars`
 * values go through Python's literal_eval; children may name groups declared further down.
 */
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
/** Parse INI text into `inv`. `file` is the name used in positions; `source` the absolute path. */
export function parseIniInventory(inv, text, file, source) {
    rememberSource(file, text);
    const lines = text.split(/\r\n|\r|\n/);
    const pending = new Map();
    let group = 'ungrouped';
    let state = 'hosts';
    lines.forEach((rawLine, index) => {
        const lineNo = index + 1;
        const indent = rawLine.length - rawLine.trimStart().length;
        const line = rawLine.trim();
        const at = (col0) => ({ file, line: lineNo, col: indent + col0 + 1 });
        if (!line || line[0] === '#' || line[0] === ';')
            return;
        const m = SECTION.exec(line);
        if (m) {
            group = m[1];
            const kind = m[2] ?? 'hosts';
            if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
                throw new K8sbmError('K8SBM_INVENTORY_PARSE', `section [${group}:${kind}] has unknown type: ${kind}`, {
                    loc: at(group.length + 2), hint: 'a section is [group], [group:children] or [group:vars]',
                });
            }
            state = kind;
            // [g:vars] may come before [g] is declared; remember it and check at the end.
            if (!inv.groups.has(group) && state === 'vars' && !pending.has(group))
                pending.set(group, { line: lineNo, state, parents: [] });
            inv.addGroup(group, at(1));
            const p = pending.get(group);
            if (p && state !== 'vars') {
                if (p.state === 'children')
                    addPendingChildren(inv, group, pending, at(1));
                else
                    pending.delete(group);
            }
            return;
        }
        if (line.startsWith('[') && line.endsWith(']')) {
            throw new K8sbmError('K8SBM_INVENTORY_PARSE', `invalid section entry: '${line}'`, {
                loc: at(0), hint: 'a section header has no spaces: [group], [group:children] or [group:vars]',
            });
        }
        switch (state) {
            case 'hosts':
                parseHostLine(inv, line, at, group, source);
                return;
            case 'vars': {
                const eq = line.indexOf('=');
                if (eq < 0) {
                    throw new K8sbmError('K8SBM_INVENTORY_PARSE', `expected key=value, got: ${line}`, {
                        loc: at(0), hint: `lines in [${group}:vars] are name=value, one per line`,
                    });
                }
                const key = line.slice(0, eq).trim();
                const rawValue = line.slice(eq + 1);
                const value = rawValue.trim();
                const valueCol = eq + 1 + (rawValue.length - rawValue.trimStart().length);
                inv.setVar(inv.groups.get(group), key, parseIniValue(value), { key: at(0), value: at(valueCol), raw: value, plain: true });
                return;
            }
            case 'children': {
                const cm = GROUP_NAME.exec(line);
                if (!cm) {
                    throw new K8sbmError('K8SBM_INVENTORY_PARSE', `expected group name, got: ${line}`, {
                        loc: at(0), hint: `lines in [${group}:children] are group names, one per line`,
                    });
                }
                const child = cm[1];
                if (!inv.groups.has(child)) {
                    const p = pending.get(child);
                    if (!p)
                        pending.set(child, { line: lineNo, state: 'children', parents: [group] });
                    else
                        p.parents.push(group);
                }
                else
                    inv.addChild(group, child, at(0));
                return;
            }
            default:
                assertNever(state, 'INI section state');
        }
    });
    for (const [name, p] of pending) {
        const loc = { file, line: p.line, col: 1 };
        if (p.state === 'vars') {
            throw new K8sbmError('K8SBM_INVENTORY_UNDEFINED_GROUP', `section [${name}:vars] is for a group that is never declared`, {
                loc, hint: `declare the group with a [${name}] section (it may be empty) or fix the name`,
            });
        }
        const parent = p.parents[p.parents.length - 1];
        throw new K8sbmError('K8SBM_INVENTORY_UNDEFINED_GROUP', `section [${parent}:children] includes undefined group: ${name}`, {
            loc, hint: `declare [${name}] (or [${name}:children]) somewhere in the file; hosts cannot be listed under :children`,
        });
    }
}
function addPendingChildren(inv, group, pending, loc) {
    const p = pending.get(group);
    for (const parent of p.parents) {
        inv.addChild(parent, group, loc);
        const pp = pending.get(parent);
        if (pp && pp.state === 'children')
            addPendingChildren(inv, parent, pending, loc);
    }
    pending.delete(group);
}
function parseHostLine(inv, line, at, group, source) {
    let words;
    try {
        words = shlexSplit(line);
    }
    catch (e) {
        if (!(e instanceof ShlexError))
            throw e;
        throw new K8sbmError('K8SBM_INVENTORY_PARSE', `cannot read host definition '${line}': ${e.message}`, {
            loc: at(e.offset), hint: 'close the quote; a value with spaces is written name="a b"',
        });
    }
    const first = words[0];
    if (!first)
        return;
    const pattern = first.text;
    if (pattern.trim().endsWith(':')) {
        throw new K8sbmError('K8SBM_INVENTORY_PARSE', `invalid host pattern '${pattern}': a trailing ':' is reserved for a port`, {
            loc: at(first.start), hint: 'write host:PORT, or remove the colon',
        });
    }
    const { names, port } = expandHostPatternAt(pattern, at(first.start));
    if (names.some((n) => n.trim() === '---')) {
        throw new K8sbmError('K8SBM_INVENTORY_PARSE', `invalid host pattern '${pattern}': '---' is a sign this is a YAML file`, {
            loc: at(first.start), hint: 'give the file a .yml extension so it is read as YAML',
        });
    }
    const vars = [];
    for (const w of words.slice(1)) {
        const eq = w.text.indexOf('=');
        if (eq < 0) {
            throw new K8sbmError('K8SBM_INVENTORY_PARSE', `expected key=value host variable assignment, got: ${w.text}`, {
                loc: at(w.start), hint: 'host variables are name=value; quote values with spaces: name="a b"',
            });
        }
        const raw = w.text.slice(eq + 1);
        vars.push([w.text.slice(0, eq), parseIniValue(raw), { key: at(w.start), value: at(w.valueStart ?? w.start), raw, plain: true }]);
    }
    const portCol = pattern.lastIndexOf(':');
    const portPos = port === undefined ? undefined : { key: at(first.start), value: at(first.start + portCol + 1), raw: String(port), plain: true };
    for (const name of names) {
        if (!name) {
            throw new K8sbmError('K8SBM_INVENTORY_PARSE', 'empty host name', { loc: at(first.start), hint: 'remove the empty quotes' });
        }
        const h = inv.addHost(name, { group, port, portPos, source, loc: at(first.start) });
        for (const [k, v, pos] of vars)
            inv.setVar(h, k, v, pos);
    }
}
//# sourceMappingURL=ini.js.map