import { randomBytes } from 'node:crypto';
import type { ExecRequest, ExecResult } from './connection.js';
import { withTimeoutNote } from './local.js';
import { Gathered } from './gathered.js';
import { withInlinePayload } from './inline-payload.js';
import { hostShellLine, shellQuote } from './quote.js';
import { PAYLOAD_END, payloadBytes, SUPERVISE_ENTRY } from './supervise.js';

/**
 * One shell per host (and per user it runs as) for the whole run, for k8sbm's own short commands:
 * fact reads, probes, uploads and the file module's mkdir/chmod/ln (requests marked `light`). A
 * command run in it costs the node one fork, and the programs it starts itself, instead of a
 * session of sshd, a login shell, the supervisor and its watcher (some six program starts more
 * per exec; see docs/runs.md, "Round trips").
 *
 * The shell reads requests from its channel's stdin, one at a time:
 *
 *   r MARKER LINES BYTES\n   LINES lines of shell text\n   BYTES bytes of stdin\n (when BYTES > 0)
 *   d - LINES 0\n            LINES lines of shell text, run in the shell itself (definitions)
 *
 * and runs each `r` in a subshell, its stdin the payload (read exactly with `head -c` into a file
 * of the session's own first, so a command that reads less never leaves bytes in the stream) or
 * /dev/null, then writes `\nMARKER\n` on stderr and `\nMARKER CODE\n` on stdout. MARKER is random
 * for every request. A payload cut short (the channel ended inside it) is never run on. Scripts
 * used again and again (the upload script, the file facts script) are sent once per session as
 * `d` definitions (a variable each) and named by later requests, so the shell, which reads a byte
 * at a time, reads a few hundred bytes per request.
 *
 * A command never outlives k8sbm: a second channel, the lifeline, runs a watcher that waits for
 * the end of its stdin. When k8sbm goes away or stops on purpose, it ends, and if the shell is
 * still there the watcher stops its whole session (TERM, then KILL a second later), as the
 * supervisor does for a single exec (supervise.ts). At the end of a run the shell's stdin is
 * closed first: the shell ends by itself, and the watcher, finding it gone, touches nothing.
 */

/** Runs as `sh -c SUPERVISE_ENTRY k8sbm HOST_SHELL_SCRIPT`: a session leader (for the watcher). */
export const HOST_SHELL_SCRIPT = `exec 3<&0 </dev/null 4>&2 2>/dev/null
k8sbm_t=$(mktemp) && [ "$(printf ab | head -c 1)" = a ] || exit 97
trap 'rm -f -- "$k8sbm_t"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
printf 'k8sbm-shell %s %s\\n' "$$" "$k8sbm_t"
while IFS=' ' read -r k8sbm_k k8sbm_m k8sbm_n k8sbm_b <&3; do
  k8sbm_c=
  while [ "$k8sbm_n" -gt 0 ]; do
    IFS= read -r k8sbm_l <&3 || exit 0
    k8sbm_c=$k8sbm_c$k8sbm_l'
'
    k8sbm_n=$((k8sbm_n - 1))
  done
  if [ "$k8sbm_k" = d ]; then eval "$k8sbm_c"; continue; fi
  k8sbm_i=/dev/null
  if [ "$k8sbm_b" -gt 0 ]; then
    head -c "$k8sbm_b" <&3 >"$k8sbm_t" || exit 0
    IFS= read -r k8sbm_l <&3 || exit 0
    k8sbm_i=$k8sbm_t
  fi
  ( set -- "$k8sbm_c"; unset k8sbm_k k8sbm_m k8sbm_n k8sbm_b k8sbm_l k8sbm_t k8sbm_c k8sbm_i k8sbm_r; eval "$1" ) <"$k8sbm_i" 2>&4 3<&- 4>&-
  k8sbm_r=$?
  printf '\\n%s\\n' "$k8sbm_m" >&4
  printf '\\n%s %s\\n' "$k8sbm_m" "$k8sbm_r"
done`;

