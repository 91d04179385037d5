import type { Connection, ExecRequest, ExecResult } from './connection.js';
import { UnreachableError } from './connection.js';

/**
 * In-memory test connection: answers execs from a list of scripted responders and records every
 * request. Engine tests use it to drive scheduling, handlers, loops and failures without a host.
 */
export type Responder = (req: ExecRequest, host: string) => Partial<ExecResult> | Promise<Partial<ExecResult>> | undefined;

export class MemoryConnection implements Connection {
  readonly calls: ExecRequest[] = [];
  #connected = false;

  constructor(
    readonly host: string,
    private readonly responders: readonly Responder[] = [],
    private readonly unreachable?: string,
    /** Awaited by connect() (a handshake that takes its time). */
    private readonly beforeConnect?: () => Promise<void>,
  ) {}

  get execCount(): number { return this.calls.filter((c) => !c.upkeep).length; }

  get upkeepCount(): number { return this.calls.filter((c) => c.upkeep).length; }

  async connect(): Promise<void> {
    await this.beforeConnect?.();
    if (this.unreachable) throw new UnreachableError(this.host, this.unreachable);
    this.#connected = true;
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    if (!this.#connected) await this.connect();
    this.calls.push(req);
    for (const r of this.responders) {
      const res = await r(req, this.host);
      if (res) return { code: 0, signal: null, stdout: '', stderr: '', ...res };
    }
    return { code: 127, signal: null, stdout: '', stderr: `memory connection: no responder for ${req.argv.join(' ')}` };
  }

  async close(): Promise<void> { this.#connected = false; }
}

/** Convenience responder: match argv[0] (and optionally a predicate) and answer. */
export function respond(program: string, result: Partial<ExecResult> | ((req: ExecRequest) => Partial<ExecResult>)): Responder {
  return (req) => (req.argv[0] === program ? (typeof result === 'function' ? result(req) : result) : undefined);
}
