import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locOf, valueLocOf } from '../../src/source/loc.js';
import { parseYaml } from '../../src/source/yaml.js';
import { isTemplated, renderString, renderTemplateText, renderValue } from '../../src/template/index.js';
import { Secret, isSecret } from '../../src/util/secret.js';
import { thrown } from '../helpers/errors.js';

const vars = {
  name: 'web',
  port: 443,
  enabled: true,
  nodes: ['n1', 'n2', 'n3'],
  cfg: { a: 1, b: 'two' },
  facts: { default_ipv4: { address: '10.0.0.5', prefix: '24' } },
  hostvars: { 'node-1': { ansible_host: '10.1.1.1' } },
  groups: { web: ['node-1', 'node-2'] },
};

test('strings without {{ come back as they are (same value)', () => {
  const s = 'plain text with } and { braces';
  assert.equal(renderValue(s, vars), s);
  const obj = { a: 'x', b: [1, 'y'] };
  assert.equal(renderValue(obj, vars), obj, 'untemplated containers are not copied');
  assert.equal(renderValue(5, vars), 5);
  assert.equal(renderValue(null, vars), null);
});

test('a single {{ expr }} keeps the type of the value', () => {
  assert.deepEqual(renderValue('{{ nodes }}', vars), ['n1', 'n2', 'n3']);
  assert.equal(renderValue('{{ port }}', vars), 443);
  assert.equal(renderValue('{{enabled}}', vars), true);
  assert.deepEqual(renderValue('  {{ cfg }}  ', vars), { a: 1, b: 'two' });
  assert.equal(renderValue('{{{ port }}}', vars), 443);
  assert.deepEqual(renderValue('{{ split "a,b" "," }}', vars), ['a', 'b']);
  assert.equal(renderValue('{{ cidr_prefix "10.0.0.0/16" }}', vars), 16);
  assert.equal(renderValue('{{ 5 }}', vars), 5);
});

test('anything else renders to text', () => {
  assert.equal(renderValue('port {{ port }}', vars), 'port 443');
  assert.equal(renderValue('{{ name }}:{{ port }}', vars), 'web:443');
  assert.equal(renderValue('list={{ nodes }}', vars), 'list=["n1","n2","n3"]');
  assert.equal(renderValue('{{#if enabled}}on{{/if}}', vars), 'on');
});

test('renders deep through lists and mappings, keys untouched, positions kept', () => {
  const doc = parseYaml('args:\n  "{{ name }}": "{{ port }}"\n  list:\n    - "{{ name }}-1"\n    - plain\n', 'render.yml') as Record<string, Record<string, unknown>>;
  const args = doc['args']!;
  const out = renderValue(args, vars, locOf(args)) as Record<string, unknown>;
  assert.notEqual(out, args);
  assert.deepEqual(out, { '{{ name }}': 443, list: ['web-1', 'plain'] });
  assert.deepEqual(valueLocOf(out, 'list'), valueLocOf(args, 'list'));
  assert.deepEqual(locOf(out['list']), locOf(args['list']));
  assert.equal(valueLocOf(out['list'], 1)?.line, 5);
});

test('paths: dotted, [segment] with dashes, [index], this, ../, @root', () => {
  assert.equal(renderValue('{{ facts.default_ipv4.address }}', vars), '10.0.0.5');
  assert.equal(renderValue('{{ hostvars.[node-1].ansible_host }}', vars), '10.1.1.1');
  assert.equal(renderValue('{{ groups.web.[0] }}', vars), 'node-1');
  assert.equal(renderValue('{{ groups.web.[1] }}', vars), 'node-2');
  assert.equal(renderValue('{{#with cfg}}{{b}}/{{../name}}/{{@root.port}}{{/with}}', vars), 'two/web/443');
  assert.equal(renderValue('{{#with cfg}}{{this.a}}{{/with}}', vars), '1');
});

