import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from '../../src/source/errors.js';
import { valueLocOf } from '../../src/source/loc.js';
import { parseYaml } from '../../src/source/yaml.js';
import { renderString, renderValue } from '../../src/template/index.js';
import { Secret } from '../../src/util/secret.js';
import { thrown } from '../helpers/errors.js';

const vars = {
  name: 'web',
  nodes: ['n1', 'n2'],
  facts: { default_ipv4: { address: '10.0.0.5' } },
  hostvars: { 'node-1': { ansible_host: '10.1.1.1' } },
  groups: { web: ['node-1'] },
};

const YAML = [
  'tasks:', //                                   1
  '  - name: x', //                              2
  '    plain: addr {{ facts.default_ipv4.addres }}', // 3
  '    quoted: "addr {{ factz.default_ipv4.address }}"', // 4
  '    block: |', //                             5
  '      first line', //                         6
  '      second {{ nope }}', //                  7
  '    syntax: "{{ x | defualt(\'y\') }}"', //   8
  '',
].join('\n');

const task = (parseYaml(YAML, 'site.yml') as { tasks: Record<string, unknown>[] }).tasks[0]!;

test('undefined variable: full path, file:line:col of the use in a plain scalar, did-you-mean', () => {
  const e = thrown(() => renderValue(task['plain'], vars, valueLocOf(task, 'plain')));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(e.message, /"facts\.default_ipv4\.addres"/);
  assert.deepEqual(e.loc, { file: 'site.yml', line: 3, col: 20 });
  assert.match(e.hint ?? '', /did you mean "facts\.default_ipv4\.address"/);
  assert.match(formatError(e), /> 3 \|/);
});

test('undefined variable in a quoted scalar: column past the quote; names where the path broke', () => {
  const e = thrown(() => renderValue(task['quoted'], vars, valueLocOf(task, 'quoted')));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(e.message, /"factz\.default_ipv4\.address"/);
  assert.deepEqual(e.loc, { file: 'site.yml', line: 4, col: 22 });
  assert.ok(e.details.some((d) => d.includes('"factz" is not defined')));
  assert.match(e.hint ?? '', /did you mean "facts"/);
});

test('undefined variable in a block scalar: the line inside the block', () => {
  const e = thrown(() => renderValue(task['block'], vars, valueLocOf(task, 'block')));
  assert.deepEqual(e.loc, { file: 'site.yml', line: 7, col: 17 });
  const far = thrown(() => renderValue('{{ zzzzzz }}', vars));
  assert.match(far.hint ?? '', /\{\{default zzzzzz "value"\}\}/);
});

test('nested values point at their own place', () => {
  const e = thrown(() => renderValue(task, vars));
  assert.deepEqual(e.loc, { file: 'site.yml', line: 3, col: 20 });
});

test('names every object inherits are not variables', () => {
  for (const t of ['{{ constructor }}', '{{ name.constructor }}', '{{ nodes.map }}', '{{ __proto__ }}']) {
    assert.equal(thrown(() => renderValue(t, vars)).code, 'K8SBM_UNDEFINED_VAR', t);
  }
});

test('undefined variable in a template file: its own line and column', () => {
  const e = thrown(() => renderString('a: 1\nb: {{ name }}\nc: {{ missing.key }}\n', vars, { file: 'roles/r/templates/x.conf.hbs' }));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.deepEqual(e.loc, { file: 'roles/r/templates/x.conf.hbs', line: 3, col: 7 });
  const shifted = thrown(() => renderString('{{ nope }}', vars, { file: 'f.hbs', line: 10, col: 5 }));
  assert.deepEqual(shifted.loc, { file: 'f.hbs', line: 10, col: 8 });
});

