import type { ActionFailed } from '../modules/types.js';
import { toShellLine } from '../transport/quote.js';

/** Meaning of an exit status as an operator reads it. */
export function exitMeaning(code: number | null, signal: string | null): string {
  if (signal) return `killed by signal ${signal}`;
  switch (code) {
    case 0: return 'success';
    case 1: return 'general error';
    case 2: return 'misuse of a shell builtin or bad arguments';
    case 126: return 'command found but not executable (permission denied?)';
    case 127: return 'command not found';
    case 255: return 'exit status out of range, or the remote side failed';
    default:
      if (code !== null && code > 128 && code < 160) return `killed by signal ${code - 128}`;
      return 'failure';
  }
}

/** "command failed" with the command, exit code and its meaning and the tail of stderr. */
export function describeFailure(e: ActionFailed, tailLines = 10): { msg: string; detail: string[] } {
  const a = e.action;
  const what = a.kind === 'exec' ? toShellLine(a.argv) : `install ${a.dest}${a.validate ? ` (validate: ${a.validate})` : ''}`;
  const r = e.result;
  const msg = `${a.kind === 'exec' ? 'command' : 'upload'} failed: exit ${r.code ?? r.signal} (${exitMeaning(r.code, r.signal)})`;
  const detail = [`command: ${what.length > 300 ? `${what.slice(0, 297)}...` : what}`];
  const tail = r.stderr.trimEnd().split('\n').filter(Boolean).slice(-tailLines);
  if (tail.length) detail.push('stderr:', ...tail.map((l) => `  ${l}`));
  else if (r.stdout.trim()) detail.push('stdout:', ...r.stdout.trimEnd().split('\n').slice(-tailLines).map((l) => `  ${l}`));
  return { msg, detail };
}
