import type { Playbook } from '../playbook/model.js';
import type { GateStop, HostCounts, RecapEvent, RunEvent } from '../report/events.js';
import type { Loc } from '../source/loc.js';
import { HostSessions } from './host-session.js';
import { ConnectionPool } from './play-env.js';
import { listPlayTasks } from './listing.js';
import { deselectedByTags, playHostsFor, runPlay } from './play.js';
import type { HostRuntime, RunOptions } from './runtime.js';

/** Run-wide state shared by the plays of one playbook run. */
export interface RunContext {
  readonly opts: RunOptions;
  readonly playbookDir: string;
  readonly hosts: Map<string, HostRuntime>;
  readonly connections: ConnectionPool;
  /** Leases and handler journals of the hosts (undefined: none kept). */
  readonly sessions: HostSessions | undefined;
  readonly emit: (e: RunEvent) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly startAt: { value: string | undefined };
  readonly secrets: Set<string>;
  recordDuration(task: string, loc: Loc, ms: number): void;
  recordFailure(host: string, task: string, loc: Loc, msg: string): void;
  forgetFailures(hosts: readonly string[]): void;
  /** A failing gate stopped a play's rollout (the run ends there). */
  recordStop(stop: GateStop): void;
}

export interface RunOutcome {
  readonly recap: RecapEvent;
  /** 0 ok, 1 failures/unreachable, 2 changes pending (only with detailedExitCode). */
  readonly exitCode: 0 | 1 | 2;
  readonly changed: boolean;
  readonly execCounts: Record<string, number>;
}

/** Tasks x hosts the run expects, for progress (dynamic includes count as one task). */
function estimateTasks(playbook: Playbook, opts: RunOptions): number {
  let n = 0;
  for (const play of playbook.plays) {
    try {
      const hosts = playHostsFor(opts.inventory, play, opts.extraVars, opts.limit).hosts.length;
      if (deselectedByTags(play, opts.tags)) continue;
      n += (listPlayTasks(play, opts.tags).length + (play.gatherFacts ? 1 : 0)) * hosts;
    } catch { /* a templated pattern that cannot be resolved yet: no estimate for that play */ }
  }
  return n;
}

export async function runPlaybook(playbook: Playbook, opts: RunOptions & { detailedExitCode?: boolean }): Promise<RunOutcome> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const durations = new Map<string, { task: string; file: string; line: number; durationMs: number }>();
  const failures: RecapEvent['failures'][number][] = [];
  let stopped: GateStop | undefined;
  const rc: RunContext = {
    opts,
    playbookDir: playbook.dir,
    hosts: new Map(),
    connections: new ConnectionPool(opts.connect),
    sessions: opts.hostState ? new HostSessions(opts.hostState, opts.check, opts.emit) : undefined,
    emit: opts.emit,
    now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    startAt: { value: opts.startAtTask },
    secrets: opts.secrets ?? new Set(),
    recordDuration(task, loc, ms) {
      const k = `${loc.file}:${loc.line}:${task}`;
      const e = durations.get(k);
      if (e) e.durationMs += ms; else durations.set(k, { task, file: loc.file, line: loc.line, durationMs: ms });
    },
    recordFailure(host, task, loc, msg) { failures.push({ host, task, file: loc.file, line: loc.line, msg }); },
    recordStop(stop) { stopped = stop; },
    forgetFailures(hosts) {
      for (let i = failures.length - 1; i >= 0; i--) if (hosts.includes(failures[i]!.host)) failures.splice(i, 1);
    },
  };
  opts.emit({ event: 'run_start', playbook: playbook.file, check: opts.check, diff: opts.diff, plannedTasks: estimateTasks(playbook, opts) });
  let execCounts: Record<string, number> = {};
  let channelCounts: Record<string, number> = {};
  let upkeepCounts: Record<string, number> = {};
  try {
    for (const play of playbook.plays) {
      const { aborted } = await runPlay(rc, play);
      if (aborted || opts.signal?.aborted) break;
    }
  } finally {
    // Before the connections close: the leases are released over them.
    await rc.sessions?.close();
    ({ execs: execCounts, upkeep: upkeepCounts, channels: channelCounts } = await rc.connections.counts());
    await rc.connections.closeAll();
  }
  const hosts: Record<string, HostCounts> = {};
  // Counted as Ansible counts: a delegate's results belong to the host they were delegated for.
  for (const [name, h] of rc.hosts) if (h.targeted) hosts[name] = { ...h.counts };
  const recap: RecapEvent = {
    event: 'recap', hosts, failures,
    slowest: [...durations.values()].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5),
    durationMs: now() - started,
    check: opts.check,
    execs: execCounts,
    ...(Object.keys(upkeepCounts).length ? { upkeep: upkeepCounts } : {}),
    ...(Object.keys(channelCounts).length ? { channels: channelCounts } : {}),
    ...(stopped ? { stopped } : {}),
  };
  opts.emit(recap);
  const anyFailed = Object.values(hosts).some((c) => c.failed > 0 || c.unreachable > 0);
  const changed = Object.values(hosts).some((c) => c.changed > 0);
  const exitCode = anyFailed || opts.signal?.aborted ? 1 : opts.detailedExitCode && changed ? 2 : 0;
  return { recap, exitCode, changed, execCounts };
}
