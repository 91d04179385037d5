import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { groupFact, membershipsOf, parseGroupFactOutput, parseGroupLine, parseUserFactOutput, userFact, } from '../../src/facts/accounts.js';
import { FactParseError } from '../../src/facts/types.js';
import { fixture } from '../helpers/paths.js';
/** Outputs of the facts' own commands, captured on a Debian host into test/fixtures/facts/. */
const stdoutOf = (family, name) => readFileSync(fixture('facts', family, `${name}.stdout`), 'utf8');
const ok = (stdout, code = 0) => ({ code, signal: null, stdout, stderr: '' });
const sha = (s) => createHash('sha256').update(s).digest('hex');
describe('user fact parser on captured output', () => {
    it('root as root: passwd entry, home, shadow digest (never the hash), defaults and the group table', () => {
        const f = parseUserFactOutput(ok(stdoutOf('user', 'root')), 'root');
        const { password, ...rest } = f.account;
        assert.deepEqual(rest, {
            exists: true, uid: 0, gid: 0, group: 'root', groups: [], comment: 'root', home: '/root', shell: '/bin/bash', homeExists: true,
        });
        // root's field on the capture host is "*": no hash, not locked.
        assert.deepEqual(password, { locked: false, set: false, sha256: sha('*') });
        assert.deepEqual(f.defaults, { homeBase: '/home', shell: '/bin/sh', userGroups: true, gid: 100 });
        assert.ok(f.groups.length > 20);
        assert.deepEqual(f.groups.find((g) => g.name === 'users'), { name: 'users', gid: 100, members: [] });
        assert.deepEqual(f.groups.find((g) => g.name === 'ssl-cert')?.members, ['postgres']);
    });
    it('a system user whose home does not exist', () => {
        const f = parseUserFactOutput(ok(stdoutOf('user', 'nobody')), 'nobody');
        assert.equal(f.account.home, '/nonexistent');
        assert.equal(f.account.homeExists, false);
        assert.equal(f.account.group, 'nogroup');
    });
    it('a missing user still brings the defaults and the group table', () => {
        const f = parseUserFactOutput(ok(stdoutOf('user', 'missing')), 'k8sbm-nosuch');
        assert.deepEqual(f.account, { exists: false });
        assert.ok(f.groups.some((g) => g.name === 'root'));
    });
    it('without root the shadow status is unknown, not "no password"', () => {
        const f = parseUserFactOutput(ok(stdoutOf('user', 'root-not-root')), 'root');
        assert.equal(f.account.exists, true);
        assert.equal(f.account.password, undefined);
    });
    it('captured on a lab node: a locked account with a hash and two supplementary groups', () => {
        const f = parseUserFactOutput(ok(stdoutOf('user', 'locked-with-groups')), 'k8sbm-alice');
        const hash = '$6$k8sbmlabsaltA$jUvDJIkd1id9hn2zAfOR3kCEOAwDVrTNVh9aoc7rx0O6OHG0Lsqb2ijMVUuvjoLqN8qA0cT27mWA3yMgFbOFy1';
        assert.deepEqual(f.account, {
            exists: true, uid: 4101, gid: 4102, group: 'k8sbm-alice', groups: ['k8sbm-devs', 'k8sbm-ops'], comment: 'Alice Example',
            home: '/home/k8sbm-alice', shell: '/bin/bash', homeExists: true, password: { locked: true, set: true, sha256: sha(hash) },
        });
        // The digest is all that crossed the wire: the hash itself is nowhere in the output.
        assert.ok(!stdoutOf('user', 'locked-with-groups').includes('k8sbmlabsalt'));
    });
    it('reads a locked account with a hash, and memberships without the primary group', () => {
        const out = [
            'k8sbm-user 1', 'default HOME=/srv/home', 'default SHELL=/bin/bash', 'usergroups no',
            'passwd alice:x:4101:4101:Alice Example:/srv/home/alice:/bin/bash', 'home 1', `shadow 1 1 ${sha('$6$salt$hash')}`,
            'group alice:x:4101:alice', 'group devs:x:4100:bob,alice', 'group ops:x:4102:alice', 'group other:x:4103:bob', '',
        ].join('\n');
        const f = parseUserFactOutput(ok(out), 'alice');
        assert.deepEqual(f.account.groups, ['devs', 'ops']);
        assert.deepEqual(f.account.password, { locked: true, set: true, sha256: sha('$6$salt$hash') });
        assert.deepEqual(f.defaults, { homeBase: '/srv/home', shell: '/bin/bash', userGroups: false, gid: undefined });
    });
    it('refuses nonsense and reports a failing script with its stderr', () => {
        assert.throws(() => parseUserFactOutput(ok('hello'), 'x'), FactParseError);
        assert.throws(() => parseUserFactOutput(ok('k8sbm-user 1\npasswd alice:x:notanumber:1::/h:/bin/sh\n'), 'alice'), /passwd entry/);
        assert.throws(() => parseUserFactOutput(ok('k8sbm-user 1\nshadow 1 1 zz\n'), 'alice'), /shadow line/);
        assert.throws(() => parseUserFactOutput({ code: 5, signal: null, stdout: '', stderr: 'getent: boom\n' }, 'alice'), /getent: boom/);
    });
    it('argv passes the name as a positional parameter to a fixed script', () => {
        const argv = userFact.argv("x'; rm -rf /");
        assert.equal(argv[0], 'sh');
        assert.equal(argv.at(-1), "x'; rm -rf /");
        assert.ok(!argv[2].includes('rm -rf'));
        assert.equal(userFact.key('alice'), 'alice');
    });
    it('membershipsOf leaves out the primary group', () => {
        const groups = [parseGroupLine('a:x:1:u'), parseGroupLine('b:x:2:u,v'), parseGroupLine('c:x:3:v')];
        assert.deepEqual(membershipsOf('u', 1, groups), ['b']);
        assert.equal(parseGroupLine('broken'), undefined);
    });
});
describe('group fact parser on captured output', () => {
    it('an existing group, and a missing one (getent exits 2)', () => {
        assert.deepEqual(parseGroupFactOutput(ok(stdoutOf('group', 'root')), 'root'), { exists: true, gid: 0, members: [] });
        assert.deepEqual(parseGroupFactOutput(ok(stdoutOf('group', 'missing'), 2), 'k8sbm-nosuch'), { exists: false });
    });
    it('members, and failures that are not "no such group"', () => {
        assert.deepEqual(parseGroupFactOutput(ok('devs:x:4100:alice,bob\n'), 'devs'), { exists: true, gid: 4100, members: ['alice', 'bob'] });
        assert.throws(() => parseGroupFactOutput(ok('other:x:1:\n'), 'devs'), FactParseError);
        assert.throws(() => parseGroupFactOutput({ code: 1, signal: null, stdout: '', stderr: 'bad\n' }, 'devs'), /bad/);
        assert.deepEqual(groupFact.argv('devs'), ['getent', 'group', '--', 'devs']);
    });
});
//# sourceMappingURL=user-fact.test.js.map