import type { ExecResult } from '../transport/connection.js';

/**
 * A fact is a read-only command plus a pure parser of its output. `key` names the subject (a path,
 * a sysctl key, "" for host-wide facts) so check mode can overlay predicted values per subject.
 */
export interface FactDef<A, T> {
  readonly name: string;
  key(arg: A): string;
  argv(arg: A): readonly string[];
  /** Pure: the same output always gives the same value. Throw FactParseError on nonsense. */
  parse(res: ExecResult, arg: A): T;
  /** Value used when the command cannot say (e.g. a tool missing on the host). */
  readonly default?: T;
  /**
   * A host-wide fact read a piece at a time (some sysctl keys, some files): an earlier task's
   * prediction may answer only part of a later query. The plan context then reads the part it
   * lacks from the host and merges it in.
   */
  readonly partial?: PartialFact<A, T> | undefined;
}

export interface PartialFact<A, T> {
  /** The part of `arg` that `known` does not answer; undefined when it answers all of it. */
  missing(known: T, arg: A): A | undefined;
  /** `known` completed by a fresh read: where both speak, `known` (the prediction) wins. */
  merge(known: T, fresh: T): T;
}

type ListField<Q> = { [K in keyof Q]-?: Q[K] extends readonly string[] ? K : never }[keyof Q];
type RecordField<F> = { [K in keyof F]-?: F[K] extends Readonly<Record<string, unknown>> ? K : never }[keyof F];

/** One growing part of a piece-at-a-time fact: a list in the query answered by a record in the fact. */
export interface FactPart<Q, F> {
  /** The query's list of subjects ("keys", "files"). */
  readonly query: ListField<Q>;
  /** The fact's record holding the answers, by subject. */
  readonly fact: RecordField<F>;
  /** The name a subject has in that record (the dotted sysctl key); default: as asked. */
  readonly nameOf?: ((subject: string) => string) | undefined;
}

/** The partial reading of a fact made of parts; everything else in it is read whole each time. */
export function readInParts<Q, F>(...parts: readonly FactPart<Q, F>[]): PartialFact<Q, F> {
  return {
    missing(known, q) {
      const out = { ...q } as Record<PropertyKey, unknown>;
      let lacking = false;
      for (const p of parts) {
        const have = known[p.fact] as Readonly<Record<string, unknown>>;
        const nameOf = p.nameOf ?? ((s: string) => s);
        const rest = (q[p.query] as readonly string[]).filter((s) => !(nameOf(s) in have));
        out[p.query] = rest;
        if (rest.length) lacking = true;
      }
      return lacking ? (out as Q) : undefined;
    },
    merge(known, fresh) {
      const out = { ...known } as Record<PropertyKey, unknown>;
      for (const p of parts) out[p.fact] = { ...(fresh[p.fact] as object), ...(known[p.fact] as object) };
      return out as F;
    },
  };
}

export class FactParseError extends Error {
  constructor(readonly fact: string, message: string) {
    super(`${fact}: ${message}`);
    this.name = 'FactParseError';
  }
}
