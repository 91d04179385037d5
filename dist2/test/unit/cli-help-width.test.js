import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helpWidth } from '../../src/cli/yargs.js';
describe('helpWidth', () => {
    it("takes the terminal's width over $COLUMNS", () => {
        assert.equal(helpWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' }), 132);
    });
    it('takes $COLUMNS when the output is not a terminal', () => {
        assert.equal(helpWidth({ isTTY: false, columns: undefined }, { COLUMNS: '87' }), 87);
        assert.equal(helpWidth({}, { COLUMNS: '87' }), 87);
    });
    it('falls back to 100 without either, or with a $COLUMNS that is not a width', () => {
        for (const COLUMNS of [undefined, '', 'wide', '0', '-5', '80.5'])
            assert.equal(helpWidth({}, { COLUMNS }), 100, String(COLUMNS));
    });
    it('keeps at least 60 columns, where the longest words still fit their column', () => {
        assert.equal(helpWidth({ isTTY: true, columns: 30 }, {}), 60);
        assert.equal(helpWidth({}, { COLUMNS: '45' }), 60);
    });
});
//# sourceMappingURL=cli-help-width.test.js.map