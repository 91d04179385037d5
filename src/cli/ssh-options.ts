import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ProjectConfig } from '../config/project.js';
import { parseHostKeyChecking } from '../config/project.js';
import { K8sbmError } from '../source/errors.js';
import { DEFAULT_MAX_HANDSHAKES, DEFAULT_SSH_OPTIONS, type SshOptions } from '../transport/connection.js';
import { createConnectionFactory, type RunConnectionFactory } from '../transport/factory.js';
import { Secret } from '../util/secret.js';
import { asList } from './common.js';
import { withOptions, type OptionSpec } from './options.js';
import { promptSecret } from './prompt.js';

export interface SshArgs {
  readonly 'private-key'?: string | string[];
  readonly 'known-hosts'?: string;
  readonly 'host-key-checking'?: string;
  readonly 'ssh-config'?: string;
  readonly 'ask-become-pass'?: boolean;
  readonly 'become-password-file'?: string;
  readonly 'connect-timeout'?: number;
  readonly 'max-handshakes'?: number;
}

export const SSH_OPTIONS: readonly OptionSpec[] = [
  { name: 'private-key', alias: 'k', type: 'string', describe: 'private key file to authenticate with (repeatable)' },
  { name: 'known-hosts', type: 'string', describe: 'known_hosts file (default ~/.ssh/known_hosts)' },
  { name: 'host-key-checking', type: 'string', choices: ['strict', 'accept-new', 'off'], describe: 'unknown/changed host keys: refuse (strict, default), add new ones, or accept all' },
  { name: 'ssh-config', type: 'string', describe: 'ssh_config file for Host aliases (default ~/.ssh/config)' },
  { name: 'ask-become-pass', alias: 'K', type: 'boolean', default: false, describe: 'ask for the sudo password (sudo -S) instead of using sudo -n' },
  { name: 'become-password-file', type: 'string', describe: 'read the sudo password from this file (for CI; keep it mode 0600)' },
  { name: 'connect-timeout', type: 'number', describe: 'seconds to wait for a host to answer (default 10)' },
  { name: 'max-handshakes', type: 'number', describe: `SSH handshakes in progress at once (default ${DEFAULT_MAX_HANDSHAKES})` },
];

export function sshOptionFlags<T>(y: Argv<T>): Argv<T> {
  return withOptions(y, SSH_OPTIONS);
}

/** Flags > K8SBM_* > k8sbm.yaml > defaults, as for every other setting. */
export async function sshOptionsFromAsync(args: SshArgs, cfg: ProjectConfig): Promise<SshOptions> {
  const base = sshOptionsFrom(args, cfg);
  if (args['ask-become-pass']) {
    const pw = await promptSecret('BECOME password: ', 'use --become-password-file FILE when there is no terminal');
    return { ...base, becomePassword: new Secret(pw) };
  }
  return base;
}

export function sshOptionsFrom(args: SshArgs, cfg: ProjectConfig): SshOptions {
  const flag = parseHostKeyChecking(args['host-key-checking'], '--host-key-checking');
  const hkc = flag ?? cfg.hostKeyChecking;
  const cfgFile = args['ssh-config'] ? resolve(args['ssh-config']) : defaultSshConfig();
  if (args['ssh-config'] && !existsSync(cfgFile!)) {
    throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `ssh config ${args['ssh-config']} not found`, { hint: 'give the path of an ssh_config file' });
  }
  let becomePassword: Secret | undefined;
  if (args['become-password-file']) {
    try {
      becomePassword = new Secret(readFileSync(resolve(args['become-password-file']), 'utf8').replace(/\r?\n$/, ''));
    } catch {
      throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `become password file ${args['become-password-file']} cannot be read`, { hint: 'give a readable file holding the password on its first line' });
    }
  }
  const timeout = args['connect-timeout'];
  if (timeout !== undefined && !(timeout > 0)) {
    throw new K8sbmError('K8SBM_USAGE', `--connect-timeout must be a positive number of seconds, got ${timeout}`, { hint: '--connect-timeout 10' });
  }
  const handshakes = args['max-handshakes'];
  if (handshakes !== undefined && !(Number.isInteger(handshakes) && handshakes > 0)) {
    throw new K8sbmError('K8SBM_USAGE', `--max-handshakes must be a positive whole number, got ${handshakes}`, { hint: `--max-handshakes ${DEFAULT_MAX_HANDSHAKES}` });
  }
  return {
    ...DEFAULT_SSH_OPTIONS,
    hostKeyChecking: hkc,
    hostKeyCheckingExplicit: flag !== undefined || cfg.hostKeyCheckingExplicit,
    knownHostsFile: args['known-hosts'] ? resolve(args['known-hosts']) : cfg.knownHosts,
    sshConfigFile: cfgFile,
    privateKeyFiles: asList(args['private-key']).map((p) => resolve(p)),
    connectTimeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_SSH_OPTIONS.connectTimeoutMs,
    maxHandshakes: handshakes,
    becomePassword,
    askPassphrase: process.stdin.isTTY ? (file) => promptSecret(`Passphrase for ${file}: `, 'load the key into ssh-agent (ssh-add) instead') : undefined,
  };
}

function defaultSshConfig(): string | undefined {
  const f = join(homedir(), '.ssh', 'config');
  return existsSync(f) ? f : undefined;
}

export function connectFactory(opts: SshOptions): RunConnectionFactory {
  return createConnectionFactory(opts);
}

/** ssh_config lines k8sbm does not act on (Match blocks, ignored flags): said once, at the end. */
export function printSshWarnings(factory: { warnings(): readonly string[] }): void {
  for (const w of new Set(factory.warnings())) process.stderr.write(`[WARNING]: ${w}\n`);
}
