import type { FactDef } from '../facts/types.js';
import type { Loc } from '../source/loc.js';
import type { BecomeSpec } from '../transport/connection.js';
import type { ExecResult } from '../contract/exec.js';
import type { Action, Diff, Effect } from '../contract/actions.js';
import type { JsonSchema, ParamRule } from '../contract/schema.js';
import type { Static, TSchema } from '@sinclair/typebox';

export type { Action, Diff, Effect, ExecAction, UploadAction } from '../contract/actions.js';
export { ActionFailed } from '../contract/actions.js';
export type { JsonSchema, ParamRule, ParamRuleFailure } from '../contract/schema.js';

// ---- Plans ----

export interface OkPlan {
  readonly kind: 'ok';
  /** Why nothing needs doing: "net.ipv4.ip_forward is already 1". Never empty. */
  readonly reason: string;
  /** Data for `register` (stat results, debug msg, ...). */
  readonly result?: Readonly<Record<string, unknown>> | undefined;
  /** Variables to set on the host (set_fact). */
  readonly setVars?: Readonly<Record<string, unknown>> | undefined;
  /** These become the host's facts, replacing what was gathered before (setup). */
  readonly facts?: Readonly<Record<string, unknown>> | undefined;
  /** meta: an instruction for the engine. */
  readonly meta?: 'flush_handlers' | 'end_play' | 'end_host' | 'clear_facts' | 'noop' | undefined;
}

export interface ChangePlan {
  readonly kind: 'change';
  /** One line: "create /etc/foo (0644 root:root)". */
  readonly summary: string;
  readonly diffs: readonly Diff[];
  /** Never empty: `changed` is derived from there being actions. */
  readonly actions: readonly Action[];
  readonly effects: readonly Effect[];
  readonly result?: Readonly<Record<string, unknown>> | undefined;
}

export interface SkipPlan {
  readonly kind: 'skip';
  readonly reason: string;
}

export interface FailPlan {
  readonly kind: 'fail';
  readonly msg: string;
  readonly result?: Readonly<Record<string, unknown>> | undefined;
}

export type Plan = OkPlan | ChangePlan | SkipPlan | FailPlan;

// ---- Contexts: narrow and read-only for plan; apply gets a runner. ----

export interface PlanContext {
  /** inventory_hostname */
  readonly host: string;
  readonly check: boolean;
  readonly diff: boolean;
  readonly become: BecomeSpec | undefined;
  /** The task's place, for errors. */
  readonly loc: Loc | undefined;
  /** All variables visible to the task, already layered (values are templated on access). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Read a fact; in check mode predicted effects of earlier tasks take precedence. */
  fact<A, T>(def: FactDef<A, T>, arg: A): Promise<T>;
  /** Run a read-only command on the host (a probe). Counted as a round trip. */
  probe(argv: readonly string[], opts?: { stdin?: string; cwd?: string }): Promise<ExecResult>;
  /**
   * Find a controller-side file: `files`/`templates` of the current role, then the playbook's
   * own `files`/`templates`, then next to the playbook. Absolute paths are taken as they are.
   * Throws K8SBM_FILE_NOT_FOUND naming every place searched.
   */
  findLocal(kind: 'files' | 'templates', path: string): string;
  readLocal(absPath: string): Promise<Buffer>;
  /** Render a template file's text with the task's variables (strict: undefined is an error). */
  renderTemplate(text: string, file: string): string;
  /** Evaluate a `when`-style condition (assert's `that`) with the task's variables. */
  evalCondition(cond: string | boolean, loc?: Loc): boolean;
  /** Evaluate an expression (debug's `var`) with the task's variables. */
  evaluate(expr: string, loc?: Loc): unknown;
}

export interface ApplyContext {
  readonly host: string;
  readonly loc: Loc | undefined;
  /**
   * Run one action on the host; throws ActionFailed when it does not succeed. `last`: the
   * change's last action, after which nothing the module does touches the host: the facts the
   * next tasks read may be read in the same exec, right after it (context.ts).
   */
  run(action: Action, opts?: { readonly last?: boolean }): Promise<ExecResult>;
}

/** What the module reference (docs/modules.md) says about a module (generated from the registry). */
export interface ModuleDoc {
  /** One sentence: what the module makes true. */
  readonly summary: string;
  /** How check mode treats it: full (plans exactly), partial (says what it cannot know), none. */
  readonly check: 'full' | 'partial' | 'none';
  /** What --diff shows: content, state (before/after), or nothing. */
  readonly diff: 'content' | 'state' | 'content and state' | 'none';
  /** A YAML task list showing typical use (validated by a test against the module's schema). */
  readonly example: string;
  /** Extra notes: round trips, platform limits. */
  readonly notes?: readonly string[] | undefined;
}

