import { assertNever } from '../util/assert-never.js';
import { DEFAULT_SSH_OPTIONS } from './connection.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh.js';
import { SshRun } from './ssh-run.js';
/**
 * The transport factory for one run: every SSH connection it makes shares the run's ssh_config,
 * passphrase answers and jump host connections.
 */
export function createConnectionFactory(opts) {
    const run = new SshRun(opts);
    const factory = (spec) => {
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
export const createConnection = (spec) => defaultFactory()(spec);
let shared;
function defaultFactory() {
    shared ??= createConnectionFactory(DEFAULT_SSH_OPTIONS);
    return shared;
}
//# sourceMappingURL=factory.js.map