/** $1 the shell's pid (a session leader), $2 its payload file. */
export const HOST_SHELL_WATCH = `trap '' TERM
while read -r _; do :; done
kill -s 0 "$1" 2>/dev/null || exit 0
kill -s TERM -- "-$1" 2>/dev/null; pkill -TERM -s "$1"
sleep 1
pkill -KILL -s "$1"; kill -s KILL -- "-$1" 2>/dev/null
rm -f -- "$2"`;

/** `$0` of the host shell and of its watcher (what `ps` shows on the node). */
export const HOST_SHELL_NAME = 'k8sbm';
export const HOST_SHELL_WATCH_NAME = 'k8sbm-watch';

/** Arguments at least this long are sent once per session as a definition, then named. */
const DEFINE_MIN = 200;
/** Definitions one session keeps at most; later long arguments are sent inline. */
const MAX_DEFINITIONS = 64;
/** A request whose shell text is longer goes through a channel of its own (the shell reads a byte at a time). */
const MAX_REQUEST_TEXT = 24 * 1024;
/** A payload larger than this goes through a channel of its own (the shell stores it in a file first). */
const MAX_PAYLOAD = 4 * 1024 * 1024;

/** Exit codes 128+N a killed command leaves; read as the signal, as the supervisor reports them. */
const SIGNAL_CODES: Readonly<Record<number, string>> = { 129: 'SIGHUP', 130: 'SIGINT', 137: 'SIGKILL', 141: 'SIGPIPE', 142: 'SIGALRM', 143: 'SIGTERM' };

/** How long a starting shell has to say it is ready. */
const HELLO_TIMEOUT_MS = 15_000;
/** How long after its timeout a command that did not end is abandoned (the shell is stopped). */
const KILL_GRACE_MS = 3_000;

/** The two ends of a channel the shell needs. */
export interface ShellChannel {
  write(data: string | Buffer): void;
  end(): void;
  onStdout(f: (b: Buffer) => void): void;
  onStderr(f: (b: Buffer) => void): void;
  /** The channel closed; `code` its exit status when the far end sent one. */
  onClose(f: (code: number | null) => void): void;
}

interface Pending {
  readonly marker: Buffer;
  readonly errMarker: Buffer;
  readonly req: ExecRequest;
  readonly resolve: (r: ExecResult) => void;
  readonly reject: (e: Error) => void;
  readonly timers: NodeJS.Timeout[];
  readonly out: Gathered;
  readonly err: Gathered;
  /** The command's own output, without the markers, once each has ended. */
  stdout?: Buffer;
  stderr?: Buffer;
  code: number | undefined;
  errDone: boolean;
  timedOut: boolean;
}

/** Whether a request may run in the host shell at all (the session decides the rest). */
export function fitsHostShell(req: ExecRequest): boolean {
  if (!req.light || req.onOutput || req.afterStop) return false;
  return payloadBytes(req.stdin) <= MAX_PAYLOAD;
}

export class HostShell {
  readonly #loop: ShellChannel;
  readonly #life: ShellChannel;
  readonly #defs = new Map<string, string>();
  #pending: Pending | undefined;
  #dead: string | undefined;
  readonly #closed: Promise<void>;
  #stray = false;

  private constructor(loop: ShellChannel, life: ShellChannel, loopClosed: Promise<number | null>, private readonly onDead: () => void) {
    this.#loop = loop;
    this.#life = life;
    loop.onStdout((b) => this.#stdout(b));
    loop.onStderr((b) => this.#stderr(b));
    this.#closed = loopClosed.then((code) => {
      this.#die('the host shell ended');
      const p = this.#pending;
      if (!p) return;
      this.#pending = undefined;
      for (const t of p.timers) clearTimeout(t);
      const stdout = p.out.slice(0).toString('utf8');
      const stderr = p.err.slice(0).toString('utf8');
      if (p.timedOut) p.resolve({ code: null, signal: 'SIGKILL', stdout, stderr: withTimeoutNote(stderr, p.req.timeoutMs!) });
      else p.resolve({ code: null, signal: code !== null && SIGNAL_CODES[code] ? SIGNAL_CODES[code]! : 'SIGTERM', stdout, stderr });
    });
  }

