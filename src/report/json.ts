import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Diff } from '../contract/actions.js';
import { K8sbmError } from '../source/errors.js';
import { assertNever } from '../util/assert-never.js';
import type { Reporter, RunEvent } from './events.js';
import { renderDiff } from './diff.js';

/** A diff as JSON carries its structure and the unified text a human would read. */
export type JsonDiff = Diff & { readonly unified: string };

/** The JSON shape of one event: the event's own fields, diffs augmented with `unified`. */
export function toJsonRecord(e: RunEvent): Record<string, unknown> {
  switch (e.event) {
    case 'task_result': {
      if (e.diff === undefined) return { ...e };
      const diff: JsonDiff[] = e.diff.map((d) => ({ ...d, unified: renderDiff(d, { color: false }) }));
      return { ...e, diff };
    }
    case 'run_start':
    case 'play_start':
    case 'task_start':
    case 'warning':
    case 'recap':
      return { ...e };
    default:
      return assertNever(e, 'run event');
  }
}

/** One line of newline-delimited JSON (bigints, which JSON cannot hold, as strings). */
export function toJsonLine(e: RunEvent): string {
  return JSON.stringify(toJsonRecord(e), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/** Newline-delimited JSON on a stream (stdout for `--json`); the stream is not ended. */
export function createJsonReporter(out: NodeJS.WritableStream): Reporter {
  return {
    onEvent(e: RunEvent): void {
      out.write(`${toJsonLine(e)}\n`);
    },
    async close(): Promise<void> {
      // The stream belongs to the caller (often stdout); nothing to flush beyond its own buffer.
    },
  };
}

/**
 * The JSON event stream written to a file (`--report FILE`). Lines are written synchronously
 * so the file is complete up to the last event even if the run is killed. The file is opened
 * on the first event; a write error does not stop the run but is reported by close().
 */
export function createFileReporter(file: string): Reporter {
  let fd: number | undefined;
  let failure: unknown;
  const write = (text: string): void => {
    if (failure !== undefined) return;
    try {
      if (fd === undefined) {
        mkdirSync(dirname(file), { recursive: true });
        fd = openSync(file, 'w');
      }
      writeSync(fd, text);
    } catch (err) {
      failure = err;
    }
  };
  return {
    onEvent(e: RunEvent): void {
      write(`${toJsonLine(e)}\n`);
    },
    async close(): Promise<void> {
      // A run without events still leaves a (empty) report where the user asked for one.
      if (fd === undefined) write('');
      if (fd !== undefined) {
        closeSync(fd);
        fd = undefined;
      }
      if (failure !== undefined) throw reportWriteError(file, failure);
    },
  };
}

export function reportWriteError(file: string, cause: unknown): K8sbmError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new K8sbmError('K8SBM_REPORT_WRITE', `cannot write report file ${file}: ${why}`, {
    hint: 'choose a path in a writable directory',
    cause,
  });
}

/** A reporter that collects the events and writes `render()` to `file` when the run closes (a failed write is reported then). */
export function writtenAtClose(file: string, collector: { onEvent(e: RunEvent): void }, render: () => string): Reporter {
  return {
    onEvent(e: RunEvent): void {
      collector.onEvent(e);
    },
    async close(): Promise<void> {
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, render());
      } catch (err) {
        throw reportWriteError(file, err);
      }
    },
  };
}
