import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { keyPosOf } from '../../src/source/loc.js';
import { Inventory, groupNamesOf, groupsMap, parseIniInventory, parseYamlInventory, parseAnsibleYaml } from '../../src/inventory/index.js';
function fromIni(text) {
    const inv = new Inventory();
    parseIniInventory(inv, text, 'hosts', '/inv/hosts');
    inv.reconcile();
    return inv;
}
function fromYaml(text) {
    const inv = new Inventory();
    parseYamlInventory(inv, parseAnsibleYaml(text, 'hosts.yml'), 'hosts.yml', '/inv/hosts.yml');
    inv.reconcile();
    return inv;
}
const names = (inv, group) => inv.groups.get(group).hosts.map((h) => h.name);
const children = (inv, group) => inv.groups.get(group).children.map((g) => g.name);
describe('INI inventory', () => {
    it('puts hosts before any section in ungrouped, and builds all as Ansible does', () => {
        const inv = fromIni('a\nb:2200\n[web]\nw1\n[empty]\n');
        assert.deepEqual(names(inv, 'ungrouped'), ['a', 'b']);
        assert.deepEqual(children(inv, 'all'), ['ungrouped', 'web', 'empty']);
        assert.deepEqual(inv.hosts.get('b').vars, { ansible_port: 2200 });
    });
    it('expands ranges keeping zero padding, steps and letters', () => {
        const inv = fromIni('[n]\nnode[01:03]\nx[1:9:4]\nrack-[a:c].lan\n');
        assert.deepEqual(names(inv, 'n'), ['node01', 'node02', 'node03', 'x1', 'x5', 'x9', 'rack-a.lan', 'rack-b.lan', 'rack-c.lan']);
    });
    it('reads inline host vars and :vars values as Python literals', () => {
        const inv = fromIni([
            `h n=5 f=1.5 t=True none=None s="'05'" z=05 l="[1, 'a']" d="{'k': 1}" q="a b" e= eq=a=b`,
            '[all:vars]',
            'port = 8080 # a comment python ignores',
            'name = hello world # kept: not a literal',
            'flag=False',
        ].join('\n'));
        assert.deepEqual(inv.hosts.get('h').vars, {
            n: 5, f: 1.5, t: true, none: null, s: '05', z: '05', l: [1, 'a'], d: { k: 1 }, q: 'a b', e: '', eq: 'a=b',
        });
        assert.deepEqual(inv.groups.get('all').vars, { port: 8080, name: 'hello world # kept: not a literal', flag: false });
    });
    it('records file:line:col of each INI variable', () => {
        const inv = fromIni('[web]\nw1   user=ops\n[web:vars]\nport = 80\n');
        const hv = keyPosOf(inv.hosts.get('w1').vars, 'user');
        assert.deepEqual([hv.key.line, hv.key.col, hv.value.col], [2, 6, 11]);
        const gv = keyPosOf(inv.groups.get('web').vars, 'port');
        assert.deepEqual([gv.value.file, gv.value.line, gv.value.col], ['hosts', 4, 8]);
    });
    it('resolves children declared before their group, in order of declaration', () => {
        const inv = fromIni('[prod:children]\nweb\ndb\n[db]\nd1\n[web]\nw1\n');
        assert.deepEqual(children(inv, 'prod'), ['db', 'web']);
        assert.deepEqual(children(inv, 'all'), ['ungrouped', 'prod']);
        assert.equal(inv.groups.get('web').depth, 2);
    });
    it('keeps the first port of a host and merges vars from several sections', () => {
        const inv = fromIni('[a]\nh:22 x=1\n[b]\nh:33 y=2\n');
        assert.deepEqual(inv.hosts.get('h').vars, { ansible_port: 22, x: 1, y: 2 });
        assert.deepEqual(groupNamesOf(inv, 'h'), ['a', 'b']);
    });
    it('moves hosts listed under [all] into ungrouped, and out of it when they have a group', () => {
        const inv = fromIni('[all]\nh1\n[ungrouped]\nh2\n[g]\nh2\n');
        assert.deepEqual(names(inv, 'ungrouped'), ['h1']);
        assert.deepEqual(groupsMap(inv), { all: ['h1', 'h2'], ungrouped: ['h1'], g: ['h2'] });
    });
    it('takes ansible_group_priority out of the vars into the priority', () => {
        const inv = fromIni('[g]\nh\n[g:vars]\nansible_group_priority=7\nx=1\n');
        assert.equal(inv.groups.get('g').priority, 7);
        assert.deepEqual(inv.groups.get('g').vars, { x: 1 });
    });
    it('reads ;-comments, # comments and bracketed IPv6 with a port', () => {
        const inv = fromIni('; comment\n# another\n[::1]:2222\nfe80::1\n');
        assert.deepEqual(names(inv, 'ungrouped'), ['::1', 'fe80::1']);
        assert.equal(inv.hosts.get('::1').vars.ansible_port, 2222);
    });
});
describe('INI inventory errors', () => {
    const fails = (text, code, line, pattern) => {
        assert.throws(() => fromIni(text), (e) => {
            assert.ok(e instanceof K8sbmError);
            assert.equal(e.code, code);
            assert.equal(e.loc?.line, line);
            assert.equal(e.loc?.file, 'hosts');
            assert.match(e.message, pattern);
            assert.ok(e.hint);
            return true;
        });
    };
    it('rejects unknown section kinds', () => fails('[a:hostz]\n', 'K8SBM_INVENTORY_PARSE', 1, /unknown type/));
    it('rejects section headers with spaces', () => fails('\n[a b]\n', 'K8SBM_INVENTORY_PARSE', 2, /invalid section/));
    it('rejects host words without =', () => fails('[a]\nh1 oops\n', 'K8SBM_INVENTORY_PARSE', 2, /key=value/));
    it('rejects unclosed quotes', () => fails('h1 a="x\n', 'K8SBM_INVENTORY_PARSE', 1, /No closing quotation/));
    it('rejects children that are never declared', () => fails('[a:children]\nnope\n', 'K8SBM_INVENTORY_UNDEFINED_GROUP', 2, /undefined group: nope/));
    it('rejects :vars of a group never declared', () => fails('[a:vars]\nx=1\n', 'K8SBM_INVENTORY_UNDEFINED_GROUP', 1, /never declared/));
    it('rejects bad ranges', () => fails('[a]\nn[01:100]\n', 'K8SBM_INVENTORY_RANGE', 2, /equal-length/));
    it('rejects a trailing colon', () => fails('h1:\n', 'K8SBM_INVENTORY_PARSE', 1, /port/));
    it('rejects group loops', () => fails('[a:children]\nb\n[b:children]\na\n', 'K8SBM_INVENTORY_CYCLE', 4, /loop/));
    it('rejects a non-integer ansible_group_priority', () => fails('[g]\nh\n[g:vars]\nansible_group_priority=high\n', 'K8SBM_INVENTORY_VAR_INVALID', 4, /integer/));
});
describe('YAML inventory', () => {
    it('builds nested groups at any depth with hosts, ports and vars', () => {
        const inv = fromYaml([
            'all:',
            '  vars: {site: lab}',
            '  children:',
            '    k8s:',
            '      children:',
            '        cp:',
            '          hosts:',
            '            cp-[1:2]:2201: {ansible_user: core}',
            '        workers:',
            '          hosts: w1',
            '          children:',
            '            gpu:',
            '              hosts: {g1: }',
            '              vars: {ansible_group_priority: 4, accel: gpu}',
        ].join('\n'));
        assert.deepEqual(children(inv, 'all'), ['ungrouped', 'k8s']);
        assert.deepEqual(children(inv, 'k8s'), ['cp', 'workers']);
        assert.deepEqual(inv.hosts.get('cp-2').vars, { ansible_port: 2201, ansible_user: 'core' });
        assert.deepEqual(names(inv, 'workers'), ['w1']);
        assert.equal(inv.groups.get('gpu').depth, 3);
        assert.equal(inv.groups.get('gpu').priority, 4);
        assert.deepEqual(inv.groups.get('gpu').vars, { accel: 'gpu' });
        assert.deepEqual(groupsMap(inv).k8s, ['cp-1', 'cp-2', 'w1', 'g1']);
        assert.deepEqual(groupNamesOf(inv, 'g1'), ['gpu', 'k8s', 'workers']);
    });
    it('merges a group mentioned in two places and puts hosts of all into ungrouped', () => {
        const inv = fromYaml('all:\n  hosts: {solo: }\n  children:\n    a:\n      hosts: {x: }\nb:\n  children:\n    a:\n      vars: {v: 1}\n');
        assert.deepEqual(names(inv, 'ungrouped'), ['solo']);
        assert.deepEqual(inv.groups.get('a').parents.map((g) => g.name), ['all', 'b']);
        assert.deepEqual(inv.groups.get('a').vars, { v: 1 });
    });
    it('skips unknown keys and non-mapping groups with a warning', () => {
        const inv = fromYaml('odd: [1]\ng:\n  hosts: {h: }\n  extra: {a: 1}\n');
        assert.equal(inv.groups.has('odd'), false);
        assert.equal(inv.warnings.length, 2);
        assert.match(inv.warnings.join('\n'), /Skipping 'odd'/);
        assert.match(inv.warnings.join('\n'), /unexpected key \(extra\)/);
    });
    it('rejects hosts written as a list, and numeric host names, pointing at the line', () => {
        assert.throws(() => fromYaml('all:\n  hosts:\n    - a\n'), (e) => e instanceof K8sbmError && e.code === 'K8SBM_INVENTORY_STRUCTURE' && e.loc?.line === 3 && /mapping/.test(e.message));
        assert.throws(() => fromYaml('all:\n  hosts:\n    5:\n'), (e) => e instanceof K8sbmError && e.code === 'K8SBM_INVENTORY_STRUCTURE' && e.loc?.line === 3 && /string/.test(e.message));
    });
});
//# sourceMappingURL=inventory-parse.test.js.map