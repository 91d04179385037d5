import type { StopOutcome } from './connection.js';

/**
 * The commands a connection has running now, for stopCommands(): each registers how to stop it
 * and says when it ended.
 */
export class RunningCommands {
  readonly #entries = new Set<{ stop(): void; ended: Promise<void> }>();
  #stopping = false;

  /** Set once stopAll() was called: the connection starts nothing more. */
  get stopping(): boolean { return this.#stopping; }

  /** Registers a running command; call the function returned when it has ended. */
  add(stop: () => void): () => void {
    let ended = (): void => {};
    const entry = { stop, ended: new Promise<void>((r) => { ended = r; }) };
    this.#entries.add(entry);
    return () => {
      this.#entries.delete(entry);
      ended();
    };
  }

  /** Stops every command running now; resolves when all ended, or after waitMs. */
  async stopAll(waitMs: number): Promise<StopOutcome> {
    this.#stopping = true;
    const all = [...this.#entries];
    for (const e of all) e.stop();
    let seen = 0;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((e) => e.ended.then(() => { seen++; }))),
      new Promise<void>((r) => { timer = setTimeout(r, waitMs); }),
    ]);
    clearTimeout(timer);
    return { running: all.length, unconfirmed: all.length - seen };
  }
}
