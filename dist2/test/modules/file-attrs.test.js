import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAttributes } from '../../src/modules/files/file-attrs.js';
import { explicitSymbolicMode, isAbsoluteMode, modeSyntaxError, resolveMode } from '../../src/util/file-mode.js';
import { contentDiff, sizeText } from '../../src/modules/files/file-write.js';
const oct = (n) => n.toString(8).padStart(4, '0');
describe('resolveMode (chmod semantics)', () => {
    const cases = [
        ['0644', 0o600, false, 0o644],
        ['644', 0o600, false, 0o644],
        ['2775', 0o755, true, 0o2775],
        ['u=rw,g=r,o=r', 0o777, false, 0o644],
        ['u+x', 0o644, false, 0o744],
        ['+x', 0o644, false, 0o755],
        ['go-w', 0o666, false, 0o644],
        ['a=rX', 0o600, false, 0o444],
        ['a=rX', 0o700, false, 0o555],
        ['a=rX', 0o600, true, 0o555],
        ['g+s', 0o755, true, 0o2755],
        ['u=rwx,g=u,o=', 0o000, false, 0o770],
        ['u=rw', 0o4755, false, 0o655],
        ['+t', 0o777, true, 0o1777],
    ];
    for (const [spec, cur, isDir, want] of cases) {
        it(`${spec} on ${oct(cur)}${isDir ? ' (dir)' : ''} -> ${oct(want)}`, () => assert.equal(oct(resolveMode(spec, cur, isDir)), oct(want)));
    }
    it('rejects nonsense', () => {
        assert.throws(() => resolveMode('0999', 0, false));
        assert.throws(() => resolveMode('u=q', 0, false));
        assert.throws(() => resolveMode('rw-r--r--', 0, false));
    });
});
describe('mode params', () => {
    it('strings that parse are accepted, others say why', () => {
        for (const ok of ['0644', '644', '2775', '7777', 'u+x', 'u=rw,g=r,o=r', 'a=rX', 'g=u'])
            assert.equal(modeSyntaxError(ok), undefined, ok);
        assert.match(modeSyntaxError('bogus'), /"bogus" is neither octal nor a symbolic clause/);
        assert.match(modeSyntaxError('77777'), /out of range/);
        assert.match(modeSyntaxError('0x44'), /neither octal/);
    });
    it('absolute vs relative', () => {
        assert.equal(isAbsoluteMode('0750'), true);
        assert.equal(isAbsoluteMode('u=rwx,go=rx'), true);
        assert.equal(isAbsoluteMode('u+x'), false);
        assert.equal(isAbsoluteMode('a=rX'), false);
    });
    it('a symbolic mode with no "who" gets "a" so chmod ignores the umask', () => {
        assert.equal(explicitSymbolicMode('+x,g-w'), 'a+x,g-w');
        assert.equal(explicitSymbolicMode('0644'), '0644');
    });
});
describe('decideAttributes', () => {
    const st = { exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0 };
    it('nothing to do when everything matches (names or ids)', () => {
        assert.equal(decideAttributes('/f', st, { mode: '0644', owner: 'root', group: 0 }).actions.length, 0);
    });
    it('chown before chmod, argv only', () => {
        const d = decideAttributes('/f', st, { mode: '0600', owner: 'daemon', group: 'bin' });
        assert.deepEqual(d.actions.map((a) => a.argv), [['chown', '--', 'daemon:bin', '/f'], ['chmod', '--', '0600', '/f']]);
        assert.deepEqual(d.before, { owner: 'root', group: 'root', mode: '0644' });
        assert.deepEqual(d.after, { owner: 'daemon', group: 'bin', mode: '0600' });
    });
    it('group alone uses chgrp; links use -h and never chmod', () => {
        const d = decideAttributes('/l', { ...st, type: 'link', mode: '0777' }, { group: 'adm', mode: '0600' }, { link: true });
        assert.deepEqual(d.actions.map((a) => a.argv), [['chgrp', '-h', '--', 'adm', '/l']]);
    });
    it('directories get a five-digit chmod so setgid really goes', () => {
        const d = decideAttributes('/d', { ...st, type: 'directory', mode: '2755' }, { mode: '0755' });
        assert.deepEqual(d.actions[0].argv, ['chmod', '--', '00755', '/d']);
    });
    it('unknown current attributes (a prediction) mean a change', () => {
        const d = decideAttributes('/n', { exists: true, type: 'file' }, { owner: 'root', mode: '0644' });
        assert.equal(d.actions.length, 2);
    });
});
describe('content diffs', () => {
    it('text on both sides is carried as text', () => {
        assert.deepEqual(contentDiff('/f', Buffer.from('a\n'), Buffer.from('b\n')), { kind: 'text', subject: '/f', before: 'a\n', after: 'b\n' });
    });
    it('binary content becomes a note with sizes', () => {
        const d = contentDiff('/f', Buffer.alloc(12 * 1024), Buffer.from('x'.repeat(14 * 1024)));
        assert.equal(d.kind === 'text' && d.note, 'binary file, 12 KiB -> 14 KiB');
    });
    it('a file whose content was not fetched is "large", with its known size', () => {
        const d = contentDiff('/f', undefined, Buffer.from('x'), 300 * 1024);
        assert.equal(d.kind === 'text' && d.note, 'large file, 300 KiB -> 1 B');
    });
    it('a new binary file says absent', () => {
        const d = contentDiff('/f', null, Buffer.from([0, 1, 2]));
        assert.equal(d.kind === 'text' && d.note, 'binary file, absent -> 3 B');
        assert.equal(d.before, null);
    });
    it('sizes read well', () => {
        assert.deepEqual([sizeText(0), sizeText(1023), sizeText(1536), sizeText(5 * 1024 * 1024)], ['0 B', '1023 B', '2 KiB', '5.0 MiB']);
    });
});
//# sourceMappingURL=file-attrs.test.js.map