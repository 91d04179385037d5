import { join, resolve } from 'node:path';
import type { HostKeyChecking, SshOptions } from './connection.js';
import { parseProxyJump, parseSshCommonArgs, proxyCommandAsJump, type JumpHop } from './ssh-args.js';
import { expandTilde, lookupSshConfig, type ConfigValue, type SshConfig } from './ssh-config.js';

/**
 * Everything needed to open one SSH connection, decided once from (highest first):
 *   1. the inventory's connection vars (ansible_host/port/user/ssh_private_key_file),
 *   2. options in ansible_ssh_common_args (`-o Key=Value`, `-J`, `-p`, `-l`, `-i`),
 *   3. the ssh_config Host blocks that match the address (first value wins),
 *   4. run-wide SshOptions, then OpenSSH's defaults.
 * Host key checking is the exception: an explicit run-wide choice (--host-key-checking,
 * K8SBM_HOST_KEY_CHECKING, k8sbm.yaml: `hostKeyCheckingExplicit`) applies to every host;
 * otherwise a host's StrictHostKeyChecking (from 2 or 3) applies, else the run default.
 */
export interface SshEndpoint {
  /** The name matched against Host patterns (the inventory address or the jump host as written). */
  readonly alias: string;
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Key files named for this host, in the order they are tried. */
  readonly identityFiles: readonly string[];
  /** No key file was named: try ~/.ssh/id_ed25519, id_ecdsa, id_rsa (as ssh does). */
  readonly defaultIdentities: boolean;
  /** ssh-agent socket, or undefined for none. */
  readonly agentSocket: string | undefined;
  /** Read in order; accept-new appends to the first. */
  readonly knownHostsFiles: readonly string[];
  /** HostKeyAlias: the name looked up in known_hosts instead of [host]:port. */
  readonly hostKeyAlias: string | undefined;
  readonly hostKeyChecking: HostKeyChecking;
  readonly hashKnownHosts: boolean;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  /** This endpoint's own ProxyJump hops (outermost first). */
  readonly jumps: readonly JumpHop[];
  /** A setting k8sbm cannot honour (the host is then unreachable with this reason). */
  readonly problem: string | undefined;
  /** Settings read but ignored (unknown ssh flags), for verbose output. */
  readonly notes: readonly string[];
}

export interface EndpointRequest {
  readonly alias: string;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly commonArgs?: string | undefined;
}

export interface SettingsEnv {
  readonly home: string;
  readonly localUser: string;
  readonly localHost: string;
  /** SSH_AUTH_SOCK of the controller. */
  readonly agentFromEnv: string | undefined;
  readonly opts: SshOptions;
}

const DEFAULT_KEEPALIVE_MS = 15_000;
const MAX_ROUTE_DEPTH = 8;

