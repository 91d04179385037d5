import type { Loc } from '../source/loc.js';
import type { VarLayer } from '../vars/layers.js';

/**
 * The typed playbook model the loader produces and the engine runs. Raw values (args, vars,
 * conditions) stay untemplated: templating happens per host at run time.
 * Static imports (import_tasks, import_role) are expanded by the loader into Blocks; dynamic
 * includes stay as items and are loaded by the engine when reached.
 */

/** A condition as written: an expression string, or a YAML boolean. A list means "all of". */
import type { Condition } from '../template/condition.js';

export type { Condition };

/** Keywords a play, block, role or include passes down to the tasks inside it. */
export interface Inheritable {
  readonly when: readonly Condition[];
  readonly tags: readonly string[];
  readonly become?: boolean | undefined;
  readonly becomeUser?: string | undefined;
  readonly environment?: Readonly<Record<string, unknown>> | undefined;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly checkMode?: boolean | undefined;
  readonly diff?: boolean | undefined;
  readonly noLog?: boolean | undefined;
  readonly ignoreErrors?: boolean | undefined;
  readonly anyErrorsFatal?: boolean | undefined;
  readonly delegateTo?: string | undefined;
  readonly runOnce?: boolean | undefined;
  /** Seconds the task may take in all (`timeout:`); unset: no limit. */
  readonly timeout?: number | undefined;
}

export interface LoopControl {
  readonly loopVar: string; // default "item"
  readonly indexVar?: string | undefined;
  readonly label?: string | undefined; // template
  readonly pauseSeconds?: number | undefined;
  readonly extended?: boolean | undefined;
}

export interface Task extends Inheritable {
  readonly kind: 'task';
  /** As written (may contain templates); undefined when the task has no name. */
  readonly name: string | undefined;
  readonly module: string;
  /** Module params as written: a mapping, or the normalised mapping of a free-form string. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly loc: Loc;
  /** Where the module key stands (for param errors). */
  readonly moduleLoc: Loc;
  readonly loop?: unknown;
  /** Written as `with_items`: flatten the loop list one level after templating, as Ansible does. */
  readonly loopFlatten?: boolean | undefined;
  readonly loopControl?: LoopControl | undefined;
  readonly register?: string | undefined;
  readonly notify: readonly string[];
  readonly changedWhen?: readonly Condition[] | undefined;
  readonly failedWhen?: readonly Condition[] | undefined;
  readonly until?: readonly Condition[] | undefined;
  readonly retries?: number | undefined; // default 3 when `until` is set
  readonly delay?: number | undefined; // seconds, default 5
  /** Handlers only: topics this handler listens to. */
  readonly listen: readonly string[];
  /** The role this task came from, for role vars and file lookups. */
  readonly role?: RoleInstance | undefined;
}

/**
 * `commit_confirmed:` on a block: the node snapshots what the block changes and arms a rollback
 * of its own; the run confirms through a new SSH connection (docs/commit-confirmed.md).
 */
export interface CommitConfirmed {
  /** Seconds the node waits for the confirmation before it restores the snapshot. */
  readonly timeout: number;
  /** `timeout: "{{ var }}"`: rendered per host when the block starts (then `timeout` is unused). */
  readonly timeoutTemplate?: string | undefined;
  /** Extra files to snapshot, as written (templates); those the block's tasks name come on top. */
  readonly paths: readonly string[];
  /** Shell lines the restore runs after the files are back (e.g. reload a daemon), as written. */
  readonly restore: readonly string[];
  /**
   * Live state to snapshot besides files: `nft` (the whole ruleset) or `nft table FAMILY NAME`
   * (that table alone, so other tables' changes in the window are kept); each put back in one transaction.
   */
  readonly runtime: readonly string[];
  /** Shell lines (templates) run over the new connection before confirming: a failure means not confirmed. */
  readonly probe: readonly string[];
  readonly loc: Loc;
}

export interface Block extends Inheritable {
  readonly kind: 'block';
  readonly name: string | undefined;
  readonly loc: Loc;
  readonly commitConfirmed?: CommitConfirmed | undefined;
  readonly block: readonly Item[];
  readonly rescue: readonly Item[];
  readonly always: readonly Item[];
  readonly role?: RoleInstance | undefined;
}

