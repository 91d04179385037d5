import { K8sbmError } from '../source/errors.js';
import type { ExecResult } from '../transport/connection.js';

/**
 * A fact is a read-only command plus a pure parser of its output. `key` names the subject (a path,
 * a sysctl key, "" for host-wide facts) so check mode can overlay predicted values per subject.
 */
export interface FactDef<A, T> {
  readonly name: string;
  key(arg: A): string;
  argv(arg: A): readonly string[];
  /** Pure: the same output always gives the same value. Throws FactError when it cannot. */
  parse(res: ExecResult, arg: A): T;
  /** Value used when the command cannot say (e.g. a tool missing on the host). */
  readonly default?: T;
  /**
   * A host-wide fact read a piece at a time (some sysctl keys, some files): an earlier task's
   * prediction may answer only part of a later query. The plan context then reads the part it
   * lacks from the host and merges it in.
   */
  readonly partial?: PartialFact<A, T> | undefined;
  /**
   * How many of these facts are read in one command, with fewer processes on the host than one
   * command each (the file fact: one `stat` for every path). Read ahead uses it (fact-batch.ts).
   */
  readonly many?: ((args: readonly A[]) => ManyReads) | undefined;
}

/** One command answering many reads of a fact, and how its output is cut back into each read's own answer. */
export interface ManyReads {
  readonly argv: readonly string[];
  /** Each read's answer as its own command would have given it; undefined where it cannot say. */
  split(res: ExecResult): (ExecResult | undefined)[];
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

/**
 * Why a fact could not be read. Each is the host's doing or the user's (a path the task's user
 * may not read, a sudo that asks for a password), never a bug in k8sbm, so each has a code.
 */
export type FactErrorCode =
  /** The user the task runs as may not read what the fact looks at. */
  | 'K8SBM_FACT_UNREADABLE'
  /** sudo refused to run the fact's command (password asked, user not in sudoers). */
  | 'K8SBM_BECOME_FAILED'
  /** The fact's command failed on the host for another reason (its stderr says why). */
  | 'K8SBM_FACT_FAILED'
  /** The host answered, but in a form the parser does not know. */
  | 'K8SBM_FACT_PARSE'
  /** What was read changed while it was read (a file written meanwhile); worth reading again. */
  | 'K8SBM_FILE_CHANGED_WHILE_READ';

const HINTS: Readonly<Record<FactErrorCode, string>> = {
  K8SBM_FACT_UNREADABLE: 'run the task with become: true (or a become_user who may read it), or name a path the connecting user may read',
  K8SBM_BECOME_FAILED: 'become needs passwordless sudo (NOPASSWD) for the connecting user, or run with --ask-become-pass',
  K8SBM_FACT_FAILED: 'the error above is the host\'s own: fix that on the host, or skip the task there (when:)',
  K8SBM_FILE_CHANGED_WHILE_READ: 'something on the host keeps writing the file (read three times): stop it, or run the task when the file is at rest',
  K8SBM_FACT_PARSE: 'the host\'s tools answered in a form k8sbm does not know (an unusual OS or tool version?); please report it with the host\'s OS release and the output above',
};

/** A fact the host could not give. The engine adds the host and the task's place when it reports it. */
export class FactError extends K8sbmError {
  constructor(readonly fact: string, code: FactErrorCode, message: string, hint?: string) {
    super(code, message, { hint: hint ?? HINTS[code], subject: `${fact} fact` });
    this.name = 'FactError';
  }
}

/** The file changed while it was read: the reader tries again (see the plan context). */
export class FactChangedError extends FactError {
  constructor(fact: string, message: string) {
    super(fact, 'K8SBM_FILE_CHANGED_WHILE_READ', message);
    this.name = 'FactChangedError';
  }
}

/** The host answered, but not in a form the parser knows (K8SBM_FACT_PARSE). */
export class FactParseError extends FactError {
  constructor(fact: string, message: string) {
    super(fact, 'K8SBM_FACT_PARSE', message);
    this.name = 'FactParseError';
  }
}

const DENIED = /permission denied|operation not permitted/i;
const SUDO_REFUSED = /sudo: (?:a password is required|a terminal is required|\d+ incorrect password attempts?)|is not in the sudoers file|is not allowed to execute/;

/** The code a failed fact command deserves, from what it printed on stderr. */
export function classifyFactFailure(stderr: string): Exclude<FactErrorCode, 'K8SBM_FACT_PARSE'> {
  if (SUDO_REFUSED.test(stderr)) return 'K8SBM_BECOME_FAILED';
  if (DENIED.test(stderr)) return 'K8SBM_FACT_UNREADABLE';
  return 'K8SBM_FACT_FAILED';
}

/** The last lines of stderr that say why (or the exit code when it said nothing). */
export function failureReason(res: ExecResult, keep: (line: string) => boolean = () => true, lines = 3): string {
  return res.stderr.trim().split('\n').filter((l) => l.trim() !== '' && keep(l)).slice(-lines).join('; ') || `exit code ${res.code ?? res.signal}`;
}

/** "cannot read mounts: <why>", coded by what the host said. */
export function factCommandFailed(fact: string, what: string, res: ExecResult, why = failureReason(res)): FactError {
  return new FactError(fact, classifyFactFailure(res.stderr), `${what}: ${why}`);
}
