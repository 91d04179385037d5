import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { assertNever } from '../util/assert-never.js';
import { renderDiff } from './diff.js';
/** The JSON shape of one event: the event's own fields, diffs augmented with `unified`. */
export function toJsonRecord(e) {
    switch (e.event) {
        case 'task_result': {
            if (e.diff === undefined)
                return { ...e };
            const diff = e.diff.map((d) => ({ ...d, unified: renderDiff(d, { color: false }) }));
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
export function toJsonLine(e) {
    return JSON.stringify(toJsonRecord(e), (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}
/** Newline-delimited JSON on a stream (stdout for `--json`); the stream is not ended. */
export function createJsonReporter(out) {
    return {
        onEvent(e) {
            out.write(`${toJsonLine(e)}\n`);
        },
        async close() {
            // The stream belongs to the caller (often stdout); nothing to flush beyond its own buffer.
        },
    };
}
/**
 * The JSON event stream written to a file (`--report FILE`). Lines are written synchronously
 * so the file is complete up to the last event even if the run is killed. The file is opened
 * on the first event; a write error does not stop the run but is reported by close().
 */
export function createFileReporter(file) {
    let fd;
    let failure;
    const write = (text) => {
        if (failure !== undefined)
            return;
        try {
            if (fd === undefined) {
                mkdirSync(dirname(file), { recursive: true });
                fd = openSync(file, 'w');
            }
            writeSync(fd, text);
        }
        catch (err) {
            failure = err;
        }
    };
    return {
        onEvent(e) {
            write(`${toJsonLine(e)}\n`);
        },
        async close() {
            // A run without events still leaves a (empty) report where the user asked for one.
            if (fd === undefined)
                write('');
            if (fd !== undefined) {
                closeSync(fd);
                fd = undefined;
            }
            if (failure !== undefined)
                throw reportWriteError(file, failure);
        },
    };
}
export function reportWriteError(file, cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new K8sbmError('K8SBM_REPORT_WRITE', `cannot write report file ${file}: ${why}`, {
        hint: 'choose a path in a writable directory',
        cause,
    });
}
//# sourceMappingURL=json.js.map