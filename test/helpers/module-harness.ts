import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FactOverlay } from '../../src/engine/fact-overlay.js';
import { moduleApplyContext, modulePlanContext, runModuleOnce, type ModuleRunInputs } from '../../src/engine/module-run.js';
import type { AnyModule, ApplyContext, Plan, PlanContext } from '../../src/modules/types.js';
import type { BecomeSpec, Connection } from '../../src/transport/connection.js';

/**
 * Module tests run modules through the engine's own contexts (src/engine/module-run.ts): facts,
 * check-mode predictions, templates, conditions and controller files behave as in a play. What a
 * test adds is the host: a connection, and optionally facts given as data.
 */

export interface HarnessOptions {
  readonly host?: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly become?: BecomeSpec;
  /** Check-mode predictions carried from run to run (one per host, as in a play). */
  readonly overlay?: FactOverlay;
  /** The playbook's folder: controller files are found in DIR/files (or DIR/templates), then DIR. */
  readonly localDir?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Facts of the host given as data, by `FACT:KEY` ("file:/etc/x.conf", "sysctl:"); the rest is read. */
  readonly hostFacts?: ReadonlyMap<string, unknown>;
}

export { FactOverlay };

/** How fixtures name a fact of the host: `FACT:KEY`. */
export const factId = (fact: string, key: string): string => `${fact}:${key}`;

function inputs(conn: Connection, opts: HarnessOptions): ModuleRunInputs {
  const given = opts.hostFacts;
  return {
    connection: conn, host: opts.host, check: opts.check, diff: opts.diff, become: opts.become, vars: opts.vars,
    playbookDir: opts.localDir, overlay: opts.overlay,
    givenFacts: given && ((fact, key) => given.get(factId(fact, key))),
  };
}

export function makePlanContext(conn: Connection, opts: HarnessOptions = {}): PlanContext {
  return modulePlanContext(inputs(conn, opts));
}

export function makeApplyContext(conn: Connection, opts: HarnessOptions = {}): ApplyContext {
  return moduleApplyContext(inputs(conn, opts));
}

export interface ModuleRun {
  readonly plan: Plan;
  /** What apply returned (undefined in check mode or when there was nothing to do). */
  readonly applied?: Record<string, unknown> | void;
  /** Execs this run sent to the host (plan and apply). */
  readonly execs: number;
}

/** Plan, then (outside check mode) apply a change; in check mode fold predictions into the overlay. */
export async function runModule(conn: Connection, module: AnyModule, params: Record<string, unknown>, opts: HarnessOptions = {}): Promise<ModuleRun> {
  const before = conn.execCount;
  const r = await runModuleOnce(module, params, inputs(conn, opts));
  return { ...r, execs: conn.execCount - before };
}

/** The repository root, found from this file (works from src and from any build output dir). */
export function repoRoot(): string {
  const isRoot = (dir: string): boolean => {
    const pkg = join(dir, 'package.json');
    return existsSync(pkg) && existsSync(join(dir, 'test', 'modules')) && /"name":\s*"k8sbm"/.test(readFileSync(pkg, 'utf8'));
  };
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isRoot(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('cannot find the repository root (package.json of k8sbm)');
}
