import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { parseTimeOutput, TIME_FORMAT, type TimeResult } from './parse.js';

/** One timed process: wall time from our clock, peak RSS and CPU from GNU time (wait4). */

export interface MeasuredRun extends TimeResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn to exit, measured here (time's own %e has 10 ms steps). */
  readonly wallMs: number;
}

export interface MeasureOptions {
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  readonly timeFile: string;
  readonly timeBinary?: string;
  /** Called with the process group id while it runs, and with undefined when it ended. */
  readonly onRunning?: (pgid: number | undefined) => void;
}

/**
 * `/usr/bin/time -f FORMAT -o FILE -- argv...` in its own process group (so an interrupted
 * benchmark can stop exactly the processes it started), output straight to files.
 */
export async function runMeasured(argv: readonly string[], o: MeasureOptions): Promise<MeasuredRun> {
  const out = openSync(o.stdoutFile, 'w', 0o644);
  const err = openSync(o.stderrFile, 'w', 0o644);
  try {
    const t0 = process.hrtime.bigint();
    const child = spawn(o.timeBinary ?? '/usr/bin/time', ['-f', TIME_FORMAT, '-o', o.timeFile, '--', ...argv], {
      cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', out, err],
    });
    if (child.pid !== undefined) o.onRunning?.(child.pid);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    o.onRunning?.(undefined);
    return { code, signal, wallMs, ...parseTimeOutput(readFileSync(o.timeFile, 'utf8')) };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}
