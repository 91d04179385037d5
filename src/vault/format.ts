import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * The vault format: one header line, then base64 of salt | nonce | ciphertext | tag, wrapped at
 * 76 columns.
 *
 *     $K8SBM_VAULT;1.0;AES256-GCM;scrypt-n15-r8-p1
 *     3q2+7w...
 *
 * The key is scrypt(password, salt) with the cost in the header; the header line is the
 * authenticated data, so its cost cannot be lowered without the tag failing. Files and inline
 * values (`!vault |`) use the same text. Ansible Vault's 1.1/1.2 texts (PBKDF2 + AES-256-CTR +
 * HMAC) are read too, so existing inventories carry over; anything written is ours.
 */
export const VAULT_MAGIC = '$K8SBM_VAULT;';
export const ANSIBLE_MAGIC = '$ANSIBLE_VAULT;';

const VERSION = '1.0';
const CIPHER = 'AES256-GCM';
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface ScryptCost { readonly logN: number; readonly r: number; readonly p: number }

/** 2^15 x 8: about 32 MiB and a tenth of a second per key, against offline guessing. */
export const DEFAULT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

export class VaultFormatError extends Error {
  constructor(message: string, readonly kind: 'format' | 'password') {
    super(message);
  }
}

export function isVaultText(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith(VAULT_MAGIC) || t.startsWith(ANSIBLE_MAGIC);
}

export function isAnsibleVaultText(text: string): boolean {
  return text.trimStart().startsWith(ANSIBLE_MAGIC);
}

function kdfName(c: ScryptCost): string {
  return `scrypt-n${c.logN}-r${c.r}-p${c.p}`;
}

function parseKdf(s: string): ScryptCost | undefined {
  const m = /^scrypt-n(\d{1,2})-r(\d{1,2})-p(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const c = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds keep a hostile header from asking for gigabytes or hours.
  if (c.logN < 10 || c.logN > 20 || c.r < 1 || c.r > 16 || c.p < 1 || c.p > 4) return undefined;
  return c;
}

function scryptOptions(c: ScryptCost) {
  const N = 2 ** c.logN;
  return { N, r: c.r, p: c.p, maxmem: 256 * N * c.r + 16 * 1024 * 1024 };
}

/** Derived keys by password, salt and cost: a file's values share nothing, but repeats are free. */
const keyCache = new Map<string, Buffer>();

function cacheKey(password: string, salt: Buffer, c: ScryptCost): string {
  // The password itself never becomes a map key: an HMAC of it does.
  return createHmac('sha256', salt).update(password).update(kdfName(c)).digest('base64');
}

export function deriveKeySync(password: string, salt: Buffer, c: ScryptCost): Buffer {
  const k = cacheKey(password, salt, c);
  let key = keyCache.get(k);
  if (!key) {
    key = scryptSync(password.normalize('NFC'), salt, 32, scryptOptions(c));
    keyCache.set(k, key);
  }
  return key;
}

export async function deriveKey(password: string, salt: Buffer, c: ScryptCost): Promise<Buffer> {
  const k = cacheKey(password, salt, c);
  const hit = keyCache.get(k);
  if (hit) return hit;
  const key = await new Promise<Buffer>((res, rej) => scrypt(password.normalize('NFC'), salt, 32, scryptOptions(c), (e, b) => (e ? rej(e) : res(b))));
  keyCache.set(k, key);
  return key;
}

/** Encrypt text (or bytes) with a password; the result ends with a newline. */
export function encryptVault(plain: string | Buffer, password: string, cost: ScryptCost = DEFAULT_COST): string {
  const header = `${VAULT_MAGIC}${VERSION};${CIPHER};${kdfName(cost)}`;
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = deriveKeySync(password, salt, cost);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(header));
  const body = Buffer.concat([salt, nonce, c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final(), c.getAuthTag()]);
  const b64 = body.toString('base64');
  const lines = [header];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return `${lines.join('\n')}\n`;
}

interface Parsed {
  readonly header: string;
  readonly fields: readonly string[];
  readonly body: string;
}

function split(text: string): Parsed {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const header = lines[0] ?? '';
  return { header, fields: header.split(';'), body: lines.slice(1).join('') };
}

