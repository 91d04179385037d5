import type { HostStopOutcome } from '../transport/factory.js';
import { assertNever } from '../util/assert-never.js';

/**
 * Ctrl-C, SIGTERM and SIGHUP during `run` and `exec`. The first Ctrl-C starts nothing new and
 * lets what runs finish (the run then ends with its recap). A second Ctrl-C, SIGTERM or SIGHUP
 * stops the commands still running, on every host with their whole process group, says so, and
 * exits: 130, 143 or 129 (128 + the signal). A further signal while they are being stopped exits
 * at once; the hosts still stop them, since the connection goes with k8sbm (see supervise.ts).
 */

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export const EXIT_CODE_OF: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** How long the commands get to end before k8sbm exits anyway (the hosts give them 1 s after SIGTERM). */
export const STOP_WAIT_MS = 5_000;

export interface InterruptHooks {
  /** Start nothing new (the first Ctrl-C; also before a hard stop). */
  readonly finishRunning: () => void;
  /** Stop what runs now on every connection of the run. */
  readonly stopCommands: (waitMs: number) => Promise<readonly HostStopOutcome[]>;
  /** Output of the run ends here: what follows (failed tasks, a recap) would only mislead. */
  readonly mute?: (() => void) | undefined;
  /** What the first Ctrl-C lets finish: "tasks" or "commands". */
  readonly running: string;
  /** Ends the process after a hard stop (default: exit at once); a run releases its hosts' leases first. */
  readonly exit?: ((code: number) => void) | undefined;
}

export interface InterruptIo {
  readonly write: (text: string) => void;
  readonly exit: (code: number) => void;
  readonly on: (sig: StopSignal, f: () => void) => void;
  readonly off: (sig: StopSignal, f: () => void) => void;
}

const processIo: InterruptIo = {
  write: (text) => { process.stderr.write(text); },
  exit: (code) => process.exit(code),
  on: (sig, f) => { process.on(sig, f); },
  off: (sig, f) => { process.off(sig, f); },
};

export interface InterruptHandling {
  /**
   * Resolves at once, unless a hard stop is under way: that one ends the process, so the command
   * must not end it first with its own exit code (the stopped commands end its run early).
   */
  settled(): Promise<void>;
  /** Removes the handlers. */
  dispose(): void;
}

/** Installs the handlers for the time a command runs. */
export function handleInterrupts(hooks: InterruptHooks, io: InterruptIo = processIo): InterruptHandling {
  const exit = hooks.exit ?? io.exit;
  let interrupts = 0;
  let stopping = false;
  const hardStop = (sig: StopSignal): void => {
    const code = EXIT_CODE_OF[sig];
    if (stopping) {
      io.exit(code);
      return;
    }
    stopping = true;
    hooks.finishRunning();
    hooks.mute?.();
    io.write(`\n${reasonOf(sig)}: stopping the commands still running, on every host with their process group\n`);
    hooks.stopCommands(STOP_WAIT_MS).then(
      (outcomes) => { io.write(describeStop(outcomes, STOP_WAIT_MS)); exit(code); },
      (e: unknown) => { io.write(`k8sbm: could not stop every command: ${(e as Error).message}\n`); exit(code); },
    );
  };
  const onInt = (): void => {
    interrupts++;
    if (interrupts === 1 && !stopping) {
      io.write(`\ninterrupted: finishing running ${hooks.running}, starting no new ones (Ctrl-C again to stop them and quit)\n`);
      hooks.finishRunning();
    } else hardStop('SIGINT');
  };
  const onTerm = (): void => hardStop('SIGTERM');
  const onHup = (): void => hardStop('SIGHUP');
  io.on('SIGINT', onInt);
  io.on('SIGTERM', onTerm);
  io.on('SIGHUP', onHup);
  return {
    settled: () => (stopping ? new Promise<void>(() => {}) : Promise.resolve()),
    dispose: () => {
      io.off('SIGINT', onInt);
      io.off('SIGTERM', onTerm);
      io.off('SIGHUP', onHup);
    },
  };
}

function reasonOf(sig: StopSignal): string {
  switch (sig) {
    case 'SIGINT': return 'interrupted again';
    case 'SIGTERM': return 'terminated (SIGTERM)';
    case 'SIGHUP': return 'the terminal went away (SIGHUP)';
    default: return assertNever(sig, 'stop signal');
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "stopped 3 commands (node01, node02)", and the hosts that did not confirm in time. */
export function describeStop(outcomes: readonly HostStopOutcome[], waitMs: number): string {
  const total = outcomes.reduce((n, o) => n + o.running, 0);
  if (total === 0) return 'no command was running\n';
  const confirmed = outcomes.filter((o) => o.unconfirmed < o.running);
  const lines: string[] = [];
  const stopped = total - outcomes.reduce((n, o) => n + o.unconfirmed, 0);
  if (stopped > 0) lines.push(`stopped ${plural(stopped, 'command')} (${confirmed.map((o) => o.host).join(', ')})`);
  for (const o of outcomes.filter((x) => x.unconfirmed > 0)) {
    lines.push(`${o.host}: ${plural(o.unconfirmed, 'command')} not seen ending within ${waitMs / 1000}s; the host stops ${o.unconfirmed === 1 ? 'it' : 'them'} when the connection closes`);
  }
  return `${lines.join('\n')}\n`;
}