test('block helpers: each (lists, mappings, block params, @data), if/else if, unless, with', () => {
  assert.equal(renderValue('{{#each nodes}}{{@index}}:{{this}}{{#unless @last}},{{/unless}}{{/each}}', vars), '0:n1,1:n2,2:n3');
  assert.equal(renderValue('{{#each cfg as |v k|}}{{k}}={{v}};{{/each}}', vars), 'a=1;b=two;');
  assert.equal(renderValue('{{#each cfg}}{{@key}}{{#if @first}}!{{/if}} {{/each}}', vars), 'a! b ');
  assert.equal(renderValue('{{#each nodes as |n|}}{{n}}@{{../name}} {{/each}}', vars), 'n1@web n2@web n3@web ');
  assert.equal(renderValue('{{#each empty}}x{{else}}none{{/each}}', { empty: [] }), 'none');
  const cond = '{{#if (eq name "db")}}db{{else if (eq port 443)}}tls{{else}}other{{/if}}';
  assert.equal(renderValue(cond, vars), 'tls');
  assert.equal(renderValue('{{#unless enabled}}off{{else}}on{{/unless}}', vars), 'on');
  assert.equal(renderValue('{{#if zero}}a{{else}}b{{/if}}', { zero: 0 }), 'b');
  assert.equal(renderValue('{{#if zero includeZero=true}}a{{else}}b{{/if}}', { zero: 0 }), 'a');
  assert.equal(renderValue('{{#with missing}}x{{else}}no{{/with}}', vars), 'no');
  assert.equal(renderValue('{{#if missing}}x{{else}}unset{{/if}}', vars), 'unset', '#if treats an undefined name as false');
});

test('template files: whitespace control, comments, escapes and raw blocks', () => {
  const text = 'a:\n{{#each nodes}}\n  - {{this}}\n{{/each}}\n{{!-- note --}}b: {{~ name ~}} !\nc: \\{{ literal }}\n{{{{raw}}}}{{ go }}{{{{/raw}}}}\n';
  assert.equal(renderString(text, vars, { file: 't.conf' }), 'a:\n  - n1\n  - n2\n  - n3\nb:web!\nc: {{ literal }}\n{{ go }}\n');
});

test('a bare helper name is the variable of that name', () => {
  assert.equal(renderValue('{{ first }}', { first: 'one' }), 'one');
  assert.equal(renderValue('{{ first (split "a b") }}', { first: 'one' }), 'a');
});

test('lazy variables render when used, recursively, with the same vars', () => {
  const v = {
    ...vars,
    api: '{{ vip }}:{{ api_port }}',
    vip: '{{ cidr_host net 10 }}',
    net: '10.0.0.0/24',
    api_port: 6443,
    endpoints: '{{ nodes }}',
    nested: { url: 'https://{{ api }}' },
    broken: '{{ not_defined_anywhere }}',
  };
  assert.equal(renderValue('{{ api }}', v), '10.0.0.10:6443');
  assert.deepEqual(renderValue('{{ endpoints }}', v), ['n1', 'n2', 'n3']);
  assert.equal(renderValue('{{ nested.url }}', v), 'https://10.0.0.10:6443');
  assert.deepEqual(renderValue('{{ nested }}', v), { url: 'https://10.0.0.10:6443' });
  // `broken` is never used, so it never fails.
  assert.equal(renderValue('{{ api_port }}', v), 6443);
});

test('a rendered value is not rendered twice (an escaped {{ stays literal)', () => {
  const v = { a: '\\{{ b }}', b: 'boom' };
  assert.equal(renderValue('{{ a }}', v), '{{ b }}');
  assert.equal(renderValue('x {{ a }}', v), 'x {{ b }}');
});

test('a cycle of lazy variables is K8SBM_VAR_CYCLE naming the chain', () => {
  const e = thrown(() => renderValue('{{ a }}', { a: '{{ b }}', b: 'x{{ c.d }}', c: { d: '{{ a }}' } }));
  assert.equal(e.code, 'K8SBM_VAR_CYCLE');
  assert.match(e.message, /a -> b -> c\.d -> a/);
  const self = thrown(() => renderValue('{{ me }}', { me: '{{ me }}' }));
  assert.equal(self.code, 'K8SBM_VAR_CYCLE');
  assert.match(self.message, /me -> me/);
});

