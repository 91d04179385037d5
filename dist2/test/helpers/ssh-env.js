import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSH_OPTIONS } from '../../src/transport/connection.js';
import { tempDir } from './temp.js';
/**
 * Keeps the controller's own SSH setup out of a test process: HOME points at an empty temp dir
 * (no ~/.ssh/config, known_hosts or id_* keys) and no ssh-agent is inherited.
 */
export function isolateSshHome() {
    const home = tempDir('home');
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    return home;
}
/** An inventory host reaching an sshd from the helper, as root unless told. */
export function sshSpec(sshd, over = {}) {
    return {
        host: over.host ?? 'node',
        kind: 'ssh',
        address: '127.0.0.1',
        port: sshd.port,
        user: 'root',
        privateKeyFile: undefined,
        sshCommonArgs: undefined,
        ...over,
    };
}
/** Options for a test run: its own known_hosts and ssh_config, no retries unless told. */
export function testSshOptions(dir, over = {}) {
    const sshConfigFile = join(dir, `ssh_config_${Math.random().toString(36).slice(2)}`);
    writeFileSync(sshConfigFile, '');
    return {
        ...DEFAULT_SSH_OPTIONS,
        knownHostsFile: join(dir, 'known_hosts'),
        sshConfigFile,
        connectRetries: 0,
        connectTimeoutMs: 10_000,
        ...over,
    };
}
export function writeLines(file, lines) {
    writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
}
/** Polls `check` until it holds or the deadline passes (for things only visible in logs or /proc). */
export async function eventually(check, what, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
    }
}
//# sourceMappingURL=ssh-env.js.map