import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineModule } from '../../src/modules/types.js';
import { AbsolutePath } from '../../src/schema/formats.js';
import { coerceParams, paramsValidator, validateParams } from '../../src/schema/params.js';
import { K8sbmError, formatError } from '../../src/source/errors.js';
import { keyPosOf } from '../../src/source/loc.js';
import { parseYaml } from '../../src/source/yaml.js';
import { expectError, testModules } from './playbook-helpers.js';
const where = { loc: { file: 'site.yml', line: 1, col: 1 }, subject: 'task "t" (x)' };
const { sysctl, file, command } = testModules;
/** Params as the YAML loader gives them (with positions), from the mapping under `p:`. */
function yamlArgs(text) {
    return parseYaml(`p:\n${text}`, 'site.yml').p;
}
describe('validateParams', () => {
    it('accepts params that fit', () => {
        validateParams(sysctl, { name: 'net.ipv4.ip_forward', value: 1 }, where, { allowTemplates: false });
        validateParams(file, { path: '/x', state: 'directory', mode: '0755' }, where, { allowTemplates: false });
    });
    it('merges a oneOf of types into one message at the param\'s line', () => {
        const args = yamlArgs('  name: x\n  value: [1]\n');
        const e = expectError(() => validateParams(sysctl, args, where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', file: 'site.yml', line: 3, col: 10, message: /^\/value must be string or integer, got array$/ });
        assert.equal(e.subject, where.subject);
        assert.deepEqual(e.details, []);
    });
    it('points into nested mappings', () => {
        const args = yamlArgs('  name: x\n  tuning:\n    level: high\n');
        expectError(() => validateParams(sysctl, args, where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', line: 4, col: 12, message: /^\/tuning\/level must be integer, got string$/, hint: /without quotes/ });
    });
    it('names an unknown nested key at the key itself', () => {
        const args = yamlArgs('  name: x\n  tuning: {levle: 1}\n');
        expectError(() => validateParams(sysctl, args, where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', line: 3, col: 12, message: /\/tuning has an unknown key "levle"/, hint: /did you mean "level"/ });
    });
    it('speaks of a bad key of a mapping (propertyNames) at the key, once per key', () => {
        const labels = defineModule({
            name: 'labels',
            schema: {
                type: 'object',
                properties: {
                    plain: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
                    told: { type: 'object', propertyNames: { pattern: '^[a-z]+$', errorMessage: '{value} is not a label name', errorHint: 'lower-case letters' } },
                    fmt: { type: 'object', propertyNames: AbsolutePath() },
                },
            },
            plan: async () => ({ kind: 'ok', reason: 'x' }),
        });
        const plain = expectError(() => validateParams(labels, yamlArgs('  plain:\n    ok: 1\n    Bad Key: 2\n'), where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', line: 4, col: 5, message: /^\/plain key "Bad Key" must match pattern "\^\[a-z\]\+\$"$/ });
        assert.deepEqual(plain.details, []);
        const told = expectError(() => validateParams(labels, yamlArgs('  told: {ok: 1, A: 2, B: 3}\n'), where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', line: 2, col: 17, message: /^"A" is not a label name$/, hint: /^lower-case letters$/ });
        assert.deepEqual(told.details, ['line 2: "B" is not a label name']);
        expectError(() => validateParams(labels, yamlArgs('  fmt: {etc/x: 1}\n'), where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', line: 2, col: 9, message: /^\/fmt key "etc\/x" is not an absolute path$/, hint: /whole path from \// });
    });
    it('explains a missing alternative (anyOf of required)', () => {
        expectError(() => validateParams(command, { chdir: '/x' }, where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', file: 'site.yml', line: 1, message: /^missing a required param: "cmd" or "argv"$/ });
    });
    it('a quoted number where a string is wanted gets a quoting hint', () => {
        expectError(() => validateParams(file, { path: 5 }, where, { allowTemplates: false }), { code: 'K8SBM_PARAM_INVALID', hint: /quote the value: path: "5"/ });
    });
    it('skips templated values until they are rendered', () => {
        const args = { name: 'x', value: '{{ v }}', tuning: { level: '{{ l }}' } };
        validateParams(sysctl, args, where, { allowTemplates: true });
        const sized = { path: '/x', size: '{{ n }}' };
        validateParams(file, sized, where, { allowTemplates: true });
        expectError(() => validateParams(file, sized, where, { allowTemplates: false }), { code: 'K8SBM_PARAM_INVALID', message: /\/size must be integer/ });
    });
    it('still reports what templates cannot fix', () => {
        expectError(() => validateParams(file, { path: '{{ p }}', bogus: 1 }, where, { allowTemplates: true }), { code: 'K8SBM_PARAM_INVALID', message: /unknown param "bogus"/ });
    });
    it('refuses an unquoted octal mode, reading the raw source', () => {
        const args = yamlArgs('  path: /x\n  mode: 0640\n');
        assert.equal(args.mode, 640);
        assert.equal(keyPosOf(args, 'mode')?.raw, '0640');
        expectError(() => validateParams(file, args, where, { allowTemplates: true }), { code: 'K8SBM_MODE_UNQUOTED', line: 3, col: 9, hint: /mode: "0640"/ });
    });
    it('never echoes the value of a secret param', () => {
        const login = defineModule({
            name: 'login', secretParams: ['token', 'realm'],
            schema: { type: 'object', properties: { token: { type: 'string' }, realm: { enum: ['prod', 'test'] } } },
            plan: async () => ({ kind: 'ok', reason: 'x' }),
        });
        const a = expectError(() => validateParams(login, { token: 987654321 }, where, { allowTemplates: false }), { code: 'K8SBM_PARAM_INVALID', hint: /token: "\*\*\*"/ });
        const b = expectError(() => validateParams(login, { realm: 'prof-s3cret' }, where, { allowTemplates: false }), { code: 'K8SBM_PARAM_INVALID', message: /got "\*\*\*"/ });
        for (const e of [a, b])
            assert.ok(!`${e.message} ${e.hint}`.includes('987654321') && !`${e.message} ${e.hint}`.includes('s3cret'));
        // Nor does the source line printed under the message, whichever param the error is about.
        const inline = yamlArgs('  {realm: prof-s3cret, token: tok-s3cret-long}\n');
        const c = expectError(() => validateParams(login, inline, where, { allowTemplates: false }), { code: 'K8SBM_PARAM_INVALID', line: 2, col: 11 });
        const shown = formatError(c);
        assert.match(shown, /> 2 \| {3}\{realm: \*\*\*, token: \*\*\*\}/);
        assert.ok(!shown.includes('s3cret'), shown);
    });
    it('compiles each module once', () => {
        assert.equal(paramsValidator(file), paramsValidator(file));
        assert.notEqual(paramsValidator(file), paramsValidator(sysctl));
    });
    it('treats a schema that does not compile as a k8sbm bug, not a user error', () => {
        const broken = defineModule({ name: 'broken', schema: { type: 'object', properties: { a: { type: 'strin' } } }, plan: async () => ({ kind: 'ok', reason: 'x' }) });
        assert.throws(() => validateParams(broken, {}, where, { allowTemplates: true }), (e) => e instanceof Error && !(e instanceof K8sbmError) && /module broken/.test(e.message));
    });
});
describe('coerceParams', () => {
    it('turns yes/no and digits into what the schema asks for', () => {
        assert.deepEqual(coerceParams(file, { path: '/x', recurse: 'yes', size: '12' }), { path: '/x', recurse: true, size: 12 });
    });
    it('leaves strings where a string is allowed, and templates alone', () => {
        const args = { path: '/x', owner: '1000', recurse: '{{ r }}', mode: '0644' };
        assert.equal(coerceParams(file, args), args);
    });
    it('keeps source positions on the copy', () => {
        const args = yamlArgs('  path: /x\n  recurse: "no"\n');
        const out = coerceParams(file, args);
        assert.notEqual(out, args);
        assert.equal(out.recurse, false);
        assert.equal(keyPosOf(out, 'recurse')?.key.line, 3);
    });
});
//# sourceMappingURL=schema-params.test.js.map