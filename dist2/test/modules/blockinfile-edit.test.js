import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMarkers, DEFAULT_MARKER, editBlock, markerLines } from '../../src/modules/files/blockinfile-edit.js';
const { begin, end } = markerLines(DEFAULT_MARKER, 'BEGIN', 'END');
const edit = (text, e) => editBlock(text, { state: 'present', block: '', begin, end, ...e });
describe('blockinfile: editBlock', () => {
    it("uses Ansible's default marker lines", () => {
        assert.equal(begin, '# BEGIN ANSIBLE MANAGED BLOCK');
        assert.equal(end, '# END ANSIBLE MANAGED BLOCK');
    });
    // Whatever the starting file and options, editing the result again changes nothing.
    const starts = [
        '',
        'a\nb\n',
        'a\nb',
        `a\n${begin}\nold\n${end}\nb\n`,
        `a\n${end}\nold\n${begin}\nb\n`,
        `${begin}\nx\n${end}`,
        'a\n\nb\n\n',
    ];
    const options = [
        { block: 'x=1\ny=2' },
        { block: 'x=1\n', insertafter: '^a' },
        { block: 'x=1', insertbefore: '^b' },
        { block: 'x=1', insertbefore: 'BOF' },
        { block: 'x=1', insertafter: '^a', prependNewline: true, appendNewline: true },
        { block: 'x=1', prependNewline: true, appendNewline: true },
        { state: 'absent' },
        { block: '' },
    ];
    for (const [i, text] of starts.entries()) {
        for (const [j, o] of options.entries()) {
            it(`is idempotent (file ${i}, options ${j})`, () => {
                const once = edit(text, o);
                const twice = edit(once.text, o);
                assert.equal(twice.msg, '', `second edit changed ${JSON.stringify(once.text)} into ${JSON.stringify(twice.text)}`);
                assert.equal(twice.text, once.text);
                assert.ok(twice.reason.length > 0);
                if (o.state === 'absent' || o.block === '')
                    assert.ok(!once.text.includes(begin) && !once.text.includes(end));
                else
                    assert.equal(once.text.split(begin).length, 2, 'exactly one block');
            });
        }
    }
    it('END before BEGIN: the span between them is the block, as in Ansible', () => {
        const r = edit(`a\n${end}\nold\n${begin}\nb\n`, { block: 'new' });
        assert.equal(r.text, `a\n${begin}\nnew\n${end}\nb\n`);
        assert.equal(r.msg, 'block updated');
    });
    it('a lone BEGIN marker is not a block: a new block is added and the stray line left', () => {
        const r = edit(`a\n${begin}\nb\n`, { block: 'x' });
        assert.equal(r.text, `a\n${begin}\nb\n${begin}\nx\n${end}\n`);
    });
    it('several blocks in one file: each marker pair is its own', () => {
        const one = markerLines('# {mark} one', 'BEGIN', 'END');
        const two = markerLines('# {mark} two', 'BEGIN', 'END');
        let text = editBlock('', { state: 'present', block: '1', ...one }).text;
        text = editBlock(text, { state: 'present', block: '2', ...two }).text;
        text = editBlock(text, { state: 'present', block: '1b', ...one }).text;
        assert.equal(text, '# BEGIN one\n1b\n# END one\n# BEGIN two\n2\n# END two\n');
    });
    it('CRLF lines keep their ends; the markers are still found', () => {
        const text = `a\r\n${begin}\r\nx\r\n${end}\r\n`;
        const r = edit(text, { state: 'absent' });
        assert.equal(r.text, 'a\r\n');
    });
    it('refuses marker setups that cannot delimit a block', () => {
        assert.match(checkMarkers('# x', '# x')?.message ?? '', /the same/);
        assert.match(checkMarkers('# a\nb', '# c')?.message ?? '', /one line/);
        assert.equal(checkMarkers(begin, end), undefined);
        assert.deepEqual(markerLines('<!-- {mark} {mark} -->', 'a', 'b'), { begin: '<!-- a a -->', end: '<!-- b b -->' });
    });
});
//# sourceMappingURL=blockinfile-edit.test.js.map