import type { Reporter, RunEvent, TaskResultEvent, TaskStartEvent, TaskStatus, WarningEvent } from './events.js';
import { assertNever } from '../util/assert-never.js';
import { createChalk, type ChalkInstance } from './color.js';
import { diffLines, paintDiffLine } from './diff.js';
import { banner, formatDuration, formatPlace, streamWidth } from './format.js';
import { createOraSpinner, ProgressTracker, type Spinner } from './progress.js';
import { renderRecap } from './recap.js';
import { compactHosts, DiffGrouper } from './hosts.js';

export interface PrettyReporterOptions {
  readonly out: NodeJS.WritableStream;
  readonly color: boolean;
  /** Only true when `out` is a terminal: the spinner rewrites its line in place. */
  readonly spinner: boolean;
  readonly diff: boolean;
  /** 0 default; 1 (-v) shows no-op and skip reasons; 2 (-vv) task paths and timings. */
  readonly verbosity: number;
  readonly check: boolean;
  /** The `PLAYBOOK: file` line at -v (default true); an ad-hoc `exec -m` has no playbook to name. */
  readonly playbookLine?: boolean;
}

/** Human output shaped like Ansible's: PLAY/TASK banners, one line per host, a recap. */
export function createPrettyReporter(opts: PrettyReporterOptions): Reporter {
  const chalk = createChalk(opts.color);
  const width = streamWidth(opts.out);
  const progress = new ProgressTracker();
  const spinner: Spinner | undefined = opts.spinner ? createOraSpinner(opts.out, opts.color) : undefined;
  /** The task whose banner is on screen: a result for another task repeats its banner. */
  let bannerKey: string | undefined;
  const handlerTasks = new Set<string>();
  /**
   * A task on several hosts shows its diffs after its hosts' lines, each distinct diff once with
   * the hosts it was on (the same login.defs change on 50 nodes is one diff, not 50). A task on
   * one host shows its diff under its line, as it comes.
   */
  const diffs = new DiffGrouper();
  let taskHosts = 0;
  const flushDiffs = (): string[] => {
    const lines: string[] = [];
    for (const g of diffs.take()) {
      const who = g.hosts.length === 1 ? g.hosts[0]! : `${g.hosts.length} hosts: ${compactHosts(g.hosts)}`;
      lines.push(chalk.bold(`diff for ${who}${g.item !== undefined ? ` (item=${g.item})` : ''}`));
      for (const d of g.diffs) lines.push(...diffLines(d).map((l) => paintDiffLine(l, chalk)));
    }
    return lines;
  };

  // Every line goes through here so the spinner is erased first and never splits a line.
  const print = (lines: readonly string[]): void => {
    if (lines.length === 0) return;
    spinner?.clear();
    opts.out.write(`${lines.join('\n')}\n`);
    spinner?.redraw();
  };
  const refreshSpinner = (): void => spinner?.update(progress.text(width - 2));

  const taskBanner = (e: { task: string; file: string; line: number }, handler: boolean): string[] => {
    const lines = ['', banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`, width)];
    if (opts.verbosity >= 2) lines.push(chalk.dim(`task path: ${formatPlace(e.file, e.line)}`));
    return lines;
  };

  const onTaskStart = (e: TaskStartEvent): void => {
    const key = taskKey(e);
    if (e.handler) handlerTasks.add(key);
    const before = flushDiffs();
    bannerKey = key;
    taskHosts = e.hosts.length;
    // Progress first, so the spinner redrawn after the lines already shows the new state.
    progress.taskStart(e);
    refreshSpinner();
    print([...before, ...taskBanner(e, e.handler)]);
  };

  const onTaskResult = (e: TaskResultEvent): void => {
    const key = taskKey(e);
    const lines: string[] = [];
    if (bannerKey !== key) {
      // Another task's result (a strategy that interleaves tasks): its own banner and diffs.
      lines.push(...flushDiffs());
      bannerKey = key;
      taskHosts = 0;
      lines.push(...taskBanner(e, handlerTasks.has(key)));
    }
    lines.push(...resultLines(e, chalk, opts));
    if (opts.diff && e.diff) {
      if (taskHosts > 1) diffs.add(e.host, e.item, e.diff);
      else for (const d of e.diff) lines.push(...diffLines(d).map((l) => paintDiffLine(l, chalk)));
    }
    progress.taskResult(e);
    refreshSpinner();
    print(lines);
  };

  return {
    onEvent(e: RunEvent): void {
      switch (e.event) {
        case 'run_start':
          progress.runStart(e);
          if (opts.verbosity >= 1 && opts.playbookLine !== false) print([`PLAYBOOK: ${e.playbook}${e.check ? ' (check mode)' : ''}`]);
          return;
        case 'play_start':
          bannerKey = undefined;
          progress.playStart();
          print([...flushDiffs(), '', banner(`PLAY [${e.play}]`, width), ...(e.hosts.length === 0 ? [chalk.cyan('skipping: no hosts matched')] : e.skipped === 'tags' ? [chalk.cyan('skipping: no task of this play is selected by --tags/--skip-tags')] : [])]);
          return;
        case 'task_start':
          onTaskStart(e);
          return;
        case 'task_result':
          onTaskResult(e);
          return;
        case 'warning':
          print(warningLines(e, chalk));
          return;
        case 'recap':
          spinner?.stop();
          print(flushDiffs());
          print(renderRecap(opts.check && !e.check ? { ...e, check: true } : e, chalk, width));
          return;
        default:
          assertNever(e, 'run event');
      }
    },
    async close(): Promise<void> {
      spinner?.stop();
      print(flushDiffs());
    },
  };
}

function taskKey(e: { task: string; file: string; line: number }): string {
  return `${e.file}:${e.line}:${e.task}`;
}

const STATUS_WORDS: Readonly<Record<TaskStatus, string>> = {
  ok: 'ok',
  changed: 'changed',
  failed: 'failed',
  skipped: 'skipped',
  unreachable: 'unreachable',
};

function statusPaint(status: TaskStatus, chalk: ChalkInstance): (s: string) => string {
  switch (status) {
    case 'ok': return chalk.green;
    case 'changed': return chalk.yellow;
    case 'failed': return chalk.red;
    case 'skipped': return chalk.cyan;
    case 'unreachable': return chalk.red.bold;
    default: return assertNever(status, 'task status');
  }
}

/** Whether the message is worth a line at this verbosity: no-op and skip reasons need -v. */
function showsMessage(status: TaskStatus, verbosity: number): boolean {
  switch (status) {
    case 'ok':
    case 'skipped':
      return verbosity >= 1;
    case 'changed':
    case 'failed':
    case 'unreachable':
      return true;
    default:
      return assertNever(status, 'task status');
  }
}

/** `changed: [node1] (item=eth0) => set mtu to 9000`, then failure details, indented. */
export function resultLines(e: TaskResultEvent, chalk: ChalkInstance, opts: { verbosity: number }): string[] {
  const paint = statusPaint(e.status, chalk);
  let head = `${STATUS_WORDS[e.status]}: [${e.host}]`;
  if (e.item !== undefined) head += ` (item=${e.item})`;
  // A gate check mode did not run says what it would check at any verbosity.
  const msg = showsMessage(e.status, opts.verbosity) || (e.gate !== undefined && e.predicted) ? e.msg.split('\n') : [];
  if (msg.length > 0 && msg[0] !== '') head += ` => ${msg[0]}`;
  if (opts.verbosity >= 2) head += ` (${formatDuration(e.durationMs)}${e.execs !== undefined ? `, ${e.execs} exec${e.execs === 1 ? '' : 's'}` : ''})`;
  const lines = [paint(head)];
  for (const more of msg.slice(1)) lines.push(paint(`    ${more}`));
  if (e.status === 'failed' || e.status === 'unreachable') {
    for (const d of e.detail ?? []) lines.push(paint(`    ${d}`));
  }
  if (e.ignored) lines.push(chalk.cyan('...ignoring'));
  return lines;
}

function warningLines(e: WarningEvent, chalk: ChalkInstance): string[] {
  const where = e.file !== undefined ? ` (${formatPlace(e.file, e.line)})` : '';
  const [first = '', ...rest] = e.msg.split('\n');
  return [chalk.magenta(`[WARNING]: ${first}${where}`), ...rest.map((r) => chalk.magenta(`  ${r}`))];
}
