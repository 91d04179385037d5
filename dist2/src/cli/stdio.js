import { formatError, isK8sbmError } from '../source/errors.js';
let guarded = false;
/**
 * `k8sbm schema playbook --yaml | head -1`: once the reader of stdout has gone, nothing more can
 * be read, so the process ends quietly with 0 (Node ignores SIGPIPE and raises EPIPE on the next
 * write instead, which would crash with a trace). Installed once for every command, so the
 * reporters' output, exec's streamed lines and plain prints all end the same way.
 */
export function endQuietlyWhenOutputCloses() {
    if (guarded)
        return;
    guarded = true;
    process.stdout.on('error', (e) => {
        if (e.code === 'EPIPE')
            process.exit(0);
        // Another failure to write (a full disk under `> file`): say so where it can still be read.
        process.stderr.write(`k8sbm: cannot write the output: ${e.message}\n`);
        process.exit(1);
    });
    // A closed stderr leaves nowhere to say anything: the run goes on and its exit code still tells.
    process.stderr.on('error', () => undefined);
}
/** -v, -vv, -vvv and --verbose, counted as yargs counts them (for errors raised before it has). */
export function verbosityOf(argv) {
    let n = 0;
    for (const a of argv) {
        if (a === '--')
            break;
        if (a === '--verbose')
            n++;
        else if (/^-v+$/.test(a))
            n += a.length - 1;
    }
    return n;
}
/**
 * A user's mistake is printed as the error it is (code, place, hint). Anything else is a bug in
 * k8sbm: labelled so, with stack frames only at -vvv (they help a bug report, not the user).
 */
export function describeUncaught(e, verbosity) {
    if (isK8sbmError(e))
        return formatError(e);
    const err = e instanceof Error ? e : new Error(String(e));
    const lines = ['K8SBM_INTERNAL  a bug in k8sbm', `  ${err.message}`];
    if (verbosity >= 3)
        lines.push(...(err.stack ?? '').split('\n').slice(1).map((l) => `  ${l.trim()}`));
    lines.push(`  hint: ${verbosity >= 3 ? 'please report it with the lines above' : 'please report it; run again with -vvv to see where in k8sbm it happened'}`);
    return lines.join('\n');
}
//# sourceMappingURL=stdio.js.map