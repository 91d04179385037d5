import { constants } from 'node:os';
/**
 * What a failed command's exit says, for humans: the meaning of its code where the code has one
 * whatever the program (shell conventions: 126, 127, 128+signal), and the tail of its output.
 */
const trimEnd = (s) => s.replace(/\n+$/, '');
const linesOf = (s) => (s === '' ? [] : s.split('\n'));
const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));
/** Exit code -> what it usually means, plus the tail of the output that explains it. */
export function describeExit(res, tailLines = 10) {
    const fromStderr = res.stderr.trim() !== '';
    const tail = linesOf(trimEnd(fromStderr ? res.stderr : res.stdout)).filter((l) => l.trim() !== '').slice(-tailLines);
    let meaning;
    if (/sudo: (a password is required|a terminal is required)/.test(res.stderr)) {
        meaning = 'sudo asked for a password: become needs passwordless sudo (NOPASSWD) for this user';
    }
    else if (/is not in the sudoers file|is not allowed to execute/.test(res.stderr)) {
        meaning = 'the user may not use sudo for this';
    }
    else if (res.code === null) {
        meaning = `killed by signal ${res.signal ?? 'unknown'}`;
    }
    else {
        meaning = exitCodeMeaning(res.code);
    }
    const headline = res.code === null ? (meaning ?? 'killed') : meaning ? `exit code ${res.code} (${meaning})` : `exit code ${res.code}`;
    return { code: res.code, signal: res.signal, meaning, headline, tail, tailFrom: fromStderr ? 'stderr' : 'stdout' };
}
export function exitCodeMeaning(code) {
    if (code === 0)
        return 'success';
    if (code === 126)
        return 'found but not executable (or permission denied)';
    if (code === 127)
        return 'command not found';
    if (code > 128 && code < 128 + 65) {
        const n = code - 128;
        return `killed by signal ${SIGNAL_NAMES.get(n) ?? 'unknown'} (${n})`;
    }
    if (code === 255)
        return 'often a connection problem, or exit(-1)';
    // 1, 2 and the rest mean what the program says they mean: `ls` exits 2 for a missing file,
    // `grep` 1 for no match. Guessing ("misuse") would mislead; the output's tail explains instead.
    return undefined;
}
//# sourceMappingURL=exit.js.map