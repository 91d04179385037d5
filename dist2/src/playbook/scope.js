import { dirname, isAbsolute, relative, sep } from 'node:path';
import { K8sbmError } from '../source/errors.js';
export const NO_INHERIT = { when: [], tags: [], vars: {} };
export function roleChainKey(name) {
    return `role:${name}`;
}
function showChainEntry(entry, base) {
    if (entry.startsWith('role:'))
        return `role ${entry.slice(5)}`;
    const rel = relative(base, entry);
    return rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : entry;
}
/** `site.yml -> tasks/a.yml -> role web`, with paths relative to the folder of the first file. */
export function formatChain(chain, base) {
    const from = base ?? dirname(chain.find((e) => !e.startsWith('role:')) ?? process.cwd());
    return chain.map((e) => showChainEntry(e, from)).join(' -> ');
}
/** Throw K8SBM_CIRCULAR_INCLUDE when `next` is already being loaded. */
export function checkCycle(chain, next, loc) {
    const at = chain.indexOf(next);
    if (at < 0)
        return;
    const base = dirname(chain.find((e) => !e.startsWith('role:')) ?? loc?.file ?? process.cwd());
    throw new K8sbmError('K8SBM_CIRCULAR_INCLUDE', `circular include: ${formatChain([...chain.slice(at), next], base)}`, {
        loc,
        details: at > 0 ? [`loaded from: ${formatChain(chain.slice(0, at), base)}`] : undefined,
        hint: 'an import, include or role dependency leads back to itself; remove one link of the loop',
    });
}
/** Stable JSON (sorted keys), for comparing role params. */
export function stableJson(v) {
    if (v === null || typeof v !== 'object')
        return JSON.stringify(v) ?? 'undefined';
    if (Array.isArray(v))
        return `[${v.map(stableJson).join(',')}]`;
    const o = v;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}
//# sourceMappingURL=scope.js.map