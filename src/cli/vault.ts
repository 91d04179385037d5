import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { ProjectConfig } from '../config/project.js';
import { K8sbmError } from '../source/errors.js';
import { encryptVault, isAnsibleVaultText, isVaultText } from '../vault/format.js';
import { openVaultText, setVaultPasswordSource, type PasswordSource } from '../vault/keyring.js';
import { projectConfig } from './common.js';
import { withOptions, type OptionSpec } from './options.js';
import { promptSecret } from './prompt.js';

export interface VaultArgs {
  readonly 'vault-password-file'?: string | undefined;
  readonly 'ask-vault-pass'?: boolean | undefined;
}

export const VAULT_OPTIONS: readonly OptionSpec[] = [
  { name: 'vault-password-file', type: 'string', describe: 'vault password: a file, or an executable that prints it' },
  { name: 'ask-vault-pass', type: 'boolean', default: false, describe: 'ask for the vault password' },
];

export function vaultPasswordFlags<T>(y: Argv<T>): Argv<T> {
  return withOptions(y, VAULT_OPTIONS);
}

const NO_TTY_HINT = 'give the password with --vault-password-file FILE, K8SBM_VAULT_PASSWORD_FILE or K8SBM_VAULT_PASSWORD';

/** A password file: its text (trailing newlines dropped), or, when executable, what it prints. */
export function passwordFileSource(file: string, describe: string): PasswordSource {
  return {
    describe,
    get(): string {
      let st;
      try { st = statSync(file); } catch (e) {
        throw new K8sbmError('K8SBM_VAULT_PASSWORD_FILE', `cannot read the vault password file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: `check ${describe}` });
      }
      if (st.isFile() && (st.mode & 0o111) !== 0) {
        try {
          // stdin and stderr stay the terminal's, so a script can ask (gpg, pass, a keyring).
          const out = execFileSync(file, [], { stdio: ['inherit', 'pipe', 'inherit'], timeout: 120_000, maxBuffer: 1 << 20 });
          return out.toString('utf8').replace(/[\r\n]+$/, '');
        } catch (e) {
          const status = (e as { status?: number | null }).status;
          throw new K8sbmError('K8SBM_VAULT_PASSWORD_FILE', `the vault password script ${file} failed${status !== undefined && status !== null ? ` (exit ${status})` : ''}`, {
            hint: 'run the script by hand: it must print the password on stdout and exit 0 (or remove its execute bit if it is a plain password file)',
          });
        }
      }
      if (st.isFile() && (st.mode & 0o077) !== 0) {
        process.stderr.write(`[WARNING]: the vault password file ${file} can be read by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it\n`);
      }
      return readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
    },
  };
}

/**
 * The vault password source of this run, by precedence: --vault-password-file,
 * K8SBM_VAULT_PASSWORD_FILE, K8SBM_VAULT_PASSWORD, vault_password_file in k8sbm.yaml,
 * ANSIBLE_VAULT_PASSWORD_FILE; --ask-vault-pass asks now. None: a vault value is an error
 * naming these.
 */
export async function passwordSourceFrom(a: VaultArgs, cfg: ProjectConfig, env: NodeJS.ProcessEnv = process.env): Promise<PasswordSource | undefined> {
  if (a['vault-password-file']) return passwordFileSource(resolve(a['vault-password-file']), `--vault-password-file ${a['vault-password-file']}`);
  if (a['ask-vault-pass']) {
    const pw = await promptSecret('Vault password: ', NO_TTY_HINT);
    return { describe: 'the password typed at the prompt', get: () => pw };
  }
  if (env.K8SBM_VAULT_PASSWORD_FILE && cfg.vaultPasswordFile) return passwordFileSource(cfg.vaultPasswordFile, 'K8SBM_VAULT_PASSWORD_FILE');
  if (env.K8SBM_VAULT_PASSWORD !== undefined) {
    const pw = env.K8SBM_VAULT_PASSWORD;
    return { describe: 'K8SBM_VAULT_PASSWORD', get: () => pw };
  }
  if (cfg.vaultPasswordFile) return passwordFileSource(cfg.vaultPasswordFile, `vault_password_file in ${cfg.file ?? 'k8sbm.yaml'}`);
  if (env.ANSIBLE_VAULT_PASSWORD_FILE) return passwordFileSource(resolve(env.ANSIBLE_VAULT_PASSWORD_FILE), 'ANSIBLE_VAULT_PASSWORD_FILE');
  return undefined;
}

/** Set this run's vault password source before anything is loaded. */
export async function setupVault(a: VaultArgs, cfg: ProjectConfig): Promise<void> {
  setVaultPasswordSource(await passwordSourceFrom(a, cfg));
}

interface VaultCmdArgs extends VaultArgs {
  readonly files?: string[];
  readonly file?: string;
  readonly output?: string;
  readonly name?: string;
  readonly value?: string;
  readonly 'stdin-name'?: string;
  readonly 'new-vault-password-file'?: string;
}

export function vaultCommand(set: (code: number) => void): CommandModule {
  const sub = (y: Argv, name: string, desc: string, build: (y: Argv) => Argv, run: (a: VaultCmdArgs) => Promise<void> | void): Argv =>
    y.command(name, desc, (yy) => build(vaultPasswordFlags(yy)), async (a) => { await run(a as unknown as VaultCmdArgs); set(0); });
  const files = (y: Argv): Argv => y.positional('files', { type: 'string', array: true, describe: 'files', demandOption: true });
  return {
    command: 'vault <command>',
    describe: 'encrypt, decrypt, view, edit and rekey vault files; encrypt single values',
    builder: (y) => {
      sub(y, 'encrypt <files..>', 'encrypt files in place', files, (a) => encryptFiles(a));
      sub(y, 'decrypt <files..>', 'decrypt files in place (or to --output)', (yy) => files(yy).option('output', { type: 'string', describe: 'write to this file instead (- for stdout)' }), (a) => decryptFiles(a));
      sub(y, 'view <files..>', 'print decrypted files', files, (a) => viewFiles(a));
      sub(y, 'edit <file>', 'edit a vault file in $EDITOR (created when missing)', (yy) => yy.positional('file', { type: 'string', demandOption: true }), (a) => editFile(a));
      sub(y, 'rekey <files..>', 'encrypt files again with a new password (Ansible Vault files become k8sbm vault files)', (yy) => files(yy).option('new-vault-password-file', { type: 'string', describe: 'the new password (else asked twice)' }), (a) => rekeyFiles(a));
      sub(y, 'encrypt-string [value]', 'encrypt one value for a YAML file (`name: !vault |`)', (yy) => yy
        .positional('value', { type: 'string', describe: 'the value (else read from stdin or asked; on the command line it lands in shell history)' })
        .option('name', { type: 'string', describe: 'print it as `NAME: !vault |`' }), (a) => encryptString(a));
      return y.demandCommand(1, 'name a vault command: encrypt, decrypt, view, edit, rekey, encrypt-string');
    },
    handler: () => undefined,
  };
}

/** The password of this command, and where it came from (so a wrong one names its source). */
let described = 'the vault password';

async function password(a: VaultArgs, confirmNew: boolean): Promise<string> {
  const src = await passwordSourceFrom(a, projectConfig());
  if (src) {
    const pw = src.get();
    if (!pw) throw new K8sbmError('K8SBM_VAULT_NO_PASSWORD', `the vault password from ${src.describe} is empty`, { hint: NO_TTY_HINT });
    described = src.describe;
    return pw;
  }
  described = 'the password typed at the prompt';
  return askNew(confirmNew, 'Vault password: ');
}

async function askNew(confirm: boolean, question: string): Promise<string> {
  const pw = await promptSecret(question, NO_TTY_HINT);
  if (!pw) throw new K8sbmError('K8SBM_VAULT_NO_PASSWORD', 'the vault password is empty', { hint: 'type a password' });
  if (confirm && (await promptSecret('Confirm vault password: ', NO_TTY_HINT)) !== pw) {
    throw new K8sbmError('K8SBM_VAULT_PASSWORD_MISMATCH', 'the two passwords differ', { hint: 'run the command again' });
  }
  return pw;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new K8sbmError('K8SBM_FILE_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: 'check the path' });
  }
}

/** Replace a file atomically, keeping its mode (a new file is 0600). */
function writeAtomic(file: string, data: string | Buffer): void {
  const mode = existsSync(file) ? statSync(file).mode & 0o7777 : 0o600;
  const tmp = join(dirname(file), `.${basename(file)}.k8sbm-${process.pid}`);
  try {
    writeFileSync(tmp, data, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function decryptText(file: string, text: string, pw: string): Buffer {
  setVaultPasswordSource({ describe: described, get: () => pw });
  return openVaultText(text, { file, line: 1, col: 1 }, file);
}

function requireVault(file: string, text: string): void {
  if (!isVaultText(text)) throw new K8sbmError('K8SBM_VAULT_NOT_ENCRYPTED', `${file} is not encrypted`, { loc: { file, line: 1, col: 1 }, hint: '`k8sbm vault encrypt` it first' });
}

async function encryptFiles(a: VaultCmdArgs): Promise<void> {
  const list = (a.files ?? []).map((f) => ({ file: f, text: readText(f) }));
  for (const { file, text } of list) {
    if (isVaultText(text)) throw new K8sbmError('K8SBM_VAULT_ALREADY', `${file} is encrypted already`, { loc: { file, line: 1, col: 1 }, hint: '`k8sbm vault rekey` changes its password; `k8sbm vault edit` its content' });
  }
  const pw = await password(a, true);
  for (const { file, text } of list) {
    writeAtomic(file, encryptVault(text, pw));
    process.stderr.write(`encrypted ${file}\n`);
  }
}

async function decryptFiles(a: VaultCmdArgs): Promise<void> {
  const list = (a.files ?? []).map((f) => ({ file: f, text: readText(f) }));
  for (const { file, text } of list) requireVault(file, text);
  if (a.output !== undefined && list.length > 1) throw new K8sbmError('K8SBM_USAGE', '--output takes one file', { hint: 'decrypt the files one by one' });
  const pw = await password(a, false);
  // Every file is opened before any is written: a wrong password changes nothing.
  const plain = list.map(({ file, text }) => ({ file, data: decryptText(file, text, pw) }));
  for (const { file, data } of plain) {
    if (a.output === '-') process.stdout.write(data);
    else {
      writeAtomic(a.output !== undefined ? a.output : file, data);
      process.stderr.write(`decrypted ${file}${a.output !== undefined ? ` to ${a.output}` : ''}\n`);
    }
  }
}

async function viewFiles(a: VaultCmdArgs): Promise<void> {
  const list = (a.files ?? []).map((f) => ({ file: f, text: readText(f) }));
  for (const { file, text } of list) requireVault(file, text);
  const pw = await password(a, false);
  for (const { file, text } of list) process.stdout.write(decryptText(file, text, pw));
}

async function rekeyFiles(a: VaultCmdArgs): Promise<void> {
  const list = (a.files ?? []).map((f) => ({ file: f, text: readText(f) }));
  for (const { file, text } of list) requireVault(file, text);
  const pw = await password(a, false);
  const plain = list.map(({ file, text }) => ({ file, data: decryptText(file, text, pw), ansible: isAnsibleVaultText(text) }));
  const next = a['new-vault-password-file']
    ? passwordFileSource(resolve(a['new-vault-password-file']), `--new-vault-password-file ${a['new-vault-password-file']}`).get()
    : await askNew(true, 'New vault password: ');
  if (!next) throw new K8sbmError('K8SBM_VAULT_NO_PASSWORD', 'the new vault password is empty', { hint: 'give a non-empty password' });
  for (const { file, data, ansible } of plain) {
    writeAtomic(file, encryptVault(data, next));
    process.stderr.write(`rekeyed ${file}${ansible ? ' (was Ansible Vault; now a k8sbm vault file)' : ''}\n`);
  }
}

async function editFile(a: VaultCmdArgs): Promise<void> {
  const file = a.file!;
  const exists = existsSync(file);
  const text = exists ? readText(file) : '';
  if (exists) requireVault(file, text);
  const pw = await password(a, !exists);
  const plain = exists ? decryptText(file, text, pw) : Buffer.alloc(0);
  // The clear text lives only in a private folder (in memory where /dev/shm exists), removed after.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'k8sbm-vault-'));
  try {
    chmodSync(dir, 0o700);
    const tmp = join(dir, basename(file));
    writeFileSync(tmp, plain, { mode: 0o600 });
    const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', tmp], { stdio: 'inherit' });
    if (r.status !== 0) throw new K8sbmError('K8SBM_VAULT_EDITOR', `the editor (${editor}) failed${r.status !== null ? ` with exit ${r.status}` : ''}; ${file} is unchanged`, { hint: 'set VISUAL or EDITOR to an editor that exits 0' });
    const edited = readFileSync(tmp);
    if (exists && edited.equals(plain)) {
      process.stderr.write(`${file}: no change\n`);
      return;
    }
    writeAtomic(file, encryptVault(edited, pw));
    process.stderr.write(`${exists ? 'saved' : 'created'} ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function encryptString(a: VaultCmdArgs): Promise<void> {
  let value = a.value;
  if (value === undefined) {
    value = process.stdin.isTTY ? await promptSecret('Value to encrypt: ', 'pass the value on stdin') : readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  }
  const pw = await password(a, true);
  const body = encryptVault(value, pw).trimEnd().split('\n').map((l) => `  ${l}`).join('\n');
  process.stdout.write(`${a.name ? `${a.name}: ` : ''}!vault |\n${body}\n`);
}
