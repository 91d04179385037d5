import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinLines, linesWithEnds, parseLines, splitLines } from '../../src/util/lines.js';
describe('text as lines', () => {
    it('split and joined again, every text comes back byte for byte', () => {
        for (const text of ['', '\n', 'a', 'a\n', 'a\nb', 'a\nb\n', 'a\n\n', '\n\nx', 'a\r\nb\r\n']) {
            const l = splitLines(text);
            assert.equal(joinLines(l.lines, l.finalNewline), text, JSON.stringify(text));
            assert.equal(linesWithEnds(text).join(''), text, JSON.stringify(text));
        }
    });
    it('lines lose their newline; whether the last one had it is kept apart', () => {
        assert.deepEqual(splitLines('a\nb'), { lines: ['a', 'b'], finalNewline: false });
        assert.deepEqual(splitLines('a\n\n'), { lines: ['a', ''], finalNewline: true });
        assert.deepEqual(splitLines(''), { lines: [], finalNewline: true });
        assert.equal(joinLines([], true), '');
        assert.equal(joinLines(['a', 'b'], true), 'a\nb\n');
    });
    it('readlines style keeps each newline with its line', () => {
        assert.deepEqual(linesWithEnds('a\nb'), ['a\n', 'b']);
        assert.deepEqual(linesWithEnds('a\n\n'), ['a\n', '\n']);
        assert.deepEqual(linesWithEnds(''), []);
    });
    it('config entries: the lines that parse, with their index', () => {
        const parse = (line, i) => (line.startsWith('#') || line === '' ? undefined : `${i}:${line}`);
        assert.deepEqual(parseLines('# c\na\n\nb', parse), ['1:a', '3:b']);
        assert.deepEqual(parseLines('', parse), []);
    });
});
//# sourceMappingURL=util-lines.test.js.map