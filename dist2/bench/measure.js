import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { parseTimeOutput, TIME_FORMAT } from './parse.js';
/**
 * `/usr/bin/time -f FORMAT -o FILE -- argv...` in its own process group (so an interrupted
 * benchmark can stop exactly the processes it started), output straight to files.
 */
export async function runMeasured(argv, o) {
    const out = openSync(o.stdoutFile, 'w', 0o644);
    const err = openSync(o.stderrFile, 'w', 0o644);
    try {
        const t0 = process.hrtime.bigint();
        const child = spawn(o.timeBinary ?? '/usr/bin/time', ['-f', TIME_FORMAT, '-o', o.timeFile, '--', ...argv], {
            cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', out, err],
        });
        if (child.pid !== undefined)
            o.onRunning?.(child.pid);
        const { code, signal } = await new Promise((resolve, reject) => {
            child.on('error', reject);
            child.on('exit', (c, s) => resolve({ code: c, signal: s }));
        });
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        o.onRunning?.(undefined);
        return { code, signal, wallMs, ...parseTimeOutput(readFileSync(o.timeFile, 'utf8')) };
    }
    finally {
        closeSync(out);
        closeSync(err);
    }
}
//# sourceMappingURL=measure.js.map