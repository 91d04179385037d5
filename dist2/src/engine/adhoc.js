import pLimit from 'p-limit';
import { UnreachableError } from '../transport/connection.js';
import { ConnectionPool } from './play-env.js';
/** Splits a byte stream into lines; the last partial line is kept until more arrives or end. */
export class LineSplitter {
    emit;
    #rest = '';
    constructor(emit) {
        this.emit = emit;
    }
    push(chunk) {
        const parts = (this.#rest + chunk).split('\n');
        this.#rest = parts.pop();
        for (const p of parts)
            this.emit(p);
    }
    end() {
        if (this.#rest !== '')
            this.emit(this.#rest);
        this.#rest = '';
    }
}
/** Run one shell command on every target in parallel (`k8sbm exec PATTERN -- CMD`). */
export async function runAdhocCommand(targets, command, opts) {
    const pool = new ConnectionPool(opts.connect);
    const limit = pLimit(Math.max(1, opts.forks));
    const now = opts.now ?? (() => performance.now());
    try {
        return await Promise.all(targets.map((t) => limit(async () => {
            const started = now();
            if (opts.signal?.aborted)
                return { host: t.host, kind: 'unreachable', reason: 'interrupted before start', durationMs: 0 };
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
            }
            catch (e) {
                if (e instanceof UnreachableError)
                    return { host: t.host, kind: 'unreachable', reason: e.reason, durationMs: now() - started };
                throw e;
            }
        })));
    }
    finally {
        await pool.closeAll();
    }
}
//# sourceMappingURL=adhoc.js.map