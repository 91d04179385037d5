import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalCondition, evalExpression } from '../../src/template/index.js';
import { Secret, isSecret } from '../../src/util/secret.js';
const vars = {
    name: 'web',
    port: 443,
    ratio: 0.5,
    enabled: true,
    disabled: false,
    answer: 'yes',
    nothing: null,
    empty: [],
    nodes: ['n1', 'n2', 'n3'],
    cfg: { a: 1, 'b-c': 'two', nested: { deep: 'x' } },
    ok_result: { failed: false, changed: true, rc: 0 },
    bad_result: { failed: true, changed: false, rc: 2 },
    skipped_result: { skipped: true, changed: false },
    kube_version: 'v1.29.3',
    hostvars: { 'node-1': { ip: '10.0.0.1', role: '{{ ip }}-node' } },
    groups: { cp: ['node-1'], workers: [] },
    count_text: '3',
};
const ev = (e) => evalExpression(e, vars);
const ok = (e) => evalCondition(e, vars);
test('literals: numbers, strings, booleans, none, lists, mappings', () => {
    assert.equal(ev('42'), 42);
    assert.equal(ev('-1.5'), -1.5);
    assert.equal(ev("'single'"), 'single');
    assert.equal(ev('"dou\\"ble"'), 'dou"ble');
    assert.equal(ev('true'), true);
    assert.equal(ev('False'), false);
    assert.equal(ev('none'), null);
    assert.equal(ev('None'), null);
    assert.deepEqual(ev('[1, "a", [true]]'), [1, 'a', [true]]);
    assert.deepEqual(ev('{"k": 1, \'j\': [2]}'), { k: 1, j: [2] });
    assert.deepEqual(ev('[]'), []);
});
test('bare names, attributes and indexes', () => {
    assert.equal(ev('name'), 'web');
    assert.equal(ev('cfg.a'), 1);
    assert.equal(ev("cfg['b-c']"), 'two');
    assert.equal(ev('cfg["nested"].deep'), 'x');
    assert.equal(ev('nodes[0]'), 'n1');
    assert.equal(ev('nodes[-1]'), 'n3');
    assert.equal(ev('nodes.1'), 'n2');
    assert.equal(ev("hostvars['node-1'].ip"), '10.0.0.1');
    assert.equal(ev('name[0]'), 'w');
});
test('comparison operators', () => {
    assert.equal(ok('port == 443'), true);
    assert.equal(ok('port != 443'), false);
    assert.equal(ok('port > 100 and port < 1000'), true);
    assert.equal(ok('port >= 443'), true);
    assert.equal(ok('port <= 442'), false);
    assert.equal(ok('1 < port < 1000'), true, 'chained comparisons');
    assert.equal(ok('"a" < "b"'), true);
    assert.equal(ok('nodes == ["n1", "n2", "n3"]'), true);
    assert.equal(ok('cfg.nested == {"deep": "x"}'), true);
    assert.equal(ok('port == "443"'), false, 'no coercion between text and numbers');
});
test('and, or, not, parentheses; and/or return their operands like Python', () => {
    assert.equal(ok('enabled and not disabled'), true);
    assert.equal(ok('disabled or (enabled and port == 443)'), true);
    assert.equal(ok('not (enabled and disabled)'), true);
    assert.equal(ok('not empty'), true);
    assert.equal(ev('nothing or "fallback"'), 'fallback');
    assert.equal(ev('name and port'), 443);
    assert.equal(ok('disabled and undefined_thing'), false, 'short-circuit: the right side is not evaluated');
    assert.equal(ok('x is defined and x > 1'), false);
});
test('in and not in', () => {
    assert.equal(ok("'n2' in nodes"), true);
    assert.equal(ok("'n9' not in nodes"), true);
    assert.equal(ok("'eb' in name"), true);
    assert.equal(ok("'a' in cfg"), true);
    assert.equal(ok("'zz' in cfg"), false);
    assert.equal(evalCondition("inventory_hostname in groups['cp']", { ...vars, inventory_hostname: 'node-1' }), true);
});
test('tests: defined, none, true/false, types, registered results', () => {
    assert.equal(ok('name is defined'), true);
    assert.equal(ok('missing is defined'), false);
    assert.equal(ok('missing is not defined'), true);
    assert.equal(ok('missing is undefined'), true);
    assert.equal(ok('missing.deeper.still is not defined'), true);
    assert.equal(ok('cfg.zz is defined'), false);
    assert.equal(ok('nothing is none'), true);
    assert.equal(ok('name is not none'), true);
    assert.equal(ok('enabled is true'), true);
    assert.equal(ok('answer is true'), false, 'is true means the boolean true');
    assert.equal(ok('disabled is false'), true);
    assert.equal(ok('ok_result is succeeded'), true);
    assert.equal(ok('ok_result is success'), true);
    assert.equal(ok('ok_result is changed'), true);
    assert.equal(ok('ok_result is not failed'), true);
    assert.equal(ok('bad_result is failed'), true);
    assert.equal(ok('bad_result is failure'), true);
    assert.equal(ok('bad_result is succeeded'), false);
    assert.equal(ok('skipped_result is skipped'), true);
    assert.equal(ok('ok_result is skipped'), false);
    assert.equal(ok('nodes is sequence and cfg is mapping and name is string and port is number'), true);
    assert.equal(ok('port is integer and ratio is float and port is odd'), true);
    assert.equal(ok('kube_version is version("1.28", ">=")'), true);
    assert.equal(ok("kube_version is version('1.30.0', '<')"), true);
    assert.equal(ok('name is match("w.b")'), true);
    assert.equal(ok('name is search("eb$")'), true);
    assert.equal(ok('port is divisibleby(443)'), true);
});
test('filters: length, int, bool, default, lower, upper, string, trim and more', () => {
    assert.equal(ev('nodes | length'), 3);
    assert.equal(ev('name | length'), 3);
    assert.equal(ev('cfg | count'), 3);
    assert.equal(ok('groups.workers | length == 0'), true);
    assert.equal(ev('count_text | int'), 3);
    assert.equal(ev("'12.7' | int"), 12);
    assert.equal(ev("'abc' | int"), 0, 'as Jinja: what cannot be read is 0');
    assert.equal(ev("'abc' | int(7)"), 7);
    assert.equal(ok('count_text | int + 1 == 4'), true, 'filters bind tighter than +');
    for (const w of ['yes', 'on', '1', 'true', 'True', 'YES'])
        assert.equal(evalExpression('v | bool', { v: w }), true, w);
    for (const w of ['no', 'off', '0', 'false', 'False', ''])
        assert.equal(evalExpression('v | bool', { v: w }), false, w);
    assert.equal(evalExpression('v | bool', { v: 1 }), true);
    assert.equal(evalExpression('v | bool', { v: false }), false);
    assert.equal(ev('missing | default("d")'), 'd');
    assert.equal(ev('missing.a.b | default(5)'), 5);
    assert.equal(ev('name | default("d")'), 'web');
    assert.equal(ev('"" | default("d", true)'), 'd');
    assert.equal(ev('missing | d("short")'), 'short');
    assert.equal(ev('name | upper'), 'WEB');
    assert.equal(ev('"MiXed" | lower'), 'mixed');
    assert.equal(ev('port | string'), '443');
    assert.equal(ev('enabled | string'), 'True');
    assert.equal(ev('"  pad  " | trim'), 'pad');
    assert.equal(ev('nodes | first'), 'n1');
    assert.equal(ev('nodes | last'), 'n3');
    assert.equal(ev('nodes | join(",")'), 'n1,n2,n3');
    assert.deepEqual(ev('[3, 1, 3, 2] | unique | sort'), [1, 2, 3]);
    assert.equal(ev('"a,b" | split(",") | length'), 2);
    assert.equal(ev('name | ansible.builtin.upper'), 'WEB', 'fully qualified filter names');
});
test('arithmetic and ~ concatenation', () => {
    assert.equal(ev('port + 1'), 444);
    assert.equal(ev('port - 3 * 2'), 437);
    assert.equal(ev('7 // 2'), 3);
    assert.equal(ev('7 / 2'), 3.5);
    assert.equal(ev('-7 % 3'), 2);
    assert.equal(ev('2 ** 10'), 1024);
    assert.equal(ev('name ~ ":" ~ port'), 'web:443');
    assert.equal(ev('"a" + "b"'), 'ab');
    assert.deepEqual(ev('[1] + [2]'), [1, 2]);
    assert.equal(ev('"x" if enabled else "y"'), 'x');
    assert.equal(ev('"x" if disabled else "y"'), 'y');
});
test('method calls that playbooks use', () => {
    assert.equal(ok('name.startswith("we")'), true);
    assert.equal(ok('kube_version.endswith(".3")'), true);
    assert.deepEqual(ev('"a b".split()'), ['a', 'b']);
    assert.deepEqual(ev('cfg.keys() | list | length'), 3);
    assert.equal(ev('cfg.get("zz", "dflt")'), 'dflt');
});
test('"{{ expr }}" is accepted by stripping one wrapping {{ }}', () => {
    assert.equal(ok('{{ port == 443 }}'), true);
    assert.equal(ok('  {{enabled}}  '), true);
    assert.equal(ev('{{ nodes | length }}'), 3);
});
test('conditions: booleans pass through, a list means all of them, in order', () => {
    assert.equal(evalCondition(true, vars), true);
    assert.equal(evalCondition(false, vars), false);
    assert.equal(evalCondition([], vars), true);
    assert.equal(evalCondition(['port == 443', true, 'enabled'], vars), true);
    assert.equal(evalCondition(['port == 443', 'disabled'], vars), false);
    // The first false item stops evaluation, so later items may rely on earlier ones.
    assert.equal(evalCondition(['x is defined', 'x > 1'], vars), false);
});
test('lazy variables are rendered when referenced', () => {
    const v = { ...vars, api: '{{ vip }}:6443', vip: '10.0.0.100', list_var: '{{ nodes }}' };
    assert.equal(evalExpression('api', v), '10.0.0.100:6443');
    assert.equal(evalCondition('list_var | length == 3', v), true);
    assert.equal(evalCondition('"n1" in list_var', v), true);
    // A host's lazy values render with that host's own variables.
    assert.equal(evalExpression("hostvars['node-1'].role", v), '10.0.0.1-node');
    assert.equal(evalCondition('api.startswith("10.")', v), true);
});
test('secrets compare by value but stay masked in results', () => {
    const pw = new Secret('hunter2');
    const v = { pw };
    assert.equal(evalCondition('pw == "hunter2"', v), true);
    assert.equal(evalCondition('pw | length == 7', v), true);
    const out = evalExpression('pw', v);
    assert.equal(out, pw);
    const upper = evalExpression('pw | upper', v);
    assert.ok(isSecret(upper));
    assert.equal(upper.reveal(), 'HUNTER2');
    assert.ok(isSecret(evalExpression('"x" ~ pw', v)));
});
//# sourceMappingURL=expr-eval.test.js.map