  /**
   * Starts the shell: `open(argv)` opens a channel running that command (through sudo when the
   * shell runs as another user). Undefined when the host cannot run it (no mktemp, a head
   * without -c) or it does not answer in time: its requests then go through channels.
   * `onDead` is told once the shell takes no more requests.
   */
  static async start(open: (argv: string[]) => Promise<ShellChannel>, onDead: () => void): Promise<HostShell | undefined> {
    // As a session leader (setsid under sudo), so that the watcher can stop all it started.
    const loop = await open(['sh', '-c', SUPERVISE_ENTRY, HOST_SHELL_NAME, HOST_SHELL_SCRIPT]);
    let closeCode: (c: number | null) => void = () => {};
    const loopClosed = new Promise<number | null>((r) => { closeCode = r; });
    loop.onClose((c) => closeCode(c));
    const hello = await new Promise<RegExpExecArray | null>((resolve) => {
      let text = '';
      // A shell that does not say hello in time is given up (its requests take channels).
      const timer = setTimeout(() => resolve(null), HELLO_TIMEOUT_MS);
      void loopClosed.then(() => clearTimeout(timer));
      loop.onStdout((b) => {
        text += b.toString('utf8');
        const nl = text.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(/^k8sbm-shell (\d+) (\/\S*)$/.exec(text.slice(0, nl)));
        }
      });
      loopClosed.then(() => resolve(null), () => resolve(null));
    });
    if (!hello) {
      loop.end();
      return undefined;
    }
    let life: ShellChannel;
    try {
      life = await open(['sh', '-c', HOST_SHELL_WATCH, HOST_SHELL_WATCH_NAME, hello[1]!, hello[2]!]);
    } catch (e) {
      loop.end();
      throw e;
    }
    const shell = new HostShell(loop, life, loopClosed, onDead);
    life.onClose(() => shell.#die('the host shell\'s watcher ended'));
    return shell;
  }

