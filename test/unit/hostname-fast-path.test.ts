import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HOSTNAME_RULES, parseAddress } from '../../src/inventory/ranges.js';

/**
 * Host names of plain ASCII are checked by a rule without Unicode classes (faster to compile):
 * it must accept exactly what the full rule accepts, on every such name.
 */

it('the ASCII host-name rule agrees with the full rule on plain ASCII names', () => {
  const { full, ascii, plainAscii } = HOSTNAME_RULES;
  // A fixed pseudo-random sequence (no flakes), weighted to the characters that matter.
  let seed = 12345;
  const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const alphabet = 'aZ09_-..-_xK:/@ ';
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    let name = '';
    for (let len = 1 + next(12); len > 0; len--) name += alphabet[next(alphabet.length)];
    assert.ok(plainAscii.test(name));
    assert.equal(ascii.test(name), full.test(name), JSON.stringify(name));
    if (full.test(name)) accepted++;
  }
  assert.ok(accepted > 500, `enough valid names among the samples (${accepted})`);
});

it('names with ranges or other scripts still go by the full rule', () => {
  assert.equal(HOSTNAME_RULES.plainAscii.test('node[01:03]'), false);
  assert.equal(HOSTNAME_RULES.plainAscii.test('knoten-ä'), false);
  assert.deepEqual(parseAddress('node[01:03].lab', true), { host: 'node[01:03].lab', port: undefined });
  assert.deepEqual(parseAddress('knoten-ä:2222', false), { host: 'knoten-ä', port: 2222 });
  assert.equal(parseAddress('node_', false), undefined);
  assert.equal(parseAddress('-node', false), undefined);
  assert.deepEqual(parseAddress('node-1.example', false), { host: 'node-1.example', port: undefined });
});
