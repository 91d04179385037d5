import { valueLocOf } from '../source/loc.js';
import { levelRank } from './layers.js';
/**
 * Merge layers (any order; sorted by precedence, stable within a level) with Ansible's default
 * `replace` behaviour: a higher layer replaces a top-level variable whole.
 */
export function mergeLayers(layers) {
    const out = {};
    for (const layer of sortLayers(layers))
        Object.assign(out, layer.vars);
    return out;
}
export function sortLayers(layers) {
    return layers
        .map((l, i) => ({ l, i }))
        .sort((a, b) => levelRank(a.l.level) - levelRank(b.l.level) || a.i - b.i)
        .map((x) => x.l);
}
export function explainVars(layers) {
    const seen = new Map();
    for (const layer of sortLayers(layers)) {
        for (const [k, v] of Object.entries(layer.vars)) {
            const origin = { layer, loc: valueLocOf(layer.vars, k) ?? layer.loc };
            const e = seen.get(k);
            if (e) {
                e.value = v;
                e.origins.unshift(origin);
            }
            else
                seen.set(k, { value: v, origins: [origin] });
        }
    }
    return [...seen.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, e]) => ({ name, value: e.value, origin: e.origins[0], overridden: e.origins.slice(1) }));
}
//# sourceMappingURL=scope.js.map