test('undefined inside #each names the item path and suggests @root', () => {
  const e = thrown(() => renderString('{{#each nodes}}{{name}}{{/each}}', vars, { file: 't' }));
  assert.match(e.message, /nodes\[0\]\.name/);
  assert.match(e.hint ?? '', /@root\.name/);
  const each = thrown(() => renderString('{{#each nothing}}x{{/each}}', vars, { file: 't' }));
  assert.equal(each.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(each.message, /"nothing"/);
});

test('helper arguments are strict, default is not', () => {
  assert.equal(renderValue('{{default missing "y"}}', vars), 'y');
  assert.equal(renderValue('{{default facts.nothing.deeper "y"}}', vars), 'y');
  assert.equal(renderValue('{{default a b "c"}}', { b: 'B' }), 'B');
  assert.equal(renderValue('{{default n "c"}}', { n: null }), 'c');
  const e = thrown(() => renderValue('{{upper missing}}', vars, { file: 'x.yml', line: 2, col: 5 }));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.deepEqual(e.loc, { file: 'x.yml', line: 2, col: 13 });
});

test('an undefined name inside a lazy variable names the variable and the place of use', () => {
  const e = thrown(() => renderValue('x {{ api }}', { api: '{{ vip }}:6443' }, { file: 'p.yml', line: 4, col: 9 }));
  assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(e.message, /"vip"/);
  assert.deepEqual(e.loc, { file: 'p.yml', line: 4, col: 14 });
  assert.ok(e.details.some((d) => d.includes('in variable "api"')));
});

test('an unknown filter in {{ }} is K8SBM_EXPR_UNSUPPORTED at its file:line:col, with did-you-mean', () => {
  const e = thrown(() => renderValue(task['syntax'], vars, valueLocOf(task, 'syntax')));
  assert.equal(e.code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.deepEqual(e.loc, { file: 'site.yml', line: 8, col: 21 });
  assert.match(e.hint ?? '', /did you mean "default"/);
});

test('Jinja statements and comments: a clear K8SBM_TEMPLATE_SYNTAX with the handlebars form', () => {
  const cases: [string, RegExp][] = [
    ['{% if enabled %}on{% endif %}', /\{\{#if enabled\}\}/],
    ['{% if role == "master" %}x{% endif %}', /\{\{#if role == "master"\}\}/],
    ['{% for n in nodes %}{{ n }}{% endfor %}', /\{\{#each nodes as \|n\|\}\}/],
    ['{# note #}', /\{\{!-- comment --\}\}/],
  ];
  for (const [text, hint] of cases) {
    const err = thrown(() => renderString(text, vars, { file: 't.hbs' }));
    assert.equal(err.code, 'K8SBM_TEMPLATE_SYNTAX', text);
    assert.match(err.hint ?? '', hint, text);
  }
});

test('expressions that are neither Jinja nor handlebars: K8SBM_EXPR_SYNTAX at the offending token', () => {
  const cases: [string, string, { line: number; col: number }, RegExp][] = [
    ['{{ range(3) }}', 'calls are not supported', { line: 1, col: 9 }, /lookup\('file'/],
    ['one\n  {{ a +* b }}', 'expected a value', { line: 2, col: 9 }, /a value is/],
    ['{{#if x ==}}a{{/if}}', 'expected a value', { line: 1, col: 11 }, /ends too early/],
    ['{{ x | indent(widht=2) }}', 'takes no argument widht=', { line: 1, col: 15 }, /did you mean width=/],
    ['{{ x | default(1, 2, 3) }}', 'wrong number of arguments', { line: 1, col: 8 }, /usage/],
    ['{{ x is definde }}', 'unknown test', { line: 1, col: 9 }, /did you mean "defined"/],
  ];
  for (const [text, message, at, hint] of cases) {
    const err = thrown(() => renderString(text, vars, { file: 't.j2' }));
    assert.match(err.code, /^K8SBM_EXPR_/, text);
    assert.ok(err.message.includes(message), `${text}: ${err.message}`);
    assert.deepEqual(err.loc, { file: 't.j2', ...at }, text);
    assert.match(err.hint ?? '', hint, text);
  }
});

test('handlebars parse errors: K8SBM_TEMPLATE_SYNTAX with file:line:col', () => {
  const unclosed = thrown(() => renderString('a\n  {{#if x}}\nb\n', vars, { file: 't.hbs' }));
  assert.equal(unclosed.code, 'K8SBM_TEMPLATE_SYNTAX');
  assert.deepEqual(unclosed.loc, { file: 't.hbs', line: 2, col: 3 });
  assert.match(unclosed.message, /\{\{#if\}\} is never closed/);
  const mismatch = thrown(() => renderString('x\n{{#if a}}{{/each}}', vars, { file: 't.hbs' }));
  assert.equal(mismatch.code, 'K8SBM_TEMPLATE_SYNTAX');
  assert.equal(mismatch.loc?.line, 2);
  const stray = thrown(() => renderString('one\ntwo {{else}}', vars, { file: 't.hbs' }));
  assert.equal(stray.code, 'K8SBM_TEMPLATE_SYNTAX');
  assert.deepEqual(stray.loc, { file: 't.hbs', line: 2, col: 5 });
  const open = thrown(() => renderString('x {{ name', vars, { file: 't.hbs' }));
  assert.equal(open.code, 'K8SBM_TEMPLATE_SYNTAX');
  assert.match(open.hint ?? '', /\\\{\{/);
  const partial = thrown(() => renderString('{{> header}}', vars, { file: 't.hbs' }));
  assert.equal(partial.code, 'K8SBM_TEMPLATE_SYNTAX');
  assert.match(partial.message, /partials/);
});

test('unknown helpers and misuse of helpers', () => {
  const unknown = thrown(() => renderValue('{{ jion nodes "," }}', vars, { file: 'x.yml', line: 1, col: 1 }));
  assert.equal(unknown.code, 'K8SBM_TEMPLATE_UNKNOWN_HELPER');
  assert.match(unknown.hint ?? '', /did you mean "join"/);
  assert.deepEqual(unknown.loc, { file: 'x.yml', line: 1, col: 4 });
  const arity = thrown(() => renderValue('{{ cidr_host "10.0.0.0/24" }}', vars));
  assert.equal(arity.code, 'K8SBM_TEMPLATE_HELPER');
  assert.match(arity.hint ?? '', /cidr_host CIDR N/);
  const type = thrown(() => renderValue('{{ join 42 "," }}', vars));
  assert.equal(type.code, 'K8SBM_TEMPLATE_HELPER');
  assert.match(type.message, /^join: needs a list, got integer/);
  const notBlock = thrown(() => renderValue('{{#join nodes}}x{{/join}}', vars));
  assert.equal(notBlock.code, 'K8SBM_TEMPLATE_SYNTAX');
  const inline = thrown(() => renderValue('{{ if x }}', vars));
  assert.equal(inline.code, 'K8SBM_TEMPLATE_SYNTAX');
  const badIf = thrown(() => renderValue('{{#if a b}}x{{/if}}', vars));
  assert.match(badIf.hint ?? '', /\(and a b\)/);
  const eachScalar = thrown(() => renderValue('{{#each name}}x{{/each}}', vars));
  assert.equal(eachScalar.code, 'K8SBM_TEMPLATE_HELPER');
  const cidr = thrown(() => renderValue('{{ cidr_netmask "10.0.0/24" }}', vars));
  assert.equal(cidr.code, 'K8SBM_TEMPLATE_HELPER');
  assert.match(cidr.message, /not an IP address/);
});

test('lookups of unknown hosts and groups are undefined variables with suggestions', () => {
  const host = thrown(() => renderValue('{{ hostvar "node-2" "ansible_host" }}', vars));
  assert.equal(host.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(host.message, /hostvars\['node-2'\]/);
  assert.match(host.hint ?? '', /node-1/);
  const group = thrown(() => renderValue('{{ join (group_hosts "webs") "," }}', vars));
  assert.equal(group.code, 'K8SBM_UNDEFINED_VAR');
  assert.match(group.hint ?? '', /groups\.web/);
});

test('error messages never show a secret', () => {
  const pw = new Secret('hunter2');
  const v = { pw, cfg: { pw } };
  const attempts = [
    () => renderValue('{{ indent pw "wide" }}', v),
    () => renderValue('{{ pw.length.x }}', v),
    () => renderValue('{{ cidr_prefix pw }}', v),
    () => renderValue('{{#each pw}}x{{/each}}', v),
    () => renderValue('{{ b64decode (to_json cfg) }}', v),
  ];
  for (const attempt of attempts) {
    const e = thrown(attempt);
    assert.ok(!formatError(e).includes('hunter2'), formatError(e));
  }
});

test('a nested string without its own position falls back to its container, unshifted', () => {
  const e = thrown(() => renderValue({ a: ['x {{ nope }}'] }, vars, { file: 'x.yml', line: 2, col: 3 }));
  assert.deepEqual(e.loc, { file: 'x.yml', line: 2, col: 3 });
});
