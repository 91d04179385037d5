import { copyPositions } from '../source/loc.js';
import { isK8sbmError, K8sbmError } from '../source/errors.js';
import { forgetSource } from '../source/yaml.js';
import { Secret } from '../util/secret.js';
import { isVaultText } from './format.js';
import { openVaultText } from './keyring.js';

/** A file's text, decrypted when the whole file is a vault text. */
export interface FileText {
  readonly text: string;
  /** The file was encrypted: its values are secrets and its text is never quoted in errors. */
  readonly vaulted: boolean;
}

export function fileText(file: string, raw: string): FileText {
  if (!isVaultText(raw)) return { text: raw, vaulted: false };
  return { text: openVaultText(raw, { file, line: 1, col: 1 }, file).toString('utf8'), vaulted: true };
}

/** Bytes of a local file (copy/template src), decrypted when the file is a vault text. */
export function fileBytes(file: string, raw: Buffer): { readonly data: Buffer; readonly vaulted: boolean } {
  // A vault text is ASCII and starts with its magic: look at the head only.
  if (!isVaultText(raw.subarray(0, 64).toString('latin1'))) return { data: raw, vaulted: false };
  return { data: openVaultText(raw.toString('latin1'), { file, line: 1, col: 1 }, file), vaulted: true };
}

/**
 * Parse a decrypted file's text: its string values become Secrets, and neither its lines nor
 * its values appear in an error (a YAML error names only the place).
 */
export function parseVaulted<T>(file: string, text: string, parse: (text: string) => T): T {
  try {
    return secretStrings(parse(text)) as T;
  } catch (e) {
    if (!isK8sbmError(e)) throw e;
    const at = e.loc ? ` at line ${e.loc.line}, column ${e.loc.col}` : '';
    throw new K8sbmError(e.code, `${file} (encrypted): the decrypted text is not valid${at}`, {
      loc: { file, line: 1, col: 1 },
      hint: `\`k8sbm vault edit ${file}\` to see and fix it`,
    });
  } finally {
    forgetSource(file);
  }
}

/** Every string value (deep) as a Secret; keys stay text; positions stay on the containers. */
export function secretStrings(v: unknown): unknown {
  if (typeof v === 'string') return new Secret(v);
  if (Array.isArray(v)) {
    const out = v.map(secretStrings);
    copyPositions(v, out);
    return out;
  }
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = secretStrings(x);
    copyPositions(v, out);
    return out;
  }
  return v;
}