  /** Running a request now, or unusable: a request goes through a channel of its own. */
  get available(): boolean { return this.#dead === undefined && this.#pending === undefined; }

  /** Alive but running a request: a patient request may wait for it (whenFree). */
  get busy(): boolean { return this.#dead === undefined && this.#pending !== undefined; }

  readonly #waiters = new Set<() => void>();
  /** Resolves when the running request has settled (or the shell ended), after `ms` at the latest. */
  whenFree(ms: number): Promise<void> {
    return !this.busy ? Promise.resolve() : new Promise<void>((resolve) => {
      const done = (): void => { clearTimeout(timer); this.#waiters.delete(done); resolve(); };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  #freed(): void {
    for (const w of [...this.#waiters]) w();
  }

  /**
   * Runs a request, or says undefined when it does not fit (its text too long): the caller runs
   * it through a channel. The caller checked `available` and fitsHostShell.
   */
  run(req: ExecRequest): Promise<ExecResult> | undefined {
    if (!this.available) return undefined;
    const sent = withInlinePayload(req) ?? req;
    const added: [string, string][] = [];
    const line = hostShellLine(sent, (text) => this.#ref(text, added));
    if (Buffer.byteLength(line) + added.reduce((n, [t]) => n + t.length, 0) > MAX_REQUEST_TEXT) return undefined;
    const frames: string[] = [];
    for (const [text, name] of added) {
      this.#defs.set(text, name);
      frames.push(frame('d -', `${name}=${shellQuote(text)}`, 0));
    }
    const marker = `k8sbm-${randomBytes(12).toString('hex')}`;
    const payload = sent.stdin === undefined ? Buffer.alloc(0) : typeof sent.stdin === 'string' ? Buffer.from(sent.stdin, 'utf8') : sent.stdin;
    frames.push(frame(`r ${marker}`, line, payload.length));
    return new Promise<ExecResult>((resolve, reject) => {
      const p: Pending = {
        marker: Buffer.from(`\n${marker} `), errMarker: Buffer.from(`\n${marker}\n`), req, resolve, reject, timers: [],
        out: new Gathered(), err: new Gathered(), code: undefined, errDone: false, timedOut: false,
      };
      this.#pending = p;
      if (req.timeoutMs) {
        p.timers.push(setTimeout(() => { p.timedOut = true; }, req.timeoutMs));
        // timeout(1) on the host stops the command; if it still has not ended, the shell is.
        p.timers.push(setTimeout(() => { p.timedOut = true; this.stop(); }, req.timeoutMs + KILL_GRACE_MS));
      }
      this.#loop.write(frames.join(''));
      if (payload.length) {
        this.#loop.write(payload);
        this.#loop.write(PAYLOAD_END);
      }
    });
  }

  /** The variable holding `text` in the shell (a new one goes to `added`); undefined: quoted inline. */
  #ref(text: string, added: [string, string][]): string | undefined {
    if (text.length < DEFINE_MIN) return undefined;
    const known = this.#defs.get(text) ?? added.find(([t]) => t === text)?.[1];
    if (known) return known;
    if (this.#defs.size + added.length >= MAX_DEFINITIONS) return undefined;
    const name = `k8sbm_d${this.#defs.size + added.length}`;
    added.push([text, name]);
    return name;
  }

  #stdout(b: Buffer): void {
    const p = this.#pending;
    if (!p || p.code !== undefined) {
      // Output while no command runs: something it left running writes to the shell's stdout.
      // The shell is left to end; nothing more runs in it.
      if (b.length) this.#stray = true;
      this.#die('output arrived between commands');
      return;
    }
    const at = p.out.add(b, p.marker);
    if (at < 0) return;
    const rest = p.out.slice(at + p.marker.length);
    const nl = rest.indexOf(0x0a);
    if (nl < 0) return;
    p.code = Number(rest.subarray(0, nl).toString('latin1'));
    if (rest.length > nl + 1) this.#stray = true;
    p.stdout = p.out.slice(0, at);
    this.#settle();
  }

  #stderr(b: Buffer): void {
    const p = this.#pending;
    if (!p || p.errDone) return;
    const at = p.err.add(b, p.errMarker);
    if (at < 0) return;
    p.errDone = true;
    p.stderr = p.err.slice(0, at);
    this.#settle();
  }

  #settle(): void {
    const p = this.#pending;
    if (!p || p.code === undefined || !p.errDone) return;
    this.#pending = undefined;
    for (const t of p.timers) clearTimeout(t);
    if (this.#stray) this.#die('output arrived between commands');
    if (this.#dead !== undefined) this.#loop.end();
    const stdout = p.stdout!.toString('utf8');
    const stderr = p.stderr!.toString('utf8');
    const signal = SIGNAL_CODES[p.code];
    if (p.timedOut && (p.code === 124 || p.code === 137)) {
      p.resolve({ code: null, signal: p.code === 124 ? 'SIGTERM' : 'SIGKILL', stdout, stderr: withTimeoutNote(stderr, p.req.timeoutMs!) });
    } else if (signal) {
      p.resolve({ code: null, signal, stdout, stderr });
    } else {
      p.resolve({ code: p.code, signal: null, stdout, stderr });
    }
    this.#freed();
  }

  /** Fails the running request (the connection is gone). */
  abandon(e: Error): void {
    this.#die(e.message);
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    for (const t of p.timers) clearTimeout(t);
    p.reject(e);
    this.#freed();
  }

  /** Stops the shell with whatever it runs: its watcher stops its session. */
  stop(): void {
    this.#die('stopped');
    this.#life.end();
  }

  /**
   * Ends the shell: its stdin first (it ends by itself once idle), then, once it is gone or after
   * `waitMs`, the watcher's (which stops it if it is still there).
   */
  async close(waitMs: number): Promise<void> {
    this.#die('closed');
    this.#loop.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#closed, new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
    clearTimeout(timer);
    this.#life.end();
  }

  #die(why: string): void {
    if (this.#dead !== undefined) return;
    this.#dead = why;
    this.onDead();
    this.#freed();
    // Idle: the shell has nothing to finish. Busy: the request settles first.
    if (!this.#pending) this.#loop.end();
  }
}

/** One frame: its header, then its text as whole lines. */
function frame(head: string, text: string, bytes: number): string {
  const lines = text.split('\n');
  return `${head} ${lines.length} ${bytes}\n${text}\n`;
}
