import { StringDecoder } from 'node:string_decoder';
import { assertNever } from '../util/assert-never.js';
import { BECOME_PROMPT, BECOME_READY } from './quote.js';
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
    push(text) {
        if (this.#passed) {
            this.#out += text;
            return [];
        }
        this.#pending += text;
        const steps = [];
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
    text() {
        return this.#out + this.#pending;
    }
}
/** Length of the longest suffix of text that is a proper prefix of marker. */
function partialSuffix(text, marker) {
    for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
        if (text.endsWith(marker.slice(0, n)))
            return n;
    }
    return 0;
}
/**
 * The stdin/stderr plumbing shared by the local and the SSH transport: without a become password
 * the command's stdin is written at once; with one, the writes wait for BecomeStderrGate.
 */
export class ExecStreams {
    sink;
    stdin;
    becomePassword;
    onOutput;
    #stdout = [];
    #stderr = [];
    #gate;
    #decoder = new StringDecoder('utf8');
    #live = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    #ended = false;
    constructor(sink, stdin, becomePassword, 
    /** Output as it arrives (decoded on character boundaries); stderr only when no sudo prompt is in it. */
    onOutput) {
        this.sink = sink;
        this.stdin = stdin;
        this.becomePassword = becomePassword;
        this.onOutput = onOutput;
        this.#gate = becomePassword !== undefined ? new BecomeStderrGate() : undefined;
    }
    start() {
        if (!this.#gate)
            this.#sendStdin();
    }
    stdout(chunk) {
        this.#stdout.push(chunk);
        if (this.onOutput)
            this.#emit('stdout', this.#live.stdout.write(chunk));
    }
    stderr(chunk) {
        if (!this.#gate) {
            this.#stderr.push(chunk);
            if (this.onOutput)
                this.#emit('stderr', this.#live.stderr.write(chunk));
            return;
        }
        for (const step of this.#gate.push(this.#decoder.write(chunk))) {
            switch (step) {
                case 'send-password':
                    if (!this.#ended)
                        this.sink.write(`${this.becomePassword}\n`);
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
    #emit(stream, text) {
        if (text !== '')
            this.onOutput?.(stream, text);
    }
    result() {
        if (this.onOutput) {
            this.#emit('stdout', this.#live.stdout.end());
            if (!this.#gate)
                this.#emit('stderr', this.#live.stderr.end());
        }
        const stdout = Buffer.concat(this.#stdout).toString('utf8');
        if (!this.#gate)
            return { stdout, stderr: Buffer.concat(this.#stderr).toString('utf8') };
        this.#gate.push(this.#decoder.end());
        return { stdout, stderr: this.#gate.text() };
    }
    #sendStdin() {
        if (this.#ended)
            return;
        if (this.stdin !== undefined && this.stdin.length > 0)
            this.sink.write(this.stdin);
        this.#end();
    }
    #end() {
        if (this.#ended)
            return;
        this.#ended = true;
        this.sink.end();
    }
}
//# sourceMappingURL=exec-io.js.map