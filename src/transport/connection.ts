/**
 * The one interface between the engine and a host. SSH, local and the in-memory test connection
 * implement it; nothing above this folder knows which one it talks to.
 */

export interface BecomeSpec {
  /** Target user (default root). */
  readonly user: string;
  readonly method: 'sudo';
}

export interface ExecRequest {
  /** Program and arguments. Never a shell line: quoting happens only in src/transport/quote.ts. */
  readonly argv: readonly string[];
  readonly stdin?: string | Buffer | undefined;
  readonly cwd?: string | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly become?: BecomeSpec | undefined;
  readonly timeoutMs?: number | undefined;
  /** Output as it arrives (ad-hoc `exec` streams it); the result still carries all of it. */
  readonly onOutput?: ((stream: 'stdout' | 'stderr', chunk: string) => void) | undefined;
  /**
   * Runs even after stopCommands(): the run's own clean-up on the way out (releasing its lease),
   * never a task's command.
   */
  readonly afterStop?: boolean | undefined;
  /**
   * One of k8sbm's own short commands (a fact read, a probe, an upload, a mkdir): it starts
   * nothing that outlives it and does not stream its output. The SSH transport may run it in the
   * host's shell (host-shell.ts) instead of a channel of its own.
   */
  readonly light?: boolean | undefined;
  /**
   * A light request that is due soon rather than now (the lease's heartbeat): when the host
   * shell is running another request, it waits for it, this many milliseconds at most, instead
   * of taking a channel of its own, which costs the host an sshd session and a login.
   */
  readonly patient?: number | undefined;
  /**
   * The run's upkeep, sent because time passed rather than because of the work (the lease's
   * heartbeat): counted in upkeepCount, not in execCount, so that the execs a play costs a host
   * do not grow with how long the run took.
   */
  readonly upkeep?: boolean | undefined;
  /**
   * The command is a script (`sh -c SCRIPT NAME ARGS`) that also takes its stdin as one more,
   * last argument: when that argument is there it reads no stdin (the upload script). The host
   * shell passes a short text payload so, and the script writes it with a builtin: no program
   * start to read the payload into a file and none to copy it from there (see host-shell.ts).
   */
  readonly stdinAsArg?: boolean | undefined;
}

import type { ExecResult } from '../contract/exec.js';
import { K8sbmError } from '../source/errors.js';

export type { ExecResult } from '../contract/exec.js';

export interface Connection {
  /** The inventory name of the host this connection reaches. */
  readonly host: string;
  /** Opens the connection (lazily; a second call is a no-op). Throws UnreachableError. */
  connect(): Promise<void>;
  exec(req: ExecRequest): Promise<ExecResult>;
  close(): Promise<void>;
  /** Number of execs sent so far (round trips) but for upkeep, for benchmarks and regression tests. */
  readonly execCount: number;
  /** Upkeep execs sent so far (ExecRequest.upkeep); undefined where the transport does not count them. */
  readonly upkeepCount?: number | undefined;
  /** SSH channels opened so far (sshd sessions on the host); undefined for other transports. */
  readonly channelCount?: number | undefined;
  /**
   * Stops the commands running now, each with its whole process group on the host, and refuses
   * later execs (K8SBM_INTERRUPTED). Resolves once they ended, or after waitMs.
   */
  stopCommands?(waitMs: number): Promise<StopOutcome>;
}

export interface StopOutcome {
  /** Commands that were running when asked to stop. */
  readonly running: number;
  /** Those whose end was not seen within the wait: the host stops them when the connection closes. */
  readonly unconfirmed: number;
}

/** An exec asked for after stopCommands(): the run is being stopped, the command is not started. */
export function interruptedError(host: string): K8sbmError {
  return new K8sbmError('K8SBM_INTERRUPTED', `${host}: the run is being stopped; the command was not started`, {
    hint: 'k8sbm was interrupted (a second Ctrl-C, SIGTERM or SIGHUP)',
  });
}

