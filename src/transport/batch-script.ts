import { randomBytes } from 'node:crypto';
import type { ExecResult } from './connection.js';
import { toShellLine } from './quote.js';

/**
 * Several commands in one exec: a shell script runs them one after the other and frames each
 * one's output with a random marker, and splitBatch cuts the exec's output back into each
 * command's own result. Facts read ahead (src/engine/fact-batch.ts), reads riding along a task's
 * exec (host-session.ts) and many-object kubectl reads (src/facts/k8s.ts) use it.
 */

/** Arguments this long are set once in a variable of the batch script (the same fact script for many paths). */
const HOIST_AT = 160;
/** The batch script stays well under the one-argument limit (MAX_COMMAND_BYTES). */
export const BATCH_SCRIPT_LIMIT = 96 * 1024;

/**
 * One shell script running `commands` one after the other, each with its stdout and stderr
 * followed by a line naming it (and its exit code) after a random marker nobody can guess.
 * Returns undefined when the script would be too long.
 */
export function batchScript(commands: readonly (readonly string[])[], marker: string, opts: { readonly firstAsIs?: boolean } = {}): string | undefined {
  const hoisted = new Map<string, string>();
  const lines: string[] = [];
  const word = (a: string): string => {
    if (a.length < HOIST_AT) return toShellLine([a]);
    let v = hoisted.get(a);
    if (!v) {
      v = `k8sbm_s${hoisted.size}`;
      hoisted.set(a, v);
      lines.push(`${v}=${toShellLine([a])}`);
    }
    return `"$${v}"`;
  };
  const body = commands.map((argv, i) => {
    // `sh -c SCRIPT NAME ARGS...` runs in a subshell of the batch (a fork, no new shell started),
    // unless it asks for its own process ($$); anything else as the command it is.
    // `firstAsIs`: the first command is a playbook's, run as the program it names, so that it
    // sees none of the batch's variables (the marker among them).
    const run = argv[0] === 'sh' && argv[1] === '-c' && argv.length >= 3 && !argv[2]!.includes('$$') && !(i === 0 && opts.firstAsIs)
      ? `(set -- ${argv.slice(4).map(word).join(' ')}; eval ${word(argv[2]!)})`
      : argv.map(word).join(' ');
    return `${run} </dev/null; printf '\\n%s %s %s\\n' "$k8sbm_m" ${i} $?; printf '\\n%s %s\\n' "$k8sbm_m" ${i} >&2`;
  });
  const script = [`k8sbm_m=${marker}`, ...lines, ...body].join('\n');
  return Buffer.byteLength(script) > BATCH_SCRIPT_LIMIT ? undefined : script;
}

export function newMarker(): string {
  return `k8sbm-batch-${randomBytes(16).toString('hex')}`;
}

/** The batch's output cut back into each command's result; undefined when it is not whole. */
export function splitBatch(res: ExecResult, count: number, marker: string): ExecResult[] | undefined {
  if (res.code !== 0 || res.signal !== null) return undefined;
  const out: ExecResult[] = [];
  let o = 0;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const tag = `\n${marker} ${i} `;
    const at = res.stdout.indexOf(tag, o);
    if (at < 0) return undefined;
    const eol = res.stdout.indexOf('\n', at + tag.length);
    if (eol < 0) return undefined;
    const code = Number(res.stdout.slice(at + tag.length, eol));
    if (!Number.isInteger(code)) return undefined;
    const etag = `\n${marker} ${i}\n`;
    const eat = res.stderr.indexOf(etag, e);
    if (eat < 0) return undefined;
    // A command killed by a signal shows as 128+n to the shell, as it would to one exec's caller.
    out.push({ code, signal: null, stdout: res.stdout.slice(o, at), stderr: res.stderr.slice(e, eat) });
    o = eol + 1;
    e = eat + etag.length;
  }
  return out;
}