/** `include_tasks: file.yml` (dynamic: loaded when reached, per host). */
export interface IncludeTasks extends Inheritable {
  readonly kind: 'include_tasks';
  readonly name: string | undefined;
  readonly file: string; // may be a template
  readonly loc: Loc;
  /** Directory relative paths are resolved from (the including file's, or the role's tasks/). */
  readonly baseDir: string;
  readonly loop?: unknown;
  readonly loopFlatten?: boolean | undefined;
  readonly loopControl?: LoopControl | undefined;
  readonly role?: RoleInstance | undefined;
}

/** `include_role: {name: r}` (dynamic). */
export interface IncludeRole extends Inheritable {
  readonly kind: 'include_role';
  readonly name: string | undefined;
  readonly role: string; // may be a template
  readonly tasksFrom?: string | undefined;
  readonly loc: Loc;
  readonly loop?: unknown;
  readonly loopFlatten?: boolean | undefined;
  readonly loopControl?: LoopControl | undefined;
  readonly parentRole?: RoleInstance | undefined;
}

export type Item = Task | Block | IncludeTasks | IncludeRole;

export interface RoleInstance {
  readonly name: string;
  /** Absolute path of the role folder. */
  readonly path: string;
  readonly loc: Loc; // where the role was named
  readonly defaults: VarLayer; // level role_defaults
  readonly vars: VarLayer; // level role_vars
  readonly params: Readonly<Record<string, unknown>>; // level role_params
  readonly tasks: readonly Item[];
  readonly handlers: readonly Task[];
  /** Roles this one depends on (meta/main.yml), already loaded; they run first. */
  readonly dependencies: readonly RoleInstance[];
  /**
   * Keywords written on the role's entry (`roles: [{role: x, when: ..., tags: ..., become: ...}]`
   * or on include_role/import_role), passed down to the role's tasks. Entry `vars` are params.
   */
  readonly entry?: Inheritable | undefined;
  /**
   * The `options` of the role's argument spec entry point (meta/argument_specs.yml), as written.
   * Types and choices of params are checked at load time; `required` options only per host, since
   * a value may come from the inventory (checkRoleArguments in src/playbook/argspec.ts).
   */
  readonly argumentSpec?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A health gate: a named check run on each host of a batch (or delegated, or once), before the
 * batch starts or after it ends. It passes when its module succeeds and `that` holds (retried
 * `retries` times, `delay` seconds apart, for a cluster to settle). One failure stops the rollout.
 */
export interface Gate {
  readonly name: string;
  readonly phase: GatePhase;
  /** The check as a task: its module and params, `that` as `until`, retries and delay. */
  readonly task: Task;
  /** As written; the registered result is `result`. Undefined: the module's success alone. */
  readonly that: readonly Condition[] | undefined;
  /** Declared read-only: a before-gate then runs in check mode too. */
  readonly readOnly: boolean;
  readonly loc: Loc;
}

export type GatePhase = 'before' | 'after';

export interface Gates {
  readonly before: readonly Gate[];
  readonly after: readonly Gate[];
  readonly loc: Loc;
}

export interface Play extends Inheritable {
  readonly name: string;
  readonly hosts: string; // pattern (may be a template of extra vars)
  readonly loc: Loc;
  /** vars_files as written (each may be a template or a list of candidates: first found wins). */
  readonly varsFiles: readonly (string | readonly string[])[];
  /** Directory vars_files are resolved from. */
  readonly baseDir: string;
  readonly roles: readonly RoleInstance[];
  readonly preTasks: readonly Item[];
  readonly tasks: readonly Item[];
  readonly postTasks: readonly Item[];
  /**
   * The play's own handlers, then those of roles expanded in place by import_role (and their
   * dependencies). Roles of `roles:` keep theirs in RoleInstance.handlers.
   */
  readonly handlers: readonly Task[];
  readonly gatherFacts: boolean;
  /** Batch sizes: numbers or "30%" strings; the last repeats. Empty = all hosts at once. */
  readonly serial: readonly (number | string)[];
  readonly maxFailPercentage?: number | undefined;
  readonly strategy: 'linear' | 'free';
  /** Checks before and after each batch (`gates:`); none when absent. */
  readonly gates?: Gates | undefined;
}

export interface Playbook {
  /** Absolute path. */
  readonly file: string;
  readonly dir: string;
  readonly plays: readonly Play[];
}
