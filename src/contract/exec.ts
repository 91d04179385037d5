/**
 * What running a command on a host gives back. Plain data, at the bottom of the house so the
 * transport (which produces it), the modules, the engine and the reporters (which read it) all
 * import it downward.
 */
export interface ExecResult {
  /** Exit code, or null when the process died of a signal. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}
