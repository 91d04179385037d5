import type { Loc } from '../source/loc.js';
import type { Inventory } from '../inventory/index.js';
import type { AnyModule } from '../modules/types.js';
import type { PlaybookLoader } from '../playbook/index.js';
import { innerWins } from '../playbook/inherit.js';
import type { Condition, Inheritable, Play, RoleInstance } from '../playbook/model.js';
import type { HostCounts, RunEvent } from '../report/events.js';
import { emptyCounts } from '../report/events.js';
import type { Connection, ConnectionSpec } from '../transport/connection.js';
import type { VarLayer } from '../vars/layers.js';
import { FactOverlay } from './fact-overlay.js';
import { FactCache } from './fact-batch.js';
import type { Ahead } from './fact-lookahead.js';
import type { HostStateOptions } from './host-session.js';
import type { TagFilter } from './tags.js';

/** Everything a run needs from outside. Side effects (connections, clock, output) are injected. */
export interface RunOptions {
  readonly inventory: Inventory;
  readonly loader: PlaybookLoader;
  readonly modules: Readonly<Record<string, AnyModule>>;
  readonly connect: (spec: ConnectionSpec) => Connection;
  readonly emit: (e: RunEvent) => void;
  readonly check: boolean;
  readonly diff: boolean;
  /** Parallel hosts per task; default: all hosts of the batch, capped at 50. */
  readonly forks?: number | undefined;
  /**
   * Read the facts of a host's next tasks together, in one exec, when a task first needs one
   * (fact-batch.ts). Default on; K8SBM_READ_AHEAD=0 in the environment turns it off (to compare).
   */
  readonly readAhead?: boolean | undefined;
  readonly limit?: string | undefined;
  readonly tags: TagFilter;
  readonly extraVars: readonly VarLayer[];
  readonly startAtTask?: string | undefined;
  readonly verbosity?: number | undefined;
  readonly now?: () => number;
  /** Secret texts revealed to modules during the run (the CLI masks them in every event). */
  readonly secrets?: Set<string> | undefined;
  /** Set by Ctrl-C: stop starting new tasks. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Who runs, for the run lock and the handler journal on each host (see host-session.ts).
   * Unset: no lease is taken and no journal kept (the engine's own tests).
   */
  readonly hostState?: HostStateOptions | undefined;
}

/** Per-host mutable state for the whole run (facts and set_facts survive across plays). */
export interface HostRuntime {
  readonly name: string;
  /** A play targeted it (a host reached only as a delegate is not in the recap, as in Ansible). */
  targeted: boolean;
  failed: boolean;
  unreachable: boolean;
  /** meta: end_host / end_play for this host in the current play. */
  ended: boolean;
  facts: Record<string, unknown> | undefined;
  /** set_fact and register, level set_fact. */
  readonly setVars: Record<string, unknown>;
  /** Handler names/topics notified and not yet run. */
  readonly notified: Set<string>;
  /** Check-mode predicted facts. */
  readonly overlay: FactOverlay;
  readonly counts: HostCounts;
  /** Inventory layers (computed once). */
  inventoryLayers: readonly VarLayer[] | undefined;
  /** Settings the run's tasks own on this host (sysctl keys, whole files), by resource: see owned-once.ts. */
  readonly owned: Map<string, OwnedBy>;
  /**
   * Run before a task applies a change on this host (not in check mode): a commit_confirmed
   * block arms its rollback there, just before the block's first change (commit-confirmed.ts).
   */
  beforeChange?: (() => Promise<void>) | undefined;
  /** Facts read ahead for the next tasks, waiting to be used (fact-batch.ts). */
  readonly factCache: FactCache;
  /** Where the host is in its play, so the next tasks' facts can be read ahead (fact-lookahead.ts). */
  ahead: Ahead | undefined;
}

/** Which task set a resource, to what. */
export interface OwnedBy {
  readonly value: string | null;
  readonly task: string;
  readonly loc: Loc;
}

export function newHostRuntime(name: string): HostRuntime {
  return {
    owned: new Map(),
    name, targeted: false, failed: false, unreachable: false, ended: false, facts: undefined,
    setVars: {}, notified: new Set(), overlay: new FactOverlay(), counts: emptyCounts(), inventoryLayers: undefined,
    factCache: new FactCache(), ahead: undefined,
  };
}

/** What enclosing plays, blocks, roles and includes pass down to a task. */
export interface Scope {
  readonly when: readonly Condition[];
  readonly tags: readonly string[];
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly environment: Readonly<Record<string, unknown>>;
  /** Block vars, outermost first. */
  readonly blockVars: readonly Readonly<Record<string, unknown>>[];
  readonly includeParams: Readonly<Record<string, unknown>>;
  readonly checkMode: boolean | undefined;
  readonly diff: boolean | undefined;
  readonly noLog: boolean | undefined;
  readonly ignoreErrors: boolean | undefined;
  readonly anyErrorsFatal: boolean | undefined;
  readonly delegateTo: string | undefined;
  readonly runOnce: boolean | undefined;
  /** Seconds a task may take (`timeout:`). */
  readonly timeout: number | undefined;
  readonly role: RoleInstance | undefined;
}

export function playScope(play: Play): Scope {
  return {
    // A play's `when` comes from `import_playbook: x.yml` with a condition.
    when: play.when, tags: play.tags, become: play.become, becomeUser: play.becomeUser, environment: play.environment ?? {},
    blockVars: [], includeParams: {}, checkMode: play.checkMode, diff: play.diff, noLog: play.noLog,
    ignoreErrors: play.ignoreErrors, anyErrorsFatal: play.anyErrorsFatal, delegateTo: undefined, runOnce: undefined, timeout: play.timeout, role: undefined,
  };
}

/**
 * Enter a block, role or include: conditions accumulate, tags add up, the inner keyword wins.
 * `asBlockVars` is false for the task itself (its vars are task_vars, a higher level).
 */
export function enterScope(outer: Scope, inner: Inheritable, opts: { role?: RoleInstance | undefined; includeParams?: Readonly<Record<string, unknown>>; asBlockVars?: boolean } = {}): Scope {
  const vars = inner.vars ?? {};
  return {
    ...innerWins(outer, inner),
    when: inner.when.length ? [...outer.when, ...inner.when] : outer.when,
    tags: inner.tags.length ? [...new Set([...outer.tags, ...inner.tags])] : outer.tags,
    environment: inner.environment ? { ...outer.environment, ...inner.environment } : outer.environment,
    blockVars: opts.asBlockVars !== false && Object.keys(vars).length ? [...outer.blockVars, vars] : outer.blockVars,
    includeParams: opts.includeParams ? { ...outer.includeParams, ...opts.includeParams } : outer.includeParams,
    role: opts.role ?? outer.role,
  };
}
