import type { Task } from '../playbook/model.js';
import { keyPosOf, locOf, valueLocOf, type Loc } from '../source/loc.js';
import { parseExpression, type Expr } from '../template/expr-parse.js';
import type { VarLayer } from '../vars/layers.js';
import { sortLayers } from '../vars/scope.js';

/**
 * Where an operator edits a task's param on a host: the place of `task.args` at `path`, through
 * the variables the args name. `bond: "{{ bond }}"` with path ['bond', 'slaves', 1] is the second
 * slave in the group_vars file that gives this host its `bond`; `storage: "{{ storage_address |
 * default(None) }}"` is that host's host_vars line. A template that is one variable reference
 * (with filters, or a.b / a['b'] after it) is followed into the highest layer that sets the
 * variable; the rest of the path descends into that layer's value as far as it has positions.
 * Anything else (a template that computes, a variable without a place) stops at the last place
 * known, the task's own param at worst.
 */
export function placeOfParam(task: Task, layers: readonly VarLayer[], path: readonly (string | number)[]): Loc {
  const sorted = sortLayers(layers);
  return descend(task.args, path, task.moduleLoc ?? task.loc, sorted, 0);
}

const MAX_HOPS = 8;

function descend(start: unknown, path: readonly (string | number)[], at: Loc, layers: readonly VarLayer[], hops: number): Loc {
  let cur = start;
  let loc = at;
  for (let i = 0; ; i++) {
    const ref = hops < MAX_HOPS ? variableRef(cur) : undefined;
    if (ref) {
      const followed = followVariable(ref.name, [...ref.keys, ...path.slice(i)], layers, hops + 1);
      return followed ?? loc;
    }
    if (i >= path.length) return loc;
    const seg = path[i]!;
    if (cur === null || typeof cur !== 'object' || !hasKey(cur, seg)) return loc;
    loc = keyPosOf(cur, seg)?.value ?? valueLocOf(cur, seg) ?? locOf(cur) ?? loc;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
}

function followVariable(name: string, path: readonly (string | number)[], layers: readonly VarLayer[], hops: number): Loc | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (!Object.hasOwn(layer.vars, name)) continue;
    const at = keyPosOf(layer.vars, name)?.value ?? layer.loc;
    if (!at || at.line === 0) return at;
    return descend(layer.vars[name], path, at, layers, hops);
  }
  return undefined;
}

function hasKey(node: object, seg: string | number): boolean {
  if (Array.isArray(node)) return typeof seg === 'number' && seg >= 0 && seg < node.length;
  return Object.hasOwn(node, String(seg));
}

/** `"{{ bond }}"`, `"{{ vlans | default({}) }}"`, `"{{ net.bond }}"`: the variable and the keys after it. */
export function variableRef(value: unknown): { name: string; keys: (string | number)[] } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value);
  if (!m || m[1]!.includes('{{') || m[1]!.includes('}}')) return undefined;
  let e: Expr;
  try {
    e = parseExpression(m[1]!.trim());
  } catch {
    return undefined;
  }
  while (e.k === 'filter') e = e.arg;
  const keys: (string | number)[] = [];
  for (;;) {
    if (e.k === 'name') return { name: e.name, keys: keys.reverse() };
    if (e.k === 'attr') { keys.push(e.key); e = e.obj; continue; }
    if (e.k === 'index' && e.index.k === 'lit' && (typeof e.index.value === 'string' || typeof e.index.value === 'number')) {
      keys.push(e.index.value); e = e.obj; continue;
    }
    return undefined;
  }
}
