import { formatLoc } from './loc.js';
import { sourceLine } from './yaml.js';
/**
 * A user-facing error: code, place, message and a remedy. The CLI prints it without a stack
 * trace; anything that is not a K8sbmError is a bug in k8sbm and is shown with its stack.
 */
export class K8sbmError extends Error {
    code;
    loc;
    hint;
    details;
    subject;
    secrets;
    constructor(code, message, init = {}) {
        super(message, init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'K8sbmError';
        this.code = code;
        this.loc = init.loc;
        this.hint = init.hint;
        this.details = init.details ?? [];
        this.subject = init.subject;
        this.secrets = init.secrets ?? [];
    }
}
export function isK8sbmError(e) {
    return e instanceof K8sbmError;
}
/**
 *     site.yml:42:9  K8SBM_PARAM_INVALID  task "enable forwarding" (sysctl)
 *       /value must be string or integer, got array
 *       > 42 |       value: [1]
 *       hint: multi-field values are one string: "4096 87380 6291456"
 */
export function formatError(e) {
    const head = [e.loc ? formatLoc(e.loc) : undefined, e.code, e.subject].filter(Boolean).join('  ');
    const lines = [head, `  ${e.message}`];
    for (const d of e.details)
        lines.push(`  ${d}`);
    if (e.loc)
        for (const l of sourceExcerpt(e.loc, e.secrets))
            lines.push(`  ${l}`);
    if (e.hint)
        lines.push(`  hint: ${e.hint}`);
    return lines.join('\n');
}
/**
 * The source line a place points at, with a caret under its column (nothing when the text is
 * unknown); `secrets` are shown as *** (a password is not printed because the line holds it).
 */
export function sourceExcerpt(loc, secrets = []) {
    let text = sourceLine(loc.file, loc.line);
    if (text === undefined)
        return [];
    // Longest first, so a secret inside another is not left half shown.
    for (const s of [...secrets].sort((a, b) => b.length - a.length))
        if (s !== '')
            text = text.split(s).join('***');
    const gutter = ' '.repeat(String(loc.line).length);
    return [`> ${loc.line} | ${text}`, `  ${gutter} | ${' '.repeat(Math.max(0, loc.col - 1))}^`];
}
/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a, b) {
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = dp[0];
        dp[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = dp[j];
            dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return dp[b.length];
}
/** The closest candidate within a sensible distance, or undefined. */
export function closest(word, candidates) {
    let best;
    let bestD = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestD) {
            bestD = d;
            best = c;
        }
    }
    return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
export function didYouMean(word, candidates) {
    const c = closest(word, candidates);
    return c ? `did you mean "${c}"?` : undefined;
}
//# sourceMappingURL=errors.js.map