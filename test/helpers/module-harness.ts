import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FactDef } from '../../src/facts/types.js';
import { K8sbmError } from '../../src/source/errors.js';
import { runAction } from '../../src/transport/actions.js';
import type { BecomeSpec, Connection } from '../../src/transport/connection.js';
import type { AnyModule, ApplyContext, ChangePlan, Plan, PlanContext } from '../../src/modules/types.js';

/**
 * A small stand-in for the engine's contexts, for module tests: facts come straight from the
 * connection unless an overlay (check-mode predictions, or golden-fixture facts) has them;
 * templates, conditions and expressions are plain injected functions.
 */

export interface HarnessOptions {
  readonly host?: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly become?: BecomeSpec;
  /** `${fact}:${key}` -> value. runModule folds check-mode predictions into it. */
  readonly overlay?: Map<string, unknown>;
  /** Where findLocal looks: DIR/files/PATH (or DIR/templates/PATH), then DIR/PATH. */
  readonly localDir?: string;
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly renderTemplate?: (text: string, file: string) => string;
  readonly evalCondition?: (cond: string | boolean) => boolean;
  readonly evaluate?: (expr: string) => unknown;
}

export const overlayKey = (fact: string, key: string): string => `${fact}:${key}`;

/** Replaces `{{ name }}` with vars[name]: enough to test template plumbing without the engine. */
export function substituteVars(text: string, vars: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new K8sbmError('K8SBM_TEMPLATE_UNDEFINED', `${name} is undefined`);
    return String(vars[name]);
  });
}

export function makePlanContext(conn: Connection, opts: HarnessOptions = {}): PlanContext {
  const vars = opts.vars ?? {};
  return {
    host: opts.host ?? conn.host,
    check: opts.check ?? false,
    diff: opts.diff ?? true,
    become: opts.become,
    loc: undefined,
    vars,
    async fact<A, T>(def: FactDef<A, T>, arg: A): Promise<T> {
      const key = overlayKey(def.name, def.key(arg));
      if (opts.overlay?.has(key)) return opts.overlay.get(key) as T;
      const res = await conn.exec({ argv: def.argv(arg), become: opts.become });
      return def.parse(res, arg);
    },
    probe: (argv, o) => conn.exec({ argv, stdin: o?.stdin, cwd: o?.cwd, become: opts.become }),
    findLocal(kind, path) {
      if (isAbsolute(path)) return path;
      const dir = opts.localDir ?? '.';
      const places = [join(dir, kind, path), join(dir, path)];
      const found = places.find((p) => existsSync(p));
      if (!found) throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `${path} not found`, { details: places.map((p) => `searched ${p}`) });
      return found;
    },
    readLocal: (absPath) => readFile(absPath),
    renderTemplate: opts.renderTemplate ?? ((text) => substituteVars(text, vars)),
    evalCondition: opts.evalCondition ?? ((cond) => (typeof cond === 'boolean' ? cond : Boolean(vars[cond]))),
    evaluate: opts.evaluate ?? ((expr) => vars[expr]),
  };
}

export function makeApplyContext(conn: Connection, opts: HarnessOptions = {}): ApplyContext {
  return { host: opts.host ?? conn.host, loc: undefined, run: (action) => runAction(conn, action, opts.become) };
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
  const plan = await module.plan(makePlanContext(conn, opts), params);
  if (plan.kind !== 'change') return { plan, execs: conn.execCount - before };
  if (opts.check) {
    for (const e of plan.effects) opts.overlay?.set(overlayKey(e.fact, e.key), e.value);
    return { plan, execs: conn.execCount - before };
  }
  const actx = makeApplyContext(conn, opts);
  const applied = module.apply ? await module.apply(actx, plan as ChangePlan, params) : await runAll(actx, plan);
  return { plan, applied, execs: conn.execCount - before };
}

async function runAll(ctx: ApplyContext, plan: ChangePlan): Promise<void> {
  for (const action of plan.actions) await ctx.run(action);
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
