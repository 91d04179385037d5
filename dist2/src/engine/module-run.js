import { carryOut, makeApplyContext, makePlanContext } from './context.js';
import { newHostRuntime } from './runtime.js';
function contextInputs(i) {
    const base = newHostRuntime(i.host ?? i.connection.host);
    const host = i.overlay ? { ...base, overlay: i.overlay } : base;
    return {
        host,
        factHost: host,
        reach: { connection: async () => i.connection, become: i.become, env: undefined },
        vars: i.vars ?? {},
        check: i.check ?? false,
        diff: i.diff ?? true,
        loc: undefined,
        role: undefined,
        playbookDir: i.playbookDir ?? process.cwd(),
        counter: { execs: 0 },
        givenFacts: i.givenFacts,
    };
}
export function modulePlanContext(i) {
    return makePlanContext(contextInputs(i));
}
export function moduleApplyContext(i) {
    return makeApplyContext(contextInputs(i));
}
/** Plan, then carry the change out: applied, or in check mode folded into `overlay` as predictions. */
export async function runModuleOnce(module, params, i) {
    const inputs = contextInputs(i);
    const plan = await module.plan(makePlanContext(inputs), params);
    if (plan.kind !== 'change')
        return { plan };
    return { plan, applied: await carryOut(module, plan, params, inputs) };
}
//# sourceMappingURL=module-run.js.map