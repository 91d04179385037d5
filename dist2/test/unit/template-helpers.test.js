import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrAddress, cidrBroadcast, cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, CidrError, renderString, renderValue, } from '../../src/template/index.js';
const vars = {
    nodes: ['n1', 'n2', 'n3'],
    cfg: { b: 'two', list: [1, 2] },
    text: 'Hello World',
    csv: 'a,b,c',
    net: '10.0.0.5/24',
    flag: true,
    off: false,
    blob: 'a\nb\n\nc',
};
const r = (t) => renderValue(t, vars);
test('default: fallback for undefined and none, first defined wins', () => {
    assert.equal(r('{{default missing "fallback"}}'), 'fallback');
    assert.equal(r('{{default text "fallback"}}'), 'Hello World');
    assert.deepEqual(r('{{default nodes "x"}}'), ['n1', 'n2', 'n3'], 'keeps the type');
    assert.equal(r('{{default missing other "last"}}'), 'last');
});
test('join, split, first, last, length', () => {
    assert.equal(r('{{join nodes ","}}'), 'n1,n2,n3');
    assert.equal(r('{{join nodes}}'), 'n1n2n3');
    assert.deepEqual(r('{{split csv ","}}'), ['a', 'b', 'c']);
    assert.deepEqual(r('{{split "  a  b "}}'), ['a', 'b']);
    assert.equal(r('{{first nodes}}'), 'n1');
    assert.equal(r('{{last nodes}}'), 'n3');
    assert.equal(r('{{length nodes}}'), 3);
    assert.equal(r('{{length text}}'), 11);
    assert.equal(r('{{length cfg}}'), 2);
    assert.equal(r('{{join (split csv ",") "-"}}'), 'a-b-c');
});
test('upper, lower, trim, replace', () => {
    assert.equal(r('{{upper text}}'), 'HELLO WORLD');
    assert.equal(r('{{lower text}}'), 'hello world');
    assert.equal(r('{{trim "  x  "}}'), 'x');
    assert.equal(r('{{replace text "o" "0"}}'), 'Hell0 W0rld');
});
test('to_yaml, to_json, to_nice_json', () => {
    assert.equal(r('{{to_json cfg}}'), '{"b":"two","list":[1,2]}');
    assert.equal(r('{{to_nice_json cfg}}'), '{\n    "b": "two",\n    "list": [\n        1,\n        2\n    ]\n}');
    assert.equal(r('{{to_nice_json nodes indent=2}}'), '[\n  "n1",\n  "n2",\n  "n3"\n]');
    assert.equal(r('{{to_yaml cfg}}'), 'b: two\nlist:\n  - 1\n  - 2');
});
test('indent: like Jinja (first line and blank lines left alone unless asked)', () => {
    assert.equal(r('{{indent blob 2}}'), 'a\n  b\n\n  c');
    assert.equal(r('{{indent blob 4 true}}'), '    a\n    b\n\n    c');
    const out = renderString('spec:\n  config:\n    {{indent (to_yaml cfg) 4}}\n', vars, { file: 'x.yaml' });
    assert.equal(out, 'spec:\n  config:\n    b: two\n    list:\n      - 1\n      - 2\n');
});
test('eq, ne, and, or, not, lt, gt inside #if', () => {
    const cond = (c) => r(`{{#if ${c}}}T{{else}}F{{/if}}`);
    assert.equal(cond('(eq text "Hello World")'), 'T');
    assert.equal(cond('(eq nodes (split "n1 n2 n3"))'), 'T', 'lists compare by value');
    assert.equal(cond('(ne 1 "1")'), 'T', 'no type coercion');
    assert.equal(cond('(and flag off)'), 'F');
    assert.equal(cond('(or off flag)'), 'T');
    assert.equal(cond('(or off missing)'), 'F', 'or tolerates undefined');
    assert.equal(cond('(not off)'), 'T');
    assert.equal(cond('(gt (length nodes) 2)'), 'T');
    assert.equal(cond('(lt 1 2)'), 'T');
    assert.equal(cond('(lte "a" "b")'), 'T');
});
test('b64encode and b64decode round-trip UTF-8', () => {
    assert.equal(r('{{b64encode "héllo"}}'), Buffer.from('héllo').toString('base64'));
    assert.equal(r(`{{b64decode "${Buffer.from('héllo').toString('base64')}"}}`), 'héllo');
});
test('lookup and hostvar / group_hosts helpers', () => {
    const v = { hostvars: { 'node-1': { ip: '10.0.0.1' }, 'node-2': { ip: '10.0.0.2' } }, groups: { cp: ['node-1', 'node-2'] }, key: 'ip' };
    assert.equal(renderValue('{{lookup (lookup hostvars "node-2") key}}', v), '10.0.0.2');
    assert.equal(renderValue('{{#each (group_hosts "cp")}}{{hostvar this "ip"}} {{/each}}', v), '10.0.0.1 10.0.0.2 ');
    assert.deepEqual(renderValue('{{group_hosts "cp"}}', v), ['node-1', 'node-2']);
});
test('CIDR helpers in templates (IPv4)', () => {
    assert.equal(r('{{cidr_address net}}'), '10.0.0.5');
    assert.equal(r('{{cidr_prefix net}}'), 24);
    assert.equal(r('{{cidr_netmask net}}'), '255.255.255.0');
    assert.equal(r('{{cidr_network net}}'), '10.0.0.0');
    assert.equal(r('{{cidr_broadcast net}}'), '10.0.0.255');
    assert.equal(r('{{cidr_host "10.0.0.0/24" 5}}'), '10.0.0.5');
    assert.equal(r('{{cidr_host net -2}}'), '10.0.0.254');
    assert.equal(r('{{cidr_contains "10.0.0.0/8" "10.200.3.4"}}'), true);
    assert.equal(r('{{cidr_contains "10.0.0.0/8" "11.0.0.1"}}'), false);
    assert.equal(r('{{#if (cidr_contains "10.0.0.0/24" net)}}in{{/if}}'), 'in');
});
test('CIDR functions: IPv4 edges', () => {
    assert.equal(cidrNetmask('10.1.2.3/0'), '0.0.0.0');
    assert.equal(cidrNetmask('10.1.2.3/32'), '255.255.255.255');
    assert.equal(cidrNetmask('10.1.2.3/20'), '255.255.240.0');
    assert.equal(cidrNetwork('172.16.37.9/20'), '172.16.32.0');
    assert.equal(cidrPrefix('192.168.1.1'), 32);
    assert.equal(cidrAddress('192.168.1.1'), '192.168.1.1');
    assert.equal(cidrHost('192.168.10.0/30', 3), '192.168.10.3');
    assert.equal(cidrHost('192.168.10.0/24', -1), '192.168.10.255');
    assert.equal(cidrContains('10.0.0.0/24', '10.0.0.0/25'), true);
    assert.equal(cidrContains('10.0.0.0/25', '10.0.0.0/24'), false);
    assert.equal(cidrContains('10.0.0.0/24', 'fd00::1'), false);
    assert.throws(() => cidrHost('192.168.10.0/30', 4), CidrError);
    assert.throws(() => cidrPrefix('10.0.0.1/33'), CidrError);
    assert.throws(() => cidrAddress('256.0.0.1'), CidrError);
    assert.throws(() => cidrAddress('10.0.0.01'), CidrError);
    assert.throws(() => cidrAddress('not-an-ip'), CidrError);
});
test('CIDR functions: IPv6', () => {
    assert.equal(cidrAddress('FD00:0:0:0::1/64'), 'fd00::1');
    assert.equal(cidrPrefix('fd00::1/64'), 64);
    assert.equal(cidrNetmask('fd00::1/64'), 'ffff:ffff:ffff:ffff::');
    assert.equal(cidrNetwork('2001:db8:abcd:12:ff::7/48'), '2001:db8:abcd::');
    assert.equal(cidrHost('fd00:10::/64', 10), 'fd00:10::a');
    assert.equal(cidrHost('fd00::/120', -1), 'fd00::ff');
    assert.equal(cidrContains('fd00::/8', 'fdff:1::2'), true);
    assert.equal(cidrContains('fd00::/16', 'fe80::1'), false);
    assert.equal(cidrAddress('::ffff:10.0.0.1'), '::ffff:a00:1');
    assert.equal(cidrAddress('1:0:0:1:0:0:0:1'), '1:0:0:1::1', 'the longest zero run is compressed');
    assert.equal(cidrAddress('::'), '::');
    assert.throws(() => cidrBroadcast('fd00::/64'), CidrError);
    assert.throws(() => cidrAddress('1::2::3'), CidrError);
    assert.throws(() => cidrAddress('fd00::1/129'), CidrError);
});
//# sourceMappingURL=template-helpers.test.js.map