import type { Ora } from 'ora';
import type { RunStartEvent, TaskResultEvent, TaskStartEvent } from './events.js';

/**
 * Counts host x task results against the run's plan and knows which hosts are still working,
 * for the spinner line. Pure bookkeeping: no I/O.
 */
export class ProgressTracker {
  #planned = 0;
  #done = 0;
  #current = '';
  /** Task runs still waiting for some hosts; a free strategy can have several at once. */
  #running: { key: string; task: string; pending: Set<string> }[] = [];

  runStart(e: RunStartEvent): void {
    this.#planned = e.plannedTasks;
  }

  playStart(): void {
    this.#running = [];
  }

  taskStart(e: TaskStartEvent): void {
    this.#current = e.task;
    if (e.hosts.length > 0) this.#running.push({ key: taskKey(e), task: e.task, pending: new Set(e.hosts) });
  }

  taskResult(e: TaskResultEvent): void {
    const key = taskKey(e);
    // Newest run first: a task included twice must not steal results from the later run.
    for (let i = this.#running.length - 1; i >= 0; i--) {
      const run = this.#running[i]!;
      if (run.key !== key || !run.pending.has(e.host)) continue;
      run.pending.delete(e.host);
      this.#done++;
      if (run.pending.size === 0) this.#running.splice(i, 1);
      return;
    }
  }

  get done(): number { return this.#done; }
  get planned(): number { return this.#planned; }

  hostsInFlight(): string[] {
    const hosts = new Set<string>();
    for (const run of this.#running) for (const h of run.pending) hosts.add(h);
    return [...hosts];
  }

  /** One line, at most `width` characters: "[12/40] TASK install packages · node1, node2 +3". */
  text(width: number): string {
    const count = this.#planned > 0 ? `${Math.min(this.#done, this.#planned)}/${this.#planned}` : String(this.#done);
    const hosts = this.hostsInFlight();
    let line = `[${count}] ${this.#current}`;
    if (hosts.length > 0) {
      const shown = hosts.slice(0, 3).join(', ');
      line += ` · ${hosts.length} in flight: ${shown}${hosts.length > 3 ? ` +${hosts.length - 3}` : ''}`;
    }
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
  }
}

function taskKey(e: { task: string; file: string; line: number }): string {
  return `${e.file}:${e.line}:${e.task}`;
}

/** What the pretty reporter needs from a spinner; lets the line printer stay ignorant of ora. */
export interface Spinner {
  /** Show (starting if needed) the spinner with this text. */
  update(text: string): void;
  /** Erase the spinner line so a normal line can be printed in its place. */
  clear(): void;
  /** Draw the spinner again after lines were printed. */
  redraw(): void;
  /** Stop for good: erase it, restore the cursor, release the timer. */
  stop(): void;
}

/** A spinner on `out`; ora is only created on the first update, so construction does no I/O. */
export function createOraSpinner(out: NodeJS.WritableStream, color: boolean): Spinner {
  let spinner: Ora | undefined;
  let stopped = false;
  let latest: string | undefined;
  // ora (and its dozen packages) loads beside the run, only on a terminal: until it is there the
  // spinner shows nothing, and nothing else waits for it.
  let ora: typeof import('ora').default | undefined;
  const show = (text: string): void => {
    if (ora === undefined) return;
    if (spinner === undefined) {
      // A terminal that reports no width (some pseudo-terminals) makes ora's line count
      // infinite and it would erase the screen forever: no spinner there.
      const columns = (out as { columns?: unknown }).columns;
      if (typeof columns !== 'number' || columns <= 0) {
        stopped = true;
        return;
      }
      // discardStdin off: become/ssh prompts may need stdin while the spinner runs.
      spinner = ora({ stream: out, discardStdin: false, color: color ? 'cyan' : false });
      spinner.start();
    }
    spinner.text = text;
  };
  import('ora').then((m) => {
    ora = m.default;
    if (!stopped && latest !== undefined) show(latest);
  }, () => { stopped = true; });
  return {
    update(text) {
      if (stopped) return;
      latest = text;
      show(text);
    },
    clear() {
      if (spinner?.isSpinning) spinner.clear();
    },
    redraw() {
      if (spinner?.isSpinning) spinner.render();
    },
    stop() {
      stopped = true;
      spinner?.stop();
      spinner = undefined;
    },
  };
}
