import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from '../../src/source/errors.js';
import { valueLocOf } from '../../src/source/loc.js';
import { parseYaml } from '../../src/source/yaml.js';
import { evalCondition, evalExpression } from '../../src/template/index.js';
import { Secret } from '../../src/util/secret.js';
import { thrown } from '../helpers/errors.js';

const vars = { name: 'web', port: 443, answer: 'yes', nodes: ['a'], nothing: null, result: { failed: false }, count: 3 };

const YAML = [
  '- name: t', //                                          1
  '  when: port == 443 and naem == "web"', //            2
  '  failed_when: "result.rc != 0 and port = 1"', //      3
  '  until:', //                                          4
  '    - port == 443', //                                 5
  '    - answer', //                                      6
  '  changed_when: "{{ port > }}"', //                    7
  '  assert_that: |', //                                  8
  '    port == 443 and', //                               9
  '    nodes | lenght > 0', //                            10
  '',
].join('\n');

const task = (parseYaml(YAML, 'play.yml') as Record<string, unknown>[])[0]!;

test('undefined variable: K8SBM_UNDEFINED_VAR at the name, with a suggestion', () => {
  const e = thrown(() => evalCondition(task['when'] as string, vars, valueLocOf(task, 'when')));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(e.message, /"naem"/);
  assert.deepEqual(e.loc, { file: 'play.yml', line: 2, col: 25 });
  assert.match(e.hint ?? '', /did you mean "name"/);
  assert.match(formatError(e), /> 2 \|/);
});

test('undefined attribute path names the full path and where it broke', () => {
  const e = thrown(() => evalExpression('result.rc.code > 0', vars, { file: 'x.yml', line: 5, col: 10 }));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(e.message, /"result\.rc\.code"/);
  assert.ok(e.details.some((d) => d.includes('"result" has no key "rc"')));
  assert.deepEqual(e.loc, { file: 'x.yml', line: 5, col: 10 });
  const hint = thrown(() => evalExpression('zzzz', vars)).hint ?? '';
  assert.match(hint, /zzzz is defined/);
  assert.match(hint, /default\('value'\)/);
  assert.match(thrown(() => evalCondition('yes', vars)).hint ?? '', /true or false/);
});

test('syntax error: K8SBM_EXPR_SYNTAX at the offending token inside a quoted scalar', () => {
  const e = thrown(() => evalCondition(task['failed_when'] as string, vars, valueLocOf(task, 'failed_when')));
  assert.equal(e.code, 'K8SBM_EXPR_SYNTAX');
  assert.deepEqual(e.loc, { file: 'play.yml', line: 3, col: 41 });
  assert.match(e.hint ?? '', /==/);
});

test('syntax error inside a stripped {{ }} keeps the column right', () => {
  const e = thrown(() => evalCondition(task['changed_when'] as string, vars, valueLocOf(task, 'changed_when')));
  assert.equal(e.code, 'K8SBM_EXPR_SYNTAX');
  assert.match(e.message, /expected a value/);
  assert.deepEqual(e.loc, { file: 'play.yml', line: 7, col: 28 });
});

test('errors in a block scalar expression point at the right line', () => {
  const e = thrown(() => evalCondition(task['assert_that'] as string, vars, valueLocOf(task, 'assert_that')));
  assert.equal(e.code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.match(e.hint ?? '', /did you mean "length"/);
  assert.deepEqual(e.loc, { file: 'play.yml', line: 10, col: 13 });
});

test('a list of conditions: each error carries its own item place', () => {
  const list = task['until'] as string[];
  const e = thrown(() => evalCondition(list, vars, valueLocOf(task, 'until')));
  assert.equal(e.code, 'K8SBM_CONDITION_NOT_BOOLEAN');
  assert.deepEqual(e.loc, { file: 'play.yml', line: 6, col: 7 });
  assert.match(e.hint ?? '', /answer \| bool/);
  assert.match(e.hint ?? '', /answer == "yes"/);
});

test('a non-boolean result: K8SBM_CONDITION_NOT_BOOLEAN with a hint to compare', () => {
  const cases: [string, RegExp][] = [
    ['name', /name == "web"/],
    ['count', /count > 0/],
    ['nodes', /nodes \| length > 0/],
    ['nothing', /is not none/],
    ['port if true else 1', /compare explicitly/],
  ];
  for (const [expr, hint] of cases) {
    const e = thrown(() => evalCondition(expr, vars, { file: 'x.yml', line: 1, col: 7 }));
    assert.equal(e.code, 'K8SBM_CONDITION_NOT_BOOLEAN', expr);
    assert.match(e.hint ?? '', hint, expr);
    assert.deepEqual(e.loc, { file: 'x.yml', line: 1, col: 7 });
  }
});

test('syntax errors name the problem; without a file the caret shows the column', () => {
  const cases: [string, number, RegExp][] = [
    ['port ==', 7, /expected a value/],
    ['(port == 1', 10, /expected \)/],
    ['port 443', 5, /unexpected token/],
    ["'open", 0, /unterminated string/],
    ['port && 1', 5, /unexpected character/],
    ['{{ port }} == 1', 0, /templating inside an expression/],
    ['nodes[1:]', 7, /slices/],
    ['range(3)', 5, /calls are not supported/],
    ['', 0, /empty expression/],
    ['port is', 7, /expected a test name/],
    ['and', 0, /expected a value/],
  ];
  for (const [expr, col, msg] of cases) {
    const e = thrown(() => evalExpression(expr, vars));
    assert.equal(e.code, 'K8SBM_EXPR_SYNTAX', expr);
    assert.match(e.message, msg, expr);
    assert.equal(e.loc, undefined);
    const caret = e.details[1] ?? '';
    assert.equal(caret.indexOf('^') - 2, col, `${expr}: ${caret}`);
  }
  const located = thrown(() => evalExpression('port ==', vars, { file: 'x.yml', line: 4, col: 9 }));
  assert.deepEqual(located.loc, { file: 'x.yml', line: 4, col: 16 });
});