export function resolveEndpoint(req: EndpointRequest, config: SshConfig, env: SettingsEnv): SshEndpoint {
  const notes: string[] = [];
  const fromArgs = new Map<string, ConfigValue[]>();
  if (req.commonArgs) {
    try {
      const parsed = parseSshCommonArgs(req.commonArgs);
      for (const s of parsed.settings) {
        const have = fromArgs.get(s.keyword);
        const v = { args: s.args, from: 'ansible_ssh_common_args' };
        if (!have) fromArgs.set(s.keyword, [v]);
        else if (s.keyword === 'identityfile') have.push(v);
      }
      for (const i of parsed.ignored) notes.push(`ansible_ssh_common_args: ignored ${i}`);
    } catch (e) {
      notes.push(`ansible_ssh_common_args: ${(e as Error).message}`);
    }
  }
  const fromConfig = lookupSshConfig(config, req.alias);
  const first = (k: string): string | undefined => (fromArgs.get(k) ?? fromConfig.get(k))?.[0]?.args[0];
  const all = (k: string): string[] => [...(fromArgs.get(k) ?? []), ...(fromConfig.get(k) ?? [])].flatMap((v) => v.args.slice(0, 1));

  const hostname = expandTokens(first('hostname') ?? '%h', { h: req.alias }) || req.alias;
  const port = req.port ?? numberSetting(first('port'), 'Port', notes) ?? 22;
  const user = req.user ?? first('user') ?? env.localUser;
  const tokens = { h: hostname, p: String(port), r: user, u: env.localUser, d: env.home, n: req.alias, l: env.localHost };
  // As in ssh: ~ and tokens expand; a relative path stays relative to the working directory.
  const path = (p: string): string => resolve(expandTilde(expandTokens(p, tokens), env.home));

  const named = [
    ...(req.keyFile ? [resolve(expandTilde(req.keyFile, env.home))] : []),
    ...all('identityfile').filter((f) => f.toLowerCase() !== 'none').map(path),
    ...env.opts.privateKeyFiles,
  ];
  const identityFiles = [...new Set(named)];

  const agentSetting = first('identityagent');
  const identitiesOnly = yesNo(first('identitiesonly')) === true;
  let agentSocket = env.opts.agentSocket ?? env.agentFromEnv;
  if (agentSetting !== undefined) {
    agentSocket = agentSetting.toLowerCase() === 'none' ? undefined : agentSetting === 'SSH_AUTH_SOCK' ? env.agentFromEnv : path(agentSetting);
  }
  if (identitiesOnly) agentSocket = undefined;

  const knownFromConfig = (fromArgs.get('userknownhostsfile') ?? fromConfig.get('userknownhostsfile'))?.[0]?.args;
  const knownHostsFiles = knownFromConfig?.length
    ? knownFromConfig.map((f) => (f === '/dev/null' ? f : path(f)))
    : [env.opts.knownHostsFile ?? join(env.home, '.ssh', 'known_hosts')];

  let hostKeyChecking = env.opts.hostKeyChecking;
  if (!env.opts.hostKeyCheckingExplicit) {
    const strict = first('stricthostkeychecking');
    if (strict !== undefined) hostKeyChecking = strictHostKeyChecking(strict) ?? hostKeyChecking;
  }

  const timeoutS = numberSetting(first('connecttimeout'), 'ConnectTimeout', notes);
  const aliveS = numberSetting(first('serveraliveinterval'), 'ServerAliveInterval', notes);
  const aliveMax = numberSetting(first('serveralivecountmax'), 'ServerAliveCountMax', notes);

  let jumps: JumpHop[] = [];
  let problem: string | undefined;
  // ssh takes whichever of ProxyJump/ProxyCommand it reads first: the command line, then the file.
  const level = fromArgs.has('proxyjump') || fromArgs.has('proxycommand') ? fromArgs : fromConfig;
  const jumpValue = level.get('proxyjump')?.[0]?.args[0];
  const proxyCommand = level.get('proxycommand')?.[0]?.args;
  if (jumpValue !== undefined) {
    try { jumps = parseProxyJump(jumpValue); } catch (e) { problem = `ProxyJump: ${(e as Error).message}`; }
  } else if (proxyCommand?.length && proxyCommand.join(' ').toLowerCase() !== 'none') {
    const hop = proxyCommandAsJump(proxyCommand.join(' '));
    if (hop) jumps = [hop];
    else problem = 'ProxyCommand is not supported (use ProxyJump, or ProxyCommand ssh -W %h:%p bastion)';
  }

  return {
    alias: req.alias,
    hostname,
    port,
    user,
    identityFiles,
    defaultIdentities: identityFiles.length === 0,
    agentSocket,
    knownHostsFiles,
    hostKeyAlias: first('hostkeyalias'),
    hostKeyChecking,
    hashKnownHosts: yesNo(first('hashknownhosts')) === true,
    connectTimeoutMs: timeoutS !== undefined && timeoutS > 0 ? timeoutS * 1000 : env.opts.connectTimeoutMs,
    keepaliveIntervalMs: aliveS !== undefined ? aliveS * 1000 : DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: aliveMax ?? 3,
    jumps,
    problem,
    notes,
  };
}

/**
 * The jump hosts to go through to reach `target`, in dial order. As with `ssh -J a,b`, the last
 * hop is reached through the earlier ones (its own ProxyJump is not used), and the first hop
 * through whatever ProxyJump its own ssh_config gives it.
 */
export function resolveRoute(target: SshEndpoint, config: SshConfig, env: SettingsEnv, seen: readonly string[] = []): SshEndpoint[] {
  if (!target.jumps.length) return [];
  const path = [...seen, `${target.user}@${target.hostname}:${target.port}`];
  if (path.length > MAX_ROUTE_DEPTH) throw new Error(`ProxyJump chain longer than ${MAX_ROUTE_DEPTH} hops: ${path.join(' -> ')}`);
  const hops = target.jumps.map((h) => resolveEndpoint({ alias: h.host, port: h.port, user: h.user }, config, env));
  for (const h of hops) {
    const id = `${h.user}@${h.hostname}:${h.port}`;
    if (path.includes(id)) throw new Error(`ProxyJump loop: ${[...path, id].join(' -> ')}`);
  }
  const chain = resolveRoute(hops[0]!, config, env, path);
  chain.push(hops[0]!);
  for (const h of hops.slice(1)) chain.push({ ...h, jumps: [] });
  return chain;
}

/** StrictHostKeyChecking values: yes/ask -> strict, accept-new, no/off -> off. */
export function strictHostKeyChecking(value: string): HostKeyChecking | undefined {
  switch (value.toLowerCase()) {
    case 'yes': case 'ask': case 'true': return 'strict';
    case 'accept-new': return 'accept-new';
    case 'no': case 'off': case 'false': return 'off';
    default: return undefined;
  }
}

/** ssh_config percent tokens (%h %p %r %u %d %n %l %%); unknown ones stay as written. */
export function expandTokens(text: string, tokens: Readonly<Record<string, string>>): string {
  return text.replace(/%(.)/g, (all, c: string) => (c === '%' ? '%' : tokens[c] ?? all));
}

function yesNo(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  return s === 'yes' || s === 'true' ? true : s === 'no' || s === 'false' ? false : undefined;
}

function numberSetting(v: string | undefined, name: string, notes: string[]): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) {
    notes.push(`${name} ${v} is not a number; ignored`);
    return undefined;
  }
  return Number(v);
}
