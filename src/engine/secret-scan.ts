import type { Item, Play, RoleInstance, Task } from '../playbook/model.js';
import { extendVars, renderValue } from '../template/index.js';
import { revealSecrets } from '../util/secret.js';
import { varsFor } from './host-vars.js';
import type { PlayEnv } from './play-env.js';
import { enterScope, playScope, type HostRuntime, type Scope } from './runtime.js';

/**
 * Masking starts at the source: a value that a later task hands to a secret param (a password)
 * is masked from the start of the play, so a `debug` or a task name that shows it earlier prints
 * ***. For each host, every secret param of the play's tasks is rendered with the variables known
 * now (loop items included); what cannot be rendered yet (a value registered later) is masked
 * when its own task renders it.
 */
export function maskSecretParamsOfPlay(env: PlayEnv, play: Play, hosts: readonly HostRuntime[]): void {
  const tasks = tasksOfPlay(play, (t) => (env.modules[t.module]?.secretParams?.length ?? 0) > 0);
  if (!tasks.length) return;
  for (const h of hosts) for (const { task, scope } of tasks) maskSecretParams(env, task, scope, h);
}

/**
 * The module tasks of a play that `keep` selects, each with the scope it runs in (blocks, roles
 * and their dependencies, handlers), as far as they are known before the play runs (dynamic
 * includes are not).
 */
export function tasksOfPlay(play: Play, keep: (t: Task) => boolean): { task: Task; scope: Scope }[] {
  const tasks: { task: Task; scope: Scope }[] = [];
  const walk = (items: readonly Item[], scope: Scope): void => {
    for (const it of items) {
      if (it.kind === 'task') {
        if (keep(it)) tasks.push({ task: it, scope: enterScope(scope, it, { asBlockVars: false }) });
      } else if (it.kind === 'block') {
        const s = enterScope(scope, it, { role: it.role });
        walk(it.block, s); walk(it.rescue, s); walk(it.always, s);
      }
    }
  };
  const roleWalk = (r: RoleInstance, outer: Scope): void => {
    const entered = r.entry ? enterScope(outer, r.entry) : outer;
    const s = enterScope(entered, { when: [], tags: [], vars: {} }, { role: r });
    for (const d of r.dependencies) roleWalk(d, s);
    walk(r.tasks, s);
    walk(r.handlers, s);
  };
  const root = playScope(play);
  walk(play.preTasks, root);
  for (const r of play.roles) roleWalk(r, root);
  walk(play.tasks, root);
  walk(play.postTasks, root);
  walk(play.handlers, root);
  return tasks;
}

/** Mask the values a task's secret params have on a host (before its name or output is shown). */
export function maskSecretParams(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime): void {
  const names = env.modules[task.module]?.secretParams ?? [];
  const written = names.filter((n) => task.args[n] !== undefined);
  if (!written.length) return;
  let vars: Record<string, unknown>;
  try {
    vars = varsFor(env.pvc, h, scope, task.vars);
  } catch {
    return;
  }
  const items = loopItems(task, vars);
  const loopVar = task.loopControl?.loopVar ?? 'item';
  for (const item of items) {
    const v = item === NO_LOOP ? vars : extendVars(vars, { [loopVar]: item });
    for (const n of written) {
      try {
        const out = revealSecrets(renderValue(task.args[n], v, task.moduleLoc), env.secrets);
        if (typeof out === 'string' && out !== '') env.secrets.add(out);
      } catch {
        // Not renderable yet (a variable registered later): its task masks it when it runs.
      }
    }
  }
}

export const NO_LOOP = Symbol('no loop');

/** A task's loop items as far as they can be rendered now ([NO_LOOP] without a loop; [] when unknown). */
export function loopItems(task: Task, vars: Record<string, unknown>): unknown[] {
  if (task.loop === undefined) return [NO_LOOP];
  try {
    const r = renderValue(task.loop, vars, task.loc);
    const list = task.loopFlatten && Array.isArray(r) ? r.flatMap((x) => (Array.isArray(x) ? x : [x])) : r;
    return Array.isArray(list) ? list.slice(0, 10_000) : [];
  } catch {
    return [];
  }
}
