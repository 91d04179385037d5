/**
 * group, user and authorized_key on a lab node over SSH (as the sudo user ops): accounts are
 * made in the node's own /etc layer, and the proof that they work is logging in to the node as
 * the new user with the lab key. Check mode leaves the node's account files and homes
 * byte-identical; --diff never shows a password hash; a converged run costs one exec per task.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';

// These tests count each module's own round trips, as a task reading its facts alone does:
// facts read ahead (many tasks' facts in one exec) are tested in read-ahead-lab and round-trips,
// and by every role test. The CLI runs below inherit this.
process.env.K8SBM_READ_AHEAD = '0';

const HASH_ONE = '$6$k8sbmlabsaltA$jUvDJIkd1id9hn2zAfOR3kCEOAwDVrTNVh9aoc7rx0O6OHG0Lsqb2ijMVUuvjoLqN8qA0cT27mWA3yMgFbOFy1';
const HASH_TWO = '$6$k8sbmlabsaltB$gdAs0Nd1G.I8GHl8G3TnUV1KuxIUVfyQv7KORj5I/vfcvSzGkoPoaZXheWIg6VhjLnuwL.qmaDZnnxtW5jBU71';
const USER = 'k8sbm-alice';
const ACCOUNT_FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'];

let lab: TestLab;
let node: string;
let machineBefore: string;
const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hashFiles = (root: string): string => ACCOUNT_FILES.map((f) => `${f}=${sha(readFileSync(join(root, f)))}`).join(' ');

before(async () => {
  machineBefore = hashFiles('/');
  lab = await startLab({ name: 'accounts', nodes: 1 });
  node = lab.nodes[0]!.name;
});
after(async () => { await lab?.down(); });

/** The CLI compiled next to this test (whatever directory the tests were built into). */
function cli(args: readonly string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const script = 'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));';
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, main, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function site(hash: string): string {
  return `
- name: accounts
  hosts: all
  gather_facts: false
  become: true
  tasks:
    - name: developers group
      group: { name: k8sbm-devs, gid: 4100 }
    - name: operators group
      group: { name: k8sbm-ops }
    - name: alice
      user:
        name: ${USER}
        uid: 4101
        groups: [k8sbm-devs, k8sbm-ops]
        shell: /bin/bash
        comment: Alice Example
        password: "${hash}"
    - name: alice's key
      authorized_key:
        user: ${USER}
        key: "${labKey()}"
`;
}

const labKey = (): string => readFileSync(lab.lab.files.publicKey, 'utf8').trim();
const revoke = (): string => `
- name: revoke
  hosts: all
  gather_facts: false
  become: true
  tasks:
    - authorized_key: { user: ${USER}, key: "${labKey()}", state: absent }
`;

const absent = `
- name: accounts gone
  hosts: all
  gather_facts: false
  become: true
  tasks:
    - user: { name: ${USER}, state: absent, remove: true }
    - group: { name: k8sbm-ops, state: absent }
    - group: { name: k8sbm-devs, state: absent }
`;

const nodeRoot = (): string => nodeRootPath(lab.lab, node);
/** Every byte the tasks could touch on the node: the account files and all homes. */
const nodeState = (): string => `${hashFiles(nodeRoot())} home=${treeHash(join(nodeRoot(), 'home'))}`;
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-e', 'ansible_user=ops'];
type Ev = Record<string, unknown>;
const results = (stdout: string): Ev[] => jsonEvents(stdout).filter((e) => e.event === 'task_result');
const loginAs = () => labSsh(lab, node, 'id -un; id -Gn; printf "%s\\n" "$HOME"', { user: USER, sshArgs: ['-o', 'BatchMode=yes'] });

describe('accounts on a lab node', () => {
  it('check mode on a fresh node plans all four tasks (the key for the user it would create too) and changes nothing', () => {
    const dir = writeTree({ 'site.yml': site(HASH_ONE) });
    const before = nodeState();
    const r = cli(['plan', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const rs = results(r.stdout);
    assert.deepEqual(rs.map((e) => `${e.task}:${e.status}`), [
      'developers group:changed', 'operators group:changed', 'alice:changed', "alice's key:changed",
    ]);
    assert.ok(rs.every((e) => e.predicted === true));
    assert.equal(nodeState(), before, 'check mode changed the node');
    const key = rs[3]!;
    assert.match(String(key.msg), /create \/home\/k8sbm-alice\/\.ssh \(0700 k8sbm-alice\), add key ssh-ed25519/);
    // Diffs name their subjects; the password shows as a marker, never as its hash.
    assert.match(JSON.stringify(rs[2]!.diff), /"subject":"user k8sbm-alice".*"password":"\(hash set\)"/);
    const pretty = cli(['plan', 'site.yml', ...base()], dir);
    assert.equal(pretty.code, 2, pretty.stdout + pretty.stderr);
    assert.match(pretty.stdout, /user k8sbm-alice/);
    for (const out of [r.stdout + r.stderr, pretty.stdout + pretty.stderr]) assert.ok(!out.includes('k8sbmlabsalt'), 'a password hash was printed');
  });

  it('applies in at most three execs per task; the new user logs in over SSH with its groups; a second run is one exec per task', async () => {
    const dir = writeTree({ 'site.yml': site(HASH_ONE) });
    const first = cli(['run', 'site.yml', ...base(), '--diff', '--json'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const rs = results(first.stdout);
    assert.deepEqual(rs.map((e) => e.status), ['changed', 'changed', 'changed', 'changed']);
    // The fact, then groupadd / useradd with chpasswd in one exec / install -d and the upload.
    assert.deepEqual(rs.map((e) => e.execs), [2, 2, 2, 3]);
    assert.ok(!first.stdout.includes('k8sbmlabsalt'), 'the diff of a real run printed a hash');

    const login = await loginAs();
    assert.equal(login.code, 0, login.stderr);
    const [who, groups, home] = login.stdout.trim().split('\n');
    assert.equal(who, USER);
    assert.deepEqual(groups!.split(' ').sort(), [USER, 'k8sbm-devs', 'k8sbm-ops'].sort());
    assert.equal(home, `/home/${USER}`);

    const root = nodeRoot();
    const shadow = readFileSync(join(root, 'etc/shadow'), 'utf8').split('\n').find((l) => l.startsWith(`${USER}:`));
    assert.equal(shadow?.split(':')[1], HASH_ONE);
    assert.match(readFileSync(join(root, 'etc/passwd'), 'utf8'), new RegExp(`^${USER}:x:4101:\\d+:Alice Example:/home/${USER}:/bin/bash$`, 'm'));
    const ssh = statSync(join(root, 'home', USER, '.ssh'));
    const keys = statSync(join(root, 'home', USER, '.ssh/authorized_keys'));
    assert.deepEqual([ssh.mode & 0o7777, ssh.uid, keys.mode & 0o7777, keys.uid], [0o700, 4101, 0o600, 4101]);

    const second = cli(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(recapOf(second.stdout)[node]!.changed, 0);
    const again = results(second.stdout);
    assert.deepEqual(again.map((e) => [e.status, e.execs]), [['ok', 1], ['ok', 1], ['ok', 1], ['ok', 1]]);
    assert.match(String(again[2]!.msg), /user k8sbm-alice is up to date \(uid 4101, .*password set\)/);
  });

  it('check mode on a drifted node predicts exactly the drift and a new hash without showing either hash', async () => {
    const drift = await labSsh(lab, node, `gpasswd -d ${USER} k8sbm-ops && chmod 0755 /home/${USER}/.ssh`);
    assert.equal(drift.code, 0, drift.stderr);
    const dir = writeTree({ 'site.yml': site(HASH_TWO) });
    const before = nodeState();
    const r = cli(['plan', 'site.yml', ...base(), '--json'], dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(nodeState(), before, 'check mode changed the node');
    const changed = results(r.stdout).filter((e) => e.status === 'changed');
    assert.deepEqual(changed.map((e) => [e.task, e.msg]), [
      ['alice', 'user k8sbm-alice: groups +k8sbm-ops, password changed'],
      ["alice's key", `/home/${USER}/.ssh: mode 0755 -> 0700`],
    ]);
    assert.match(JSON.stringify(changed[0]!.diff), /"password":"\(hash set\)".*"password":"\(new hash\)"/);
    assert.ok(!r.stdout.includes('k8sbmlabsalt'), 'a password hash was printed');
    // Converge again with the first hash: the drift is repaired.
    const fix = cli(['run', 'site.yml', ...base(), '--json'], writeTree({ 'site.yml': site(HASH_ONE) }));
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    assert.deepEqual(results(fix.stdout).filter((e) => e.status === 'changed').map((e) => e.task), ['alice', "alice's key"]);
  });

  it('state absent: without its key the user cannot log in; then the user, its home and the groups go; second runs change nothing', async () => {
    const dir = writeTree({ 'absent.yml': absent, 'revoke.yml': revoke() });
    const revoked = cli(['run', 'revoke.yml', ...base(), '--diff', '--json'], dir);
    assert.equal(revoked.code, 0, revoked.stdout + revoked.stderr);
    const [r] = results(revoked.stdout);
    assert.deepEqual([r!.status, r!.execs], ['changed', 2]);
    assert.match(JSON.stringify(r!.diff), /"before":"ssh-ed25519 /);
    assert.equal(readFileSync(join(nodeRoot(), 'home', USER, '.ssh/authorized_keys'), 'utf8'), '');
    const refused = await loginAs();
    assert.equal(refused.code, 255, `login without the key: ${refused.stdout}${refused.stderr}`);
    assert.deepEqual(results(cli(['run', 'revoke.yml', ...base(), '--json'], dir).stdout).map((e) => [e.status, e.execs]), [['ok', 1]]);

    const first = cli(['run', 'absent.yml', ...base(), '--json'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(results(first.stdout).map((e) => e.status), ['changed', 'changed', 'changed']);
    const root = nodeRoot();
    assert.doesNotMatch(readFileSync(join(root, 'etc/passwd'), 'utf8'), new RegExp(`^${USER}:`, 'm'));
    assert.doesNotMatch(readFileSync(join(root, 'etc/group'), 'utf8'), /^k8sbm-(devs|ops):/m);
    assert.ok(!existsSync(join(root, 'home', USER)));
    const login = await loginAs();
    assert.notEqual(login.code, 0, 'the removed user could still log in');
    const second = cli(['run', 'absent.yml', ...base(), '--json'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.deepEqual(results(second.stdout).map((e) => [e.status, e.execs]), [['ok', 1], ['ok', 1], ['ok', 1]]);
  });

  it("the machine's own account files never changed", () => {
    assert.equal(hashFiles('/'), machineBefore);
    assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), new RegExp(`^${USER}:`, 'm'));
  });
});
