import type { Task } from '../playbook/model.js';
import { coerceParams } from '../schema/coerce.js';
import { evalCondition, extendVars, renderValue } from '../template/index.js';
import { revealSecrets } from '../util/secret.js';
import { varsFor } from './host-vars.js';
import type { PlayEnv } from './play-env.js';
import type { HostRuntime, Scope } from './runtime.js';
import { loopItems, NO_LOOP } from './secret-scan.js';

/**
 * A task's params on a host as far as they are known before the play runs, once per loop item:
 * rendered with the host's variables, its `when` (with the enclosing blocks' and roles')
 * evaluated, coerced to the module's types. What cannot be known yet (a value registered later, a
 * condition on one) is left out: the task's own run decides, as for any task. Secrets are revealed
 * into a throwaway set: these values are compared and checked, never shown as they are.
 */
export function paramsBeforePlay(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime): Record<string, unknown>[] {
  const module = env.modules[task.module];
  if (!module) return [];
  let vars: Record<string, unknown>;
  try {
    vars = varsFor(env.pvc, h, scope, task.vars);
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  const loopVar = task.loopControl?.loopVar ?? 'item';
  for (const item of loopItems(task, vars)) {
    const v = item === NO_LOOP ? vars : extendVars(vars, { [loopVar]: item });
    try {
      if (scope.when.length && !evalCondition(scope.when, v, task.loc)) continue;
      out.push(coerceParams(module, revealSecrets(renderValue(task.args, v, task.moduleLoc), new Set()) as Record<string, unknown>));
    } catch {
      // Not known before the play runs.
    }
  }
  return out;
}
