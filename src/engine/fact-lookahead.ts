import { readFileSync } from 'node:fs';
import type { FactDef } from '../facts/types.js';
import type { PlanContext } from '../modules/types.js';
import type { Item, Task } from '../playbook/model.js';
import { coerceParams } from '../schema/coerce.js';
import { evalCondition, extendVars, markData, markDataKey, renderValue } from '../template/index.js';
import { revealSecrets } from '../util/secret.js';
import { fileBytes } from '../vault/files.js';
import { makePlanContext } from './context.js';
import { FactCache, MAX_WINDOW, reachKeyOf, type Read } from './fact-batch.js';
import { varsFor } from './host-vars.js';
import { reachFor, type PlayEnv } from './play-env.js';
import { enterScope, type HostRuntime, type Scope } from './runtime.js';
import { shouldRunByTags } from './tags.js';

/**
 * Where a host stands in its play: the list being run, the item it is at, that list's scope, and
 * what follows once the list ends (the rest of the enclosing list). Set by runItems.
 */
export interface Ahead {
  readonly items: readonly Item[];
  readonly from: number;
  readonly scope: Scope;
  readonly after: Ahead | undefined;
}

/** How many loop items of one task a batch looks at. */
const MAX_ITEMS = 32;

/**
 * The tasks a host will meet next, as far as they are known before anything runs: through blocks
 * (their `block` part), up to the first dynamic include (its tasks are known only when it runs).
 */
export function upcomingTasks(ahead: Ahead | undefined, max = MAX_WINDOW): { task: Task; scope: Scope }[] {
  const out: { task: Task; scope: Scope }[] = [];
  let stopped = false;
  const walk = (items: readonly Item[], from: number, scope: Scope): void => {
    for (let i = from; i < items.length && !stopped && out.length < max; i++) {
      const item = items[i]!;
      if (item.kind === 'task') out.push({ task: item, scope });
      else if (item.kind === 'block') walk(item.block, 0, enterScope(scope, item, { role: item.role }));
      else stopped = true;
    }
  };
  for (let a = ahead; a && !stopped && out.length < max; a = a.after) walk(a.items, a.from, a.scope);
  return out;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * The facts the host's next tasks will read, found by starting each task's plan with a context
 * that answers what the cache already holds and notes every other read (that read never returns;
 * the plan is left behind). A task whose params, condition or loop cannot be worked out yet (they
 * wait for a result registered on the way) is passed over: it reads its facts itself when it runs.
 * Tasks that run elsewhere (delegate_to, run_once) or with another privilege are passed over too.
 */
export async function discoverReads(env: PlayEnv, h: HostRuntime, reachKey: string): Promise<Read[]> {
  const reads = new Map<string, Read>();
  const cache = h.factCache;
  for (const { task, scope } of upcomingTasks(h.ahead, cache.window)) {
    const module = env.modules[task.module];
    if (!module || module.controllerOnly) continue;
    const tags = task.tags.length ? [...new Set([...scope.tags, ...task.tags])] : scope.tags;
    if (!shouldRunByTags(tags, env.tags)) continue;
    try {
      const taskScope = enterScope(scope, task, { asBlockVars: false });
      if (taskScope.delegateTo !== undefined || taskScope.runOnce) continue;
      const vars = varsFor(env.pvc, h, taskScope, task.vars);
      if (taskScope.when.length && !evalCondition(taskScope.when, vars, task.loc)) continue;
      let each: Record<string, unknown>[] = [vars];
      if (task.loop !== undefined) {
        const rendered = renderValue(task.loop, vars, task.loc);
        const items = task.loopFlatten && Array.isArray(rendered) ? rendered.flatMap((x) => (Array.isArray(x) ? x : [x])) : rendered;
        if (!Array.isArray(items)) continue;
        const loopVar = task.loopControl?.loopVar ?? 'item';
        each = items.slice(0, MAX_ITEMS).map((item, i) => {
          const extra: Record<string, unknown> = { [loopVar]: item };
          markDataKey(extra, loopVar);
          markData(item);
          if (task.loopControl?.indexVar) extra[task.loopControl.indexVar] = i;
          return extendVars(vars, extra);
        });
      }
      for (const v of each) {
        const reach = reachFor(env, h, taskScope, v);
        if (reach.factHost !== h || reachKeyOf(reach.reach) !== reachKey) continue;
        const params = coerceParams(module, revealSecrets(renderValue(task.args, v, task.moduleLoc), new Set()) as Record<string, unknown>);
        const check = taskScope.checkMode ?? env.check;
        const base = makePlanContext({
          host: h, factHost: h, reach: reach.reach, vars: v, check, diff: taskScope.diff ?? env.diff, loc: task.loc, role: taskScope.role,
          playbookDir: env.pvc.playbookDir, counter: { execs: 0 },
        });
        const note = async <A, T>(def: FactDef<A, T>, arg: A): Promise<T> => {
          const key = FactCache.keyOf(reachKey, def.argv(arg));
          const known = cache.peek(key);
          if (known) return def.parse(known, arg);
          if (!reads.has(key)) reads.set(key, { def: def as FactDef<unknown, unknown>, arg });
          return never<T>();
        };
        const ctx: PlanContext = {
          ...base,
          fact: (def, arg) => (check ? h.overlay.read(def, arg, note) : note(def, arg)),
          probe: () => never(),
          // Read at once, so that a plan reading its template gets to its facts in this turn.
          readLocal: (p) => Promise.resolve(fileBytes(p, readFileSync(p)).data),
        };
        void Promise.resolve().then(() => module.plan(ctx, params)).catch(() => undefined);
      }
    } catch {
      continue;
    }
  }
  // Every plan has run as far as it can without the host: only promises that never settle are left.
  await new Promise<void>((r) => setImmediate(r));
  return [...reads.values()];
}
