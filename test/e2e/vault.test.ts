import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encryptVault } from '../../src/vault/format.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tempTree } from '../helpers/temp.js';

/**
 * Vault end to end through the real CLI on the local connection: the commands, every place a
 * vault value can live (a whole group_vars file, inline in the inventory and the playbook, -e
 * @file, a copy source), what a wrong or missing password does, and every output channel grepped
 * for the secrets.
 */

const FAST = { logN: 10, r: 8, p: 1 };
const PW = 'correct horse battery';
const inline = (v: string, indent = '  '): string => `!vault |\n${encryptVault(v, PW, FAST).trimEnd().split('\n').map((l) => `${indent}${l}`).join('\n')}`;

// Values that must never appear in any output.
const SECRETS = {
  fileVar: 'db-pass-from-vault-file',
  inventoryInline: 'inventory-inline-token',
  playInline: 'play-inline-apikey',
  extraFile: 'extra-vars-file-secret',
  copySource: 'BEGIN PRIVATE KEY material',
  // A crypted hash in plain vars: secret because user's password param takes it.
  plainPassword: '$6$k8sbmtst$1arBXnKY4adUMtDWMjxqiAAVj6EHkPRZUaz.dzejTX1NAJknxU/cyIZP0CEnnIj9k1I1IydyKCa/TuaFliMti.',
};

function project(): { dir: string; target: string } {
  const dir = tempTree('vault', {
    'vault.pass': `${PW}\n`,
    'inventory/hosts.yml': `all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      api_token: ${inline(SECRETS.inventoryInline, '        ')}\n`,
    'inventory/group_vars/all/vault.yml': encryptVault(`db_password: ${SECRETS.fileVar}\ndb_port: 5432\n`, PW, FAST),
    'extra.yml': encryptVault(`extra_secret: ${SECRETS.extraFile}\n`, PW, FAST),
    'files/tls.key': encryptVault(`${SECRETS.copySource}\n`, PW, FAST),
    'site.yml': `
- hosts: localhost
  gather_facts: false
  vars:
    api_key: ${inline(SECRETS.playInline, '      ')}
    admin_password: '${SECRETS.plainPassword}'
  tasks:
    - name: show the password before it is used
      debug: { msg: "pw={{ admin_password }}" }
    - name: "secrets in a name: {{ db_password }} {{ api_key }}"
      debug: { msg: "{{ db_password }} {{ api_token }} {{ api_key }} {{ extra_secret }} port {{ db_port }}" }
    - name: debug var
      debug: { var: db_password }
    - name: config with a secret
      copy: { content: "password={{ db_password }}\\nkey={{ api_key }}\\n", dest: "{{ target }}/app.conf", mode: "0600" }
    - name: key from a vault file
      copy: { src: files/tls.key, dest: "{{ target }}/tls.key", mode: "0600" }
    - name: the admin account, only planned (the run is in check mode then)
      user: { name: k8sbm-vault-test-nobody, password: "{{ admin_password }}" }
      when: ansible_check_mode
`,
  });
  const target = join(dir, 'target');
  mkdirSync(target);
  return { dir, target };
}

const run = (dir: string, target: string, ...args: string[]) =>
  k8sbm(['run', 'site.yml', '-i', 'inventory', '-e', `target=${target}`, '-e', '@extra.yml', ...args], dir);

function assertNoSecret(where: string, text: string): void {
  for (const [name, v] of Object.entries(SECRETS)) assert.ok(!text.includes(v), `${where} shows ${name} (${v}):\n${text}`);
}

