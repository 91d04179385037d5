import { lazyRequire } from '../util/lazy.js';
import type { Duplex } from 'node:stream';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import { loadKnownHosts, verifyHostKey, type HostKeyPolicy } from './host-keys.js';
import { knownHostName, preferredHostKeyAlgorithms } from './known-hosts.js';
import { makeAuthAttempts, type PassphraseCache } from './ssh-auth.js';
import type { SshEndpoint } from './ssh-settings.js';
import type { Semaphore } from '../util/semaphore.js';

const ssh2 = lazyRequire<typeof import('ssh2')>('ssh2');

export type { SshClient };

/** Why a dial failed: `reason` starts with a short stable phrase ("connection refused", ...). */
export class DialError extends Error {
  constructor(readonly reason: string, readonly hint: string | undefined, readonly retryable: boolean) {
    super(reason);
    this.name = 'DialError';
  }
}

export interface DialDeps {
  readonly passphrases: PassphraseCache;
  /** Key files to try for this endpoint (its own, then --private-key, then the defaults). */
  readonly keyFiles: readonly string[];
  readonly retries: number;
  /** The run's handshakes in progress: each attempt holds a slot, and its timeout starts with it. */
  readonly handshakes?: Semaphore | undefined;
}

/** Through which established connection (a jump host) to reach the endpoint. */
export interface DialVia {
  readonly client: SshClient;
  readonly label: string;
}

/** `user@host:port`, how messages name an endpoint. */
export function endpointLabel(ep: SshEndpoint): string {
  return `${ep.user}@${ep.hostname}:${ep.port}`;
}

const BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;

/**
 * Dials, retrying refused and timed-out attempts with exponential backoff. Each attempt waits for
 * a handshake slot first (none is held during the backoff), so the connect timeout measures the
 * host's answer, not the run's queue.
 */
export async function dial(ep: SshEndpoint, deps: DialDeps, via?: DialVia): Promise<SshClient> {
  for (let attempt = 0; ; attempt++) {
    const release = deps.handshakes ? await deps.handshakes.acquire() : undefined;
    try {
      return await dialOnce(ep, deps, via);
    } catch (e) {
      release?.();
      if (!(e instanceof DialError) || !e.retryable || attempt >= deps.retries) throw e;
      await new Promise((r) => setTimeout(r, Math.min(BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS)));
    } finally {
      release?.();
    }
  }
}

/** One attempt: TCP (or a channel through `via`), SSH handshake, host key check, authentication. */
export async function dialOnce(ep: SshEndpoint, deps: DialDeps, via?: DialVia): Promise<SshClient> {
  const policy: HostKeyPolicy = {
    name: ep.hostKeyAlias ?? knownHostName(ep.hostname, ep.port),
    hostname: ep.hostname,
    port: ep.port,
    files: ep.knownHostsFiles,
    mode: ep.hostKeyChecking,
    hashed: ep.hashKnownHosts,
  };
  let serverHostKey: string[] | undefined;
  if (policy.mode !== 'off') {
    try {
      serverHostKey = preferredHostKeyAlgorithms(await loadKnownHosts(policy.files), policy.name);
    } catch (e) {
      throw new DialError(`host key unknown: ${(e as Error).message}`, undefined, false);
    }
  }
  const timeoutText = `connect timeout after ${ep.connectTimeoutMs / 1000}s`;
  const viaText = via ? ` (via ${via.label})` : '';

  return new Promise<SshClient>((resolve, reject) => {
    const client = new (ssh2().Client)();
    let settled = false;
    let refusal: DialError | undefined;
    const timer = PausableTimer.start(ep.connectTimeoutMs, () => fail(new DialError(timeoutText + viaText, undefined, true)));
    const auth = makeAuthAttempts(
      { user: ep.user, agentSocket: ep.agentSocket, keyFiles: deps.keyFiles },
      deps.passphrases,
      { promptStarted: () => timer.pause(), promptEnded: () => timer.resume() },
    );
    const fail = (err: DialError): void => {
      if (settled) return;
      settled = true;
      timer.stop();
      client.destroy();
      reject(err);
    };
    client.on('error', (e: Error & { level?: string; code?: string | number }) => {
      if (settled) return;
      // Per-method trouble (an agent that does not answer, a key that cannot sign): ssh2 moves on.
      if (e.level === 'agent' || (e.level === 'client-authentication' && !/All configured authentication methods failed/.test(e.message))) return;
      if (refusal) return fail(refusal);
      if (e.level === 'client-authentication') return fail(authFailed(auth.tried(), auth.serverMethods()));
      const c = classifyConnectError(e);
      fail(new DialError(c.reason + viaText, undefined, c.retryable));
    });
    client.on('close', () => fail(refusal ?? new DialError(`connection lost: closed during the SSH handshake${viaText}`, undefined, false)));
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      timer.stop();
      client.setNoDelay(true);
      resolve(client);
    });

    const start = (sock: Duplex | undefined): void => {
      const config: ConnectConfig = {
        host: ep.hostname,
        port: ep.port,
        username: ep.user,
        readyTimeout: 0,
        keepaliveInterval: ep.keepaliveIntervalMs,
        keepaliveCountMax: ep.keepaliveCountMax,
        authHandler: auth.handler,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          timer.pause();
          void verifyHostKey(policy, key)
            .catch((e: unknown) => ({ ok: false as const, reason: `host key unknown: ${(e as Error).message}`, hint: undefined }))
            .then((d) => {
              timer.resume();
              if (!d.ok) refusal = new DialError(d.reason, d.hint, false);
              verify(d.ok);
            });
        },
        ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
        ...(sock ? { sock } : {}),
      };
      try {
        client.connect(config);
      } catch (e) {
        fail(new DialError(`connection lost: ${(e as Error).message}`, undefined, false));
      }
    };

    if (!via) {
      start(undefined);
      return;
    }
    try {
      via.client.forwardOut('127.0.0.1', 0, ep.hostname, ep.port, (err, stream) => {
        if (err) {
          const c = classifyForwardError(err as Error & { reason?: number | string });
          fail(new DialError(c.reason + viaText, undefined, c.retryable));
        } else if (settled) {
          stream.destroy();
        } else {
          start(stream);
        }
      });
    } catch (e) {
      fail(new DialError(`connection lost: ${(e as Error).message} (at ${via.label})`, undefined, false));
    }
  });
}