test('type errors: K8SBM_EXPR_TYPE with a conversion hint', () => {
  const cmp = thrown(() => evalCondition('answer > 1', vars, { file: 'x.yml', line: 2, col: 3 }));
  assert.equal(cmp.code, 'K8SBM_EXPR_TYPE');
  assert.deepEqual(cmp.loc, { file: 'x.yml', line: 2, col: 10 });
  assert.match(thrown(() => evalCondition('"3" > 1', vars)).hint ?? '', /\| int/);
  assert.equal(thrown(() => evalExpression('name | bool', vars)).code, 'K8SBM_EXPR_TYPE');
  assert.equal(thrown(() => evalExpression('port is failed', vars)).code, 'K8SBM_EXPR_TYPE');
  assert.equal(thrown(() => evalExpression('1 in port', vars)).code, 'K8SBM_EXPR_TYPE');
  assert.equal(thrown(() => evalExpression('name - 1', vars)).code, 'K8SBM_EXPR_TYPE');
  assert.equal(thrown(() => evalExpression('port // 0', vars)).code, 'K8SBM_EXPR_TYPE');
});

test('unknown filters, tests and methods: K8SBM_EXPR_UNSUPPORTED with suggestions', () => {
  const f = thrown(() => evalExpression('name | uper', vars));
  assert.equal(f.code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.match(f.hint ?? '', /"upper"/);
  const t = thrown(() => evalExpression('name is defind', vars));
  assert.equal(t.code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.match(t.hint ?? '', /"defined"/);
  assert.equal(thrown(() => evalExpression('name.format(1)', vars)).code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.equal(thrown(() => evalExpression('name | replace("a")', vars)).code, 'K8SBM_EXPR_SYNTAX');
});

test('undefined names are errors except under is defined / default', () => {
  assert.equal(thrown(() => evalExpression('missing | length', vars)).code, 'K8SBM_UNDEFINED_VAR');
  assert.equal(thrown(() => evalCondition('not missing', vars)).code, 'K8SBM_UNDEFINED_VAR');
  assert.equal(thrown(() => evalCondition('missing is none', vars)).code, 'K8SBM_UNDEFINED_VAR');
  assert.equal(thrown(() => evalExpression('missing | mandatory("set missing in group_vars")', vars)).message, 'set missing in group_vars');
  assert.equal(evalCondition('missing is not defined', vars), true);
  assert.equal(evalExpression('missing | default(1)', vars), 1);
});

test('names every object inherits are not variables', () => {
  for (const e of ['constructor', 'name.constructor', 'nodes.map', 'result.__proto__', 'result["toString"]']) {
    assert.equal(thrown(() => evalExpression(e, vars)).code, 'K8SBM_UNDEFINED_VAR', e);
  }
});

test('lazy variables in expressions: cycles and errors inside them', () => {
  const cycle = thrown(() => evalCondition('a == 1', { a: '{{ b }}', b: '{{ a }}' }, { file: 'x.yml', line: 3, col: 9 }));
  assert.equal(cycle.code, 'K8SBM_VAR_CYCLE');
  assert.match(cycle.message, /a -> b -> a/);
  assert.deepEqual(cycle.loc, { file: 'x.yml', line: 3, col: 9 });
  const inner = thrown(() => evalExpression('url', { url: 'https://{{ vip }}' }, { file: 'x.yml', line: 3, col: 9 }));
  assert.equal(inner.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(inner.message, /"vip"/);
  assert.ok(inner.details.some((d) => d.includes('in variable "url"')));
});

test('errors never show a secret', () => {
  const pw = new Secret('hunter2');
  const v = { pw, parts: 'x' };
  const attempts = [
    () => evalCondition('pw', v),
    () => evalCondition('pw ~ "x"', v),
    () => evalCondition('pw > 1', v),
    () => evalExpression('pw | bool', v),
    () => evalExpression('(pw | split(",")) | first | bool', v),
    () => evalCondition('pw | split(",")', v),
    () => evalExpression('pw - 1', v),
  ];
  for (const attempt of attempts) {
    const e = thrown(attempt);
    assert.ok(!formatError(e).includes('hunter2'), formatError(e));
  }
});

test('a list item without its own position falls back to the given place, unshifted', () => {
  const e = thrown(() => evalCondition(['port == 443', 'naem == 1'], vars, { file: 'x.yml', line: 8, col: 5 }));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.deepEqual(e.loc, { file: 'x.yml', line: 8, col: 5 });
  const s = thrown(() => evalCondition(['port =='], vars, { file: 'x.yml', line: 8, col: 5 }));
  assert.deepEqual(s.loc, { file: 'x.yml', line: 8, col: 5 });
  assert.ok(s.details.some((d) => d.includes('^')), 'the caret shows the column instead');
});
