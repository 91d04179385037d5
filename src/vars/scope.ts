import type { Loc } from '../source/loc.js';
import { valueLocOf } from '../source/loc.js';
import { assignVars } from '../template/index.js';
import { type VarLayer, levelRank } from './layers.js';

export interface VarOrigin {
  readonly layer: VarLayer;
  /** Where the value was written, when known. */
  readonly loc: Loc | undefined;
}

/**
 * Merge layers (any order; sorted by precedence, stable within a level) with Ansible's default
 * `replace` behaviour: a higher layer replaces a top-level variable whole.
 */
export function mergeLayers(layers: readonly VarLayer[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of sortLayers(layers)) assignVars(out, layer.vars);
  return out;
}

export function sortLayers(layers: readonly VarLayer[]): VarLayer[] {
  return layers
    .map((l, i) => ({ l, i }))
    .sort((a, b) => levelRank(a.l.level) - levelRank(b.l.level) || a.i - b.i)
    .map((x) => x.l);
}

/** For `k8sbm vars`: each variable's final value and where it came from, plus what it overrode. */
export interface ExplainedVar {
  readonly name: string;
  readonly value: unknown;
  readonly origin: VarOrigin;
  /** Lower layers that also set it, highest first. */
  readonly overridden: readonly VarOrigin[];
}

export function explainVars(layers: readonly VarLayer[]): ExplainedVar[] {
  const seen = new Map<string, { value: unknown; origins: VarOrigin[] }>();
  for (const layer of sortLayers(layers)) {
    for (const [k, v] of Object.entries(layer.vars)) {
      const origin: VarOrigin = { layer, loc: valueLocOf(layer.vars, k) ?? layer.loc };
      const e = seen.get(k);
      if (e) { e.value = v; e.origins.unshift(origin); } else seen.set(k, { value: v, origins: [origin] });
    }
  }
  return [...seen.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({ name, value: e.value, origin: e.origins[0]!, overridden: e.origins.slice(1) }));
}
