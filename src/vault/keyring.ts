import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import { Secret } from '../util/secret.js';
import { decryptVault, decryptVaultAsync, VaultFormatError } from './format.js';

/**
 * Where the vault password comes from. `get` is called at most once, when the first vault text
 * is opened (a run that meets none never reads the file or starts the script).
 */
export interface PasswordSource {
  /** For messages: "--vault-password-file vault.pass", "K8SBM_VAULT_PASSWORD". */
  readonly describe: string;
  get(): string;
}

const NO_PASSWORD_HINT = 'give the password with --vault-password-file FILE (a file, or a script that prints it), K8SBM_VAULT_PASSWORD_FILE, K8SBM_VAULT_PASSWORD or --ask-vault-pass';

let source: PasswordSource | undefined;
let password: string | undefined;

/** Set once by the CLI before anything is loaded; `undefined` forgets it (tests). */
export function setVaultPasswordSource(s: PasswordSource | undefined): void {
  source = s;
  password = undefined;
  pending.clear();
}

export function vaultPasswordSource(): PasswordSource | undefined {
  return source;
}

function currentPassword(loc: Loc | undefined, what: string): string {
  if (password !== undefined) return password;
  if (!source) {
    throw new K8sbmError('K8SBM_VAULT_NO_PASSWORD', `${what} is encrypted and no vault password was given`, { loc, hint: NO_PASSWORD_HINT });
  }
  const p = source.get();
  if (p === '') {
    throw new K8sbmError('K8SBM_VAULT_NO_PASSWORD', `the vault password from ${source.describe} is empty`, { loc, hint: NO_PASSWORD_HINT });
  }
  password = p;
  return p;
}

function vaultError(e: unknown, loc: Loc | undefined, what: string): unknown {
  if (!(e instanceof VaultFormatError)) return e;
  if (e.kind === 'password') {
    return new K8sbmError('K8SBM_VAULT_PASSWORD_WRONG', `${what}: ${e.message}`, {
      loc, hint: `check the password from ${source?.describe ?? 'the vault password source'}; \`k8sbm vault view FILE\` tells whether it opens a file`,
    });
  }
  return new K8sbmError('K8SBM_VAULT_DAMAGED', `${what}: ${e.message}`, {
    loc, hint: 'encrypt the value again (`k8sbm vault encrypt-string`) or restore the file from version control',
  });
}

/** Decrypt a vault text now (a whole file, or a value the CLI checks up front). */
export function openVaultText(text: string, loc: Loc | undefined, what: string): Buffer {
  const pw = currentPassword(loc, what);
  try {
    return decryptVault(text, pw);
  } catch (e) {
    throw vaultError(e, loc, what);
  }
}

interface Pending {
  readonly text: string;
  readonly loc: Loc | undefined;
  plain?: string;
}

// Inline values read but not opened yet: the CLI opens them all before the run starts, so a
// wrong password is found at the value's place before anything runs.
const pending = new Set<Pending>();

/**
 * The value of an inline `!vault |` text: a Secret that decrypts on first use (so loading an
 * inventory needs no password until a value is used, or until openAllVaultValues).
 */
export function inlineVaultValue(text: string, loc: Loc | undefined): Secret {
  const entry: Pending = { text, loc };
  pending.add(entry);
  return new Secret(() => {
    if (entry.plain === undefined) {
      entry.plain = openVaultText(text, loc, 'a vault value').toString('utf8');
      pending.delete(entry);
    }
    return entry.plain;
  });
}

/** How many inline values were read and not opened yet. */
export function unopenedVaultValues(): number {
  return pending.size;
}

/**
 * Open every inline vault value read so far, keys derived in parallel off the main thread. The
 * first failure (by place in the files) is thrown; values that open are cached.
 */
export async function openAllVaultValues(): Promise<void> {
  const list = [...pending];
  if (!list.length) return;
  const pw = currentPassword(list[0]!.loc, 'a vault value');
  const results = await Promise.allSettled(list.map(async (e) => {
    e.plain = (await decryptVaultAsync(e.text, pw)).toString('utf8');
    pending.delete(e);
  }));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) throw vaultError((results[failed] as PromiseRejectedResult).reason, list[failed]!.loc, 'a vault value');
}
