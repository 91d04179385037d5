import { K8sbmError } from '../source/errors.js';
import { locOf, recordKey, recordNode } from '../source/loc.js';
import { VarsFileCache } from './vars-files.js';
/**
 * The inventory as Ansible's InventoryData builds it: groups and hosts in order of appearance,
 * `all` and `ungrouped` created first, parent/child links both ways. Parsers fill it through the
 * add/set methods; `reconcile()` then applies Ansible's post-processing rules.
 */
export class InventoryGroup {
    name;
    /** Hosts listed directly in this group, in order of appearance. */
    hosts = [];
    children = [];
    parents = [];
    /** Variables set by the inventory files themselves (`[g:vars]`, YAML `vars:`), with positions. */
    vars = {};
    /** `ansible_group_priority` (Ansible keeps it out of the group's vars). */
    priority = 1;
    /** Longest distance from `all`; set by reconcile(). */
    depth = 0;
    loc;
    constructor(name) {
        this.name = name;
    }
}
export class InventoryHost {
    name;
    source;
    loc;
    implicit;
    /** Variables written beside the host in inventory files (and `ansible_port` from `host:port`). */
    vars = {};
    /** Groups this host is listed in directly. */
    memberOf = [];
    /**
     * @param source absolute path of the inventory file that first named the host (`inventory_file`)
     * @param implicit true only for the implicit localhost, which belongs to no group
     */
    constructor(name, source, loc, implicit = false) {
        this.name = name;
        this.source = source;
        this.loc = loc;
        this.implicit = implicit;
    }
}
export const LOCALHOST_NAMES = ['127.0.0.1', 'localhost', '::1'];
export class Inventory {
    hosts = new Map();
    groups = new Map();
    sources = [];
    /** Non-fatal findings while loading, worded as Ansible words them. */
    warnings = [];
    /** group_vars/host_vars files, read on first use and kept. */
    varsFiles = new VarsFileCache();
    #implicit = new Map();
    constructor() {
        this.addGroup('all');
        this.addGroup('ungrouped');
        this.addChild('all', 'ungrouped');
    }
    addGroup(name, loc) {
        let g = this.groups.get(name);
        if (!g) {
            g = new InventoryGroup(name);
            g.loc = loc;
            this.groups.set(name, g);
        }
        else if (!g.loc)
            g.loc = loc;
        return g;
    }
    /** Add a host (first mention decides its port and `inventory_file`), optionally into a group. */
    addHost(name, opts = {}) {
        const g = opts.group === undefined ? undefined : this.groups.get(opts.group);
        if (opts.group !== undefined && !g)
            throw new Error(`group ${opts.group} is not in the inventory`);
        let h = this.hosts.get(name);
        if (!h) {
            h = new InventoryHost(name, opts.source, opts.loc);
            this.hosts.set(name, h);
            if (opts.port !== undefined)
                this.setVar(h, 'ansible_port', opts.port, opts.portPos);
        }
        if (g)
            addMember(g, h);
        return h;
    }
    /** Make `child` (a group or, failing that, a host) a member of group `parent`. */
    addChild(parent, child, loc) {
        const p = this.groups.get(parent);
        if (!p)
            throw new Error(`group ${parent} is not in the inventory`);
        const g = this.groups.get(child);
        if (g)
            return this.#addChildGroup(p, g, loc);
        const h = this.hosts.get(child);
        if (h)
            return addMember(p, h);
        throw new K8sbmError('K8SBM_INVENTORY_UNKNOWN_MEMBER', `"${child}" is neither a group nor a host of the inventory`, {
            loc, hint: `declare [${child}] before listing it as a child of ${parent}`,
        });
    }
    #addChildGroup(parent, child, loc) {
        if (parent === child) {
            throw new K8sbmError('K8SBM_INVENTORY_CYCLE', `group "${parent.name}" cannot be a child of itself`, {
                loc, hint: 'remove the group from its own children list',
            });
        }
        if (parent.children.includes(child))
            return false;
        if (this.ancestorsOf(parent).has(child)) {
            throw new K8sbmError('K8SBM_INVENTORY_CYCLE', `adding group "${child.name}" as a child of "${parent.name}" creates a loop`, {
                loc, hint: `"${child.name}" is already an ancestor of "${parent.name}"; groups must form a tree without cycles`,
            });
        }
        parent.children.push(child);
        if (!child.parents.some((x) => x.name === parent.name))
            child.parents.push(parent);
        return true;
    }
    /**
     * Set a variable on a group or host. `ansible_group_priority` on a group sets its priority
     * instead, as Ansible does (so it never shows up among the group's vars).
     */
    setVar(entity, key, value, pos) {
        if (entity instanceof InventoryGroup && key === 'ansible_group_priority') {
            const n = pythonInt(value);
            if (n === undefined) {
                throw new K8sbmError('K8SBM_INVENTORY_VAR_INVALID', `ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, {
                    loc: pos?.value, hint: 'use a whole number such as ansible_group_priority=10 (higher wins among groups of the same depth)',
                });
            }
            entity.priority = n;
            return;
        }
        if (pos) {
            if (!locOf(entity.vars))
                recordNode(entity.vars, pos.key);
            recordKey(entity.vars, key, pos);
        }
        // Ansible's set_variable re-assigns the key (hash_behaviour=replace): a later source wins.
        entity.vars[key] = value;
    }
    ancestorsOf(group) {
        const seen = new Set();
        const walk = (g) => {
            for (const p of g.parents)
                if (!seen.has(p)) {
                    seen.add(p);
                    walk(p);
                }
        };
        walk(group);
        return seen;
    }
    /** Every group the host belongs to, directly or through parents (Ansible's host.get_groups()). */
    groupsOfHost(host) {
        const out = new Set();
        for (const g of host.memberOf) {
            out.add(g);
            for (const a of this.ancestorsOf(g))
                out.add(a);
        }
        return [...out];
    }
    /**
     * Hosts of a group and its descendants, the group's own first, then breadth first through
     * children, without repeats (Ansible's group.get_hosts()).
     */
    hostsOfGroup(group) {
        const ordered = [group, ...group.children];
        const seen = new Set(ordered);
        let level = [...group.children];
        while (level.length) {
            const next = [];
            for (const g of level)
                for (const c of g.children)
                    if (!seen.has(c)) {
                        seen.add(c);
                        ordered.push(c);
                        next.push(c);
                    }
            level = next;
        }
        const hosts = new Set();
        for (const g of ordered)
            for (const h of g.hosts)
                hosts.add(h);
        return [...hosts];
    }
    /**
     * Ansible's reconcile_inventory: groups without a parent join `all`; hosts with no group but
     * `all` join `ungrouped`; hosts in a real group leave `ungrouped`. Then group depths.
     */
    reconcile() {
        const all = this.groups.get('all');
        const ungrouped = this.groups.get('ungrouped');
        for (const g of this.groups.values()) {
            if (g !== all && g.parents.length === 0)
                this.#addChildGroup(all, g, undefined);
        }
        for (const h of this.hosts.values()) {
            const mine = this.groupsOfHost(h);
            if (mine.includes(ungrouped)) {
                if (mine.some((g) => g !== all && g !== ungrouped))
                    removeMember(ungrouped, h);
            }
            else if (mine.length === 0 || (mine.length === 1 && mine[0] === all)) {
                addMember(ungrouped, h);
            }
        }
        for (const name of this.groups.keys()) {
            if (this.hosts.has(name))
                this.warnings.push(`Found both group and host with same name: ${name}`);
        }
        const depth = new Map();
        const depthOf = (g) => {
            let d = depth.get(g);
            if (d === undefined) {
                d = g.parents.reduce((m, p) => Math.max(m, depthOf(p) + 1), 0);
                depth.set(g, d);
            }
            return d;
        };
        for (const g of this.groups.values())
            g.depth = depthOf(g);
    }
    /**
     * What a pattern naming `localhost` (or 127.0.0.1, ::1) means when no host has that exact name:
     * the inventory's first localhost-like host if it has one, else the implicit localhost Ansible
     * conjures, which is in no group and is reached locally.
     */
    implicitHost(name) {
        if (!LOCALHOST_NAMES.includes(name) || this.hosts.has(name))
            return undefined;
        for (const h of this.hosts.values())
            if (LOCALHOST_NAMES.includes(h.name))
                return h;
        let h = this.#implicit.get(name);
        if (!h) {
            h = new InventoryHost(name, undefined, undefined, true);
            h.vars.ansible_connection = 'local';
            this.#implicit.set(name, h);
        }
        return h;
    }
}
function addMember(g, h) {
    if (g.hosts.includes(h))
        return false;
    g.hosts.push(h);
    h.memberOf.push(g);
    return true;
}
function removeMember(g, h) {
    const i = g.hosts.indexOf(h);
    if (i >= 0)
        g.hosts.splice(i, 1);
    const j = h.memberOf.indexOf(g);
    if (j >= 0)
        h.memberOf.splice(j, 1);
}
/** Python's int(): booleans and numbers truncate, strings must be plain integers. */
function pythonInt(v) {
    if (typeof v === 'boolean')
        return Number(v);
    if (typeof v === 'number')
        return Number.isFinite(v) ? Math.trunc(v) : undefined;
    if (typeof v === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(v))
        return Number(v.trim().replace(/_/g, ''));
    return undefined;
}
/** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
export function sortGroups(groups) {
    return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
//# sourceMappingURL=model.js.map