describe('vault', () => {
  it('runs with vault values from every place they can live; the files get the real values; no output channel shows one', () => {
    const { dir, target } = project();
    const r = run(dir, target, '--vault-password-file', 'vault.pass', '-vvv', '--report', 'report.json', '--junit', 'junit.xml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(target, 'app.conf'), 'utf8'), `password=${SECRETS.fileVar}\nkey=${SECRETS.playInline}\n`);
    assert.equal(readFileSync(join(target, 'tls.key'), 'utf8'), `${SECRETS.copySource}\n`);
    assert.match(r.stdout, /\*\*\* \*\*\* \*\*\* \*\*\* port 5432/);
    assert.match(r.stdout, /pw=\*\*\*/);
    assert.match(r.stdout, /secrets in a name: \*\*\* \*\*\*/);
    for (const [name, text] of [['stdout -vvv', r.stdout], ['stderr', r.stderr], ['--report', readFileSync(join(dir, 'report.json'), 'utf8')], ['--junit', readFileSync(join(dir, 'junit.xml'), 'utf8')]] as const) assertNoSecret(name, text);
    const json = run(dir, target, '--vault-password-file', 'vault.pass', '--json');
    assert.equal(json.code, 0, json.stdout + json.stderr);
    assert.equal(recapOf(json.stdout).localhost!.changed, 0, 'second run changes nothing');
    assertNoSecret('--json', json.stdout + json.stderr);
    const start = jsonEvents(json.stdout).find((e) => e.event === 'task_start' && String(e.task).startsWith('secrets in a name'));
    assert.equal(start?.task, 'secrets in a name: *** ***');
  });

  it('a rotated secret shows no content diff, neither the old value nor the new one; --check changes nothing', () => {
    const { dir, target } = project();
    assert.equal(run(dir, target, '--vault-password-file', 'vault.pass').code, 0);
    writeFileSync(join(dir, 'inventory/group_vars/all/vault.yml'), encryptVault('db_password: rotated-db-pass\ndb_port: 5432\n', PW, FAST));
    writeFileSync(join(dir, 'files/tls.key'), encryptVault('rotated key material\n', PW, FAST));
    const before = treeHash(dir);
    const check = run(dir, target, '--vault-password-file', 'vault.pass', '--check', '--diff', '--json');
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(treeHash(dir), before, 'check mode changed a file');
    const diffs = jsonEvents(check.stdout).filter((e) => e.event === 'task_result' && e.diff);
    const conf = diffs.find((e) => e.task === 'config with a secret');
    assert.match(JSON.stringify(conf?.diff), /contains secrets/);
    assert.match(JSON.stringify(diffs.find((e) => e.task === 'key from a vault file')?.diff), /contains secrets/);
    const human = run(dir, target, '--vault-password-file', 'vault.pass', '--check', '--diff');
    for (const text of [check.stdout, human.stdout, human.stderr]) {
      assertNoSecret('--check --diff', text);
      assert.ok(!text.includes('rotated-db-pass') && !text.includes('rotated key material'), text);
    }
    assert.match(human.stdout, /content changed: contains secrets/);
    // The plain password that feeds user's password param was masked from the start of the play.
    assert.match(check.stdout, /"msg":"pw=\*\*\*"/);
  });

  it('a wrong password fails before anything runs, at the value, and changes nothing', () => {
    const { dir, target } = project();
    writeFileSync(join(dir, 'wrong.pass'), 'not it\n', { mode: 0o600 });
    const before = treeHash(dir);
    const r = run(dir, target, '--vault-password-file', 'wrong.pass');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /K8SBM_VAULT_PASSWORD_WRONG/);
    assert.match(r.stderr, /(vault\.yml|extra\.yml|hosts\.yml|site\.yml):\d+:\d+/);
    assert.equal(r.stdout, '');
    assert.equal(treeHash(dir), before);
    assertNoSecret('wrong password', r.stderr);
  });

  it('no password is K8SBM_VAULT_NO_PASSWORD naming the ways to give one; K8SBM_VAULT_PASSWORD and a script work', () => {
    const { dir, target } = project();
    const none = run(dir, target);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /K8SBM_VAULT_NO_PASSWORD/);
    assert.match(none.stderr, /--vault-password-file/);
    assert.ok(!existsSync(join(target, 'app.conf')));
    const byEnv = k8sbm(['run', 'site.yml', '-i', 'inventory', '-e', `target=${target}`, '-e', '@extra.yml', '--check'], dir, { K8SBM_VAULT_PASSWORD: PW });
    assert.equal(byEnv.code, 0, byEnv.stdout + byEnv.stderr);
    writeFileSync(join(dir, 'pass.sh'), `#!/bin/sh\necho '${PW}'\n`, { mode: 0o700 });
    const byScript = run(dir, target, '--vault-password-file', 'pass.sh');
    assert.equal(byScript.code, 0, byScript.stdout + byScript.stderr);
    writeFileSync(join(dir, 'fail.sh'), '#!/bin/sh\nexit 3\n', { mode: 0o700 });
    const failing = run(dir, target, '--vault-password-file', 'fail.sh');
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /K8SBM_VAULT_PASSWORD_FILE.*\n?.*exit 3/);
  });

  it('encrypted playbooks and inventories are refused: only variables may be encrypted', () => {
    const { dir, target } = project();
    writeFileSync(join(dir, 'site.yml'), encryptVault(readFileSync(join(dir, 'site.yml'), 'utf8'), PW, FAST));
    const r = run(dir, target, '--vault-password-file', 'vault.pass');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /site\.yml:1:1\s+K8SBM_VAULT_NOT_VARS/);
  });

  it("reads group_vars encrypted by Ansible's ansible-vault", () => {
    const fx = join(repoRoot, 'test', 'fixtures', 'vault', 'ansible');
    const dir = tempTree('vault-ansible', {
      'inventory/hosts': 'localhost ansible_connection=local\n',
      'site.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: { content: "{{ legacy_password }} {{ legacy_port }}", dest: "{{ playbook_dir }}/out" }\n',
    });
    mkdirSync(join(dir, 'inventory', 'group_vars'));
    copyFileSync(join(fx, 'vars-file.yml'), join(dir, 'inventory', 'group_vars', 'all.yml'));
    writeFileSync(join(dir, 'pw'), readFileSync(join(fx, 'password')), { mode: 0o600 });
    const r = k8sbm(['run', 'site.yml', '-i', 'inventory', '--vault-password-file', 'pw'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'from-ansible-vault 6443');
  });
});

