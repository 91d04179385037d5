import type { Connection, ConnectionSpec } from './connection.js';
import { UnreachableError } from './connection.js';
import { LocalConnection } from './local.js';

/** Choose the transport for a host from its connection variables. */
export function createConnection(spec: ConnectionSpec): Connection {
  switch (spec.kind) {
    case 'local':
      return new LocalConnection(spec.host);
    case 'ssh':
      return new PendingSshConnection(spec.host);
    case 'memory':
      throw new Error('memory connections are made by tests, not by the CLI');
  }
}

/** Stands in until the SSH transport lands: every ssh host is reported unreachable, with why. */
class PendingSshConnection implements Connection {
  readonly execCount = 0;
  constructor(readonly host: string) {}
  async connect(): Promise<void> {
    throw new UnreachableError(this.host, 'the SSH transport is not available in this build; use ansible_connection=local');
  }
  async exec(): Promise<never> { return this.connect() as never; }
  async close(): Promise<void> {}
}

/** Transport choice with run-wide SSH settings (placeholder until the SSH transport lands). */
export function createConnectionFactory(_opts: import('./connection.js').SshOptions): (spec: ConnectionSpec) => Connection {
  return createConnection;
}
