import { existsSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultIdentityFiles, PassphraseCache } from './ssh-auth.js';
import { EMPTY_SSH_CONFIG, loadSshConfig } from './ssh-config.js';
import { dial, DialError, endpointLabel } from './ssh-dial.js';
/**
 * What the SSH connections of one run share: the parsed ssh_config, the passphrase answers, and
 * the jump host connections (one per distinct chain, counted by reference: the last target
 * behind a jump host to close closes it).
 */
export class SshRun {
    opts;
    envOverrides;
    passphrases;
    #config;
    #env;
    #jumps = new Map();
    #notes = new Set();
    constructor(opts, envOverrides = {}) {
        this.opts = opts;
        this.envOverrides = envOverrides;
        this.passphrases = new PassphraseCache(opts.askPassphrase);
    }
    settingsEnv() {
        this.#env ??= {
            home: homedir(),
            localUser: userInfo().username,
            localHost: hostname(),
            agentFromEnv: process.env.SSH_AUTH_SOCK || undefined,
            opts: this.opts,
            ...this.envOverrides,
        };
        return this.#env;
    }
    config() {
        if (!this.#config) {
            const env = this.settingsEnv();
            const file = this.opts.sshConfigFile ?? join(env.home, '.ssh', 'config');
            this.#config = existsSync(file) ? loadSshConfig(file, { home: env.home }) : EMPTY_SSH_CONFIG;
        }
        return this.#config;
    }
    /** Settings that were read but not applied (Match blocks, unknown ssh flags), once each. */
    warnings() {
        return [...(this.#config?.notes ?? []), ...this.#notes];
    }
    noteEndpoint(ep, host) {
        for (const n of ep.notes)
            this.#notes.add(`${host}: ${n}`);
    }
    /** The key files an endpoint tries: the ones named for it, else ssh's default files. */
    keyFilesFor(ep) {
        return ep.defaultIdentities ? defaultIdentityFiles(this.settingsEnv().home) : [...ep.identityFiles];
    }
    dial(ep, via) {
        return dial(ep, { passphrases: this.passphrases, keyFiles: this.keyFilesFor(ep), retries: this.opts.connectRetries }, via);
    }
    /**
     * Opens (or shares) the connections to every hop of a route; resolves to the last one, to
     * forward through. `release` must be called once, whether this succeeded or not.
     */
    openRoute(route) {
        if (!route.length)
            return { client: Promise.resolve(undefined), release: () => { } };
        const entry = this.#acquire(route, route.length - 1);
        let released = false;
        return { client: entry.promise, release: () => { if (!released) {
                released = true;
                this.#release(entry);
            } } };
    }
    #acquire(route, i) {
        const key = chainKey(route, i);
        let entry = this.#jumps.get(key);
        if (!entry) {
            const parent = i > 0 ? this.#acquire(route, i - 1) : undefined;
            const label = `jump host ${endpointLabel(route[i])}`;
            const viaLabel = i > 0 ? `jump host ${endpointLabel(route[i - 1])}` : '';
            const promise = (parent ? parent.promise : Promise.resolve(undefined))
                .then((via) => this.dial(route[i], via ? { client: via, label: viaLabel } : undefined))
                .catch((e) => {
                // A deeper hop's failure already names its hop.
                if (e instanceof DialError && !/\(at jump host /.test(e.reason))
                    throw new DialError(`${e.reason} (at ${label})`, e.hint, false);
                throw e;
            });
            const created = { key, promise, refs: 0, parent };
            entry = created;
            this.#jumps.set(key, created);
            promise.then((c) => c.on('close', () => {
                // A lost jump host is dialled again by the next target that needs it.
                if (this.#jumps.get(key) === created)
                    this.#jumps.delete(key);
            }), () => undefined);
        }
        entry.refs++;
        return entry;
    }
    #release(entry) {
        if (--entry.refs > 0)
            return;
        if (this.#jumps.get(entry.key) === entry)
            this.#jumps.delete(entry.key);
        entry.promise.then((c) => c.end(), () => undefined).finally(() => { if (entry.parent)
            this.#release(entry.parent); });
    }
    /** Jump host connections currently open or opening (for tests). */
    get openJumps() {
        return this.#jumps.size;
    }
}
function chainKey(route, i) {
    return route.slice(0, i + 1).map(endpointLabel).join(' > ');
}
//# sourceMappingURL=ssh-run.js.map