import { K8sbmError } from '../source/errors.js';

/**
 * A run's lease on a host (its run lock), as data: what a run writes into it, what the node
 * answers, and how a held lease reads to the user. The scripts are in lease-script.ts; the
 * round trips in host-session.ts.
 */

/** Who runs: written into every lease the run takes and every handler it journals. */
export interface RunIdentity {
  /** user@workstation */
  readonly owner: string;
  /** The controller's process id. */
  readonly pid: number;
  /** Random, one per run. */
  readonly runId: string;
  /** What runs, e.g. `run site.yml`. */
  readonly command: string;
}

/** The heartbeat touches each lease this often. */
export const HEARTBEAT_SECONDS = 20;
/** A lease whose heartbeat is older than this (six missed beats) is stale. */
export const STALE_AFTER_SECONDS = 120;
/** How long a beat waits for a busy host shell before it takes a channel: two beats' time. */
export const BEAT_PATIENCE_MS = 2 * HEARTBEAT_SECONDS * 1000;

/** The lease's text: key=value lines (the node adds started= and boot=). */
export function leaseText(id: RunIdentity): string {
  return [`owner=${clean(id.owner)}`, `pid=${id.pid}`, `run=${clean(id.runId)}`, `command=${clean(id.command)}`].join('\n');
}

/** One line, printable: a value never spills into the next key. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}

/** A lease someone holds, as the node described it. */
export interface HeldLease {
  /** The lease file (another one than ours when a run without root respects root's). */
  readonly file: string;
  /** Seconds since its heartbeat, by the node's clock. */
  readonly age: number;
  readonly owner: string | undefined;
  readonly pid: string | undefined;
  readonly run: string | undefined;
  readonly command: string | undefined;
  /** Epoch seconds, node clock. */
  readonly started: number | undefined;
  readonly boot: string | undefined;
  /** Not readable by this login (root's lease, seen without become). */
  readonly unreadable: boolean;
}

export type LeaseAnswer =
  | { readonly kind: 'taken' }
  | { readonly kind: 'free' }
  | { readonly kind: 'held'; readonly lease: HeldLease }
  | { readonly kind: 'error'; readonly msg: string };

export interface SessionAnswer {
  readonly lockFile: string;
  readonly journalFile: string;
  /** The node's boot id now. */
  readonly boot: string;
  readonly lease: LeaseAnswer;
  readonly journal: readonly string[];
  readonly journalUnreadable: boolean;
}

/** Parses what SESSION_SCRIPT prints. Lines it does not know are ignored. */
export function parseSessionOutput(stdout: string): SessionAnswer {
  const kv = new Map<string, string>();
  const lease = new Map<string, string>();
  const journal: string[] = [];
  let journalUnreadable = false;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('journal:')) { journal.push(line.slice('journal:'.length)); continue; }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key.startsWith('lease.')) lease.set(key.slice('lease.'.length), value);
    else if (key === 'journal' && value === 'unreadable') journalUnreadable = true;
    else if (!kv.has(key)) kv.set(key, value);
  }
  const status = kv.get('lease') ?? '';
  let answer: LeaseAnswer;
  if (status === 'taken') answer = { kind: 'taken' };
  else if (status === 'free') answer = { kind: 'free' };
  else if (status === 'held') {
    const started = Number(lease.get('started'));
    answer = {
      kind: 'held',
      lease: {
        file: kv.get('held') ?? kv.get('path.lock') ?? '',
        age: Number(kv.get('age') ?? 0),
        owner: lease.get('owner'), pid: lease.get('pid'), run: lease.get('run'), command: lease.get('command'),
        started: Number.isFinite(started) && lease.has('started') ? started : undefined,
        boot: lease.get('boot') || undefined,
        unreadable: lease.get('unreadable') === '1',
      },
    };
  } else answer = { kind: 'error', msg: status.startsWith('error') ? status.slice('error'.length).trim() : `no answer from the lease script${status ? `: ${status}` : ''}` };
  return {
    lockFile: kv.get('path.lock') ?? '', journalFile: kv.get('path.journal') ?? '', boot: kv.get('boot') ?? '',
    lease: answer, journal: journal.filter((l) => l.trim() !== ''), journalUnreadable,
  };
}

