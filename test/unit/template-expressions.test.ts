import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { evalExpression, renderString, renderValue } from '../../src/template/index.js';
import { Secret, isSecret } from '../../src/util/secret.js';
import { tempDir } from '../helpers/temp.js';

/** `{{ }}` takes the expressions and filters of `when:`, beside handlebars' own forms. */

const vars = {
  inventory_hostname: 'node-1',
  nodes: ['n1', 'n2'],
  n: 3,
  net: '10.0.0.5/24',
  cfg: { a: 1, b: { c: 2 } },
  users: [{ name: 'ann', admin: true }, { name: 'bob', admin: false }, { name: 'cy' }],
  hostvars: { n1: { ip: '10.0.0.1' }, n2: { ip: '10.0.0.2', lazy: '{{ missing_var }}' } },
  groups: { etcd: ['n1', 'n2'] },
  pw: new Secret('hunter2'),
};

const r = (t: string): unknown => renderValue(t, vars);
const ev = (e: string): unknown => evalExpression(e, vars);

test('a list literal is a list, not a handlebars path; bracket segments after a name still are', () => {
  assert.deepEqual(r('{{ [net, n] }}'), ['10.0.0.5/24', 3]);
  assert.deepEqual(r('{{ [inventory_hostname] }}'), ['node-1']);
  assert.deepEqual(r('{{ [] }}'), []);
  assert.equal(r('{{hostvars.[n1].ip}}'), '10.0.0.1');
});

test('filters, operators and conditionals inside {{ }}; a single expression keeps its type', () => {
  assert.equal(r('{{ inventory_hostname | upper }}'), 'NODE-1');
  assert.equal(r('{{ nodes | join(",") }}'), 'n1,n2');
  assert.equal(r('{{ n + 1 }}'), 4);
  assert.equal(r('{{ n * 2 }} nodes'), '6 nodes');
  assert.equal(r('{{ "big" if n > 2 else "small" }}'), 'big');
  assert.equal(r('{{ missing | default("fallback") }}'), 'fallback');
  assert.equal(r('{{ cfg | to_yaml }}'), 'a: 1\nb:\n  c: 2');
  assert.equal(r('{{ nodes | length }}'), 2);
  assert.equal(r('{{ "yes" | bool }}'), true);
  assert.equal(r('{{ "42" | int }}'), 42);
  assert.deepEqual(r('{{ [1, 2] + [3] }}'), [1, 2, 3]);
  assert.equal(r('{{ inventory_hostname ~ "-" ~ n }}'), 'node-1-3');
});

test('handlebars forms still read as before: paths, helper calls, block helpers', () => {
  assert.equal(r('{{inventory_hostname}}'), 'node-1');
  assert.equal(r('{{ hostvars.n1.ip }}'), '10.0.0.1');
  assert.equal(r('{{join nodes "-"}}'), 'n1-n2');
  assert.equal(r('{{upper (join nodes ",")}}'), 'N1,N2');
  assert.equal(r('{{#each nodes as |x|}}{{x}};{{/each}}'), 'n1;n2;');
  assert.equal(r('{{#if (eq n 3)}}three{{/if}}'), 'three');
  assert.equal(r('\\{{ x | upper }}'), '{{ x | upper }}', 'an escaped mustache stays text');
  assert.equal(r('{{{{raw}}}}{{ x | y }}{{{{/raw}}}}'), '{{ x | y }}');
  assert.equal(r('a{{!-- {{ x | nope }} --}}b'), 'ab', 'comments are not expressions');
});

test('expressions in block helpers, and names the blocks give', () => {
  assert.equal(r('{{#if n == 3}}yes{{else}}no{{/if}}'), 'yes');
  assert.equal(r('{{#if missing is defined}}yes{{else if n > 1}}many{{else}}no{{/if}}'), 'many');
  assert.equal(r('{{#unless nodes | length > 5}}few{{/unless}}'), 'few');
  assert.equal(r('{{#if {} }}full{{else}}empty{{/if}}'), 'empty', 'an expression is true as in when: (an empty mapping is false)');
  assert.equal(r('{{#each nodes as |x|}}[{{ x | upper }}]{{/each}}'), '[N1][N2]');
  assert.equal(r("{{#each groups['etcd'] as |h|}}{{ hostvars[h].ip }} {{/each}}"), '10.0.0.1 10.0.0.2 ');
  assert.equal(r('{{#each users}}{{ name | capitalize }},{{/each}}'), 'Ann,Bob,Cy,', 'a bare name is the current item\'s field');
  assert.equal(r('{{#each users as |u|}}{{ u.name ~ ("*" if u.admin | default(false) else "") }} {{/each}}'), 'ann* bob cy ');
});

