import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { keyPosOf, valueLocOf } from '../source/loc.js';
import { parseYaml } from '../source/yaml.js';
import { didYouMean } from '../source/errors.js';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Project defaults: k8sbm.yaml, then K8SBM_* environment variables, then CLI flags. */
export interface ProjectConfig {
  readonly inventory: readonly string[];
  readonly forks: number | undefined;
  readonly rolesPath: readonly string[];
  readonly hostKeyChecking: HostKeyChecking;
  /** Set by k8sbm.yaml or K8SBM_HOST_KEY_CHECKING (then it beats StrictHostKeyChecking in ssh_config). */
  readonly hostKeyCheckingExplicit: boolean;
  readonly knownHosts: string | undefined;
  /** vault_password_file (relative to k8sbm.yaml), or K8SBM_VAULT_PASSWORD_FILE. */
  readonly vaultPasswordFile: string | undefined;
  /** The file the config came from, when there was one. */
  readonly file: string | undefined;
}

const KEYS = ['inventory', 'forks', 'roles_path', 'host_key_checking', 'known_hosts', 'vault_password_file'] as const;
const CONFIG_NAMES = ['k8sbm.yaml', 'k8sbm.yml'];

export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const n of CONFIG_NAMES) {
      const f = join(dir, n);
      if (existsSync(f)) return f;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadProjectConfig(cwd: string, env: Readonly<Record<string, string | undefined>>): ProjectConfig {
  const file = findConfigFile(cwd);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    const data = parseYaml(readFileSync(file, 'utf8'), file);
    if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
      throw new K8sbmError('K8SBM_CONFIG_INVALID', 'k8sbm.yaml must be a mapping', { loc: { file, line: 1, col: 1 }, hint: `known keys: ${KEYS.join(', ')}` });
    }
    fromFile = (data ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(fromFile)) {
      if (!(KEYS as readonly string[]).includes(k)) {
        throw new K8sbmError('K8SBM_CONFIG_INVALID', `unknown key "${k}" in k8sbm.yaml`, { loc: keyPosOf(fromFile, k)?.key, hint: didYouMean(k, KEYS) ?? `known keys: ${KEYS.join(', ')}` });
      }
    }
  }
  const base = file ? dirname(file) : cwd;
  const list = (v: unknown, key: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.split(/[,:]/).filter(Boolean).map((p) => resolve(base, p));
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((p) => resolve(base, p as string));
    throw new K8sbmError('K8SBM_CONFIG_INVALID', `${key} must be a path or a list of paths`, { loc: valueLocOf(fromFile, key), hint: `${key}: [inventories/prod]` });
  };
  const fileInv = list(fromFile.inventory, 'inventory');
  const fileRoles = list(fromFile.roles_path, 'roles_path');
  const envInv = env.K8SBM_INVENTORY ? env.K8SBM_INVENTORY.split(',').map((p) => resolve(cwd, p)) : undefined;
  const envRoles = env.K8SBM_ROLES_PATH ? env.K8SBM_ROLES_PATH.split(':').map((p) => resolve(cwd, p)) : undefined;
  const forks = parseForks(env.K8SBM_FORKS, 'K8SBM_FORKS') ?? parseForks(fromFile.forks, 'forks', file ? valueLocOf(fromFile, 'forks') : undefined);
  const hkcSet = parseHostKeyChecking(env.K8SBM_HOST_KEY_CHECKING, 'K8SBM_HOST_KEY_CHECKING') ?? parseHostKeyChecking(fromFile.host_key_checking, 'host_key_checking', valueLocOf(fromFile, 'host_key_checking'));
  const hkc = hkcSet ?? 'strict';
  const kh = env.K8SBM_KNOWN_HOSTS ? resolve(cwd, env.K8SBM_KNOWN_HOSTS) : typeof fromFile.known_hosts === 'string' ? resolve(base, fromFile.known_hosts) : undefined;
  if (fromFile.vault_password_file !== undefined && typeof fromFile.vault_password_file !== 'string') {
    throw new K8sbmError('K8SBM_CONFIG_INVALID', 'vault_password_file must be a path', { loc: valueLocOf(fromFile, 'vault_password_file'), hint: 'vault_password_file: ~/.k8sbm/vault.pass (a file, or a script that prints the password)' });
  }
  const vpf = env.K8SBM_VAULT_PASSWORD_FILE ? resolve(cwd, expandHome(env.K8SBM_VAULT_PASSWORD_FILE, env)) : typeof fromFile.vault_password_file === 'string' ? resolve(base, expandHome(fromFile.vault_password_file, env)) : undefined;
  return { inventory: envInv ?? fileInv ?? [], forks, rolesPath: envRoles ?? fileRoles ?? [], hostKeyChecking: hkc, hostKeyCheckingExplicit: hkcSet !== undefined, knownHosts: kh, vaultPasswordFile: vpf, file };
}

function expandHome(p: string, env: Readonly<Record<string, string | undefined>>): string {
  return p === '~' || p.startsWith('~/') ? `${env.HOME ?? ''}${p.slice(1)}` : p;
}

export function parseForks(v: unknown, what: string, loc?: ReturnType<typeof valueLocOf>): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new K8sbmError('K8SBM_CONFIG_INVALID', `${what} must be a positive whole number, got ${JSON.stringify(v)}`, { loc, hint: 'forks: 20' });
  }
  return n;
}

export function parseHostKeyChecking(v: unknown, what: string, loc?: ReturnType<typeof valueLocOf>): HostKeyChecking | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (v === true) return 'strict';
  if (v === false) return 'off';
  if (v === 'strict' || v === 'accept-new' || v === 'off') return v;
  throw new K8sbmError('K8SBM_CONFIG_INVALID', `${what} must be strict, accept-new or off, got ${JSON.stringify(v)}`, { loc, hint: 'host_key_checking: strict' });
}
