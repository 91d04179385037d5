import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variableRef } from '../../src/engine/param-place.js';

/** Which templates name one variable, so a finding about a param can point at that variable. */
describe('a param that is one variable', () => {
  it('a name, with filters, with keys after it', () => {
    assert.deepEqual(variableRef('{{ bond }}'), { name: 'bond', keys: [] });
    assert.deepEqual(variableRef(' {{vlans | default({}) }} '), { name: 'vlans', keys: [] });
    assert.deepEqual(variableRef('{{ storage_address | default(None) | trim }}'), { name: 'storage_address', keys: [] });
    assert.deepEqual(variableRef('{{ net.bond["slaves"][1] }}'), { name: 'net', keys: ['bond', 'slaves', 1] });
  });

  it('anything that computes, or text around the template, is not', () => {
    for (const v of ['10.30.20.{{ host_index }}/24', '{{ a }}{{ b }}', '{{ a ~ b }}', '{{ hostvars[inventory_hostname].x }}', '{{ [a, b] }}', 'plain', 42, null, '{{ broken | }}']) {
      assert.equal(variableRef(v), undefined, String(v));
    }
  });
});
