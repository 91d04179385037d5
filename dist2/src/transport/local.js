import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { ExecStreams } from './exec-io.js';
import { buildRemoteCommand, needsBecome } from './quote.js';
/** Runs commands on the controller itself (`ansible_connection: local`). */
export class LocalConnection {
    host;
    opts;
    #count = 0;
    #user = userInfo().username;
    constructor(host, opts = {}) {
        this.host = host;
        this.opts = opts;
    }
    get execCount() { return this.#count; }
    async connect() { }
    exec(req) {
        this.#count++;
        const password = this.opts.becomePassword && needsBecome(req, this.#user) ? this.opts.becomePassword.reveal() : undefined;
        const line = buildRemoteCommand(req, this.#user, { becomePassword: password !== undefined });
        return new Promise((resolve, reject) => {
            const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'] });
            child.stdin.on('error', () => { });
            const io = new ExecStreams({ write: (d) => child.stdin.write(d), end: () => child.stdin.end() }, req.stdin, password, req.onOutput);
            let timer;
            let timedOut = false;
            if (req.timeoutMs) {
                timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, req.timeoutMs);
            }
            child.stdout.on('data', (b) => io.stdout(b));
            child.stderr.on('data', (b) => io.stderr(b));
            child.on('error', (e) => { if (timer)
                clearTimeout(timer); reject(e); });
            child.on('close', (code, signal) => {
                if (timer)
                    clearTimeout(timer);
                const { stdout, stderr } = io.result();
                resolve({ code, signal, stdout, stderr: timedOut ? withTimeoutNote(stderr, req.timeoutMs) : stderr });
            });
            io.start();
        });
    }
    async close() { }
}
/** The line a transport appends to stderr when it killed a command that ran past timeoutMs. */
export function withTimeoutNote(stderr, timeoutMs) {
    const sep = stderr === '' || stderr.endsWith('\n') ? '' : '\n';
    return `${stderr}${sep}k8sbm: timed out after ${timeoutMs / 1000}s, command killed\n`;
}
//# sourceMappingURL=local.js.map