/**
 * The data a module's plan hands to the engine and the transport: actions (what to run), diffs
 * (what --diff shows) and effects (what check mode predicts). Below every other folder but
 * source/ and util/, so the transport and the reporters import it without pointing upward.
 */
import type { ExecResult } from './exec.js';
import { describeExit, type ExitDescription } from './exit.js';

// ---- Actions: data describing a change. Only src/transport/ turns them into shell text. ----

export interface ExecAction {
  readonly kind: 'exec';
  readonly argv: readonly string[];
  readonly stdin?: string | Buffer | undefined;
  readonly cwd?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Exit codes that count as success (default [0]). */
  readonly okCodes?: readonly number[] | undefined;
  /**
   * A short command of k8sbm's own (mkdir, chmod, ln): starts nothing that outlives it, so it may
   * run in the host's shell (see ExecRequest.light). Never set for a command a playbook wrote.
   */
  readonly light?: boolean | undefined;
}

export interface UploadAction {
  readonly kind: 'upload';
  readonly dest: string;
  readonly content: string | Buffer;
  /** Octal string, e.g. "0644". Unset keeps the existing file's mode (or umask default when new). */
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
  /** Command run against the temp file before it replaces dest; `%s` is the temp path. */
  readonly validate?: string | undefined;
  /** Keep a timestamped copy of the previous file next to it. */
  readonly backup?: boolean | undefined;
}

export type Action = ExecAction | UploadAction;

// ---- Diffs: what a change would do, shown with --diff. ----

export type Diff =
  | {
      readonly kind: 'text';
      /** e.g. the path of the file. */
      readonly subject: string;
      /** null: the file does not exist (before) / will not exist (after). */
      readonly before: string | null;
      readonly after: string | null;
      /** Set when either side is binary or too large to print; the text fields then hold a note. */
      readonly note?: string | undefined;
    }
  | {
      readonly kind: 'state';
      readonly subject: string;
      readonly before: Readonly<Record<string, unknown>>;
      readonly after: Readonly<Record<string, unknown>>;
    };

/** A predicted effect on a fact: in check mode later tasks read `value` instead of the host. */
export interface Effect {
  readonly fact: string;
  readonly key: string;
  readonly value: unknown;
}

/** An action that did not succeed on the host. */
export class ActionFailed extends Error {
  readonly exit: ExitDescription;
  /**
   * @param registered what `register` holds for the failure when the module has its own shape
   *   (a command's rc/stdout/stderr/msg); unset: the engine registers rc, stdout and stderr.
   */
  constructor(readonly action: Action, readonly result: ExecResult, readonly registered?: Readonly<Record<string, unknown>>) {
    const exit = describeExit(result);
    super(`command failed: ${exit.headline}`);
    this.name = 'ActionFailed';
    this.exit = exit;
  }
}