test('the Ansible filters roles use every day', () => {
  assert.deepEqual(r('{{ users | selectattr("admin", "defined") | map(attribute="name") | list }}'), ['ann', 'bob']);
  assert.deepEqual(r('{{ users | selectattr("admin") | map(attribute="name") | list }}'), ['ann']);
  assert.deepEqual(r('{{ users | rejectattr("name", "equalto", "bob") | map(attribute="name") | list }}'), ['ann', 'cy']);
  assert.equal(r("{{ groups['etcd'] | map('extract', hostvars, 'ip') | join(',') }}"), '10.0.0.1,10.0.0.2');
  assert.deepEqual(r('{{ nodes | map("upper") | list }}'), ['N1', 'N2']);
  assert.deepEqual(r('{{ [1, 2, 3, 4] | select("odd") | list }}'), [1, 3]);
  assert.deepEqual(r('{{ cfg | combine({"b": {"d": 3}}, recursive=true) }}'), { a: 1, b: { c: 2, d: 3 } });
  assert.deepEqual(r('{{ cfg | combine({"b": {"d": 3}}) }}'), { a: 1, b: { d: 3 } });
  assert.deepEqual(r('{{ cfg | dict2items | items2dict }}'), vars.cfg);
  assert.deepEqual(r('{{ [[1, [2]], 3] | flatten }}'), [1, 2, 3]);
  assert.deepEqual(r('{{ [[1, [2]], 3] | flatten(1) }}'), [1, [2], 3]);
  assert.deepEqual(r('{{ [1, 2, 3] | difference([2]) }}'), [1, 3]);
  assert.deepEqual(r('{{ [1, 2] | union([2, 3]) }}'), [1, 2, 3]);
  assert.deepEqual(r('{{ [1, 2] | intersect([2, 3]) }}'), [2]);
  assert.equal(r('{{ "k8s-node-01" | regex_replace("^k8s-(?P<rest>.*)-(\\\\d+)$", "\\\\g<rest>/\\\\2") }}'), 'node/01');
  assert.equal(r('{{ "Version: 1.29.3" | regex_search("\\\\d+\\\\.\\\\d+") }}'), '1.29');
  assert.deepEqual(r('{{ "a1b22" | regex_findall("\\\\d+") }}'), ['1', '22']);
  assert.equal(r('{{ "costs $5" | regex_replace("costs", "is") }}'), 'is $5', 'a $ in the text stays');
  assert.equal(r('{{ "line1\\nline2" | indent(2) }}'), 'line1\n  line2');
  assert.equal(r('{{ "line1\\nline2" | indent(width=2, first=true) }}'), '  line1\n  line2');
  assert.equal(r('{{ cfg | to_nice_json(indent=2) }}'), '{\n  "a": 1,\n  "b": {\n    "c": 2\n  }\n}');
  assert.deepEqual(r('{{ "{\\"x\\": [1]}" | from_json }}'), { x: [1] });
  assert.deepEqual(r('{{ "x: [1]" | from_yaml }}'), { x: [1] });
  assert.deepEqual(r('{{ "a: 1\\n---\\n---\\nb: 2\\n" | from_yaml_all }}'), [{ a: 1 }, { b: 2 }], 'empty documents are dropped');
  assert.equal(r('{{ (n > 2) | ternary("many", "few") }}'), 'many');
  assert.equal(r('{{ "/etc/kubernetes/admin.conf" | basename }}'), 'admin.conf');
  assert.equal(r('{{ "/etc/kubernetes/admin.conf" | dirname }}'), '/etc/kubernetes');
  assert.equal(r('{{ "it\'s" | quote }}'), `'it'"'"'s'`);
  assert.equal(r('{{ "abc" | hash("sha256") }}'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(r('{{ n | type_debug }}'), 'int');
});

test('ipaddr-style CIDR filters, and the cidr_* helpers as filters', () => {
  assert.equal(r('{{ net | ipaddr("address") }}'), '10.0.0.5');
  assert.equal(r('{{ net | ipaddr("prefix") }}'), 24);
  assert.equal(r('{{ net | ipaddr("netmask") }}'), '255.255.255.0');
  assert.equal(r('{{ net | ipaddr("network") }}'), '10.0.0.0');
  assert.equal(r('{{ net | ipaddr("broadcast") }}'), '10.0.0.255');
  assert.equal(r('{{ net | ipaddr("network/prefix") }}'), '10.0.0.0/24');
  assert.equal(r('{{ net | ipaddr(10) }}'), '10.0.0.10/24');
  assert.equal(r('{{ net | ipaddr("size") }}'), 256);
  assert.equal(r('{{ net | ansible.utils.ipaddr("address") }}'), '10.0.0.5', 'the collection name is the short name');
  assert.equal(r('{{ "not-an-ip" | ipaddr }}'), false);
  assert.equal(r('{{ "fd00::1/64" | ipv4 }}'), false);
  assert.equal(r('{{ "fd00::1/64" | ipv6("network") }}'), 'fd00::');
  assert.deepEqual(r('{{ ["10.0.0.1", "x", "fd00::1"] | ipv4 }}'), ['10.0.0.1']);
  assert.equal(r('{{ net | cidr_host(5) }}'), '10.0.0.5');
  assert.equal(r('{{ "10.0.0.0/8" | cidr_contains("10.9.9.9") }}'), true);
  assert.equal(ev('net | ipaddr("netmask") == "255.255.255.0"'), true, 'the same filters in conditions');
});

test('secrets stay secrets through filters in templates', () => {
  const up = r('{{ pw | upper }}');
  assert.ok(isSecret(up));
  assert.equal((up as Secret).reveal(), 'HUNTER2');
  const mixed = r('user:{{ pw | trim }}');
  assert.ok(isSecret(mixed), 'text holding a secret comes back as a Secret');
  try {
    r('{{ pw | int + "x" }}');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof K8sbmError);
    assert.ok(!JSON.stringify([e.message, e.hint, e.details]).includes('hunter2'));
  }
});

test('expressions keep their place: errors point into the template file', () => {
  try {
    renderString('a: {{ n }}\nb: {{ nodes | first | upper }}\nc: {{ cfg.b.x | upper }}\n', vars, { file: 'tpl.j2' });
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof K8sbmError);
    assert.equal(e.code, 'K8SBM_UNDEFINED_VAR');
    assert.deepEqual(e.loc, { file: 'tpl.j2', line: 3, col: 7 });
  }
  const multi = renderString('x {{ nodes\n  | join("+") }} y {{ n }}', vars, { file: 't' });
  assert.equal(multi, 'x n1+n2 y 3', 'an expression may span lines');
});

