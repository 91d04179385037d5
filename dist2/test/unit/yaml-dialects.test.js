import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyWasNonString, parseAnsibleYaml } from '../../src/inventory/ansible-yaml.js';
import { K8sbmError } from '../../src/source/errors.js';
import { keyPosOf, locOf } from '../../src/source/loc.js';
import { parseYaml } from '../../src/source/yaml.js';
/** One walk keeps positions for both readings of YAML; only scalars, keys and parser options differ. */
const text = 'base: &b {mode: 0644, on: yes}\nnode:\n  <<: *b\n  name: n1\n  list:\n    - 1e3\n';
describe('YAML dialects', () => {
    it('playbooks read YAML 1.2, inventories YAML 1.1 as Ansible does: the same text, other values', () => {
        assert.deepEqual(parseYaml(text, 'play.yml'), {
            base: { mode: 644, on: 'yes' },
            node: { name: 'n1', list: [1000], mode: 644, on: 'yes' },
        });
        assert.deepEqual(parseAnsibleYaml(text, 'hosts.yml'), {
            base: { mode: 420, true: true },
            node: { name: 'n1', list: ['1e3'], mode: 420, true: true },
        });
    });
    it('a `<<` merge key merges in playbooks too (the parser hands it over as a symbol); a quoted one is a key', () => {
        const v = parseYaml('a: &x {p: 1}\nb: {<<: *x, q: 2}\nc: {"<<": 3}\n', 'm.yml');
        assert.deepEqual(v, { a: { p: 1 }, b: { q: 2, p: 1 }, c: { '<<': 3 } });
    });
    it('both record the same positions for mappings, keys, values and list items', () => {
        for (const v of [parseYaml(text, 'p.yml'), parseAnsibleYaml(text, 'p.yml')]) {
            const node = v.node;
            assert.deepEqual(locOf(node), { file: 'p.yml', line: 3, col: 3 });
            assert.deepEqual(keyPosOf(node, 'name'), { key: { file: 'p.yml', line: 4, col: 3 }, value: { file: 'p.yml', line: 4, col: 9 }, raw: 'n1', plain: true });
            assert.deepEqual(keyPosOf(node.list, 0)?.value, { file: 'p.yml', line: 6, col: 7 });
        }
    });
    it('keys that are not strings are spelled out, and inventories remember which they were', () => {
        assert.deepEqual(parseYaml('1: a\ntrue: b\n~: c\n[x]: d\n', 'k.yml'), { 1: 'a', true: 'b', null: 'c', '["x"]': 'd' });
        const inv = parseAnsibleYaml('1: a\non: b\n~: c\n"2": d\n', 'k.yml');
        assert.deepEqual(inv, { 1: 'a', true: 'b', null: 'c', 2: 'd' });
        assert.deepEqual(['1', 'true', 'null', '2'].map((k) => keyWasNonString(inv, k)), [true, true, true, false]);
    });
    it('duplicate keys are an error in playbooks and the last one wins in inventories', () => {
        assert.throws(() => parseYaml('a: 1\na: 2\n', 'dup.yml'), (e) => e instanceof K8sbmError && e.code === 'K8SBM_YAML_SYNTAX' && e.loc?.line === 2 && /only once/.test(e.hint ?? ''));
        assert.deepEqual(parseAnsibleYaml('a: 1\na: 2\n', 'dup.yml'), { a: 2 });
    });
});
//# sourceMappingURL=yaml-dialects.test.js.map