describe('k8sbm vault', () => {
  const files = () => {
    const dir = tempTree('vault-cli', { 'pw': `${PW}\n`, 'new.pw': 'second password\n', 'secrets.yml': 'token: s3cr3t-token\n' });
    chmodSync(join(dir, 'pw'), 0o600);
    chmodSync(join(dir, 'new.pw'), 0o600);
    return dir;
  };

  it('encrypt, view, rekey, decrypt: the file round-trips and keeps its mode; a second encrypt is refused', () => {
    const dir = files();
    chmodSync(join(dir, 'secrets.yml'), 0o640);
    const enc = k8sbm(['vault', 'encrypt', 'secrets.yml', '--vault-password-file', 'pw'], dir);
    assert.equal(enc.code, 0, enc.stderr);
    const text = readFileSync(join(dir, 'secrets.yml'), 'utf8');
    assert.match(text, /^\$K8SBM_VAULT;1\.0;AES256-GCM;scrypt-n15-r8-p1\n/);
    assert.ok(!text.includes('s3cr3t'));
    const again = k8sbm(['vault', 'encrypt', 'secrets.yml', '--vault-password-file', 'pw'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /K8SBM_VAULT_ALREADY/);
    const view = k8sbm(['vault', 'view', 'secrets.yml', '--vault-password-file', 'pw'], dir);
    assert.equal(view.stdout, 'token: s3cr3t-token\n');
    const rekey = k8sbm(['vault', 'rekey', 'secrets.yml', '--vault-password-file', 'pw', '--new-vault-password-file', 'new.pw'], dir);
    assert.equal(rekey.code, 0, rekey.stderr);
    const stale = k8sbm(['vault', 'view', 'secrets.yml', '--vault-password-file', 'pw'], dir).stderr;
    assert.match(stale, /K8SBM_VAULT_PASSWORD_WRONG/);
    assert.match(stale, /hint: check the password from --vault-password-file pw;/);
    const wrong = treeHash(dir);
    assert.equal(k8sbm(['vault', 'decrypt', 'secrets.yml', '--vault-password-file', 'pw'], dir).code, 1);
    assert.equal(treeHash(dir), wrong, 'a failed decrypt changed a file');
    const dec = k8sbm(['vault', 'decrypt', 'secrets.yml', '--vault-password-file', 'new.pw'], dir);
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(readFileSync(join(dir, 'secrets.yml'), 'utf8'), 'token: s3cr3t-token\n');
    assert.equal(statSync(join(dir, 'secrets.yml')).mode & 0o7777, 0o640);
  });

  it('edit runs $EDITOR on the clear text and saves it encrypted; an unchanged edit leaves the file as it was', () => {
    const dir = files();
    assert.equal(k8sbm(['vault', 'encrypt', 'secrets.yml', '--vault-password-file', 'pw'], dir).code, 0);
    const before = readFileSync(join(dir, 'secrets.yml'), 'utf8');
    const same = k8sbm(['vault', 'edit', 'secrets.yml', '--vault-password-file', 'pw'], dir, { EDITOR: 'true', VISUAL: '' });
    assert.equal(same.code, 0, same.stderr);
    assert.equal(readFileSync(join(dir, 'secrets.yml'), 'utf8'), before);
    const edit = k8sbm(['vault', 'edit', 'secrets.yml', '--vault-password-file', 'pw'], dir, { EDITOR: "sed -i 's/s3cr3t-token/rotated/'", VISUAL: '' });
    assert.equal(edit.code, 0, edit.stderr);
    const after = readFileSync(join(dir, 'secrets.yml'), 'utf8');
    assert.ok(after.startsWith('$K8SBM_VAULT;') && !after.includes('rotated'));
    assert.equal(k8sbm(['vault', 'view', 'secrets.yml', '--vault-password-file', 'pw'], dir).stdout, 'token: rotated\n');
    const failing = k8sbm(['vault', 'edit', 'secrets.yml', '--vault-password-file', 'pw'], dir, { EDITOR: 'false', VISUAL: '' });
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /K8SBM_VAULT_EDITOR/);
    assert.equal(readFileSync(join(dir, 'secrets.yml'), 'utf8'), after);
  });

  it('encrypt-string prints a `name: !vault |` block that a playbook reads back', () => {
    const dir = files();
    const r = k8sbm(['vault', 'encrypt-string', 'the-value', '--name', 'my_token', '--vault-password-file', 'pw'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^my_token: !vault \|\n {2}\$K8SBM_VAULT;/);
    writeFileSync(join(dir, 'site.yml'), `- hosts: localhost\n  gather_facts: false\n  vars:\n${r.stdout.split('\n').map((l) => `    ${l}`).join('\n')}\n  tasks:\n    - copy: { content: "{{ my_token }}", dest: "{{ playbook_dir }}/out" }\n`);
    const play = k8sbm(['run', 'site.yml', '--vault-password-file', 'pw'], dir);
    assert.equal(play.code, 0, play.stdout + play.stderr);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'the-value');
  });
});
