import type { Diff } from '../contract/actions.js';

/** Every reporter handles every kind of event; adding a kind is a compile error until they do. */

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/**
 * A host's tally, counted as Ansible's PLAY RECAP counts (its strategy plugin), so the numbers
 * read the same to an Ansible user in the recap, the JSON `recap` event and the report file:
 * - ok: every task that did not fail, skip or go unreachable, changed ones included; a failure
 *   that `ignore_errors` let pass; an `include_tasks` that was loaded (not an `include_role`);
 *   a role's argument check. So `ok=3 changed=1` is three tasks of which one changed.
 * - changed: those of the ok tasks that changed something (a subset of ok).
 * - failed, unreachable: tasks that stopped the host (a failure later rescued moves to rescued).
 * - skipped: tasks, includes and argument checks whose `when` was false.
 * - ignored: failures that `ignore_errors` let pass (also counted in ok).
 * - rescued: blocks whose `rescue` took over a failure.
 */
export interface HostCounts {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  ignored: number;
  rescued: number;
}

export interface RunStartEvent {
  readonly event: 'run_start';
  readonly playbook: string;
  readonly check: boolean;
  readonly diff: boolean;
  /** Total tasks x hosts the run expects (for progress), when known. */
  readonly plannedTasks: number;
}

export interface PlayStartEvent {
  readonly event: 'play_start';
  readonly play: string;
  readonly hosts: readonly string[];
  readonly file: string;
  readonly line: number;
  /**
   * Why the play does not run on its hosts although it has some: `tags` when --tags/--skip-tags
   * select none of its tasks (and it has no gates), so its facts are not gathered either.
   */
  readonly skipped?: 'tags';
}

export interface TaskStartEvent {
  readonly event: 'task_start';
  readonly task: string;
  readonly module: string;
  readonly file: string;
  readonly line: number;
  readonly hosts: readonly string[];
  readonly handler: boolean;
}

export interface TaskResultEvent {
  readonly event: 'task_result';
  readonly host: string;
  readonly task: string;
  readonly module: string;
  readonly file: string;
  readonly line: number;
  readonly status: TaskStatus;
  /** The no-op reason, the change summary, the skip reason or the failure. */
  readonly msg: string;
  readonly diff?: readonly Diff[] | undefined;
  /** Loop item label, when the task loops. */
  readonly item?: string | undefined;
  readonly durationMs: number;
  /** Failure details, as lines for humans: where, the command, exit code and its meaning, tail of stderr, hint. */
  readonly detail?: readonly string[] | undefined;
  /** Failed or unreachable with a stable error code (K8SBM_...): scripts may rely on it. */
  readonly code?: string | undefined;
  /** What to do about the failure (also the last line of `detail`). */
  readonly hint?: string | undefined;
  readonly ignored?: boolean | undefined;
  /** Predicted (check mode) rather than done. */
  readonly predicted?: boolean | undefined;
  /** Execs this task sent to the host. */
  readonly execs?: number | undefined;
  /** The result of a health gate (`gates:` of the play): which one, around which batch. */
  readonly gate?: GatePlace | undefined;
}

/** Where a gate stands: its name, before or after which batch (1-based) of how many. */
export interface GatePlace {
  readonly name: string;
  readonly phase: 'before' | 'after';
  readonly batch: number;
  readonly batches: number;
}

/** A rollout a failing gate stopped: which batch, which gate, on which host, why, and who was left alone. */
export interface GateStop extends GatePlace {
  readonly play: string;
  /** The batch host the gate failed for. */
  readonly host: string;
  /** Where the check ran instead, when the gate is delegated. */
  readonly delegatedTo?: string | undefined;
  readonly msg: string;
  readonly code?: string | undefined;
  /** Where the gate is written. */
  readonly file: string;
  readonly line: number;
  /** Hosts of the play no task of it ran on (the stopped batch's too, for a before-gate). */
  readonly untouched: readonly string[];
}

export interface WarningEvent {
  readonly event: 'warning';
  readonly msg: string;
  readonly file?: string | undefined;
  readonly line?: number | undefined;
}

export interface RecapEvent {
  readonly event: 'recap';
  readonly hosts: Readonly<Record<string, HostCounts>>;
  /** Slowest tasks across hosts (wall time of the task over all hosts). */
  readonly slowest: readonly { task: string; file: string; line: number; durationMs: number }[];
  /** Where each failed host failed, and why. */
  readonly failures: readonly { host: string; task: string; file: string; line: number; msg: string }[];
  readonly durationMs: number;
  readonly check: boolean;
  /**
   * Execs (round trips) sent to each host over the run for its work: the tasks, their facts, the
   * lease taken and released, the handler journal. The same for the same play however long the
   * run takes.
   */
  readonly execs?: Readonly<Record<string, number>> | undefined;
  /**
   * Upkeep execs sent to each host because time passed: the lease's heartbeat, one every 20 s of
   * a run (in the host shell when it is free). Hosts that had none are left out.
   */
  readonly upkeep?: Readonly<Record<string, number>> | undefined;
  /**
   * SSH channels opened on each host over the run: sshd sessions, each a login shell and more on
   * the host (an exec in the host shell opens none). Hosts reached by SSH only.
   */
  readonly channels?: Readonly<Record<string, number>> | undefined;
  /** A failing health gate stopped a rollout: no later batch started. */
  readonly stopped?: GateStop | undefined;
}

export type RunEvent = RunStartEvent | PlayStartEvent | TaskStartEvent | TaskResultEvent | WarningEvent | RecapEvent;

export interface Reporter {
  onEvent(e: RunEvent): void;
  /** Flush and stop spinners. */
  close(): Promise<void>;
}

export function emptyCounts(): HostCounts {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 };
}
