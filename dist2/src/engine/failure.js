import { describeExit } from '../contract/exit.js';
import { K8sbmError, sourceExcerpt } from '../source/errors.js';
import { formatLoc } from '../source/loc.js';
import { UnreachableError } from '../transport/connection.js';
import { toShellLine } from '../transport/quote.js';
/** "command failed" with the command, exit code and its meaning and the tail of its output. */
export function describeFailure(e, tailLines = 10) {
    const a = e.action;
    const what = a.kind === 'exec' ? toShellLine(a.argv) : `install ${a.dest}${a.validate ? ` (validate: ${a.validate})` : ''}`;
    const exit = describeExit(e.result, tailLines);
    const msg = `${a.kind === 'exec' ? 'command' : 'upload'} failed: ${exit.headline}`;
    const detail = [`command: ${what.length > 300 ? `${what.slice(0, 297)}...` : what}`];
    if (exit.tail.length)
        detail.push(`${exit.tailFrom}:`, ...exit.tail.map((l) => `  ${l}`));
    return { msg, detail };
}
/**
 * Errors from hosts and from the user's files are K8sbmErrors: they read as code, message,
 * place (the error's own, else the task's `at`) and hint, never with stack frames. Anything else
 * is a bug in k8sbm: labelled so, with its stack frames at -vvv only.
 */
export function describeError(e, at, verbosity) {
    if (e instanceof K8sbmError) {
        const loc = e.loc ?? at;
        // The source line is worth showing only when the error is about what is written there.
        const excerpt = e.loc ? sourceExcerpt(e.loc, e.secrets) : [];
        const msg = e instanceof UnreachableError ? e.reason : e.message;
        return { msg: `${e.code}: ${msg}`, code: e.code, hint: e.hint, detail: [formatLoc(loc), ...e.details, ...excerpt, ...hintLine(e.hint)] };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const stack = verbosity >= 3 ? (err.stack ?? '').split('\n').slice(1).map((l) => l.trim()) : [];
    const hint = verbosity >= 3 ? 'please report it with the lines above' : 'please report it; run again with -vvv to see where in k8sbm it happened';
    return { msg: `K8SBM_INTERNAL: a bug in k8sbm: ${err.message}`, code: 'K8SBM_INTERNAL', hint, detail: [formatLoc(at), ...stack, ...hintLine(hint)] };
}
// The hint closes the human lines too, so reporters that print `detail` need not know of it.
const hintLine = (hint) => (hint ? [`hint: ${hint}`] : []);
//# sourceMappingURL=failure.js.map