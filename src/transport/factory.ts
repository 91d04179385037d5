import { assertNever } from '../util/assert-never.js';
import type { Connection, ConnectionFactory, ConnectionSpec, SshOptions } from './connection.js';
import { DEFAULT_SSH_OPTIONS } from './connection.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { SshRun } from './ssh-run.js';

export type RunConnectionFactory = ConnectionFactory & {
  /** ssh_config and ansible_ssh_common_args settings that were read but not applied, for a warning. */
  readonly warnings: () => readonly string[];
};

/**
 * The transport factory for one run: every SSH connection it makes shares the run's ssh_config,
 * passphrase answers and jump host connections.
 */
export function createConnectionFactory(opts: SshOptions): RunConnectionFactory {
  const run = new SshRun(opts);
  const factory = (spec: ConnectionSpec): Connection => {
    switch (spec.kind) {
      case 'local':
        return new LocalConnection(spec.host, { becomePassword: opts.becomePassword });
      case 'ssh':
        return new SshConnection(spec, opts, run);
      case 'memory':
        throw new Error('memory connections are made by tests, not by the CLI');
      default:
        return assertNever(spec.kind, 'connection kind');
    }
  };
  return Object.assign(factory, { warnings: () => run.warnings() });
}

/** A factory with default SSH options (strict host keys, ~/.ssh/config, the agent and default keys). */
export const createConnection: (spec: ConnectionSpec) => Connection = (spec) => defaultFactory()(spec);

let shared: ((spec: ConnectionSpec) => Connection) | undefined;
function defaultFactory(): (spec: ConnectionSpec) => Connection {
  shared ??= createConnectionFactory(DEFAULT_SSH_OPTIONS);
  return shared;
}