test('hostvars entries render their lazy values with that host\'s variables', () => {
  const v = {
    ansible_host: '192.168.0.1',
    hostvars: {
      'node-1': { ansible_host: '10.1.1.1', node_ip: '{{ ansible_host }}', peers: '{{ groups.web }}' },
    },
    groups: { web: ['node-1'] },
  };
  assert.equal(renderValue('{{ hostvars.[node-1].node_ip }}', v), '10.1.1.1');
  assert.equal(renderValue('{{ hostvar "node-1" "node_ip" }}', v), '10.1.1.1');
  assert.deepEqual(renderValue('{{ hostvar "node-1" "peers" }}', v), ['node-1']);
  assert.equal(renderValue('{{ ansible_host }}', v), '192.168.0.1');
  assert.equal(renderValue('{{#each groups.web}}{{lookup (lookup @root.hostvars this) "node_ip"}}{{/each}}', v), '10.1.1.1');
});

test('secrets: real value in template output, masked everywhere else', () => {
  const pw = new Secret('hunter2');
  const v = { pw, user: 'admin', creds: { password: pw } };
  assert.equal(renderValue('{{ pw }}', v), pw, 'a single expression keeps the Secret itself');
  const mixed = renderValue('{{ user }}:{{ pw }}', v);
  assert.ok(isSecret(mixed), 'text holding a secret comes back as a Secret');
  assert.equal((mixed as Secret).reveal(), 'admin:hunter2');
  assert.equal(String(mixed), '***');
  assert.equal(renderValue('{{ user }}', v), 'admin');
  assert.equal(renderString('password={{ pw }}\n', v, { file: 't.conf' }), 'password=hunter2\n');
  assert.equal(renderString('{{ to_json creds }}', v, { file: 't.conf' }), '{"password":"hunter2"}');
  const out = renderTemplateText('p={{ pw }}', v, { file: 't.conf' });
  assert.deepEqual(out.secrets, ['hunter2']);
  const lazy = renderValue('{{ dsn }}', { ...v, dsn: 'postgres://{{ user }}:{{ pw }}@db' });
  assert.ok(isSecret(lazy));
  assert.equal((lazy as Secret).reveal(), 'postgres://admin:hunter2@db');
});

test('isTemplated finds templates anywhere inside', () => {
  assert.equal(isTemplated('x'), false);
  assert.equal(isTemplated({ a: ['b', { c: 'x {{ y }}' }] }), true);
  assert.equal(isTemplated({ a: ['b', { c: 1 }] }), false);
  assert.equal(isTemplated('{% if x %}'), true);
  assert.equal(isTemplated(42), false);
});

test('revealSecrets keeps unchanged containers (and their YAML positions) and reveals secrets deep inside', async () => {
    const { parseYaml } = await import('../../src/source/yaml.js');
    const { keyPosOf } = await import('../../src/source/loc.js');
    const { Secret, revealSecrets } = await import('../../src/util/secret.js');
    const data = parseYaml('spec:\n  addresses: [a, b]\n', 'm.yml') as { spec: { addresses: string[] } };
    const sink = new Set<string>();
    assert.equal(revealSecrets(data, sink), data);
    const withSecret = { spec: { addresses: ['x', new Secret('s3cret')] } };
    const out = revealSecrets(withSecret, sink) as { spec: { addresses: string[] } };
    assert.deepEqual(out.spec.addresses, ['x', 's3cret']);
    assert.deepEqual([...sink], ['s3cret']);
    assert.equal(keyPosOf(data.spec, 'addresses')?.value.line, 2);
});

test('a single expression followed by a newline renders as text and keeps the newline', () => {
  assert.equal(renderValue('{{ n }}\n', { n: 'node01' }), 'node01\n');
  assert.deepEqual(renderValue(' {{ l }} ', { l: [1, 2] }), [1, 2]);
});
