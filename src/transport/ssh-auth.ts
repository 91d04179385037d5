import { lazyRequire } from '../util/lazy.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthHandlerMiddleware, AuthenticationType, NextAuthHandler, ParsedKey } from 'ssh2';

const ssh2 = lazyRequire<typeof import('ssh2')>('ssh2');


/** Key files ssh tries when none is named, in ssh's order. */
export function defaultIdentityFiles(home: string): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).filter((f) => existsSync(f));
}

/**
 * Passphrases of encrypted keys, asked once per key file for the whole run (in memory only).
 * Concurrent connections needing the same key share one prompt.
 */
export class PassphraseCache {
  readonly #answers = new Map<string, Promise<string | undefined>>();
  constructor(private readonly ask: ((keyFile: string) => Promise<string>) | undefined) {}

  get canAsk(): boolean { return this.ask !== undefined; }

  passphrase(keyFile: string): Promise<string | undefined> {
    let p = this.#answers.get(keyFile);
    if (!p) {
      p = this.ask ? this.ask(keyFile).then((s) => s, () => undefined) : Promise.resolve(undefined);
      this.#answers.set(keyFile, p);
    }
    return p;
  }
}

export interface AuthPlan {
  readonly user: string;
  /** ssh-agent socket; skipped when missing. */
  readonly agentSocket: string | undefined;
  /** Key files in the order they are tried (after the agent). */
  readonly keyFiles: readonly string[];
}

export interface AuthHooks {
  /** Called around a passphrase prompt, so a connect timeout does not run while a human types. */
  readonly promptStarted?: () => void;
  readonly promptEnded?: () => void;
}

export interface AuthAttempts {
  readonly handler: AuthHandlerMiddleware;
  /** "publickey agent", "publickey /path", with why a key was skipped. */
  readonly tried: () => readonly string[];
  /** What the server said it accepts, once it said so. */
  readonly serverMethods: () => readonly string[] | undefined;
}

type Step = { kind: 'agent'; socket: string } | { kind: 'file'; path: string };

/**
 * ssh2's authHandler: the agent first (as ssh does), then each key file. An encrypted key is
 * decrypted with the run's passphrase for it (asked once). Keys that cannot be used are noted in
 * `tried` instead of failing the connection.
 */
export function makeAuthAttempts(plan: AuthPlan, passphrases: PassphraseCache, hooks: AuthHooks = {}): AuthAttempts {
  const steps: Step[] = [];
  if (plan.agentSocket) steps.push({ kind: 'agent', socket: plan.agentSocket });
  for (const path of plan.keyFiles) steps.push({ kind: 'file', path });
  const tried: string[] = [];
  let serverMethods: readonly string[] | undefined;

  const nextStep = async (): Promise<Parameters<NextAuthHandler>[0] | false> => {
    for (;;) {
      const step = steps.shift();
      if (!step) return false;
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

  const handler: AuthHandlerMiddleware = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
    if (methodsLeft) serverMethods = methodsLeft;
    const done = next as (m: Parameters<NextAuthHandler>[0] | false) => void;
    if (methodsLeft && !methodsLeft.includes('publickey')) {
      done(false);
      return;
    }
    void nextStep().then(done, () => done(false));
  };
  return { handler, tried: () => tried, serverMethods: () => serverMethods };
}

/** A private key ready for ssh2, or why it cannot be used. */
async function loadKey(path: string, passphrases: PassphraseCache, hooks: AuthHooks): Promise<ParsedKey | string> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  let key = firstKey(ssh2().utils.parseKey(data));
  if (key instanceof Error && /encrypted|passphrase/i.test(key.message)) {
    if (!passphrases.canAsk) return 'encrypted, no passphrase prompt: load it with ssh-add';
    hooks.promptStarted?.();
    let pass: string | undefined;
    try {
      pass = await passphrases.passphrase(path);
    } finally {
      hooks.promptEnded?.();
    }
    if (pass === undefined) return 'encrypted, no passphrase given';
    key = firstKey(ssh2().utils.parseKey(data, pass));
    if (key instanceof Error) return 'wrong passphrase';
  }
  if (key instanceof Error) return `not a private key: ${key.message}`;
  if (!key.isPrivateKey()) return 'a public key, not a private key';
  return key;
}

function firstKey(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(k) ? k[0] ?? new Error('empty key file') : k;
}
