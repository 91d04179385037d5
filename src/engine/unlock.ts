import pLimit from 'p-limit';
import { describeExit } from '../contract/exit.js';
import type { BecomeSpec, Connection, ConnectionSpec } from '../transport/connection.js';
import { UnreachableError } from '../transport/connection.js';
import { type HeldLease, parseSessionOutput, staleness } from './lease.js';
import { releaseArgv, sessionArgv } from './lease-script.js';
import { ConnectionPool } from './play-env.js';

/** `k8sbm unlock HOST...`: breaks the lease a run left on a host. */

export interface UnlockTarget {
  readonly host: string;
  readonly spec: ConnectionSpec;
  readonly become: BecomeSpec | undefined;
}

export type UnlockOutcome =
  | { readonly host: string; readonly kind: 'none' }
  /** `stale`: why the lease was stale; undefined: it was live and --force broke it. */
  | { readonly host: string; readonly kind: 'removed'; readonly lease: HeldLease; readonly stale: string | undefined }
  /** Live and no --force, or not this login's to remove (root's, seen without become). */
  | { readonly host: string; readonly kind: 'refused'; readonly lease: HeldLease; readonly why: 'live' | 'root' }
  | { readonly host: string; readonly kind: 'unreachable'; readonly reason: string }
  | { readonly host: string; readonly kind: 'failed'; readonly msg: string };

export interface UnlockOptions {
  readonly force: boolean;
  readonly forks: number;
  readonly connect: (spec: ConnectionSpec) => Connection;
  /** Tests: the scripts' sandbox (see lease-script.ts). */
  readonly base?: string | undefined;
}

/**
 * Two round trips a host: read the lease (the script a run starts with, in its read-only mode),
 * then remove it if it is stale or --force says so. The removal names the run id it read, so a
 * lease another run took in between stays.
 */
export async function unlockHosts(targets: readonly UnlockTarget[], opts: UnlockOptions): Promise<UnlockOutcome[]> {
  const pool = new ConnectionPool(opts.connect);
  const limit = pLimit(Math.max(1, opts.forks));
  try {
    return await Promise.all(targets.map((t) => limit(() => unlockOne(pool, t, opts))));
  } finally {
    await pool.closeAll();
  }
}

async function unlockOne(pool: ConnectionPool, t: UnlockTarget, opts: UnlockOptions): Promise<UnlockOutcome> {
  try {
    const conn = await pool.get(t.spec);
    const read = await conn.exec({ argv: sessionArgv('peek', '', opts.base ?? ''), become: t.become });
    if (read.code !== 0) return { host: t.host, kind: 'failed', msg: failure(read) };
    const a = parseSessionOutput(read.stdout);
    if (a.lease.kind === 'free') return { host: t.host, kind: 'none' };
    if (a.lease.kind !== 'held') return { host: t.host, kind: 'failed', msg: a.lease.kind === 'error' ? a.lease.msg : 'no answer' };
    const lease = a.lease.lease;
    if (lease.file !== a.lockFile || lease.unreadable) return { host: t.host, kind: 'refused', lease, why: 'root' };
    const stale = staleness(lease, a.boot);
    if (!stale && !opts.force) return { host: t.host, kind: 'refused', lease, why: 'live' };
    const rm = await conn.exec({ argv: releaseArgv(lease.file, lease.run ?? ''), become: t.become });
    if (rm.code !== 0) return { host: t.host, kind: 'failed', msg: failure(rm) };
    // Gone meanwhile (its run ended), or another run's by now: either way not the one read.
    if (!rm.stdout.includes('release=done')) return { host: t.host, kind: 'none' };
    return { host: t.host, kind: 'removed', lease, stale };
  } catch (e) {
    if (e instanceof UnreachableError) return { host: t.host, kind: 'unreachable', reason: e.reason };
    throw e;
  }
}

function failure(r: Parameters<typeof describeExit>[0]): string {
  const d = describeExit(r, 3);
  return [d.headline, ...d.tail].join(': ');
}
