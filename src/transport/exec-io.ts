import { StringDecoder } from 'node:string_decoder';
import { assertNever } from '../util/assert-never.js';
import { BECOME_PROMPT, BECOME_READY } from './quote.js';
import { PAYLOAD_END } from './supervise.js';

/** What the stdin side of a running command should do after some stderr arrived. */
export type BecomeStep = 'send-password' | 'give-up' | 'send-stdin';

const READY_LINE = `${BECOME_READY}\n`;

/**
 * Reads the stderr of a `sudo -S -p PROMPT ... sh -c 'echo READY >&2; ...'` command (see
 * becomeWrap) and says when to write the password and when the command's own stdin. The markers
 * are cut out of the text; everything else (sudo's "Sorry, try again.", warnings, the command's
 * stderr) is kept. Pure: the caller does the writing.
 */
export class BecomeStderrGate {
  #pending = '';
  #passed = false;
  #prompts = 0;
  #out = '';

  /** Feeds decoded stderr text; returns the steps it triggered, in order. */
  push(text: string): BecomeStep[] {
    if (this.#passed) {
      this.#out += text;
      return [];
    }
    this.#pending += text;
    const steps: BecomeStep[] = [];
    for (;;) {
      const p = this.#pending.indexOf(BECOME_PROMPT);
      const r = this.#pending.indexOf(READY_LINE);
      if (p >= 0 && (r < 0 || p < r)) {
        this.#out += this.#pending.slice(0, p);
        this.#pending = this.#pending.slice(p + BECOME_PROMPT.length);
        // A second prompt means the password was wrong: asking again would only repeat it.
        steps.push(++this.#prompts === 1 ? 'send-password' : 'give-up');
        continue;
      }
      if (r >= 0) {
        this.#out += this.#pending.slice(0, r) + this.#pending.slice(r + READY_LINE.length);
        this.#pending = '';
        this.#passed = true;
        steps.push('send-stdin');
        return steps;
      }
      break;
    }
    // Keep back only what could still grow into a marker.
    const keep = Math.max(partialSuffix(this.#pending, BECOME_PROMPT), partialSuffix(this.#pending, READY_LINE));
    this.#out += this.#pending.slice(0, this.#pending.length - keep);
    this.#pending = this.#pending.slice(this.#pending.length - keep);
    return steps;
  }

  /** All stderr text without the markers (call after the command ended). */
  text(): string {
    return this.#out + this.#pending;
  }
}

/** Length of the longest suffix of text that is a proper prefix of marker. */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}

export interface StdinSink {
  write(data: string | Buffer): void;
  end(): void;
}

/**
 * The stdin/stderr plumbing shared by the local and the SSH transport: without a become password
 * the command's stdin is written at once; with one, the writes wait for BecomeStderrGate. A
 * supervised command (see supervise.ts) gets PAYLOAD_END after its payload, and its stdin stays
 * open until stop(): its end is what stops the command.
 */
export class ExecStreams {
  readonly #stdout: Buffer[] = [];
  readonly #stderr: Buffer[] = [];
  readonly #gate: BecomeStderrGate | undefined;
  readonly #decoder = new StringDecoder('utf8');
  readonly #live = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  #ended = false;

  constructor(
    private readonly sink: StdinSink,
    private readonly stdin: string | Buffer | undefined,
    private readonly becomePassword: string | undefined,
    /** Output as it arrives (decoded on character boundaries); stderr only when no sudo prompt is in it. */
    private readonly onOutput?: ((stream: 'stdout' | 'stderr', chunk: string) => void) | undefined,
    private readonly opts: { readonly supervised?: boolean | undefined } = {},
  ) {
    this.#gate = becomePassword !== undefined ? new BecomeStderrGate() : undefined;
  }

  start(): void {
    if (!this.#gate) this.#sendStdin();
  }

  stdout(chunk: Buffer): void {
    this.#stdout.push(chunk);
    if (this.onOutput) this.#emit('stdout', this.#live.stdout.write(chunk));
  }

  stderr(chunk: Buffer): void {
    if (!this.#gate) {
      this.#stderr.push(chunk);
      if (this.onOutput) this.#emit('stderr', this.#live.stderr.write(chunk));
      return;
    }
    for (const step of this.#gate.push(this.#decoder.write(chunk))) {
      switch (step) {
        case 'send-password':
          if (!this.#ended) this.sink.write(`${this.becomePassword}\n`);
          break;
        case 'give-up':
          this.#end();
          break;
        case 'send-stdin':
          this.#sendStdin();
          break;
        default:
          assertNever(step, 'become step');
      }
    }
  }

  #emit(stream: 'stdout' | 'stderr', text: string): void {
    if (text !== '') this.onOutput?.(stream, text);
  }

  result(): { stdout: string; stderr: string } {
    if (this.onOutput) {
      this.#emit('stdout', this.#live.stdout.end());
      if (!this.#gate) this.#emit('stderr', this.#live.stderr.end());
    }
    const stdout = Buffer.concat(this.#stdout).toString('utf8');
    if (!this.#gate) return { stdout, stderr: Buffer.concat(this.#stderr).toString('utf8') };
    this.#gate.push(this.#decoder.end());
    return { stdout, stderr: this.#gate.text() };
  }

  /** Ends the command's stdin: a supervised command is stopped (sudo still asking gives up). */
  stop(): void {
    this.#end();
  }

  #sendStdin(): void {
    if (this.#ended) return;
    const payload = this.stdin !== undefined && this.stdin.length > 0;
    if (payload) this.sink.write(this.stdin);
    if (!this.opts.supervised) this.#end();
    else if (payload) this.sink.write(PAYLOAD_END);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.sink.end();
  }
}
