import pLimit from 'p-limit';
import type { BecomeSpec, Connection, ConnectionSpec, ExecResult } from '../transport/connection.js';
import { UnreachableError } from '../transport/connection.js';
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
        const result = await conn.exec({ argv: ['sh', '-c', command], become: t.become, onOutput: (s, c) => splitters[s].push(c) });
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
