import { describeExit } from '../contract/exit.js';
import type { ActionFailed } from '../modules/types.js';
import { toShellLine } from '../transport/quote.js';

/** "command failed" with the command, exit code and its meaning and the tail of its output. */
export function describeFailure(e: ActionFailed, tailLines = 10): { msg: string; detail: string[] } {
  const a = e.action;
  const what = a.kind === 'exec' ? toShellLine(a.argv) : `install ${a.dest}${a.validate ? ` (validate: ${a.validate})` : ''}`;
  const exit = describeExit(e.result, tailLines);
  const msg = `${a.kind === 'exec' ? 'command' : 'upload'} failed: ${exit.headline}`;
  const detail = [`command: ${what.length > 300 ? `${what.slice(0, 297)}...` : what}`];
  if (exit.tail.length) detail.push(`${exit.tailFrom}:`, ...exit.tail.map((l) => `  ${l}`));
  return { msg, detail };
}