/** A setting a task owns: `sysctl net.ipv4.ip_forward`, `file /etc/hosts`; its value (null: removed). */
export interface OwnedSetting {
  readonly resource: string;
  readonly value: string | null;
}

/** One task of a preflight-checked module, rendered for one host. */
export interface PreflightInstance<P> {
  readonly host: string;
  readonly params: P;
  /** The host's gathered facts (undefined when the play gathers none). */
  readonly facts: Readonly<Record<string, unknown>> | undefined;
}

/** A design problem found before the play: about one host, at a parameter path of its task. */
export interface PreflightFinding {
  readonly host: string;
  readonly level: 'error' | 'warning';
  readonly msg: string;
  readonly hint: string;
  /** Path into the task's params: ['vlans', 'storage', 'mtu']. */
  readonly path: readonly (string | number)[];
}

export interface ModuleDefinition<P = Record<string, unknown>> {
  readonly name: string;
  /** Reference documentation (docs/modules.md); every shipped module has it. */
  readonly doc?: ModuleDoc | undefined;
  /**
   * Params schema (TypeBox, so the params type derives from it); the engine validates before
   * plan, at load time and again after rendering. `plan` never re-checks what it says.
   */
  readonly schema: JsonSchema;
  /** What the schema cannot say (two values compared, a parse); checked with it, before anything runs. */
  readonly rules?: readonly ParamRule<P>[] | undefined;
  /** Param that receives a bare string: `command: ls -l` -> { cmd: "ls -l" }. */
  readonly freeForm?: string | undefined;
  /** Runs on the controller only (debug, set_fact, assert, fail, meta): no connection needed. */
  readonly controllerOnly?: boolean | undefined;
  /** Parameters whose values are shown as *** in output (passwords, tokens). */
  readonly secretParams?: readonly string[] | undefined;
  /** Params that hold expressions of the condition language, not templates (assert's `that`); checked at load time. */
  readonly expressionParams?: readonly string[] | undefined;
  /**
   * The settings a task owns whole on its host (a sysctl key, a file's entire content), with the
   * value it sets (null: removed). Two tasks of a run that set one to different values are
   * refused before the play runs (see src/engine/owned-once.ts), instead of the later one
   * silently winning.
   */
  readonly owns?: ((params: P) => readonly OwnedSetting[]) | undefined;
  /**
   * Design checks across the hosts of a play, run once after facts are gathered and before the
   * play's first task (src/engine/preflight.ts): each task of this module is rendered per host and
   * all of them are handed over together, so a check can compare hosts (an address used twice).
   * An error stops the run before anything is sent; a warning is shown. A finding names the
   * parameter path it is about; the engine turns that into the variable's file:line.
   */
  readonly preflight?: ((instances: readonly PreflightInstance<P>[]) => readonly PreflightFinding[]) | undefined;
  /**
   * Every change it makes on the host is named by its plan's effects (file, copy, template, the
   * line editors: the paths they write). Facts of other paths read ahead of the change stay good
   * (src/engine/fact-batch.ts); a change of a module without it drops every fact read ahead.
   */
  readonly changesOnlyItsEffects?: boolean | undefined;
  /** It may wait for the host to change by itself (a port, a URL, a rollout): facts read ahead of it are dropped after it. */
  readonly waits?: boolean | undefined;
  /** Params naming a controller template file (template's `src`): a literal name's file is checked at load time. */
  readonly templateFileParams?: readonly string[] | undefined;
  plan(ctx: PlanContext, params: P): Promise<Plan>;
  /** Default: run plan.actions in order. Returns data merged into the registered result. */
  apply?(ctx: ApplyContext, plan: ChangePlan, params: P): Promise<Record<string, unknown> | void>;
}

/** A module as written: its params type is its schema's (`Static<typeof schema>`), never a second declaration. */
export type ModuleSpec<S extends TSchema> = Omit<ModuleDefinition<Static<S>>, 'schema'> & { readonly schema: S };

/** Erases the params type so heterogeneous modules fit one registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDefinition<any>;

/** The params type `plan` receives, inferred from the TypeBox schema. */
export function defineModule<S extends TSchema>(def: ModuleSpec<S>): ModuleDefinition<Static<S>>;
/** Modules whose schema is still plain JSON with a separate params interface (until converted). */
export function defineModule<P>(def: ModuleDefinition<P>): ModuleDefinition<P>;
export function defineModule(def: ModuleDefinition<unknown>): ModuleDefinition<unknown> {
  return def;
}
