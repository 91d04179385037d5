import pLimit from 'p-limit';
import type { BecomeSpec, Connection, ConnectionSpec, ExecResult } from '../transport/connection.js';
import { UnreachableError } from '../transport/connection.js';
import { heldWarning, parseSessionOutput } from './lease.js';
import { sessionArgv } from './lease-script.js';
import { ConnectionPool } from './play-env.js';

export interface AdhocTarget {
  readonly host: string;
  readonly spec: ConnectionSpec;
  readonly become: BecomeSpec | undefined;
}

export type AdhocOutcome =
  | { readonly host: string; readonly kind: 'done'; readonly result: ExecResult; readonly durationMs: number }
  | { readonly host: string; readonly kind: 'unreachable'; readonly reason: string; readonly durationMs: number };

export interface AdhocOptions {
  readonly forks: number;
  readonly connect: (spec: ConnectionSpec) => Connection;
  /** Complete lines of output as they arrive, per host and stream. */
  readonly onLine?: ((host: string, stream: 'stdout' | 'stderr', line: string) => void) | undefined;
  readonly now?: () => number;
  readonly signal?: AbortSignal | undefined;
  /**
   * A run holds (or left) the lease of a host the command goes to: the warning to show. The
   * command runs all the same: ad-hoc commands are how one looks at a host during a run.
   */
  readonly onLeaseHeld?: ((host: string, warning: string) => void) | undefined;
}

/** Splits a byte stream into lines; the last partial line is kept until more arrives or end. */
export class LineSplitter {
  #rest = '';
  constructor(private readonly emit: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.#rest + chunk).split('\n');
    this.#rest = parts.pop()!;
    for (const p of parts) this.emit(p);
  }
  end(): void {
    if (this.#rest !== '') this.emit(this.#rest);
    this.#rest = '';
  }
}

/** Run one shell command on every target in parallel (`k8sbm exec PATTERN -- CMD`). */
export async function runAdhocCommand(targets: readonly AdhocTarget[], command: string, opts: AdhocOptions): Promise<AdhocOutcome[]> {
  const pool = new ConnectionPool(opts.connect);
  const limit = pLimit(Math.max(1, opts.forks));
  const now = opts.now ?? (() => performance.now());
  try {
    return await Promise.all(targets.map((t) => limit(async (): Promise<AdhocOutcome> => {
      const started = now();
      if (opts.signal?.aborted) return { host: t.host, kind: 'unreachable', reason: 'interrupted before start', durationMs: 0 };
      const splitters = {
        stdout: new LineSplitter((l) => opts.onLine?.(t.host, 'stdout', l)),
        stderr: new LineSplitter((l) => opts.onLine?.(t.host, 'stderr', l)),
      };
      try {
        const conn = await pool.get(t.spec);
        // The lease is read beside the command (its own channel), never waited for.
        const peek = opts.onLeaseHeld && t.spec.kind !== 'local' ? peekLease(conn, t, opts.onLeaseHeld) : undefined;
        const result = await conn.exec({ argv: ['sh', '-c', command], become: t.become, onOutput: (s, c) => splitters[s].push(c) });
        await peek;
        splitters.stdout.end();
        splitters.stderr.end();
        return { host: t.host, kind: 'done', result, durationMs: now() - started };
      } catch (e) {
        if (e instanceof UnreachableError) return { host: t.host, kind: 'unreachable', reason: e.reason, durationMs: now() - started };
        throw e;
      }
    })));
  } finally {
    await pool.closeAll();
  }
}

async function peekLease(conn: Connection, t: AdhocTarget, warn: (host: string, warning: string) => void): Promise<void> {
  try {
    const r = await conn.exec({ argv: sessionArgv('peek', ''), become: t.become });
    const a = parseSessionOutput(r.stdout);
    if (r.code === 0 && a.lease.kind === 'held') warn(t.host, heldWarning(t.host, a.lease.lease, a.boot));
  } catch { /* the command's own outcome says what is wrong with the host */ }
}
