/**
 * Secrets over SSH on a lab node: a run that uses a vault value, a value from a vault file and a
 * password (a crypted hash fed to user's password param, shown by a debug before that), changes a
 * file that holds them, notifies a handler and then fails on a command that spells a secret. Every
 * channel is grepped for the three values and finds none: the human output at -vvv, --json,
 * --report, --junit, the diff of a later --check --diff run, the error messages, and on the node
 * the run lock lease (copied while the run held it) and the handler journal the failure left.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { encryptVault } from '../../src/vault/format.js';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { startLab, type TestLab } from '../helpers/lab.js';

const FAST = { logN: 10, r: 8, p: 1 };
const PW = 'lab vault password';
const SECRETS = {
  inline: 'inline-vault-token-4711',
  fromFile: 'vault-file-db-secret-0815',
  hash: '$6$k8sbmtst$1arBXnKY4adUMtDWMjxqiAAVj6EHkPRZUaz.dzejTX1NAJknxU/cyIZP0CEnnIj9k1I1IydyKCa/TuaFliMti.',
};

let lab: TestLab;
let node: string;

before(async () => {
  lab = await startLab({ name: 'secrets', nodes: 1 });
  node = lab.nodes[0]!.name;
});
after(async () => {
  await lab?.down();
});

const onNode = (p: string): string => join(nodeRootPath(lab.lab, node), p);
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--vault-password-file', 'pw', '-e', '@vault.yml'];

function project(): string {
  const inline = encryptVault(SECRETS.inline, PW, FAST).trimEnd().split('\n').map((l) => `      ${l}`).join('\n');
  const dir = writeTree({
    'vault.yml': encryptVault(`db_secret: ${SECRETS.fromFile}\n`, PW, FAST),
    'site.yml': `- hosts: all
  gather_facts: false
  vars:
    app_token: !vault |
${inline}
    admin_hash: '${SECRETS.hash}'
  tasks:
    - name: show the hash before it is used
      debug: { msg: "hash {{ admin_hash }}" }
    - name: "account for {{ app_token }}"
      user: { name: k8sbmsecret, password: "{{ admin_hash }}" }
    - name: config with secrets
      copy: { content: "token={{ app_token }}\\ndb={{ db_secret }}\\n", dest: /etc/k8sbm-secret.conf, mode: "0600" }
      notify: reload app
    - name: keep the lease as it is now
      command: cp /run/k8sbm/lock /var/tmp/lease-during-run
    - name: a command that spells a secret fails
      command: "sh -c 'echo {{ db_secret }} >&2; exit 3'"
  handlers:
    - name: reload app
      command: "echo reloading {{ app_token }}"
`,
  });
  writeFileSync(join(dir, 'pw'), `${PW}\n`, { mode: 0o600 });
  return dir;
}

function assertNoSecret(where: string, text: string): void {
  for (const [name, v] of Object.entries(SECRETS)) assert.ok(!text.includes(v), `${where} shows ${name}:\n${text.slice(0, 4000)}`);
}

describe('secrets on a lab node', () => {
  it('no output channel, error, lease or journal shows a vault value or a password', () => {
    const dir = project();
    const r = k8sbm(['run', 'site.yml', ...base(), '-vvv', '--diff', '--report', 'report.json', '--junit', 'junit.xml'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // The values reached the node.
    assert.equal(readFileSync(onNode('etc/k8sbm-secret.conf'), 'utf8'), `token=${SECRETS.inline}\ndb=${SECRETS.fromFile}\n`);
    assert.match(readFileSync(onNode('etc/shadow'), 'utf8'), new RegExp(`^k8sbmsecret:${SECRETS.hash.replace(/[$./]/g, '\\$&')}:`, 'm'));
    // The run failed where expected, with the secret masked in the failure's message.
    assert.match(r.stdout, /TASK \[a command that spells a secret fails\]/);
    assert.match(r.stdout, /\*\*\*/);
    assert.match(r.stdout, /hash \*\*\*/);
    assert.match(r.stdout, /TASK \[account for \*\*\*\]/);
    for (const [name, text] of [['-vvv', r.stdout + r.stderr], ['--report', readFileSync(join(dir, 'report.json'), 'utf8')], ['--junit', readFileSync(join(dir, 'junit.xml'), 'utf8')]] as const) assertNoSecret(name, text);

    // On the node: the lease as it was during the run, and the journal the failure left.
    const lease = readFileSync(onNode('var/tmp/lease-during-run'), 'utf8');
    assert.match(lease, /^owner=/);
    assertNoSecret('the lease', lease);
    assert.ok(!existsSync(onNode('run/k8sbm/lock')), 'the lease is released');
    const journal = readFileSync(onNode('var/lib/k8sbm/handlers'), 'utf8');
    assert.match(journal, /reload app/);
    assertNoSecret('the journal', journal);

    // A rotated secret: --check --diff and --json show no content, neither old nor new.
    writeFileSync(join(dir, 'vault.yml'), encryptVault('db_secret: rotated-db-secret-9999\n', PW, FAST));
    const check = k8sbm(['run', 'site.yml', ...base(), '--check', '--diff', '--json'], dir);
    const conf = jsonEvents(check.stdout).find((e) => e.event === 'task_result' && e.task === 'config with secrets');
    assert.equal(conf?.status, 'changed', check.stdout);
    assert.match(JSON.stringify(conf?.diff), /contains secrets/);
    assertNoSecret('--check --diff --json', check.stdout + check.stderr);
    assert.ok(!(check.stdout + check.stderr).includes('rotated-db-secret-9999'));
  });
});
