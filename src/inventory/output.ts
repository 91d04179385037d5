import { K8sbmError, didYouMean } from '../source/errors.js';
import { directHostVarsOf, groupVarsOf, hostOf, hostVars } from './layers.js';
import type { Inventory, InventoryGroup } from './model.js';
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

function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) if (!INTERNAL_VARS.has(k)) out[k] = v;
  return out;
}

export interface ListOptions {
  /** `--export`: group vars on groups and only directly set host vars, instead of merged host vars. */
  readonly export?: boolean;
}

interface ListGroup { hosts?: string[]; children?: string[]; vars?: Record<string, unknown> }

/** `ansible-inventory --list`. */
export function toAnsibleList(inv: Inventory, playbookDir?: string, opts: ListOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (g: InventoryGroup): void => {
    const entry: ListGroup = {};
    out[g.name] = entry;
    if (g.name !== 'all') entry.hosts = g.hosts.map((h) => h.name);
    entry.children = [];
    for (const sub of g.children) {
      entry.children.push(sub.name);
      if (!seen.has(sub.name)) { format(sub); seen.add(sub.name); }
    }
    if (opts.export) entry.vars = withoutInternal(groupVarsOf(inv, g, playbookDir));
    if (!entry.hosts?.length) delete entry.hosts;
    if (!entry.children.length) delete entry.children;
    if (entry.vars && !Object.keys(entry.vars).length) delete entry.vars;
    if (!Object.keys(entry).length) delete out[g.name];
  };
  format(inv.groups.get('all')!);
  const hostvars: Record<string, unknown> = {};
  for (const h of inv.hostsOfGroup(inv.groups.get('all')!)) {
    const vars = listHostVars(inv, h.name, playbookDir, opts);
    if (Object.keys(vars).length) hostvars[h.name] = vars;
  }
  out._meta = { hostvars };
  return out;
}

function listHostVars(inv: Inventory, host: string, playbookDir: string | undefined, opts: ListOptions): Record<string, unknown> {
  return withoutInternal(opts.export ? directHostVarsOf(inv, host, playbookDir) : hostVars(inv, host, playbookDir));
}

/** `ansible-inventory --host NAME`: the host's merged variables. */
export function toAnsibleHost(inv: Inventory, host: string, playbookDir?: string): Record<string, unknown> {
  return withoutInternal(hostVars(inv, hostOf(inv, host).name, playbookDir));
}

/** `ansible-inventory --graph [GROUP] [--vars]`. */
export function toGraph(inv: Inventory, pattern = 'all', withVars = false, playbookDir?: string): string {
  const start = inv.groups.get(pattern);
  if (!start) {
    throw new K8sbmError('K8SBM_GRAPH_PATTERN', `"${pattern}" is not a group; --graph takes a group name`, {
      hint: didYouMean(pattern, inv.groups.keys()) ?? 'use all, or one of the inventory groups',
    });
  }
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const showVars = (vars: Record<string, unknown>, depth: number) => {
    for (const k of Object.keys(vars).sort(byCodePoint)) lines.push(name(`{${k} = ${pyStr(vars[k])}}`, depth));
  };
  const walk = (g: InventoryGroup, depth: number): void => {
    lines.push(name(`@${g.name}:`, depth));
    for (const kid of g.children) walk(kid, depth + 1);
    if (g.name !== 'all') {
      for (const h of g.hosts) {
        lines.push(name(h.name, depth + 1));
        if (withVars) showVars(withoutInternal(hostVars(inv, h.name, playbookDir)), depth + 2);
      }
    }
    if (withVars) showVars(withoutInternal(groupVarsOf(inv, g, playbookDir)), depth + 1);
  };
  walk(start, 0);
  return lines.join('\n');
}

/** JSON as ansible-inventory prints it: keys sorted, four-space indent, non-ASCII kept. */
export function formatAnsibleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort(byCodePoint)) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
