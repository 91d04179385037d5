/**
 * The one interface between the engine and a host. SSH, local and the in-memory test connection
 * implement it; nothing above this folder knows which one it talks to.
 */
import { K8sbmError } from '../source/errors.js';
/**
 * The host could not be reached (K8SBM_UNREACHABLE) or the connection was lost mid-run
 * (K8SBM_CONNECTION_LOST): the host becomes UNREACHABLE. A user-facing error: the network, the
 * host or its settings are at fault, not k8sbm.
 */
export class UnreachableError extends K8sbmError {
    host;
    reason;
    /**
     * @param reason a short stable phrase first ("connection refused", "host key unknown", ...),
     *   details after it
     * @param hint how to fix it, when there is something to do (e.g. the ssh-keyscan line)
     */
    constructor(host, reason, hint, code = 'K8SBM_UNREACHABLE') {
        super(code, `${host}: ${reason}`, { hint });
        this.host = host;
        this.reason = reason;
        this.name = 'UnreachableError';
    }
    /** The connection was up and went away (the host rebooted, sshd restarted, the network dropped). */
    static lost(host, why) {
        return new UnreachableError(host, `connection lost: ${why}`, 'the host or the network dropped the SSH connection (a reboot, an sshd restart, a firewall change?); check the host, then run again', 'K8SBM_CONNECTION_LOST');
    }
}
export const DEFAULT_SSH_OPTIONS = {
    hostKeyChecking: 'strict',
    knownHostsFile: undefined,
    sshConfigFile: undefined,
    privateKeyFiles: [],
    connectTimeoutMs: 10_000,
    connectRetries: 2,
};
//# sourceMappingURL=connection.js.map