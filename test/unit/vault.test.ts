import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parseAnsibleYaml } from '../../src/inventory/index.js';
import { parseYamlWithVault as parseYaml } from '../../src/vault/yaml.js';
import { isSecret, type Secret } from '../../src/util/secret.js';
import { decryptVault, decryptVaultAsync, encryptVault } from '../../src/vault/format.js';
import { openAllVaultValues, setVaultPasswordSource, unopenedVaultValues } from '../../src/vault/keyring.js';
import { thrown } from '../helpers/errors.js';
import { repoRoot } from '../helpers/paths.js';

const ANSIBLE = join(repoRoot, 'test', 'fixtures', 'vault', 'ansible');
const FAST = { logN: 10, r: 8, p: 1 };

function usePassword(pw: string | undefined): void {
  setVaultPasswordSource(pw === undefined ? undefined : { describe: 'the test password', get: () => pw });
}

afterEach(() => usePassword(undefined));

describe('vault format', () => {
  it('encrypts and decrypts text, with a fresh salt and nonce each time', () => {
    const a = encryptVault('db: s3cr3t\n', 'pw', FAST);
    const b = encryptVault('db: s3cr3t\n', 'pw', FAST);
    assert.notEqual(a, b);
    assert.match(a, /^\$K8SBM_VAULT;1\.0;AES256-GCM;scrypt-n10-r8-p1\n[A-Za-z0-9+/=\n]+\n$/);
    assert.ok(!a.includes('s3cr3t'));
    assert.ok(a.split('\n').every((l) => l.length <= 76));
    assert.equal(decryptVault(a, 'pw').toString(), 'db: s3cr3t\n');
    assert.equal(decryptVault(b, 'pw').toString(), 'db: s3cr3t\n');
  });

  it('the default cost is scrypt 2^15 x 8', () => {
    assert.match(encryptVault('x', 'pw'), /^\$K8SBM_VAULT;1\.0;AES256-GCM;scrypt-n15-r8-p1\n/);
  });

  it('a wrong password, a changed byte and a lowered cost in the header all fail the tag', async () => {
    const t = encryptVault('value', 'pw', { logN: 11, r: 8, p: 1 });
    assert.throws(() => decryptVault(t, 'other'), /wrong vault password/);
    const lines = t.split('\n');
    const body = Buffer.from(lines.slice(1).join(''), 'base64');
    body[body.length - 20]! ^= 1;
    assert.throws(() => decryptVault(`${lines[0]}\n${body.toString('base64')}\n`, 'pw'), /wrong vault password, or the vault text was altered/);
    assert.throws(() => decryptVault(t.replace('scrypt-n11', 'scrypt-n10'), 'pw'), /altered/);
    await assert.rejects(decryptVaultAsync(t, 'other'), /wrong vault password/);
    assert.equal((await decryptVaultAsync(t, 'pw')).toString(), 'value');
  });

  it('refuses a damaged text, an unknown version and a cost out of bounds, without deriving a key', () => {
    assert.throws(() => decryptVault('$K8SBM_VAULT;1.0;AES256-GCM;scrypt-n10-r8-p1\n!!!\n', 'pw'), /not base64/);
    assert.throws(() => decryptVault('$K8SBM_VAULT;1.0;AES256-GCM;scrypt-n10-r8-p1\nAAAA\n', 'pw'), /too short/);
    assert.throws(() => decryptVault('$K8SBM_VAULT;9.9;AES256-GCM;scrypt-n10-r8-p1\nAAAA\n', 'pw'), /version 9\.9/);
    // A hostile header asking for 2^30 x 16 (16 GiB) is refused before scrypt runs.
    assert.throws(() => decryptVault('$K8SBM_VAULT;1.0;AES256-GCM;scrypt-n30-r16-p1\nAAAA\n', 'pw'), /out-of-bounds/);
  });

  it("reads Ansible Vault 1.1 files and 1.2 labelled values made by Ansible's own ansible-vault", () => {
    const pw = readFileSync(join(ANSIBLE, 'password'), 'utf8').trim();
    assert.equal(decryptVault(readFileSync(join(ANSIBLE, 'vars-file.yml'), 'utf8'), pw).toString(), 'legacy_password: from-ansible-vault\nlegacy_port: 6443\n');
    assert.throws(() => decryptVault(readFileSync(join(ANSIBLE, 'vars-file.yml'), 'utf8'), 'nope'), /wrong vault password/);
    usePassword(pw);
    const data = parseAnsibleYaml(readFileSync(join(ANSIBLE, 'inline.yml'), 'utf8'), 'inline.yml') as Record<string, Secret>;
    assert.ok(isSecret(data.legacy_inline));
    assert.equal(data.legacy_inline.reveal(), 'inline-ansible-secret');
    assert.equal(data.legacy_labelled!.reveal(), 'labelled-1.2');
  });
});

describe('inline vault values', () => {
  const text = (v: string): string => `token: !vault |\n${encryptVault(v, 'pw', FAST).trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\nplain: x\n`;

  it('are Secrets that print as *** and open on first use, in playbooks and inventories alike', () => {
    usePassword('pw');
    for (const parse of [parseYaml, parseAnsibleYaml]) {
      const d = parse(text('tok-123'), 'v.yml') as Record<string, unknown>;
      assert.ok(isSecret(d.token));
      assert.equal(String(d.token), '***');
      assert.equal(JSON.stringify(d), '{"token":"***","plain":"x"}');
      assert.equal((d.token as Secret).reveal(), 'tok-123');
    }
  });

  it('need no password until used; without one, using them is K8SBM_VAULT_NO_PASSWORD at the value', () => {
    const d = parseYaml(text('tok'), 'v.yml') as Record<string, Secret>;
    const e = thrown(() => d.token!.reveal());
    assert.equal(e.code, 'K8SBM_VAULT_NO_PASSWORD');
    assert.deepEqual(e.loc, { file: 'v.yml', line: 1, col: 15 });
    assert.match(e.hint ?? '', /--vault-password-file/);
  });

  it('are all opened up front, and a wrong password names the first value that fails', async () => {
    usePassword('pw');
    parseYaml(text('one'), 'a.yml');
    const bad = `x: 1\nother: !vault |\n${encryptVault('two', 'not-pw', FAST).trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\n`;
    parseYaml(bad, 'b.yml');
    assert.equal(unopenedVaultValues(), 2);
    await assert.rejects(openAllVaultValues(), (err: { code?: string; loc?: { file: string; line: number } }) => {
      assert.equal(err.code, 'K8SBM_VAULT_PASSWORD_WRONG');
      assert.equal(err.loc?.file, 'b.yml');
      assert.equal(err.loc?.line, 2);
      return true;
    });
    assert.equal(unopenedVaultValues(), 1);
  });
});
