import { assertNever } from '../util/assert-never.js';
import type { Connection, ConnectionFactory, ConnectionSpec, SshOptions, StopOutcome } from './connection.js';
import { DEFAULT_SSH_OPTIONS } from './connection.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { SshRun } from './ssh-run.js';

export type RunConnectionFactory = ConnectionFactory & {
  /** ssh_config and ansible_ssh_common_args settings that were read but not applied, for a warning. */
  readonly warnings: () => readonly string[];
  /**
   * Stops the commands running on every connection made so far (see Connection.stopCommands),
   * at once; resolves when they ended or after waitMs. One entry per host that had some running.
   */
  readonly stopCommands: (waitMs: number) => Promise<HostStopOutcome[]>;
};

export interface HostStopOutcome extends StopOutcome {
  readonly host: string;
}

/**
 * The transport factory for one run: every SSH connection it makes shares the run's ssh_config,
 * passphrase answers and jump host connections.
 */
export function createConnectionFactory(opts: SshOptions): RunConnectionFactory {
  const run = new SshRun(opts);
  const made: Connection[] = [];
  const factory = (spec: ConnectionSpec): Connection => {
    switch (spec.kind) {
      case 'local':
        return remember(made, new LocalConnection(spec.host, { becomePassword: opts.becomePassword }));
      case 'ssh':
        return remember(made, new SshConnection(spec, opts, run));
      case 'memory':
        throw new Error('memory connections are made by tests, not by the CLI');
      default:
        return assertNever(spec.kind, 'connection kind');
    }
  };
  const stopCommands = async (waitMs: number): Promise<HostStopOutcome[]> => {
    const outcomes = await Promise.all(made.map(async (c) => ({ host: c.host, ...(await c.stopCommands?.(waitMs) ?? { running: 0, unconfirmed: 0 }) })));
    return outcomes.filter((o) => o.running > 0);
  };
  return Object.assign(factory, { warnings: () => run.warnings(), stopCommands });
}

function remember(made: Connection[], c: Connection): Connection {
  made.push(c);
  return c;
}

/** A factory with default SSH options (strict host keys, ~/.ssh/config, the agent and default keys). */
export const createConnection: (spec: ConnectionSpec) => Connection = (spec) => defaultFactory()(spec);

let shared: ((spec: ConnectionSpec) => Connection) | undefined;
function defaultFactory(): (spec: ConnectionSpec) => Connection {
  shared ??= createConnectionFactory(DEFAULT_SSH_OPTIONS);
  return shared;
}
