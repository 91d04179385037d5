import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Connection, ExecRequest, ExecResult } from './connection.js';
import { buildRemoteCommand } from './quote.js';

/** Runs commands on the controller itself (`ansible_connection: local`). */
export class LocalConnection implements Connection {
  #count = 0;
  readonly #user = userInfo().username;

  constructor(readonly host: string) {}

  get execCount(): number { return this.#count; }

  async connect(): Promise<void> {}

  exec(req: ExecRequest): Promise<ExecResult> {
    this.#count++;
    const line = buildRemoteCommand(req, this.#user);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      if (req.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), req.timeoutMs);
      child.stdout.on('data', (b: Buffer) => { out.push(b); req.onOutput?.('stdout', b.toString('utf8')); });
      child.stderr.on('data', (b: Buffer) => { err.push(b); req.onOutput?.('stderr', b.toString('utf8')); });
      child.on('error', (e) => { if (timer) clearTimeout(timer); reject(e); });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      child.stdin.on('error', () => { /* the command may exit without reading its input */ });
      child.stdin.end(req.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
