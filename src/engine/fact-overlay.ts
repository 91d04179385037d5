import type { FactDef } from '../facts/types.js';
import type { Effect } from '../modules/types.js';

/** How a plan context reads a fact from the host itself. */
export type HostFactReader = <A, T>(def: FactDef<A, T>, arg: A) => Promise<T>;

/** A fact of the host given as data (fixtures), by fact name and key; undefined: read it. */
export type GivenFacts = (fact: string, key: string) => unknown;

/**
 * Check mode's predicted facts of one host: each change an earlier task would have made declares
 * its effect on facts, and later tasks read the prediction instead of the unchanged host. A
 * prediction of a fact read a piece at a time (FactDef.partial) may lack part of a later query
 * (a sysctl key, a file no earlier task touched): that part alone is read from the host and
 * merged in, so a module never has to know whether what it reads was predicted.
 */
export class FactOverlay {
  readonly #predicted = new Map<string, unknown>();

  predict(effects: readonly Effect[]): void {
    for (const e of effects) this.#predicted.set(subject(e.fact, e.key), e.value);
  }

  async read<A, T>(def: FactDef<A, T>, arg: A, fromHost: HostFactReader): Promise<T> {
    const k = subject(def.name, def.key(arg));
    if (!this.#predicted.has(k)) return fromHost(def, arg);
    const known = this.#predicted.get(k) as T;
    const missing = def.partial?.missing(known, arg);
    return missing === undefined ? known : def.partial!.merge(known, await fromHost(def, missing));
  }
}

function subject(fact: string, key: string): string {
  return `${fact}\u0000${key}`;
}
