import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { HostStateOptions } from '../engine/host-session.js';
import type { RunIdentity } from '../engine/lease.js';

/** Who runs, as leases and handler journals on the hosts name it: user@workstation, pid, run id. */
export function runIdentity(command: string): RunIdentity {
  let user: string;
  try { user = userInfo().username; } catch { user = process.env.USER ?? process.env.LOGNAME ?? 'unknown'; }
  return { owner: `${user}@${hostname()}`, pid: process.pid, runId: randomBytes(6).toString('hex'), command };
}

/** How long a stopped process waits for its leases to be released before it exits anyway. */
const RELEASE_WAIT_MS = 3_000;

/**
 * What a run does as the process is stopped (SIGTERM, SIGHUP, a second Ctrl-C): the releases the
 * engine registered run, for at most RELEASE_WAIT_MS, then the process exits through its exit
 * handlers. Stopped again meanwhile, it exits at once.
 */
export class ExitReleases {
  readonly #releases = new Set<() => Promise<void>>();
  #quitting = false;

  /** For HostStateOptions.onExit. */
  readonly register: NonNullable<HostStateOptions['onExit']> = (release) => {
    this.#releases.add(release);
    return () => { this.#releases.delete(release); };
  };

  quit(code: number): void {
    if (this.#quitting || this.#releases.size === 0) process.exit(code);
    this.#quitting = true;
    const all = Promise.allSettled([...this.#releases].map((r) => r()));
    const wait = new Promise((r) => setTimeout(r, RELEASE_WAIT_MS).unref());
    void Promise.race([all, wait]).finally(() => process.exit(code));
  }
}
