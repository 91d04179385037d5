import { K8sbmError } from '../source/errors.js';
import { valueLocOf } from '../source/loc.js';
import { isSecret, type Secret } from '../util/secret.js';

/**
 * How to reach a host, read from its variables under their Ansible names (the `ansible_ssh_*`
 * spellings of older inventories are accepted as fallbacks, as Ansible accepts them).
 */
export interface ConnectionVars {
  /** ansible_host; undefined means "use the inventory name". */
  readonly address: string | undefined;
  /** ansible_port; undefined means the transport's default (22). */
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly connection: 'ssh' | 'local';
  readonly become: boolean;
  readonly becomeUser: string;
  /** ansible_ssh_common_args, as written (a shell-quoted list of ssh options). */
  readonly sshCommonArgs: string | undefined;
}

export function connectionVarsOf(vars: Readonly<Record<string, unknown>>): ConnectionVars {
  const pick = (...names: string[]): [string, unknown] | undefined => {
    // A value from a vault file is a Secret: how to connect is used as its text.
    for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return [n, isSecret(vars[n]) ? (vars[n] as Secret).reveal() : vars[n]];
    return undefined;
  };
  return {
    address: optionalString(vars, pick('ansible_host', 'ansible_ssh_host')),
    port: portOf(vars, pick('ansible_port', 'ansible_ssh_port')),
    user: optionalString(vars, pick('ansible_user', 'ansible_ssh_user')),
    privateKeyFile: optionalString(vars, pick('ansible_ssh_private_key_file', 'ansible_private_key_file')),
    connection: connectionOf(vars, pick('ansible_connection')),
    become: booleanOf(vars, pick('ansible_become')) ?? false,
    becomeUser: optionalString(vars, pick('ansible_become_user')) ?? 'root',
    sshCommonArgs: optionalString(vars, pick('ansible_ssh_common_args')),
  };
}

function invalid(vars: Readonly<Record<string, unknown>>, name: string, message: string, hint: string): K8sbmError {
  return new K8sbmError('K8SBM_INVENTORY_VAR_INVALID', `${name} ${message}`, { loc: valueLocOf(vars, name), hint });
}

function optionalString(vars: Readonly<Record<string, unknown>>, entry: [string, unknown] | undefined): string | undefined {
  if (!entry) return undefined;
  const [name, v] = entry;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(vars, name, `must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`, `write ${name} as one plain value`);
}

function portOf(vars: Readonly<Record<string, unknown>>, entry: [string, unknown] | undefined): number | undefined {
  if (!entry) return undefined;
  const [name, v] = entry;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw invalid(vars, name, `must be a port number (1-65535), got ${JSON.stringify(v)}`, `for example ${name}=2222`);
  }
  return n;
}

function connectionOf(vars: Readonly<Record<string, unknown>>, entry: [string, unknown] | undefined): 'ssh' | 'local' {
  if (!entry) return 'ssh';
  const v = String(entry[1]);
  // paramiko and smart are other ways to speak SSH; k8sbm has one SSH client.
  if (v === 'ssh' || v === 'smart' || v === 'paramiko' || v === 'paramiko_ssh' || v === 'ansible.builtin.ssh') return 'ssh';
  if (v === 'local' || v === 'ansible.builtin.local') return 'local';
  throw invalid(vars, entry[0], `"${v}" is not supported`, 'k8sbm connects with ssh or local');
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f', '0.0']);

/** Ansible's boolean(): yes/no, on/off, true/false, 1/0 in any case. */
export function ansibleBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return undefined;
}

function booleanOf(vars: Readonly<Record<string, unknown>>, entry: [string, unknown] | undefined): boolean | undefined {
  if (!entry) return undefined;
  const b = ansibleBoolean(entry[1]);
  if (b === undefined) throw invalid(vars, entry[0], `must be a boolean, got ${JSON.stringify(entry[1])}`, 'use true or false (yes/no also work)');
  return b;
}