/**
 * The host could not be reached (K8SBM_UNREACHABLE) or the connection was lost mid-run
 * (K8SBM_CONNECTION_LOST): the host becomes UNREACHABLE. A user-facing error: the network, the
 * host or its settings are at fault, not k8sbm.
 */
export class UnreachableError extends K8sbmError {
  /**
   * @param reason a short stable phrase first ("connection refused", "host key unknown", ...),
   *   details after it
   * @param hint how to fix it, when there is something to do (e.g. the ssh-keyscan line)
   */
  constructor(readonly host: string, readonly reason: string, hint?: string, code: 'K8SBM_UNREACHABLE' | 'K8SBM_CONNECTION_LOST' = 'K8SBM_UNREACHABLE') {
    super(code, `${host}: ${reason}`, { hint });
    this.name = 'UnreachableError';
  }

  /** The connection was up and went away (the host rebooted, sshd restarted, the network dropped). */
  static lost(host: string, why: string): UnreachableError {
    return new UnreachableError(host, `connection lost: ${why}`,
      'the host or the network dropped the SSH connection (a reboot, an sshd restart, a firewall change?); check the host, then run again', 'K8SBM_CONNECTION_LOST');
  }
}

export interface ConnectionSpec {
  readonly host: string;
  readonly kind: 'ssh' | 'local' | 'memory';
  readonly address: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly sshCommonArgs: string | undefined;
}

export type ConnectionFactory = (spec: ConnectionSpec) => Connection;

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Run-wide SSH settings (from flags, k8sbm.yaml and K8SBM_* variables). */
export interface SshOptions {
  /** strict (default): unknown or changed keys are refused; accept-new: unknown keys are added. */
  readonly hostKeyChecking: HostKeyChecking;
  /**
   * hostKeyChecking was chosen for this run (flag, K8SBM_HOST_KEY_CHECKING, k8sbm.yaml): it then
   * applies to every host. Otherwise a host's StrictHostKeyChecking (ansible_ssh_common_args,
   * ssh_config) wins over it.
   */
  readonly hostKeyCheckingExplicit?: boolean | undefined;
  /** Default ~/.ssh/known_hosts (a UserKnownHostsFile in ssh_config wins for its hosts). */
  readonly knownHostsFile: string | undefined;
  /** Default ~/.ssh/config when it exists. */
  readonly sshConfigFile: string | undefined;
  /** --private-key: tried after the host's own key file. */
  readonly privateKeyFiles: readonly string[];
  readonly connectTimeoutMs: number;
  /** Extra attempts after a refused or timed-out connect (never after an auth or host key failure). */
  readonly connectRetries: number;
  /**
   * SSH handshakes in progress at once, over the whole run (default DEFAULT_MAX_HANDSHAKES). A
   * dial waits for a slot before its connect timeout starts counting.
   */
  readonly maxHandshakes?: number | undefined;
  /** Asks for the passphrase of an encrypted key (a TTY prompt in the CLI); undefined: no prompt. */
  readonly askPassphrase?: ((keyFile: string) => Promise<string>) | undefined;
  /** --ask-become-pass: sudo -S with this password instead of sudo -n. */
  readonly becomePassword?: import('../util/secret.js').Secret | undefined;
  /** ssh-agent socket (default SSH_AUTH_SOCK). */
  readonly agentSocket?: string | undefined;
}

/**
 * Why 10: a handshake costs the controller a key exchange and a signature, and the node a fork of
 * sshd; 50 of them at once on a busy controller took longer than the connect timeout (200 lab
 * nodes). Ten at a time reach 200 hosts in a few seconds; sshd's own MaxStartups starts at 10.
 */
export const DEFAULT_MAX_HANDSHAKES = 10;

export const DEFAULT_SSH_OPTIONS: SshOptions = {
  hostKeyChecking: 'strict',
  knownHostsFile: undefined,
  sshConfigFile: undefined,
  privateKeyFiles: [],
  connectTimeoutMs: 10_000,
  connectRetries: 2,
};
