import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { Inventory, parseIniInventory, selectHosts, splitHostPattern } from '../../src/inventory/index.js';
import { tempDir } from '../helpers/temp.js';
const INI = [
    'solo',
    '[web]',
    'web[1:3]',
    '[db]',
    'db1',
    'db2',
    'web3',
    '[lb]',
    'lb-a.example.com',
    '[prod:children]',
    'web',
    'db',
].join('\n');
const inv = new Inventory();
parseIniInventory(inv, INI, 'hosts', '/inv/hosts');
inv.reconcile();
const hosts = (pattern) => selectHosts(inv, pattern).hosts;
describe('host patterns', () => {
    it('all and * list every host, breadth first through the groups', () => {
        assert.deepEqual(hosts('all'), ['solo', 'lb-a.example.com', 'web1', 'web2', 'web3', 'db1', 'db2']);
        assert.deepEqual(hosts('*'), hosts('all'));
    });
    it('names a group, a host, or several joined by , or :', () => {
        assert.deepEqual(hosts('db'), ['db1', 'db2', 'web3']);
        assert.deepEqual(hosts('web2'), ['web2']);
        assert.deepEqual(hosts('db:web'), ['db1', 'db2', 'web3', 'web1', 'web2']);
        assert.deepEqual(hosts('lb, solo'), ['lb-a.example.com', 'solo']);
    });
    it('applies & and ! after the plain patterns, whatever the written order', () => {
        assert.deepEqual(hosts('web:&db'), ['web3']);
        assert.deepEqual(hosts('!db:prod'), ['web1', 'web2']);
        assert.deepEqual(hosts('!prod'), ['solo', 'lb-a.example.com']);
    });
    it('matches globs and ~regexes against groups and hosts', () => {
        assert.deepEqual(hosts('web*'), ['web1', 'web2', 'web3']);
        assert.deepEqual(hosts('*.example.com'), ['lb-a.example.com']);
        assert.deepEqual(hosts('~db[12]'), ['db1', 'db2']);
        assert.deepEqual(hosts('web[!1]'), ['web2', 'web3']);
    });
    it('slices a group with subscripts', () => {
        assert.deepEqual(hosts('web[0]'), ['web1']);
        assert.deepEqual(hosts('web[-1]'), ['web3']);
        assert.deepEqual(hosts('prod[1:3]'), ['web2', 'web3', 'db1']);
        assert.deepEqual(hosts('prod[4:]'), ['db2']);
    });
    it('warns (does not fail) when a pattern matches nothing', () => {
        const s = selectHosts(inv, 'nosuch:web1');
        assert.deepEqual(s.hosts, ['web1']);
        assert.deepEqual(s.warnings, ['Could not match supplied host pattern, ignoring: nosuch']);
    });
    it('answers localhost with the implicit localhost when the inventory has none', () => {
        assert.deepEqual(selectHosts(inv, 'localhost'), { hosts: ['localhost'], warnings: [] });
    });
    it('fails on an out-of-range index and on a broken regex', () => {
        assert.throws(() => hosts('web[7]'), (e) => e instanceof K8sbmError && e.code === 'K8SBM_PATTERN_SUBSCRIPT');
        assert.throws(() => hosts('~web('), (e) => e instanceof K8sbmError && e.code === 'K8SBM_PATTERN_INVALID');
    });
    it('splits patterns the way Ansible does, keeping ranges and IPv6 whole', () => {
        assert.deepEqual(splitHostPattern('a:b:&c:!d'), ['a', 'b', '&c', '!d']);
        assert.deepEqual(splitHostPattern('web[1:2]'), ['web[1:2]']);
        assert.deepEqual(splitHostPattern('fe80::1'), ['fe80::1']);
        assert.deepEqual(splitHostPattern(' a , b:c '), ['a', 'b:c']);
    });
    const dir = tempDir('limit', { after });
    it('reads @file limits, one pattern per line', () => {
        const f = join(dir, 'retry');
        writeFileSync(f, 'web1\n\n db2 \n');
        assert.deepEqual(hosts(`@${f}`), ['web1', 'db2']);
        assert.throws(() => hosts(`@${join(dir, 'missing')}`), (e) => e instanceof K8sbmError && e.code === 'K8SBM_LIMIT_FILE');
        assert.throws(() => hosts(`@${dir}`), (e) => e instanceof K8sbmError && e.code === 'K8SBM_LIMIT_FILE');
    });
});
describe('localhost', () => {
    it('means the inventory localhost-like host when there is one', () => {
        const withLocal = new Inventory();
        parseIniInventory(withLocal, '[g]\n127.0.0.1\n', 'hosts', '/inv/hosts');
        withLocal.reconcile();
        assert.deepEqual(selectHosts(withLocal, 'localhost').hosts, ['127.0.0.1']);
    });
    it('is otherwise an implicit host in no group, reached locally', () => {
        const h = inv.implicitHost('localhost');
        assert.equal(h.implicit, true);
        assert.deepEqual(h.vars, { ansible_connection: 'local' });
        assert.deepEqual(selectHosts(inv, 'all').hosts.includes('localhost'), false);
    });
});
//# sourceMappingURL=inventory-patterns.test.js.map