function authFailed(tried: readonly string[], server: readonly string[] | undefined): DialError {
  const list = tried.length ? tried.join(', ') : 'nothing: no agent and no key file';
  const accepts = server && !server.includes('publickey') ? `; the server accepts only ${server.join(', ')}` : '';
  return new DialError(
    `auth failed (tried: ${list})${accepts}`,
    'give the key with --private-key or ansible_ssh_private_key_file, load it into ssh-agent, or check authorized_keys and the user',
    false,
  );
}

/** A short stable reason for a socket or handshake error; refused and timed out are retried. */
export function classifyConnectError(e: { code?: string | number | undefined; level?: string | undefined; message: string }): { reason: string; retryable: boolean } {
  switch (e.code) {
    case 'ECONNREFUSED': return { reason: 'connection refused', retryable: true };
    case 'ETIMEDOUT': return { reason: `connect timeout (${e.message})`, retryable: true };
    case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EHOSTDOWN': return { reason: 'no route to host', retryable: false };
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_NONAME': case 'EAI_FAIL': case 'EAI_NODATA':
      return { reason: 'name does not resolve', retryable: false };
    case 'ECONNRESET': case 'EPIPE': return { reason: 'connection lost: reset by the remote side during the handshake', retryable: false };
    default: break;
  }
  if (e.level === 'protocol' && /before handshake/.test(e.message)) {
    return { reason: 'connection lost: closed before the SSH handshake (is it an SSH port?)', retryable: false };
  }
  if (e.level === 'handshake') return { reason: `SSH handshake failed: ${e.message}`, retryable: false };
  if (typeof e.code === 'number') return { reason: `connection lost: the server disconnected: ${e.message}`, retryable: false };
  return { reason: `connection lost: ${e.message}`, retryable: false };
}

/** Why a jump host could not open a TCP channel to the next hop (its text comes from the jump host). */
export function classifyForwardError(e: { reason?: number | string | undefined; message: string }): { reason: string; retryable: boolean } {
  const text = e.message.replace(/^\(SSH\) Channel open failure:\s*/, '');
  if (e.reason === 1) return { reason: `forwarding refused by the jump host (${text}; AllowTcpForwarding?)`, retryable: false };
  if (/refused/i.test(text)) return { reason: 'connection refused', retryable: true };
  if (/timed out/i.test(text)) return { reason: `connect timeout (${text})`, retryable: true };
  if (/no route|unreachable/i.test(text)) return { reason: 'no route to host', retryable: false };
  if (/name or service|not known|resolve|nodename/i.test(text)) return { reason: 'name does not resolve', retryable: false };
  return { reason: `connection lost: the jump host could not connect (${text})`, retryable: false };
}

/** A timeout that stops counting while a human types a passphrase or known_hosts is consulted. */
export class PausableTimer {
  #handle: NodeJS.Timeout | undefined;
  #left: number;
  #startedAt = 0;
  #pauses = 0;
  #stopped = false;

  private constructor(ms: number, private readonly onFire: () => void) {
    this.#left = ms;
  }

  static start(ms: number, onFire: () => void): PausableTimer {
    const t = new PausableTimer(ms, onFire);
    t.#arm();
    return t;
  }

  pause(): void {
    if (this.#stopped || this.#pauses++ > 0) return;
    clearTimeout(this.#handle);
    this.#left -= Date.now() - this.#startedAt;
  }

  resume(): void {
    if (this.#stopped || --this.#pauses > 0) return;
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#handle);
  }

  #arm(): void {
    this.#startedAt = Date.now();
    this.#handle = setTimeout(() => { this.#stopped = true; this.onFire(); }, Math.max(this.#left, 0));
  }
}
