import { innerWins } from '../playbook/inherit.js';
import { emptyCounts } from '../report/events.js';
import { FactOverlay } from './fact-overlay.js';
export function newHostRuntime(name) {
    return {
        name, failed: false, unreachable: false, ended: false, facts: undefined,
        setVars: {}, notified: new Set(), overlay: new FactOverlay(), counts: emptyCounts(), inventoryLayers: undefined,
    };
}
export function playScope(play) {
    return {
        // A play's `when` comes from `import_playbook: x.yml` with a condition.
        when: play.when, tags: play.tags, become: play.become, becomeUser: play.becomeUser, environment: play.environment ?? {},
        blockVars: [], includeParams: {}, checkMode: play.checkMode, diff: play.diff, noLog: play.noLog,
        ignoreErrors: play.ignoreErrors, anyErrorsFatal: play.anyErrorsFatal, delegateTo: undefined, runOnce: undefined, role: undefined,
    };
}
/**
 * Enter a block, role or include: conditions accumulate, tags add up, the inner keyword wins.
 * `asBlockVars` is false for the task itself (its vars are task_vars, a higher level).
 */
export function enterScope(outer, inner, opts = {}) {
    const vars = inner.vars ?? {};
    return {
        ...innerWins(outer, inner),
        when: inner.when.length ? [...outer.when, ...inner.when] : outer.when,
        tags: inner.tags.length ? [...new Set([...outer.tags, ...inner.tags])] : outer.tags,
        environment: inner.environment ? { ...outer.environment, ...inner.environment } : outer.environment,
        blockVars: opts.asBlockVars !== false && Object.keys(vars).length ? [...outer.blockVars, vars] : outer.blockVars,
        includeParams: opts.includeParams ? { ...outer.includeParams, ...opts.includeParams } : outer.includeParams,
        role: opts.role ?? outer.role,
    };
}
//# sourceMappingURL=runtime.js.map