/** Stale: no heartbeat for STALE_AFTER_SECONDS, or taken before the node last booted. */
export function staleness(lease: HeldLease, bootNow: string, staleAfter = STALE_AFTER_SECONDS): string | undefined {
  if (lease.boot && bootNow && lease.boot !== bootNow) return 'it was taken before the node last booted';
  if (lease.age > staleAfter) return `no heartbeat for ${formatAge(lease.age)}`;
  return undefined;
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** Epoch seconds as 2026-12-02T14:16:00Z. */
export function formatEpoch(s: number): string {
  return new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "a run (run site.yml) by alice@ws (pid 42, run id 1a2b) since 2026-...Z" */
export function describeHolder(l: HeldLease): string {
  if (l.unreadable) return `a run as root (its lease ${l.file} is readable by root only)`;
  const what = l.command ? ` (${l.command})` : '';
  const ids = [l.pid ? `pid ${l.pid}` : undefined, l.run ? `run id ${l.run}` : undefined].filter(Boolean).join(', ');
  const since = l.started !== undefined ? ` since ${formatEpoch(l.started)}` : '';
  return `a run${what} by ${l.owner ?? 'an unknown owner'}${ids ? ` (${ids})` : ''}${since}`;
}

/** The error a run gets on a host whose lease another run holds: live or stale. */
export function hostLockedError(host: string, l: HeldLease, bootNow: string): K8sbmError {
  const stale = staleness(l, bootNow);
  if (stale) {
    return new K8sbmError('K8SBM_HOST_LOCKED', `${host} is locked by ${describeHolder(l)}, and the lease is stale: ${stale}`, {
      details: [`lease: ${l.file}`],
      hint: `that run is gone: check what it left on ${host}, then \`k8sbm unlock ${host}\` and run again`,
    });
  }
  return new K8sbmError('K8SBM_HOST_LOCKED', `${host} is locked by ${describeHolder(l)} (heartbeat ${formatAge(l.age)} ago): it is changing the host now`, {
    details: [`lease: ${l.file}`],
    hint: `wait for that run to end and run again; if that run is gone, its lease goes stale ${formatAge(STALE_AFTER_SECONDS)} after its last heartbeat (\`k8sbm unlock ${host}\` then)`,
  });
}

/** Check mode, plan and exec only say so: "a run by X since T is in progress on HOST". */
export function heldWarning(host: string, l: HeldLease, bootNow: string): string {
  const stale = staleness(l, bootNow);
  if (stale) return `${host}: a stale lease of ${describeHolder(l)} is on the host (${stale}); a run will refuse the host until \`k8sbm unlock ${host}\``;
  return `${host}: ${describeHolder(l)} is in progress on ${host} (heartbeat ${formatAge(l.age)} ago): what is read now may change under it`;
}

export function leaseFailedError(host: string, msg: string, detail: readonly string[] = [], sudoRefused = false): K8sbmError {
  // The lease is root's when the host's ansible_become is on: sudo refusing is a become failure.
  if (sudoRefused) {
    return new K8sbmError('K8SBM_BECOME_FAILED', `cannot take the run lock on ${host} as root: ${msg}`, {
      details: detail,
      hint: 'become needs passwordless sudo (NOPASSWD) for the connecting user, or run with --ask-become-pass',
    });
  }
  return new K8sbmError('K8SBM_HOST_LOCK_FAILED', `cannot take the run lock on ${host}: ${msg}`, {
    details: detail,
    hint: 'the lease lives in /run/k8sbm (as root, with become) or in the login\'s ~/.local/state/k8sbm: check that it can be written, and sudo for a login that is not root',
  });
}
