import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
const { utils } = ssh2;
/** Key files ssh tries when none is named, in ssh's order. */
export function defaultIdentityFiles(home) {
    return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).filter((f) => existsSync(f));
}
/**
 * Passphrases of encrypted keys, asked once per key file for the whole run (in memory only).
 * Concurrent connections needing the same key share one prompt.
 */
export class PassphraseCache {
    ask;
    #answers = new Map();
    constructor(ask) {
        this.ask = ask;
    }
    get canAsk() { return this.ask !== undefined; }
    passphrase(keyFile) {
        let p = this.#answers.get(keyFile);
        if (!p) {
            p = this.ask ? this.ask(keyFile).then((s) => s, () => undefined) : Promise.resolve(undefined);
            this.#answers.set(keyFile, p);
        }
        return p;
    }
}
/**
 * ssh2's authHandler: the agent first (as ssh does), then each key file. An encrypted key is
 * decrypted with the run's passphrase for it (asked once). Keys that cannot be used are noted in
 * `tried` instead of failing the connection.
 */
export function makeAuthAttempts(plan, passphrases, hooks = {}) {
    const steps = [];
    if (plan.agentSocket)
        steps.push({ kind: 'agent', socket: plan.agentSocket });
    for (const path of plan.keyFiles)
        steps.push({ kind: 'file', path });
    const tried = [];
    let serverMethods;
    const nextStep = async () => {
        for (;;) {
            const step = steps.shift();
            if (!step)
                return false;
            if (step.kind === 'agent') {
                if (!existsSync(step.socket)) {
                    tried.push(`publickey agent (no socket at ${step.socket})`);
                    continue;
                }
                tried.push('publickey agent');
                return { type: 'agent', username: plan.user, agent: step.socket };
            }
            const loaded = await loadKey(step.path, passphrases, hooks);
            if (typeof loaded === 'string') {
                tried.push(`publickey ${step.path} (${loaded})`);
                continue;
            }
            tried.push(`publickey ${step.path}`);
            return { type: 'publickey', username: plan.user, key: loaded };
        }
    };
    const handler = (methodsLeft, _partial, next) => {
        if (methodsLeft)
            serverMethods = methodsLeft;
        const done = next;
        if (methodsLeft && !methodsLeft.includes('publickey')) {
            done(false);
            return;
        }
        void nextStep().then(done, () => done(false));
    };
    return { handler, tried: () => tried, serverMethods: () => serverMethods };
}
/** A private key ready for ssh2, or why it cannot be used. */
async function loadKey(path, passphrases, hooks) {
    let data;
    try {
        data = await readFile(path);
    }
    catch (e) {
        return e.code === 'ENOENT' ? 'missing' : 'unreadable';
    }
    let key = firstKey(utils.parseKey(data));
    if (key instanceof Error && /encrypted|passphrase/i.test(key.message)) {
        if (!passphrases.canAsk)
            return 'encrypted, no passphrase prompt: load it with ssh-add';
        hooks.promptStarted?.();
        let pass;
        try {
            pass = await passphrases.passphrase(path);
        }
        finally {
            hooks.promptEnded?.();
        }
        if (pass === undefined)
            return 'encrypted, no passphrase given';
        key = firstKey(utils.parseKey(data, pass));
        if (key instanceof Error)
            return 'wrong passphrase';
    }
    if (key instanceof Error)
        return `not a private key: ${key.message}`;
    if (!key.isPrivateKey())
        return 'a public key, not a private key';
    return key;
}
function firstKey(k) {
    return Array.isArray(k) ? k[0] ?? new Error('empty key file') : k;
}
//# sourceMappingURL=ssh-auth.js.map