interface Prepared {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly open: (key: Buffer) => Buffer;
}

function prepare(text: string): Prepared {
  const { header, fields, body } = split(text);
  if (fields[0] !== '$K8SBM_VAULT') throw new VaultFormatError('not a k8sbm vault text', 'format');
  if (fields[1] !== VERSION) throw new VaultFormatError(`vault format version ${fields[1] ?? '?'} is not known to this k8sbm (it reads ${VERSION})`, 'format');
  if (fields[2] !== CIPHER) throw new VaultFormatError(`unknown vault cipher ${fields[2] ?? '?'}`, 'format');
  const cost = parseKdf(fields[3] ?? '');
  if (!cost || fields.length !== 4) throw new VaultFormatError(`unknown or out-of-bounds key derivation "${fields[3] ?? ''}"`, 'format');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new VaultFormatError('the vault text is damaged (not base64)', 'format');
  const raw = Buffer.from(body, 'base64');
  if (raw.length < SALT_BYTES + NONCE_BYTES + TAG_BYTES) throw new VaultFormatError('the vault text is damaged (too short)', 'format');
  const salt = raw.subarray(0, SALT_BYTES);
  const nonce = raw.subarray(SALT_BYTES, SALT_BYTES + NONCE_BYTES);
  const ct = raw.subarray(SALT_BYTES + NONCE_BYTES, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  return {
    cost, salt,
    open: (key) => {
      const d = createDecipheriv('aes-256-gcm', key, nonce);
      d.setAAD(Buffer.from(header));
      d.setAuthTag(tag);
      try {
        return Buffer.concat([d.update(ct), d.final()]);
      } catch {
        throw new VaultFormatError('wrong vault password, or the vault text was altered', 'password');
      }
    },
  };
}

/** Decrypt a vault text (ours or Ansible's). Throws VaultFormatError. */
export function decryptVault(text: string, password: string): Buffer {
  if (isAnsibleVaultText(text)) return decryptAnsible(text, password);
  const p = prepare(text);
  return p.open(deriveKeySync(password, p.salt, p.cost));
}

/** As decryptVault, deriving the key off the main thread (many inline values in parallel). */
export async function decryptVaultAsync(text: string, password: string): Promise<Buffer> {
  if (isAnsibleVaultText(text)) return decryptAnsible(text, password);
  const p = prepare(text);
  return p.open(await deriveKey(password, p.salt, p.cost));
}

/**
 * Ansible Vault 1.1 and 1.2: hex of "hex(salt)\nhex(hmac)\nhex(ciphertext)"; PBKDF2-SHA256 with
 * 10000 rounds gives 32 bytes of AES key, 32 of HMAC key and 16 of CTR counter; PKCS#7 padding.
 */
function decryptAnsible(text: string, password: string): Buffer {
  const { fields, body } = split(text);
  if (fields[1] !== '1.1' && fields[1] !== '1.2') throw new VaultFormatError(`Ansible Vault format ${fields[1] ?? '?'} is not supported (1.1 and 1.2 are)`, 'format');
  if (fields[2] !== 'AES256') throw new VaultFormatError(`unknown Ansible Vault cipher ${fields[2] ?? '?'}`, 'format');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(body)) throw new VaultFormatError('the vault text is damaged (not hex)', 'format');
  const parts = Buffer.from(body, 'hex').toString('latin1').split('\n');
  if (parts.length !== 3 || !parts.every((x) => /^(?:[0-9a-fA-F]{2})+$/.test(x))) throw new VaultFormatError('the vault text is damaged', 'format');
  const [salt, mac, ct] = parts.map((x) => Buffer.from(x, 'hex')) as [Buffer, Buffer, Buffer];
  const km = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10000, 80, 'sha256');
  const want = createHmac('sha256', km.subarray(32, 64)).update(ct).digest();
  if (want.length !== mac.length || !timingSafeEqual(want, mac)) throw new VaultFormatError('wrong vault password, or the vault text was altered', 'password');
  const d = createDecipheriv('aes-256-ctr', km.subarray(0, 32), km.subarray(64, 80));
  const padded = Buffer.concat([d.update(ct), d.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length) throw new VaultFormatError('the vault text is damaged (padding)', 'format');
  return padded.subarray(0, padded.length - pad);
}
