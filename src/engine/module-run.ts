import type { AnyModule, ApplyContext, Plan, PlanContext } from '../modules/types.js';
import type { BecomeSpec, Connection } from '../transport/connection.js';
import { carryOut, makeApplyContext, makePlanContext, type ContextInputs } from './context.js';
import type { FactOverlay, GivenFacts } from './fact-overlay.js';
import { newHostRuntime } from './runtime.js';

/**
 * One module run outside a play, the way a task runs it once its params are rendered and
 * validated: the engine's own plan context, check-mode overlay and apply, over a connection the
 * caller hands in. Module tests and golden fixtures go through here, so they test the real thing.
 */
export interface ModuleRunInputs {
  readonly connection: Connection;
  /** inventory_hostname; default: the connection's host. */
  readonly host?: string | undefined;
  readonly check?: boolean | undefined;
  readonly diff?: boolean | undefined;
  readonly become?: BecomeSpec | undefined;
  readonly vars?: Readonly<Record<string, unknown>> | undefined;
  /** Where controller files are looked up, as next to a playbook; default: the working directory. */
  readonly playbookDir?: string | undefined;
  /** The host's check-mode predictions, carried from run to run as a play carries them from task to task. */
  readonly overlay?: FactOverlay | undefined;
  /** Facts of the host given as data instead of read over the connection. */
  readonly givenFacts?: GivenFacts | undefined;
}

function contextInputs(i: ModuleRunInputs): ContextInputs {
  const base = newHostRuntime(i.host ?? i.connection.host);
  const host = i.overlay ? { ...base, overlay: i.overlay } : base;
  return {
    host,
    factHost: host,
    reach: { connection: async () => i.connection, become: i.become, env: undefined },
    vars: i.vars ?? {},
    check: i.check ?? false,
    diff: i.diff ?? true,
    loc: undefined,
    role: undefined,
    playbookDir: i.playbookDir ?? process.cwd(),
    counter: { execs: 0 },
    givenFacts: i.givenFacts,
  };
}

export function modulePlanContext(i: ModuleRunInputs): PlanContext {
  return makePlanContext(contextInputs(i));
}

export function moduleApplyContext(i: ModuleRunInputs): ApplyContext {
  return makeApplyContext(contextInputs(i));
}

/** Plan, then carry the change out: applied, or in check mode folded into `overlay` as predictions. */
export async function runModuleOnce(module: AnyModule, params: Record<string, unknown>, i: ModuleRunInputs): Promise<{ plan: Plan; applied?: Record<string, unknown> | void }> {
  const inputs = contextInputs(i);
  const plan = await module.plan(makePlanContext(inputs), params);
  if (plan.kind !== 'change') return { plan };
  return { plan, applied: await carryOut(module, plan, params, inputs) };
}
