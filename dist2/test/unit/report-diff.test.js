import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDiff } from '../../src/report/index.js';
import { Secret } from '../../src/util/secret.js';
const ESC = '\u001b[';
function numbered(n, changeAt) {
    return Array.from({ length: n }, (_, i) => (i + 1 === changeAt ? `LINE ${i + 1} changed` : `line ${i + 1}`)).join('\n') + '\n';
}
test('text diff: headers name the path, hunk shows removed and added lines', () => {
    const out = renderDiff({ kind: 'text', subject: '/etc/foo.conf', before: 'a\nb\nc\n', after: 'a\nB\nc\n' }, { color: false });
    const lines = out.split('\n');
    assert.equal(lines[0], '--- before: /etc/foo.conf');
    assert.equal(lines[1], '+++ after: /etc/foo.conf');
    assert.equal(lines[2], '@@ -1,3 +1,3 @@');
    assert.deepEqual(lines.slice(3), [' a', '-b', '+B', ' c']);
});
test('text diff keeps exactly 3 lines of context around a change', () => {
    const out = renderDiff({ kind: 'text', subject: '/f', before: numbered(20), after: numbered(20, 10) }, { color: false });
    const lines = out.split('\n');
    assert.ok(lines.includes(' line 7'));
    assert.ok(lines.includes(' line 13'));
    assert.ok(!lines.includes(' line 6'));
    assert.ok(!lines.includes(' line 14'));
    assert.ok(lines.includes('-line 10'));
    assert.ok(lines.includes('+LINE 10 changed'));
    assert.equal(lines.filter((l) => l.startsWith('@@')).length, 1);
});
test('a file that does not exist yet is shown as (absent) before', () => {
    const out = renderDiff({ kind: 'text', subject: '/etc/new', before: null, after: 'x\ny\n' }, { color: false });
    const lines = out.split('\n');
    assert.equal(lines[0], '--- before: /etc/new (absent)');
    assert.equal(lines[1], '+++ after: /etc/new');
    assert.deepEqual(lines.slice(3), ['+x', '+y']);
});
test('a file that will be removed is shown as (absent) after', () => {
    const out = renderDiff({ kind: 'text', subject: '/etc/old', before: 'gone\n', after: null }, { color: false });
    const lines = out.split('\n');
    assert.equal(lines[1], '+++ after: /etc/old (absent)');
    assert.deepEqual(lines.slice(3), ['-gone']);
});
test('binary or large content prints the note, not the bytes', () => {
    const out = renderDiff({ kind: 'text', subject: '/bin/tool', before: 'BYTES-BEFORE', after: 'BYTES-AFTER', note: 'binary file, 2.1 MB -> 2.2 MB' }, { color: false });
    assert.deepEqual(out.split('\n'), ['--- before: /bin/tool', '+++ after: /bin/tool', 'binary file, 2.1 MB -> 2.2 MB']);
});
test('state diff lists only the keys that differ', () => {
    const out = renderDiff({
        kind: 'state',
        subject: '/etc/shadow',
        before: { mode: '0644', owner: 'root', size: 10, acl: 'x' },
        after: { mode: '0600', owner: 'root', size: 12, group: 'shadow' },
    }, { color: false });
    assert.deepEqual(out.split('\n'), [
        '--- before: /etc/shadow',
        '+++ after: /etc/shadow',
        '-mode: 0644',
        '+mode: 0600',
        '-size: 10',
        '+size: 12',
        '-acl: x',
        '+group: shadow',
    ]);
});
test('state diff compares structured values deeply and masks secrets', () => {
    const out = renderDiff({
        kind: 'state',
        subject: 'user deploy',
        before: { groups: ['a', 'b'], password: new Secret('old-pass') },
        after: { groups: ['a', 'b'], password: new Secret('new-pass') },
    }, { color: false });
    assert.ok(!out.includes('groups'), 'equal arrays are not a difference');
    assert.ok(!out.includes('old-pass') && !out.includes('new-pass'));
});
test('no ANSI codes without colour; red, green and cyan with it', () => {
    const d = { kind: 'text', subject: '/f', before: 'a\n', after: 'b\n' };
    assert.ok(!renderDiff(d, { color: false }).includes(ESC));
    const coloured = renderDiff(d, { color: true });
    assert.ok(coloured.includes(`${ESC}31m-a`), 'removed line red');
    assert.ok(coloured.includes(`${ESC}32m+b`), 'added line green');
    assert.ok(coloured.includes(`${ESC}36m@@`), 'hunk header cyan');
});
//# sourceMappingURL=report-diff.test.js.map