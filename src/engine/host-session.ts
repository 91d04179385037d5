import type { RunEvent } from '../report/events.js';
import type { K8sbmError } from '../source/errors.js';
import type { BecomeSpec, Connection, ExecResult } from '../transport/connection.js';
import { UnreachableError } from '../transport/connection.js';
import { describeExit } from '../contract/exit.js';
import { classifyFactFailure } from '../facts/types.js';
import { assertNever } from '../util/assert-never.js';
import { addEntries, parseJournal, removeEntries, serializeJournal, type Journal, type JournalEntry } from './handler-journal.js';
import { BEAT_PATIENCE_MS, HEARTBEAT_SECONDS, heldWarning, hostLockedError, leaseFailedError, leaseText, parseSessionOutput, type RunIdentity, type SessionAnswer } from './lease.js';
import { batchScript, newMarker, splitBatch } from '../transport/batch-script.js';
import { beatArgv, journalArgv, releaseArgv, sessionArgv } from './lease-script.js';

/**
 * A run's state on each host it changes: the lease (run lock) taken in the run's first round
 * trip with the host, kept fresh by a heartbeat and released at the end; and the handler journal
 * read in that same round trip and rewritten when a task notifies a handler or a handler has run.
 * In check mode the first round trip only reads (the lease is described, never taken) and
 * nothing is ever written.
 */

export interface HostStateOptions {
  readonly identity: RunIdentity;
  /**
   * Called once the run holds a lease: `release` frees every lease of the run, for a process
   * that is stopped (SIGTERM, a second Ctrl-C) before the run can end. Returns the unregister.
   */
  readonly onExit?: ((release: () => Promise<void>) => () => void) | undefined;
  /** Tests: where the node scripts keep lease and journal instead of /run/k8sbm and /var/lib/k8sbm. */
  readonly base?: string | undefined;
  readonly heartbeatMs?: number | undefined;
}

/** Commands that go along in the session's first exec, and who takes their answers. */
export interface SessionRider {
  readonly argvs: readonly (readonly string[])[];
  accept(results: readonly ExecResult[]): void;
}

/** How the session reaches its host: the host's own connection and the privilege it uses. */
export interface SessionTarget {
  readonly host: string;
  readonly connection: () => Promise<Connection>;
  readonly become: BecomeSpec | undefined;
}

type Start =
  | { readonly kind: 'answer'; readonly answer: SessionAnswer }
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'failed'; readonly msg: string; readonly detail: readonly string[]; readonly sudoRefused?: boolean };

interface HostSession {
  readonly target: SessionTarget;
  start: Promise<Start>;
  settled: K8sbmError | undefined | 'pending';
  taken: boolean;
  lost: boolean;
  released: boolean;
  beating: boolean;
  lockFile: string;
  journalFile: string;
  journal: Journal;
  /** Entries that were pending when the run began and no play of this run has taken up yet. */
  earlier: JournalEntry[];
  dirty: boolean;
}

export class HostSessions {
  readonly #sessions = new Map<string, HostSession>();
  #timer: NodeJS.Timeout | undefined;
  #unregister: (() => void) | undefined;
  /** Released (or being released): no heartbeat starts any more. */
  #closed = false;
  /** The one release of this run's leases: the run's end and a hard stop's exit share it. */
  #releasing: Promise<void> | undefined;

  constructor(
    private readonly opts: HostStateOptions,
    private readonly check: boolean,
    private readonly emit: (e: RunEvent) => void,
  ) {}

  /**
   * The first round trip with the host, sent now and answered while the play goes on (no-op when
   * open). `rider`: fact commands sent in the same exec, for the play's first tasks (fact-batch.ts).
   */
  open(target: SessionTarget, rider?: SessionRider): void {
    if (this.#sessions.has(target.host)) return;
    const mode = this.check ? 'peek' : 'take';
    const s: HostSession = {
      target, start: Promise.resolve({ kind: 'unreachable' }), settled: 'pending', taken: false, lost: false, released: false, beating: false,
      lockFile: '', journalFile: '', journal: { entries: [], other: [] }, earlier: [], dirty: false,
    };
    const argv = sessionArgv(mode, leaseText(this.opts.identity), this.opts.base ?? '');
    s.start = (rider && rider.argvs.length ? this.#execWithRider(target, argv, rider) : this.#exec(target, argv)).then((r): Start => {
      if (r.code !== 0) {
        const exit = describeExit(r);
        const detail = exit.tail.length ? [`${exit.tailFrom}:`, ...exit.tail.map((l) => `  ${l}`)] : [];
        return { kind: 'failed', msg: exit.headline, detail, sudoRefused: classifyFactFailure(r.stderr) === 'K8SBM_BECOME_FAILED' };
      }
      return { kind: 'answer', answer: parseSessionOutput(r.stdout) };
    }, (e: unknown): Start => {
      if (e instanceof UnreachableError) return { kind: 'unreachable' };
      return { kind: 'failed', msg: e instanceof Error ? e.message : String(e), detail: [] };
    }).then((st) => {
      this.#record(s, st);
      return st;
    });
    this.#sessions.set(target.host, s);
  }

