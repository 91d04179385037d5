import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { authorizedKeysFact, parseAuthorizedKeysOutput } from '../../src/facts/authorized_keys.js';
import { FactParseError } from '../../src/facts/types.js';
import { fixture } from '../helpers/paths.js';
/** Outputs of the fact's own command, captured on a Debian host into test/fixtures/facts/authorized_keys/. */
const parse = (name, user, path) => parseAuthorizedKeysOutput({ code: 0, signal: null, stdout: readFileSync(fixture('facts', 'authorized_keys', `${name}.stdout`), 'utf8'), stderr: '' }, { user, path });
const CAPTURED = '# managed by hand\n' +
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg9n4mRA0vpmVyS3HmjcNRjB5mAP2f3m8Qkq2W9aF8G alice@laptop\n' +
    'no-pty,from="10.0.0.0/8" ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 backup key\n';
describe('authorized_keys fact parser on captured output', () => {
    it('a missing user with the default path: nothing else can be known', () => {
        assert.deepEqual(parse('missing-user', 'k8sbm-nosuch'), { userExists: false });
    });
    it('a missing user with an explicit path: the file is still inspected', () => {
        const st = parse('missing-user-explicit-path', 'k8sbm-nosuch', '/tmp/keys-capture/authorized_keys');
        assert.equal(st.userExists, false);
        assert.equal(st.file?.content, CAPTURED);
    });
    it('the default path from the home; no .ssh yet, but the home is there', () => {
        assert.deepEqual(parse('no-ssh-dir', 'root'), {
            userExists: true, uid: 0, gid: 0, home: '/root', path: '/root/.ssh/authorized_keys',
            dir: { state: 'absent', parentExists: true }, file: { state: 'absent' },
        });
    });
    it('a home that does not exist', () => {
        const st = parse('home-missing', 'nobody');
        assert.deepEqual(st.dir, { state: 'absent', parentExists: false });
        assert.equal(st.uid, 65534);
    });
    it('an existing file: modes as four digits, owner ids and the text', () => {
        const st = parse('explicit-path', 'root', '/tmp/keys-capture/authorized_keys');
        assert.deepEqual(st.dir, { state: 'directory', mode: '0700', uid: 0, gid: 0 });
        assert.deepEqual(st.file, { state: 'file', mode: '0644', uid: 0, gid: 0, readable: true, content: CAPTURED });
    });
    it('captured on a lab node after the module wrote it: 0700 directory, 0600 file, owned by the user', () => {
        const st = parse('present', 'k8sbm-alice');
        assert.deepEqual({ ...st, file: { ...st.file, content: undefined } }, {
            userExists: true, uid: 4101, gid: 4102, home: '/home/k8sbm-alice', path: '/home/k8sbm-alice/.ssh/authorized_keys',
            dir: { state: 'directory', mode: '0700', uid: 4101, gid: 4102 },
            file: { state: 'file', mode: '0600', uid: 4101, gid: 4102, readable: true, content: undefined },
        });
        assert.match(st.file.content, /^ssh-ed25519 AAAA\S+ k8sbm-lab-acctcap\n$/);
    });
    it('a directory the login user cannot search: the file is unknown, not absent', () => {
        assert.deepEqual(parse('unreadable', 'root', '/tmp/keys-capture/authorized_keys').file, { state: 'unknown' });
    });
    it('refuses nonsense, binary content and failures', () => {
        const run = (stdout, code = 0) => parseAuthorizedKeysOutput({ code, signal: null, stdout, stderr: 'oops\n' }, { user: 'u' });
        assert.throws(() => run('nope'), FactParseError);
        assert.throws(() => run('k8sbm-authorized-keys 1\npasswd u:x:a:b::/h:/bin/sh\n'), /passwd entry/);
        assert.throws(() => run(`k8sbm-authorized-keys 1\npath /h/k\nfile 600 1 1\ncontent\n${Buffer.from([0xff, 0xfe]).toString('base64')}\n`), /not text/);
        assert.throws(() => run('', 1), /oops/);
    });
    it('keys: one per user and path; argv passes both as positional parameters', () => {
        assert.equal(authorizedKeysFact.key({ user: 'alice' }), 'alice');
        assert.equal(authorizedKeysFact.key({ user: 'alice', path: '/etc/ssh/keys/alice' }), 'alice /etc/ssh/keys/alice');
        assert.deepEqual(authorizedKeysFact.argv({ user: 'alice' }).slice(3), ['k8sbm-authorized-keys', 'alice', '']);
    });
});
//# sourceMappingURL=authorized_key-fact.test.js.map