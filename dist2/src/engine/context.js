import { readFile } from 'node:fs/promises';
import { ActionFailed } from '../modules/types.js';
import { findLocalFile } from '../playbook/local-files.js';
import { evalCondition, evalExpression, renderString } from '../template/index.js';
import { runAction } from '../transport/actions.js';
export function makePlanContext(i) {
    const exec = async (argv, opts) => {
        const conn = await i.reach.connection();
        i.counter.execs++;
        return conn.exec({ argv, stdin: opts?.stdin, cwd: opts?.cwd, become: i.reach.become, env: i.reach.env });
    };
    const fromHost = async (def, arg) => {
        const given = i.givenFacts?.(def.name, def.key(arg));
        return given !== undefined ? given : def.parse(await exec(def.argv(arg)), arg);
    };
    return {
        host: i.host.name,
        check: i.check,
        diff: i.diff,
        become: i.reach.become,
        loc: i.loc,
        vars: i.vars,
        fact: (def, arg) => (i.check ? i.factHost.overlay.read(def, arg, fromHost) : fromHost(def, arg)),
        probe: exec,
        findLocal: (kind, path) => findLocalFile(kind, path, i.role, i.playbookDir, i.loc),
        readLocal: (p) => readFile(p),
        renderTemplate: (text, file) => renderString(text, i.vars, { file }),
        evalCondition: (cond, loc) => evalCondition(cond, i.vars, loc ?? i.loc),
        evaluate: (expr, loc) => evalExpression(expr, i.vars, loc ?? i.loc),
    };
}
export function makeApplyContext(i) {
    return {
        host: i.host.name,
        loc: i.loc,
        async run(action) {
            const conn = await i.reach.connection();
            i.counter.execs++;
            const withEnv = action.kind === 'exec' && i.reach.env ? { ...action, env: { ...i.reach.env, ...action.env } } : action;
            const res = await runAction(conn, withEnv, i.reach.become);
            return res;
        },
    };
}
export { ActionFailed };
/**
 * What a planned change becomes: in check mode its predicted effects, folded into the fact host's
 * overlay for the tasks after it; otherwise the module's apply (default: its actions in order).
 * Returns what apply adds to the registered result.
 */
export async function carryOut(module, plan, params, i) {
    if (plan.actions.length === 0)
        throw new Error('module returned a change with no actions');
    if (i.check) {
        i.factHost.overlay.predict(plan.effects);
        return undefined;
    }
    const actx = makeApplyContext(i);
    if (module.apply)
        return module.apply(actx, plan, params);
    for (const a of plan.actions)
        await actx.run(a);
    return undefined;
}
//# sourceMappingURL=context.js.map