test("lookup('file') reads the role's files/ then the playbook's; lookup('env'); query() gives lists", (t) => {
  const dir = tempDir('lookup', t);
  mkdirSync(join(dir, 'role', 'files'), { recursive: true });
  mkdirSync(join(dir, 'play', 'files'), { recursive: true });
  writeFileSync(join(dir, 'role', 'files', 'a.pub'), 'ssh-ed25519 AAAA role\n');
  writeFileSync(join(dir, 'play', 'files', 'a.pub'), 'ssh-ed25519 AAAA play\n');
  writeFileSync(join(dir, 'play', 'files', 'b.pub'), '{{ not_a_template }}\n');
  const v = { role_path: join(dir, 'role'), playbook_dir: join(dir, 'play') };
  assert.equal(renderValue("{{ lookup('file', 'a.pub') }}", v), 'ssh-ed25519 AAAA role', 'the role first, the trailing newline stripped');
  assert.equal(renderValue("{{ lookup('file', 'a.pub') }}", { playbook_dir: v.playbook_dir }), 'ssh-ed25519 AAAA play');
  assert.equal(renderValue("{{ lookup('file', 'b.pub') }}", v), '{{ not_a_template }}', 'what a file holds is data, not a template');
  assert.equal(renderValue("{{ lookup('ansible.builtin.file', 'a.pub', rstrip=false) }}", v), 'ssh-ed25519 AAAA role\n');
  assert.deepEqual(renderValue("{{ query('file', 'a.pub', 'b.pub') }}", v), ['ssh-ed25519 AAAA role', '{{ not_a_template }}']);
  process.env.K8SBM_TEST_LOOKUP = 'from-env';
  t.after(() => { delete process.env.K8SBM_TEST_LOOKUP; });
  assert.equal(renderValue("{{ lookup('env', 'K8SBM_TEST_LOOKUP') }}", v), 'from-env');
  assert.equal(renderValue("{{ lookup('env', 'K8SBM_TEST_UNSET', default='none') }}", v), 'none');
  const missing = (() => { try { renderValue("{{ lookup('file', 'c.pub') }}", v); } catch (e) { return e; } return undefined; })();
  assert.ok(missing instanceof K8sbmError);
  assert.match(missing.message, /"c\.pub" not found/);
  const unknown = (() => { try { renderValue("{{ lookup('fiel', 'a') }}", v); } catch (e) { return e; } return undefined; })();
  assert.ok(unknown instanceof K8sbmError);
  assert.equal(unknown.code, 'K8SBM_EXPR_UNSUPPORTED');
  assert.match(unknown.hint ?? '', /did you mean "file"/);
});
