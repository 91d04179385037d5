import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { modules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/types.js';
import { AbsolutePath, Cidr, FileMode, FilePath, FORMATS, Port, PythonRegex, Regex, Seconds, StringEnum, ValidateCommand, } from '../../src/schema/formats.js';
import { validateParams } from '../../src/schema/params.js';
import { playbookSchema } from '../../src/schema/playbook.js';
import { parseYaml } from '../../src/source/yaml.js';
import { expectError } from './playbook-helpers.js';
const where = { loc: { file: 'site.yml', line: 1, col: 1 }, subject: 'task "t" (probe)' };
const plan = async () => ({ kind: 'ok', reason: 'x' });
const probe = defineModule({
    name: 'probe',
    schema: Type.Object({
        mode: Type.Optional(FileMode()),
        path: Type.Optional(AbsolutePath()),
        file: Type.Optional(FilePath()),
        py: Type.Optional(PythonRegex()),
        js: Type.Optional(Regex()),
        net: Type.Optional(Cidr()),
        check: Type.Optional(ValidateCommand()),
        port: Type.Optional(Port()),
        wait: Type.Optional(Seconds({ minimum: 1 })),
        level: Type.Optional(StringEnum(['low', 'high'])),
        low: Type.Optional(Type.Integer()),
        high: Type.Optional(Type.Integer()),
    }, { additionalProperties: false }),
    rules: [{
            params: ['low', 'high'],
            check: (p) => (p.low !== undefined && p.high !== undefined && p.low > p.high ? { message: `low ${p.low} is above high ${p.high}`, hint: 'swap them', param: 'low' } : undefined),
        }],
    plan,
});
const ok = (params) => validateParams(probe, params, where, { allowTemplates: false });
const bad = (params, message, hint) => expectError(() => ok(params), { code: 'K8SBM_PARAM_INVALID', message, hint });
describe('param formats', () => {
    it('accept what they describe', () => {
        for (const mode of ['0644', '644', '2775', '07777', 'u=rw,g=r,o=r', '+x', 'a=rX', 'g=u', 'u+s,o-rwx'])
            ok({ mode });
        ok({ path: '/etc/hosts', file: '/etc/app.conf', py: '^(?P<k>\\w+)=(?P=k)$', js: '^a(?<n>b)\\k<n>$', net: '10.244.0.0/16', check: 'visudo -cf %s', port: 65535, wait: 1, level: 'high' });
        ok({ net: 'fd00:10:244::/56' });
    });
    it('refuse what they do not, each with its own words and hint', () => {
        bad({ mode: '0x44' }, /^\/mode: "0x44" is not a file mode$/, /octal like "0644", or symbolic like "u=rw,g=r,o=r"/);
        bad({ mode: '77777' }, /is not a file mode/, /octal/);
        bad({ path: 'etc/hosts' }, /^\/path: "etc\/hosts" is not an absolute path$/, /from \//);
        bad({ file: '/etc/' }, /ends with \//, /name the file itself/);
        bad({ py: '(?P<k>a' }, /^\/py: "\(\?P<k>a" is not a valid regular expression \(unterminated group\)$/, /Python re syntax/);
        bad({ js: '[' }, /is not a valid regular expression/, /JavaScript syntax/);
        bad({ net: '10.244.0.0' }, /is not a network in CIDR notation \(no \/prefix\)/, /10\.244\.0\.0\/16/);
        bad({ net: '10.244.0.0/33' }, /is not a network in CIDR notation$/, /prefix length/);
        bad({ check: 'visudo -c' }, /does not contain %s/, /visudo -cf %s/);
        bad({ port: 0 }, /^\/port must be from 1 to 65535, got 0$/, /^a port number from 1 to 65535$/);
        bad({ wait: 0 }, /^\/wait must be >= 1, got 0$/, /whole number of seconds/);
        bad({ level: 'hihg' }, /must be one of "low", "high"/, /did you mean "high"\?/);
    });
    it('a mode given as a number says how to quote it, with the raw text when YAML kept it', () => {
        bad({ mode: 644 }, /^mode must be a quoted string such as "0644", got the number 644$/, /^quote it: mode: "0644"$/);
        const args = parseYaml('p:\n  mode: 0o750\n', 'site.yml').p;
        expectError(() => ok(args), { code: 'K8SBM_MODE_UNQUOTED', line: 2, col: 9, message: /0o750 is read by YAML as the number 488/, hint: /mode: "0750"/ });
    });
    it('templated values are judged after rendering only', () => {
        validateParams(probe, { mode: '{{ m }}', path: '{{ p }}', port: '{{ n }}' }, where, { allowTemplates: true });
        bad({ mode: '{{ m }}' }, /is not a file mode/, /octal/);
    });
});
describe('param rules', () => {
    it('run after the schema, at the param they name', () => {
        ok({ low: 1, high: 2 });
        const args = parseYaml('p:\n  high: 1\n  low: 5\n', 'site.yml').p;
        expectError(() => ok(args), { code: 'K8SBM_PARAM_INVALID', line: 3, col: 8, message: /^low 5 is above high 1$/, hint: /swap them/ });
    });
    it('wait while a param they read is templated', () => {
        validateParams(probe, { low: 5, high: '{{ h }}' }, where, { allowTemplates: true });
    });
});
describe('defineModule', () => {
    it('gives plan the params type of the schema', async () => {
        const m = defineModule({
            name: 'typed',
            schema: Type.Object({ a: Type.String(), n: Type.Optional(Type.Integer()) }),
            plan: async (_ctx, p) => {
                const a = p.a;
                const n = p.n;
                // @ts-expect-error: a param the schema does not declare is not in the type
                void p.b;
                return { kind: 'ok', reason: `${a} ${n}` };
            },
        });
        assert.equal(m.name, 'typed');
    });
});
describe('the playbook schema for editors', () => {
    const schema = playbookSchema(modules);
    const text = JSON.stringify(schema);
    it('carries no k8sbm-only keywords or formats', () => {
        assert.doesNotMatch(text, /"errorMessage"|"errorHint"/);
        for (const name of Object.keys(FORMATS))
            assert.ok(!text.includes(`"format":"${name}"`), name);
    });
    it('checks a mode in the editor exactly as the loader does', () => {
        const pattern = new RegExp(FORMATS['file-mode'].editorPattern);
        for (const mode of ['0644', '644', '07777', '77777', '0999', 'u=rw,g=r,o=r', '+x', 'a=rX', 'rw-r--r--', '0x44', 'u=q', 'g=u', '']) {
            assert.equal(pattern.test(mode), FORMATS['file-mode'].problem(mode) === undefined, mode);
        }
        const validate = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true }).compile(schema);
        const doc = (mode) => parseYaml(`- hosts: all\n  tasks:\n    - file: {path: /x, mode: "${mode}"}\n`, 'site.yml');
        assert.equal(validate(doc('0644')), true);
        assert.equal(validate(doc('{{ m }}')), true);
        assert.equal(validate(doc('0x44')), false);
    });
    it('a templated value does not set off a condition (recurse needs state: directory)', () => {
        const validate = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true }).compile(schema);
        const task = (t) => parseYaml(`- hosts: all\n  tasks:\n    - file: ${t}\n`, 'site.yml');
        assert.equal(validate(task('{path: /x, recurse: "{{ r }}"}')), true, JSON.stringify(validate.errors));
        assert.equal(validate(task('{path: /x, recurse: true}')), false);
        assert.equal(validate(task('{path: /x, recurse: true, state: directory}')), true);
    });
});
//# sourceMappingURL=schema-formats.test.js.map