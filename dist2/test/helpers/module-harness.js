import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FactOverlay } from '../../src/engine/fact-overlay.js';
import { moduleApplyContext, modulePlanContext, runModuleOnce } from '../../src/engine/module-run.js';
export { FactOverlay };
/** How fixtures name a fact of the host: `FACT:KEY`. */
export const factId = (fact, key) => `${fact}:${key}`;
function inputs(conn, opts) {
    const given = opts.hostFacts;
    return {
        connection: conn, host: opts.host, check: opts.check, diff: opts.diff, become: opts.become, vars: opts.vars,
        playbookDir: opts.localDir, overlay: opts.overlay,
        givenFacts: given && ((fact, key) => given.get(factId(fact, key))),
    };
}
export function makePlanContext(conn, opts = {}) {
    return modulePlanContext(inputs(conn, opts));
}
export function makeApplyContext(conn, opts = {}) {
    return moduleApplyContext(inputs(conn, opts));
}
/** Plan, then (outside check mode) apply a change; in check mode fold predictions into the overlay. */
export async function runModule(conn, module, params, opts = {}) {
    const before = conn.execCount;
    const r = await runModuleOnce(module, params, inputs(conn, opts));
    return { ...r, execs: conn.execCount - before };
}
/** The repository root, found from this file (works from src and from any build output dir). */
export function repoRoot() {
    const isRoot = (dir) => {
        const pkg = join(dir, 'package.json');
        return existsSync(pkg) && existsSync(join(dir, 'test', 'modules')) && /"name":\s*"k8sbm"/.test(readFileSync(pkg, 'utf8'));
    };
    for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
        for (let dir = resolve(start);; dir = dirname(dir)) {
            if (isRoot(dir))
                return dir;
            if (dirname(dir) === dir)
                break;
        }
    }
    throw new Error('cannot find the repository root (package.json of k8sbm)');
}
//# sourceMappingURL=module-harness.js.map