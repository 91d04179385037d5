import { assertNever } from '../util/assert-never.js';
import type { RecapEvent, RunEvent, TaskResultEvent, WarningEvent } from './events.js';
import { formatPlace } from './format.js';
import { DiffGrouper } from './hosts.js';

/** What the summary reports (Markdown, HTML) say of a run: its verdict, and its changes by task. */

export interface Verdict {
  /** `5 changes pending on 2 of 3 hosts`, `no changes on 3 hosts`, `failed on 1 of 3 hosts`. */
  readonly text: string;
  readonly tone: 'good' | 'warn' | 'bad';
}

/** The run's verdict from its recap (none: it did not finish). */
export function verdictOf(recap: RecapEvent | undefined, check: boolean): Verdict {
  if (recap === undefined) return { text: 'did not finish', tone: 'bad' };
  const counts = Object.values(recap.hosts);
  const n = counts.length;
  const failed = counts.filter((h) => h.failed + h.unreachable > 0).length;
  if (failed > 0) return { text: `failed on ${failed} of ${n} hosts`, tone: 'bad' };
  const changed = counts.reduce((s, h) => s + h.changed, 0);
  if (changed > 0) {
    return { text: `${changed} change${changed === 1 ? '' : 's'} ${check ? 'pending' : 'made'} on ${counts.filter((h) => h.changed > 0).length} of ${n} hosts`, tone: 'warn' };
  }
  return { text: `no changes on ${n} host${n === 1 ? '' : 's'}`, tone: 'good' };
}

/** `k8sbm plan`, `k8sbm run`, `k8sbm run (check mode)`. */
export function commandTitle(mode: 'run' | 'plan', check: boolean): string {
  return mode === 'plan' ? 'k8sbm plan' : check ? 'k8sbm run (check mode)' : 'k8sbm run';
}

export interface TaskChanges {
  readonly task: string;
  /** file:line */
  readonly place: string;
  /** Each distinct message ("set mode 0644", with its loop item) and the hosts it came from. */
  readonly messages: Map<string, string[]>;
  readonly diffs: DiffGrouper;
}

/** The changed results of a run, by task in the order they first changed something. */
export class ChangeLog {
  readonly #tasks = new Map<string, TaskChanges>();

  add(e: TaskResultEvent): void {
    const place = formatPlace(e.file, e.line);
    const key = `${place}:${e.task}`;
    let t = this.#tasks.get(key);
    if (!t) {
      t = { task: e.task, place, messages: new Map(), diffs: new DiffGrouper() };
      this.#tasks.set(key, t);
    }
    const msg = `${e.item !== undefined ? `(item=${e.item}) ` : ''}${e.msg.split('\n')[0] ?? ''}`;
    const hosts = t.messages.get(msg);
    if (hosts) hosts.push(e.host); else t.messages.set(msg, [e.host]);
    if (e.diff) t.diffs.add(e.host, e.item, e.diff);
  }

  get tasks(): readonly TaskChanges[] {
    return [...this.#tasks.values()];
  }
}

/** A failure the run did not let pass (ignore_errors). */
export function isFailure(e: TaskResultEvent): boolean {
  return (e.status === 'failed' || e.status === 'unreachable') && !e.ignored;
}

/** A run as the summary reports see it: its playbook, changes, failures, warnings and recap. */
export class RunSummary {
  playbook = '';
  check = false;
  readonly changes = new ChangeLog();
  readonly failures: TaskResultEvent[] = [];
  readonly warnings: WarningEvent[] = [];
  recap: RecapEvent | undefined;

  onEvent(e: RunEvent): void {
    switch (e.event) {
      case 'run_start':
        this.playbook = e.playbook;
        this.check = e.check;
        return;
      case 'play_start':
      case 'task_start':
        return;
      case 'task_result':
        if (e.status === 'changed') this.changes.add(e);
        else if (isFailure(e)) this.failures.push(e);
        return;
      case 'warning':
        this.warnings.push(e);
        return;
      case 'recap':
        this.recap = e;
        return;
      default:
        assertNever(e, 'run event');
    }
  }
}