  /** What the first round trip found, kept whether or not a play waits for it (a lease taken is released at the end). */
  #record(s: HostSession, st: Start): void {
    if (st.kind !== 'answer') return;
    const a = st.answer;
    s.lockFile = a.lockFile;
    // A journal that cannot be read is never overwritten with what this run knows.
    s.journalFile = a.journalUnreadable ? '' : a.journalFile;
    s.journal = parseJournal(a.journal);
    s.earlier = [...s.journal.entries];
    if (a.lease.kind === 'taken') {
      s.taken = true;
      this.#startHeartbeat();
    }
  }

  has(host: string): boolean {
    return this.#sessions.has(host);
  }

  /**
   * Waits for the first round trip: the error that refuses the host (its lease is another run's,
   * or cannot be taken), or undefined. Check mode never refuses: it warns. An unreachable host is
   * left to its first task to report.
   */
  async settle(host: string): Promise<K8sbmError | undefined> {
    const s = this.#sessions.get(host);
    if (!s) return undefined;
    if (s.settled !== 'pending') return s.settled;
    const start = await s.start;
    if (s.settled !== 'pending') return s.settled;
    s.settled = this.#decide(host, s, start);
    return s.settled;
  }

  #decide(host: string, s: HostSession, start: Start): K8sbmError | undefined {
    if (start.kind === 'unreachable') return undefined;
    if (start.kind === 'failed') {
      if (this.check) { this.#warn(`${host}: could not read the run lock and the handler journal: ${start.msg}`); return undefined; }
      return leaseFailedError(host, start.msg, start.detail, start.sudoRefused === true);
    }
    const a = start.answer;
    if (a.journalUnreadable) this.#warn(`${host}: the handler journal ${a.journalFile} cannot be read: handlers pending from earlier runs are not known`);
    const lease = a.lease;
    switch (lease.kind) {
      case 'taken':
        return undefined;
      case 'free':
        if (this.check) return undefined;
        return leaseFailedError(host, 'the lease script took no lease');
      case 'held':
        if (this.check) { this.#warn(heldWarning(host, lease.lease, a.boot)); return undefined; }
        return hostLockedError(host, lease.lease, a.boot);
      case 'error':
        if (this.check) { this.#warn(`${host}: could not read the run lock: ${lease.msg}`); return undefined; }
        return leaseFailedError(host, lease.msg);
      default:
        return assertNever(lease, 'lease answer');
    }
  }

  /** Handlers pending from earlier runs on the host, not yet taken up by a play of this run. */
  pending(host: string): readonly JournalEntry[] {
    return this.#sessions.get(host)?.earlier ?? [];
  }

  /** A play took up a pending handler: it runs at the end of that play. */
  claim(host: string, entry: JournalEntry): void {
    const s = this.#sessions.get(host);
    if (s) s.earlier = s.earlier.filter((e) => e !== entry);
  }

  /**
   * A task notified these handlers: journaled on the host before the run moves on (one exec,
   * none when all of them were pending already). Returns the execs it took.
   */
  async notify(host: string, handlers: readonly string[]): Promise<number> {
    const s = this.#sessions.get(host);
    if (!s || !s.taken || handlers.length === 0) return 0;
    const id = this.opts.identity;
    const next = addEntries(s.journal, handlers, { run: id.runId, at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), by: id.owner });
    if (next === s.journal) return 0;
    s.journal = next;
    s.dirty = true;
    return this.#writeJournal(host, s, `handler${handlers.length > 1 ? 's' : ''} ${handlers.map((h) => `"${h}"`).join(', ')}`);
  }

  /** A handler answering to these names ran on the host: its entries go at the next flushJournal. */
  handled(host: string, names: ReadonlySet<string>): void {
    const s = this.#sessions.get(host);
    if (!s || !s.taken) return;
    const next = removeEntries(s.journal, names);
    if (next !== s.journal) { s.journal = next; s.dirty = true; }
  }

  /** Writes the journals that changed since they were last written (one exec per such host). */
  async flushJournal(hosts: readonly string[]): Promise<void> {
    await Promise.all(hosts.map(async (host) => {
      const s = this.#sessions.get(host);
      if (s?.dirty) await this.#writeJournal(host, s, 'the handlers that ran');
    }));
  }

  async #writeJournal(host: string, s: HostSession, what: string): Promise<number> {
    if (this.check || !s.journalFile) return 0;
    s.dirty = false;
    try {
      const r = await this.#exec(s.target, journalArgv(s.journalFile), serializeJournal(s.journal), { light: true });
      if (r.code !== 0) throw new Error(describeExit(r).headline);
    } catch (e) {
      s.dirty = true;
      this.#warn(`${host}: could not write ${what} into the handler journal ${s.journalFile}: ${e instanceof Error ? e.message : String(e)}; if this run fails, the next one will not know of them`);
    }
    return 1;
  }

  /** End of the run: say which pending handlers no play took up, and release every lease. */
  async close(): Promise<void> {
    for (const [host, s] of this.#sessions) {
      for (const e of s.earlier) {
        this.#warn(`${host}: handler "${e.handler}" is pending from an earlier run (run id ${e.run}, ${e.at}) and did not run: no play of this run that reached ${host} defines it, or the host failed first; it stays in the journal for a run that does`);
      }
    }
    await (this.#releasing ??= this.#releaseAll(true));
  }

  /** Frees every lease now (the process is being stopped): best effort, quietly. */
  releaseNow(): Promise<void> {
    return (this.#releasing ??= this.#releaseAll(false));
  }

  async #releaseAll(report: boolean): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    // Still registered while it releases: an exit that comes meanwhile waits for it (ExitReleases).
    const unregister = this.#unregister;
    this.#unregister = undefined;
    try {
      await this.#releaseSessions(report);
    } finally {
      unregister?.();
    }
  }

  async #releaseSessions(report: boolean): Promise<void> {
    await Promise.all([...this.#sessions].map(async ([host, s]) => {
      await s.start;
      if (!s.taken || s.released) return;
      s.released = true;
      try {
        // Also after a hard stop, when the connection runs nothing else (its commands are stopped
        // first): whichever path gets here first (the run's end or the exit) must be able to release.
        const r = await this.#exec(s.target, releaseArgv(s.lockFile, this.opts.identity.runId), undefined, { afterStop: true });
        if (report && r.stdout.includes('release=lost') && !s.lost) {
          this.#warn(`${host}: this run's lease was gone before the run ended (broken with \`k8sbm unlock --force\`?): another run may have changed the host meanwhile`);
        }
      } catch (e) {
        if (report) this.#warn(`${host}: the run lock could not be released (${e instanceof UnreachableError ? e.reason : e instanceof Error ? e.message : String(e)}); it goes stale without its heartbeat: \`k8sbm unlock ${host}\` then`);
      }
    }));
  }

  #startHeartbeat(): void {
    if (this.#closed) return;
    if (!this.#unregister && this.opts.onExit) this.#unregister = this.opts.onExit(() => this.releaseNow());
    if (this.#timer) return;
    this.#timer = setInterval(() => { void this.#beat(); }, this.opts.heartbeatMs ?? HEARTBEAT_SECONDS * 1000);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    await Promise.all([...this.#sessions].map(async ([host, s]) => {
      if (!s.taken || s.lost || s.released || s.beating) return;
      s.beating = true;
      try {
        // In the host shell when there is one (waiting for it if it is busy): a beat every 20 s
        // of a long run is otherwise an sshd session and a login on every host each time. It
        // waits up to two beats' time (the next beat is skipped meanwhile): a lease goes stale
        // after six, so a beat that then takes a channel is still four early.
        const r = await this.#exec(s.target, beatArgv(s.lockFile, this.opts.identity.runId), undefined, { light: true, patient: BEAT_PATIENCE_MS, upkeep: true });
        if (r.stdout.includes('beat=lost') && !s.released) {
          s.lost = true;
          this.#warn(`${host}: this run's lease is gone (broken with \`k8sbm unlock --force\`?): another run may now change the host at the same time`);
        }
      } catch { /* the connection is gone: the lease goes stale, as it should */ } finally {
        s.beating = false;
      }
    }));
  }

  /** The session's script and the rider's commands in one exec; the session alone when that did not come back whole. */
  async #execWithRider(t: SessionTarget, argv: readonly string[], rider: SessionRider): Promise<ExecResult> {
    const marker = newMarker();
    const script = batchScript([argv, ...rider.argvs], marker);
    if (script === undefined) return this.#exec(t, argv);
    const parts = splitBatch(await this.#exec(t, ['sh', '-c', script]), rider.argvs.length + 1, marker);
    if (!parts) return this.#exec(t, argv);
    rider.accept(parts.slice(1));
    return parts[0]!;
  }

  /** `light`: one of k8sbm's own short commands (the host shell may run it); `patient`: it may wait for that shell. */
  async #exec(t: SessionTarget, argv: readonly string[], stdin?: string, how: { afterStop?: true; light?: true; patient?: number; upkeep?: true } = {}): Promise<ExecResult> {
    const conn = await t.connection();
    return conn.exec({ argv, stdin, become: t.become, ...how });
  }

  #warn(msg: string): void {
    this.emit({ event: 'warning', msg });
  }
}
