import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, perHostRange, speedup, summarize } from '../../bench/stats.js';
describe('bench statistics', () => {
    it('takes the middle value of an odd count, whatever the order', () => {
        assert.equal(median([3.2, 1.1, 2.5]), 2.5);
        assert.equal(median([7]), 7);
    });
    it('averages the two middle values of an even count', () => {
        assert.equal(median([4, 1, 3, 2]), 2.5);
    });
    it('does not reorder the caller\'s array', () => {
        const v = [3, 1, 2];
        median(v);
        assert.deepEqual(v, [3, 1, 2]);
    });
    it('refuses an empty list instead of returning NaN', () => {
        assert.throws(() => median([]), RangeError);
        assert.throws(() => summarize([]), RangeError);
    });
    it('summarizes median, min, max and count', () => {
        assert.deepEqual(summarize([10, 30, 20]), { median: 20, min: 10, max: 30, n: 3 });
    });
    it('divides the slow time by the fast one and refuses a zero time', () => {
        assert.equal(speedup(45, 1.5), 30);
        assert.throws(() => speedup(45, 0), RangeError);
    });
    it('shows one number when every host agrees and a range otherwise', () => {
        assert.equal(perHostRange({ node01: 33, node02: 33 }), '33');
        assert.equal(perHostRange({ node01: 84, node02: 86, node03: 85 }), '84-86');
        assert.equal(perHostRange({}), '-');
    });
});
//# sourceMappingURL=bench-stats.test.js.map