import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Secret } from '../util/secret.js';
import { interruptedError, type Connection, type ExecRequest, type ExecResult, type StopOutcome } from './connection.js';
import { ExecStreams } from './exec-io.js';
import { needsBecome, supervisedCommand } from './quote.js';
import { RunningCommands } from './running.js';
import { payloadBytes } from './supervise.js';

export interface LocalConnectionOptions {
  /** sudo -S with this password instead of sudo -n (see becomeWrap). */
  readonly becomePassword?: Secret | undefined;
}

/**
 * Each command runs in a process group of its own, so a timeout stops all of it (a shell's
 * children too: killing the shell alone left `sleep` holding the output open), and the groups
 * still running when k8sbm exits are stopped with it. Commands run under the supervisor as on a
 * remote host (supervise.ts): when k8sbm dies without running its exit handlers (SIGKILL), the
 * end of their stdin stops them all the same.
 */
const running = new Set<number>();
let exitHooked = false;

function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

function track(pid: number): void {
  running.add(pid);
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => { for (const p of running) killGroup(p); });
}

/** Runs commands on the controller itself (`ansible_connection: local`). */
export class LocalConnection implements Connection {
  #count = 0;
  #upkeep = 0;
  readonly #user = userInfo().username;
  readonly #running = new RunningCommands();

  constructor(readonly host: string, private readonly opts: LocalConnectionOptions = {}) {}

  get execCount(): number { return this.#count; }

  get upkeepCount(): number { return this.#upkeep; }

  async connect(): Promise<void> {}

  exec(req: ExecRequest): Promise<ExecResult> {
    if (req.upkeep) this.#upkeep++;
    else this.#count++;
    if (this.#running.stopping && !req.afterStop) return Promise.reject(interruptedError(this.host));
    const password = this.opts.becomePassword && needsBecome(req, this.#user) ? this.opts.becomePassword.reveal() : undefined;
    const [program, ...args] = supervisedCommand(req, this.#user, { becomePassword: password !== undefined, supervise: { stdinBytes: payloadBytes(req.stdin) } });
    return new Promise((resolve, reject) => {
      const child = spawn(program!, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const pid = child.pid;
      if (pid !== undefined) track(pid);
      child.stdin.on('error', () => { /* the command may exit without reading its input */ });
      const io = new ExecStreams({ write: (d) => child.stdin.write(d), end: () => child.stdin.end() }, req.stdin, password, req.onOutput, { supervised: true });
      const ended = this.#running.add(() => io.stop());
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (req.timeoutMs) {
        timer = setTimeout(() => { timedOut = true; if (pid !== undefined) killGroup(pid); else child.kill('SIGKILL'); }, req.timeoutMs);
      }
      const done = (): void => {
        if (timer) clearTimeout(timer);
        if (pid !== undefined) running.delete(pid);
        ended();
      };
      child.stdout.on('data', (b: Buffer) => io.stdout(b));
      child.stderr.on('data', (b: Buffer) => io.stderr(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        done();
        // As a shell would say it: sudo not installed is the command's failure, not k8sbm's.
        if (e.code === 'ENOENT') resolve({ code: 127, signal: null, stdout: '', stderr: `k8sbm: ${program}: not found\n` });
        else reject(e);
      });
      // The supervisor's watcher waits for the end of stdin: ended here, once the command has.
      child.on('exit', () => child.stdin.destroy());
      child.on('close', (code, signal) => {
        done();
        const { stdout, stderr } = io.result();
        resolve({ code, signal, stdout, stderr: timedOut ? withTimeoutNote(stderr, req.timeoutMs!) : stderr });
      });
      io.start();
    });
  }

  stopCommands(waitMs: number): Promise<StopOutcome> {
    return this.#running.stopAll(waitMs);
  }

  async close(): Promise<void> {}
}

/** The line a transport appends to stderr when it killed a command that ran past timeoutMs. */
export function withTimeoutNote(stderr: string, timeoutMs: number): string {
  const sep = stderr === '' || stderr.endsWith('\n') ? '' : '\n';
  return `${stderr}${sep}k8sbm: timed out after ${timeoutMs / 1000}s, command killed\n`;
}
