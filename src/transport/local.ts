import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Secret } from '../util/secret.js';
import type { Connection, ExecRequest, ExecResult } from './connection.js';
import { ExecStreams } from './exec-io.js';
import { buildRemoteCommand, needsBecome } from './quote.js';

export interface LocalConnectionOptions {
  /** sudo -S with this password instead of sudo -n (see becomeWrap). */
  readonly becomePassword?: Secret | undefined;
}

/**
 * Each command runs in a process group of its own, so a timeout stops all of it (a shell's
 * children too: killing the shell alone left `sleep` holding the output open), and the groups
 * still running when k8sbm exits are stopped with it.
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
  readonly #user = userInfo().username;

  constructor(readonly host: string, private readonly opts: LocalConnectionOptions = {}) {}

  get execCount(): number { return this.#count; }

  async connect(): Promise<void> {}

  exec(req: ExecRequest): Promise<ExecResult> {
    this.#count++;
    const password = this.opts.becomePassword && needsBecome(req, this.#user) ? this.opts.becomePassword.reveal() : undefined;
    const line = buildRemoteCommand(req, this.#user, { becomePassword: password !== undefined });
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const pid = child.pid;
      if (pid !== undefined) track(pid);
      child.stdin.on('error', () => { /* the command may exit without reading its input */ });
      const io = new ExecStreams({ write: (d) => child.stdin.write(d), end: () => child.stdin.end() }, req.stdin, password, req.onOutput);
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      if (req.timeoutMs) {
        timer = setTimeout(() => { timedOut = true; if (pid !== undefined) killGroup(pid); else child.kill('SIGKILL'); }, req.timeoutMs);
      }
      child.stdout.on('data', (b: Buffer) => io.stdout(b));
      child.stderr.on('data', (b: Buffer) => io.stderr(b));
      child.on('error', (e) => { if (timer) clearTimeout(timer); reject(e); });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        if (pid !== undefined) running.delete(pid);
        const { stdout, stderr } = io.result();
        resolve({ code, signal, stdout, stderr: timedOut ? withTimeoutNote(stderr, req.timeoutMs!) : stderr });
      });
      io.start();
    });
  }

  async close(): Promise<void> {}
}

/** The line a transport appends to stderr when it killed a command that ran past timeoutMs. */
export function withTimeoutNote(stderr: string, timeoutMs: number): string {
  const sep = stderr === '' || stderr.endsWith('\n') ? '' : '\n';
  return `${stderr}${sep}k8sbm: timed out after ${timeoutMs / 1000}s, command killed\n`;
}
