import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editLines, expandBackrefs } from '../../src/modules/files/lineinfile-edit.js';
import { compilePythonRegex } from '../../src/util/python-regex.js';
describe('editLines', () => {
    it('replaces the last match, not the first', () => {
        const r = editLines('a=1\na=2\n', { state: 'present', regexp: '^a=', line: 'a=3' });
        assert.deepEqual([r.text, r.msg], ['a=1\na=3\n', 'line replaced']);
    });
    it('firstmatch replaces the first', () => {
        assert.equal(editLines('a=1\na=2\n', { state: 'present', regexp: '^a=', line: 'a=3', firstmatch: true }).text, 'a=3\na=2\n');
    });
    it('regexp without a match falls back to the exact line', () => {
        const r = editLines('x\nkey=v\n', { state: 'present', regexp: '^nomatch', line: 'key=v' });
        assert.equal(r.msg, '');
        assert.match(r.reason, /line 2 already reads/);
    });
    it('insertbefore a pattern puts the line before the last match', () => {
        assert.equal(editLines('a\n[x]\nb\n[y]\n', { state: 'present', line: 'new', insertbefore: '^\\[' }).text, 'a\n[x]\nb\nnew\n[y]\n');
    });
    it('insertafter without a match appends', () => {
        assert.equal(editLines('a\n', { state: 'present', line: 'new', insertafter: '^zzz' }).text, 'a\nnew\n');
    });
    it('insertafter matching the last line without newline keeps lines apart', () => {
        assert.equal(editLines('a\nb', { state: 'present', line: 'c', insertafter: '^b' }).text, 'a\nb\nc\n');
    });
    it('creates content in an empty file', () => {
        assert.equal(editLines('', { state: 'present', line: 'x' }).text, 'x\n');
    });
    it('absent by exact line ignores line endings', () => {
        const r = editLines('a\r\nb\na\n', { state: 'absent', line: 'a' });
        assert.deepEqual([r.text, r.msg], ['b\n', '2 line(s) removed']);
    });
    it('$ matches before the newline, as in Python', () => {
        assert.equal(editLines('k=1\n', { state: 'present', regexp: '^k=1$', line: 'k=2' }).text, 'k=2\n');
    });
});
describe('Python regex and templates', () => {
    it('named groups', () => {
        const m = compilePythonRegex('^(?P<k>\\w+)=(?P=k)$').exec('ab=ab');
        assert.equal(m.groups.k, 'ab');
        assert.equal(expandBackrefs('\\g<k>:\\1:\\g<1>\\n', m), 'ab:ab:ab\n');
    });
});
//# sourceMappingURL=lineinfile-edit.test.js.map