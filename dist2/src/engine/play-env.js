import { connectionVarsOf } from '../inventory/index.js';
import { K8sbmError } from '../source/errors.js';
import { renderValue } from '../template/index.js';
import { varsFor } from './host-vars.js';
import { newHostRuntime } from './runtime.js';
/** One connection per host for the whole run, opened on first use. */
export class ConnectionPool {
    factory;
    #conns = new Map();
    constructor(factory) {
        this.factory = factory;
    }
    get(spec) {
        let p = this.#conns.get(spec.host);
        if (!p) {
            const conn = this.factory(spec);
            p = conn.connect().then(() => conn);
            // A failed connect is remembered: the host stays unreachable for the run.
            this.#conns.set(spec.host, p);
        }
        return p;
    }
    async closeAll() {
        const all = [...this.#conns.values()];
        this.#conns.clear();
        await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
    }
    /** Execs sent per host (for benchmarks and round-trip tests). */
    async execCounts() {
        const out = {};
        for (const [h, p] of this.#conns) {
            try {
                out[h] = (await p).execCount;
            }
            catch { /* unreachable */ }
        }
        return out;
    }
}
export function connectionSpecOf(host, vars) {
    const cv = connectionVarsOf(vars);
    // The implicit localhost (not in the inventory) is always reached locally, as in Ansible.
    const local = cv.connection === 'local' || (host === 'localhost' && vars.ansible_host === undefined);
    return {
        host,
        kind: local ? 'local' : 'ssh',
        address: cv.address ?? host,
        port: cv.port ?? 22,
        user: cv.user,
        privateKeyFile: cv.privateKeyFile,
        sshCommonArgs: cv.sshCommonArgs,
    };
}
/** Where a task's commands go: the host itself, or its delegate (vars stay the host's). */
export function reachFor(env, h, scope, vars) {
    let target = h;
    let targetVars = vars;
    if (scope.delegateTo !== undefined) {
        const name = String(renderValue(scope.delegateTo, vars));
        if (name !== h.name) {
            if (!env.pvc.inventory.hosts.has(name) && name !== 'localhost' && name !== '127.0.0.1') {
                throw new K8sbmError('K8SBM_DELEGATE_UNKNOWN', `delegate_to: "${name}" is not a host of the inventory`, {
                    hint: 'delegate to an inventory host, or to localhost',
                });
            }
            let t = env.allHosts.get(name);
            if (!t) {
                t = newHostRuntime(name);
                env.allHosts.set(name, t);
            }
            target = t;
            targetVars = varsFor(env.pvc, t, undefined);
        }
    }
    const spec = connectionSpecOf(target.name, targetVars);
    const becomeOn = scope.become ?? toBool(vars.ansible_become);
    const becomeUser = scope.becomeUser ?? (typeof vars.ansible_become_user === 'string' ? vars.ansible_become_user : undefined) ?? 'root';
    const envVars = Object.keys(scope.environment).length ? renderEnv(scope.environment, vars) : undefined;
    return {
        factHost: target,
        reach: {
            connection: () => env.connections.get(spec),
            become: becomeOn ? { user: becomeUser, method: 'sudo' } : undefined,
            env: envVars,
        },
    };
}
function renderEnv(env, vars) {
    const r = renderValue(env, vars);
    const out = {};
    for (const [k, v] of Object.entries(r))
        out[k] = v === null || v === undefined ? '' : String(v);
    return out;
}
export function toBool(v) {
    if (typeof v === 'boolean')
        return v;
    if (typeof v === 'number')
        return v !== 0;
    if (typeof v === 'string')
        return ['yes', 'true', 'on', '1', 'y'].includes(v.trim().toLowerCase());
    return false;
}
/** A task's name as shown: rendered with the first host's vars when it holds a template. */
export function taskDisplayName(env, task, h, scope) {
    const raw = task.name ?? task.module;
    let name = raw;
    if (raw.includes('{{')) {
        try {
            name = String(renderValue(raw, varsFor(env.pvc, h, scope, task.vars)));
        }
        catch { /* show it as written */ }
    }
    return scope.role ? `${scope.role.name} : ${name}` : name;
}
//# sourceMappingURL=play-env.js.map