import { groupsMap, hostLayers, inventoryMagicVars, type Inventory } from '../inventory/index.js';
import type { Play, RoleInstance } from '../playbook/model.js';
import type { VarLayer } from '../vars/layers.js';
import { assignVars } from '../template/index.js';
import { mergeLayers } from '../vars/scope.js';
import type { HostRuntime, Scope } from './runtime.js';

/** What stays the same for every host of a play: the inputs of per-host variable assembly. */
export interface PlayVarsContext {
  readonly inventory: Inventory;
  readonly playbookDir: string;
  readonly play: Play;
  readonly playHosts: readonly string[];
  readonly batch: readonly string[];
  readonly hosts: ReadonlyMap<string, HostRuntime>;
  readonly varsFiles: ReadonlyMap<string, readonly VarLayer[]>; // per host
  readonly extraVars: readonly VarLayer[];
  readonly check: boolean;
  readonly diff: boolean;
  readonly verbosity: number;
}

export function inventoryLayersOf(ctx: PlayVarsContext, h: HostRuntime): readonly VarLayer[] {
  const layers = h.inventoryLayers ?? (ctx.inventory.hosts.has(h.name) ? hostLayers(ctx.inventory, h.name, ctx.playbookDir) : []);
  h.inventoryLayers = layers;
  return layers;
}

function roleLayers(role: RoleInstance | undefined): { defaults: VarLayer[]; vars: VarLayer[]; params: VarLayer[] } {
  if (!role) return { defaults: [], vars: [], params: [] };
  return {
    defaults: [role.defaults],
    vars: [role.vars],
    params: Object.keys(role.params).length ? [{ level: 'role_params', name: `role ${role.name} params`, vars: role.params }] : [],
  };
}

/** All layers for a host at a point in the play, lowest precedence first (for `vars` explain too). */
export function layersFor(ctx: PlayVarsContext, h: HostRuntime, scope: Scope | undefined, taskVars?: Readonly<Record<string, unknown>>): VarLayer[] {
  const r = roleLayers(scope?.role);
  const layers: VarLayer[] = [
    ...r.defaults,
    ...inventoryLayersOf(ctx, h),
  ];
  if (h.facts) layers.push({ level: 'host_facts', name: 'gathered facts', vars: { facts: h.facts } });
  if (Object.keys(ctx.play.vars).length) layers.push({ level: 'play_vars', name: `play "${ctx.play.name}" vars`, vars: ctx.play.vars, loc: ctx.play.loc });
  layers.push(...(ctx.varsFiles.get(h.name) ?? []));
  layers.push(...r.vars);
  for (const bv of scope?.blockVars ?? []) layers.push({ level: 'block_vars', name: 'block vars', vars: bv });
  if (taskVars && Object.keys(taskVars).length) layers.push({ level: 'task_vars', name: 'task vars', vars: taskVars });
  if (Object.keys(h.setVars).length) layers.push({ level: 'set_fact', name: 'set_fact/register', vars: h.setVars });
  layers.push(...r.params);
  if (scope && Object.keys(scope.includeParams).length) layers.push({ level: 'include_params', name: 'include params', vars: scope.includeParams });
  layers.push(...ctx.extraVars);
  return layers;
}

/**
 * The variables a task sees on a host: merged layers plus magic variables. `hostvars` is lazy so
 * a template that never looks at other hosts costs nothing.
 */
export function varsFor(ctx: PlayVarsContext, h: HostRuntime, scope: Scope | undefined, taskVars?: Readonly<Record<string, unknown>>, extra?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const vars = mergeLayers(layersFor(ctx, h, scope, taskVars));
  assignVars(vars, magicVars(ctx, h, scope));
  if (extra) assignVars(vars, extra);
  return vars;
}

function magicVars(ctx: PlayVarsContext, h: HostRuntime, scope: Scope | undefined): Record<string, unknown> {
  const groups = groupsCache.get(ctx.inventory) ?? groupsMap(ctx.inventory);
  groupsCache.set(ctx.inventory, groups);
  return {
    ...(ctx.inventory.hosts.has(h.name)
      ? inventoryMagicVars(ctx.inventory, h.name)
      : { inventory_hostname: h.name, inventory_hostname_short: h.name, group_names: [] }),
    groups,
    hostvars: hostvarsProxy(ctx),
    play_hosts: ctx.batch,
    ansible_play_hosts: ctx.batch,
    ansible_play_batch: ctx.batch,
    ansible_play_hosts_all: ctx.playHosts,
    ansible_check_mode: ctx.check,
    ansible_diff_mode: ctx.diff,
    ansible_verbosity: ctx.verbosity,
    playbook_dir: ctx.playbookDir,
    ansible_play_name: ctx.play.name,
    ...(scope?.role ? { role_name: scope.role.name, role_path: scope.role.path } : {}),
  };
}

const groupsCache = new WeakMap<Inventory, Record<string, string[]>>();

function hostvarsProxy(ctx: PlayVarsContext): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const target: Record<string, unknown> = {};
  const names = () => [...ctx.inventory.hosts.keys()];
  const get = (name: string): Record<string, unknown> | undefined => {
    if (!ctx.inventory.hosts.has(name)) return undefined;
    let v = cache.get(name);
    if (!v) {
      const h = ctx.hosts.get(name) ?? { name, facts: undefined, setVars: {}, inventoryLayers: undefined } as unknown as HostRuntime;
      v = mergeLayers(layersFor(ctx, h, undefined));
      v.inventory_hostname = name;
      cache.set(name, v);
    }
    return v;
  };
  return new Proxy(target, {
    get: (_t, p) => (typeof p === 'string' ? get(p) : undefined),
    has: (_t, p) => typeof p === 'string' && ctx.inventory.hosts.has(p),
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, p) =>
      typeof p === 'string' && ctx.inventory.hosts.has(p) ? { enumerable: true, configurable: true, writable: false, value: get(p) } : undefined,
  });
}
