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
}

export class FactParseError extends Error {
  constructor(readonly fact: string, message: string) {
    super(`${fact}: ${message}`);
    this.name = 'FactParseError';
  }
}
