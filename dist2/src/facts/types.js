import { K8sbmError } from '../source/errors.js';
/** The partial reading of a fact made of parts; everything else in it is read whole each time. */
export function readInParts(...parts) {
    return {
        missing(known, q) {
            const out = { ...q };
            let lacking = false;
            for (const p of parts) {
                const have = known[p.fact];
                const nameOf = p.nameOf ?? ((s) => s);
                const rest = q[p.query].filter((s) => !(nameOf(s) in have));
                out[p.query] = rest;
                if (rest.length)
                    lacking = true;
            }
            return lacking ? out : undefined;
        },
        merge(known, fresh) {
            const out = { ...known };
            for (const p of parts)
                out[p.fact] = { ...fresh[p.fact], ...known[p.fact] };
            return out;
        },
    };
}
const HINTS = {
    K8SBM_FACT_UNREADABLE: 'run the task with become: true (or a become_user who may read it), or name a path the connecting user may read',
    K8SBM_BECOME_FAILED: 'become needs passwordless sudo (NOPASSWD) for the connecting user, or run with --ask-become-pass',
    K8SBM_FACT_FAILED: 'the error above is the host\'s own: fix that on the host, or skip the task there (when:)',
    K8SBM_FACT_PARSE: 'the host\'s tools answered in a form k8sbm does not know (an unusual OS or tool version?); please report it with the host\'s OS release and the output above',
};
/** A fact the host could not give. The engine adds the host and the task's place when it reports it. */
export class FactError extends K8sbmError {
    fact;
    constructor(fact, code, message, hint) {
        super(code, message, { hint: hint ?? HINTS[code], subject: `${fact} fact` });
        this.fact = fact;
        this.name = 'FactError';
    }
}
/** The host answered, but not in a form the parser knows (K8SBM_FACT_PARSE). */
export class FactParseError extends FactError {
    constructor(fact, message) {
        super(fact, 'K8SBM_FACT_PARSE', message);
        this.name = 'FactParseError';
    }
}
const DENIED = /permission denied|operation not permitted/i;
const SUDO_REFUSED = /sudo: (?:a password is required|a terminal is required|\d+ incorrect password attempts?)|is not in the sudoers file|is not allowed to execute/;
/** The code a failed fact command deserves, from what it printed on stderr. */
export function classifyFactFailure(stderr) {
    if (SUDO_REFUSED.test(stderr))
        return 'K8SBM_BECOME_FAILED';
    if (DENIED.test(stderr))
        return 'K8SBM_FACT_UNREADABLE';
    return 'K8SBM_FACT_FAILED';
}
/** The last lines of stderr that say why (or the exit code when it said nothing). */
export function failureReason(res, keep = () => true, lines = 3) {
    return res.stderr.trim().split('\n').filter((l) => l.trim() !== '' && keep(l)).slice(-lines).join('; ') || `exit code ${res.code ?? res.signal}`;
}
/** "cannot read mounts: <why>", coded by what the host said. */
export function factCommandFailed(fact, what, res, why = failureReason(res)) {
    return new FactError(fact, classifyFactFailure(res.stderr), `${what}: ${why}`);
}
//# sourceMappingURL=types.js.map