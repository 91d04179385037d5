import { existsSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_HANDSHAKES, type SshOptions } from './connection.js';
import { defaultIdentityFiles, PassphraseCache } from './ssh-auth.js';
import { EMPTY_SSH_CONFIG, loadSshConfig, type SshConfig } from './ssh-config.js';
import { dial, DialError, endpointLabel, type SshClient } from './ssh-dial.js';
import type { SettingsEnv, SshEndpoint } from './ssh-settings.js';
import { Semaphore } from '../util/semaphore.js';

interface JumpEntry {
  readonly key: string;
  readonly promise: Promise<SshClient>;
  refs: number;
  /** The hop before this one, referenced for as long as this entry lives. */
  readonly parent: JumpEntry | undefined;
}

/**
 * What the SSH connections of one run share: the parsed ssh_config, the passphrase answers, and
 * the jump host connections (one per distinct chain, counted by reference: the last target
 * behind a jump host to close closes it), and the cap on handshakes in progress.
 */
export class SshRun {
  readonly passphrases: PassphraseCache;
  readonly #handshakes: Semaphore;
  #config: SshConfig | undefined;
  #env: SettingsEnv | undefined;
  readonly #jumps = new Map<string, JumpEntry>();
  readonly #notes = new Set<string>();

  constructor(readonly opts: SshOptions, private readonly envOverrides: Partial<SettingsEnv> = {}) {
    this.passphrases = new PassphraseCache(opts.askPassphrase);
    this.#handshakes = new Semaphore(Math.max(1, opts.maxHandshakes ?? DEFAULT_MAX_HANDSHAKES));
  }

  settingsEnv(): SettingsEnv {
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

  config(): SshConfig {
    if (!this.#config) {
      const env = this.settingsEnv();
      const file = this.opts.sshConfigFile ?? join(env.home, '.ssh', 'config');
      this.#config = existsSync(file) ? loadSshConfig(file, { home: env.home }) : EMPTY_SSH_CONFIG;
    }
    return this.#config;
  }

  /** Settings that were read but not applied (Match blocks, unknown ssh flags), once each. */
  warnings(): string[] {
    return [...(this.#config?.notes ?? []), ...this.#notes];
  }

  noteEndpoint(ep: SshEndpoint, host: string): void {
    for (const n of ep.notes) this.#notes.add(`${host}: ${n}`);
  }

  /** The key files an endpoint tries: the ones named for it, else ssh's default files. */
  keyFilesFor(ep: SshEndpoint): string[] {
    return ep.defaultIdentities ? defaultIdentityFiles(this.settingsEnv().home) : [...ep.identityFiles];
  }

  dial(ep: SshEndpoint, via?: { client: SshClient; label: string }): Promise<SshClient> {
    return dial(ep, { passphrases: this.passphrases, keyFiles: this.keyFilesFor(ep), retries: this.opts.connectRetries, handshakes: this.#handshakes }, via);
  }

  /**
   * Opens (or shares) the connections to every hop of a route; resolves to the last one, to
   * forward through. `release` must be called once, whether this succeeded or not.
   */
  openRoute(route: readonly SshEndpoint[]): { client: Promise<SshClient | undefined>; release: () => void } {
    if (!route.length) return { client: Promise.resolve(undefined), release: () => {} };
    const entry = this.#acquire(route, route.length - 1);
    let released = false;
    return { client: entry.promise, release: () => { if (!released) { released = true; this.#release(entry); } } };
  }

  #acquire(route: readonly SshEndpoint[], i: number): JumpEntry {
    const key = chainKey(route, i);
    let entry = this.#jumps.get(key);
    if (!entry) {
      const parent = i > 0 ? this.#acquire(route, i - 1) : undefined;
      const label = `jump host ${endpointLabel(route[i]!)}`;
      const viaLabel = i > 0 ? `jump host ${endpointLabel(route[i - 1]!)}` : '';
      const promise = (parent ? parent.promise : Promise.resolve(undefined))
        .then((via) => this.dial(route[i]!, via ? { client: via, label: viaLabel } : undefined))
        .catch((e: unknown) => {
          // A deeper hop's failure already names its hop.
          if (e instanceof DialError && !/\(at jump host /.test(e.reason)) throw new DialError(`${e.reason} (at ${label})`, e.hint, false);
          throw e;
        });
      const created: JumpEntry = { key, promise, refs: 0, parent };
      entry = created;
      this.#jumps.set(key, created);
      promise.then((c) => c.on('close', () => {
        // A lost jump host is dialled again by the next target that needs it.
        if (this.#jumps.get(key) === created) this.#jumps.delete(key);
      }), () => undefined);
    }
    entry.refs++;
    return entry;
  }

  #release(entry: JumpEntry): void {
    if (--entry.refs > 0) return;
    if (this.#jumps.get(entry.key) === entry) this.#jumps.delete(entry.key);
    entry.promise.then((c) => c.end(), () => undefined).finally(() => { if (entry.parent) this.#release(entry.parent); });
  }

  /** Jump host connections currently open or opening (for tests). */
  get openJumps(): number {
    return this.#jumps.size;
  }
}

function chainKey(route: readonly SshEndpoint[], i: number): string {
  return route.slice(0, i + 1).map(endpointLabel).join(' > ');
}
