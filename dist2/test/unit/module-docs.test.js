import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeSchemaType, MODULES_BEGIN, MODULES_END, paramRows, renderModuleReference, replaceMarkedSection, } from '../../src/docs/modules.js';
import { modules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/types.js';
import { parseModuleTask } from '../../src/playbook/module-task.js';
import { K8sbmError, formatError } from '../../src/source/errors.js';
import { parseYaml } from '../../src/source/yaml.js';
import { repoRoot } from '../helpers/paths.js';
const registry = modules;
/** The tasks of a module's doc example, parsed and validated exactly as a playbook's tasks are. */
function exampleModules(name, example) {
    const file = join(repoRoot, `docs/modules.md#${name}`);
    const data = parseYaml(example, file);
    assert.ok(Array.isArray(data) && data.length > 0, `${name}: the example must be a YAML list of tasks`);
    const scope = {
        file, role: undefined, chain: [file], handlers: false,
        play: { playbookDir: repoRoot, seenRoles: new Map(), seenTemplates: new Set() }, handlerSink: [],
    };
    return data.map((raw, i) => {
        assert.ok(raw !== null && typeof raw === 'object' && !Array.isArray(raw), `${name}: example task ${i + 1} is not a mapping`);
        try {
            return parseModuleTask(raw, scope, registry, { file, line: 1, col: 1 }).module;
        }
        catch (e) {
            if (e instanceof K8sbmError)
                assert.fail(`${name}: example task ${i + 1} does not validate:\n${formatError(e)}`);
            throw e;
        }
    });
}
describe('the module registry is documented', () => {
    it('every module has a doc with a summary and an example', () => {
        const missing = Object.entries(registry).filter(([, m]) => !m.doc?.summary.trim() || !m.doc.example.trim()).map(([n]) => n);
        assert.deepEqual(missing, [], `modules without a doc field (summary, check, diff, example): ${missing.join(', ')}`);
    });
    it('every param has a description', () => {
        const missing = Object.entries(registry).flatMap(([n, m]) => paramRows(m.schema).filter((r) => r.description === '').map((r) => `${n}.${r.name.replace(/`/g, '')}`));
        assert.deepEqual(missing, [], `params without a description: ${missing.join(', ')}`);
    });
    for (const [name, m] of Object.entries(registry)) {
        it(`${name}: the example's tasks validate against the params schemas, and one of them uses ${name}`, () => {
            if (!m.doc)
                return assert.fail(`${name} has no doc`);
            const used = exampleModules(name, m.doc.example);
            assert.ok(used.includes(name), `${name}: the example uses ${used.join(', ')} but not ${name}`);
        });
    }
    it('docs/modules.md holds the reference generated from the registry (else: run npm run docs)', () => {
        const page = readFileSync(join(repoRoot, 'docs', 'modules.md'), 'utf8');
        const expected = replaceMarkedSection(page, renderModuleReference(registry));
        const stale = Object.keys(registry).filter((n) => !page.includes(`### \`${n}\``));
        assert.ok(page === expected, `docs/modules.md's module reference is out of date: run npm run docs${stale.length ? ` (missing: ${stale.join(', ')})` : ''}`);
    });
});
const sample = defineModule({
    name: 'sample',
    schema: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        oneOf: [{ required: ['content'] }, { required: ['src'] }],
        properties: {
            name: { type: 'string', description: 'The name.' },
            content: { type: 'string', description: 'Inline text.' },
            src: { type: 'string', description: 'A controller file.' },
            state: { enum: ['present', 'absent'], default: 'present', description: 'Wanted state.' },
            value: { type: ['string', 'integer'], description: 'A | piped\n  description.' },
            items: { type: 'array', items: { type: 'string' }, description: 'Several.' },
            that: { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: 'string' } }], description: 'Conditions.' },
            target: { type: 'string', description: 'Where a link points.' },
            reason: { type: 'string', description: 'Why.' },
            anything: {},
            where: { type: 'string', description: 'Lands in DEST/<host>/* or `<kept>*`.' },
        },
        patternProperties: { '^x_': { description: 'Extensions.' } },
        if: { properties: { state: { const: 'absent' } }, required: ['state'] },
        then: { required: ['reason'] },
        else: { required: ['target'] },
    },
    freeForm: 'name',
    secretParams: ['content'],
    doc: { summary: 'Does a sample thing.', check: 'partial', diff: 'content and state', example: '- sample: x\n', notes: ['First note.'] },
    async plan() { return { kind: 'ok', reason: 'sample' }; },
});
const bare = defineModule({
    name: 'bare',
    schema: { type: 'object', additionalProperties: false, properties: {} },
    controllerOnly: true,
    async plan() { return { kind: 'ok', reason: 'bare' }; },
});
describe('renderModuleReference', () => {
    const md = renderModuleReference({ sample, bare });
    const row = (param) => md.split('\n').find((l) => l.startsWith(`| \`${param}\` |`)) ?? '';
    it('derives type, required, default, choices and description from the schema', () => {
        assert.equal(row('name'), '| `name` | string | yes |  |  | The name. |');
        assert.equal(row('content'), '| `content` | string | one of `content`, `src` |  |  | Inline text. |');
        assert.equal(row('state'), '| `state` | string | no | `present` | `present`, `absent` | Wanted state. |');
        assert.equal(row('value'), '| `value` | string or integer | no |  |  | A \\| piped description. |');
        assert.equal(row('items'), '| `items` | list of string | no |  |  | Several. |');
        assert.equal(row('that'), '| `that` | string or boolean or list of string | no |  |  | Conditions. |');
        assert.equal(row('reason'), '| `reason` | string | when state=absent |  |  | Why. |');
        assert.equal(row('target'), '| `target` | string | unless state=absent |  |  | Where a link points. |');
        assert.equal(row('anything'), '| `anything` | any | no |  |  |  |');
        assert.equal(row('where'), '| `where` | string | no |  |  | Lands in DEST/&lt;host>/\\* or `<kept>*`. |');
        assert.match(md, /^\| any name matching `\^x_` \| any \| no \| {2}\| {2}\| Extensions\. \|$/m);
    });
    it('a param without a description shows as an empty cell (the registry test rejects it)', () => {
        assert.equal(paramRows(sample.schema).find((r) => r.name === '`anything`')?.description, '');
    });
    it('has an index in registry order, then one section per module with its traits, notes and example', () => {
        assert.ok(md.indexOf('| [`sample`](#sample) | Does a sample thing. |') < md.indexOf('| [`bare`](#bare) |  |'));
        assert.ok(md.indexOf('### `sample`') < md.indexOf('### `bare`'));
        assert.match(md, /Free form: `sample: TEXT` sets `name`\. Shown as `\*\*\*` in output: `content`\. Check mode: partial \(it says what it cannot know\)\. Diff: content \(unified diff\) and state \(before\/after\)\./);
        assert.match(md, /^- First note\.$/m);
        assert.match(md, /```yaml\n- sample: x\n```/);
    });
    it('an undocumented module still gets its parameter section, marked as undocumented', () => {
        const section = md.slice(md.indexOf('### `bare`'));
        assert.match(section, /_No reference documentation yet\._/);
        assert.match(section, /No parameters\./);
        assert.match(section, /Runs on the controller/);
        assert.doesNotMatch(section, /```yaml/);
    });
    it('describes types in words', () => {
        assert.equal(describeSchemaType({ const: 3 }), 'integer');
        assert.equal(describeSchemaType({ type: 'object' }), 'mapping');
        assert.equal(describeSchemaType({ enum: ['a', 1] }), 'string or integer');
        assert.equal(describeSchemaType({ oneOf: [{ type: 'string' }, { type: 'string' }] }), 'string');
        assert.equal(describeSchemaType({ anyOf: [{ type: 'array', items: { type: ['string', 'integer'] } }, { type: 'string' }] }), 'list of (string or integer) or string');
        assert.equal(describeSchemaType({}), 'any');
    });
});
describe('replaceMarkedSection', () => {
    const readme = `# x\n\nbefore\n${MODULES_BEGIN}\nold\n${MODULES_END}\nafter\n`;
    it('replaces only what stands between the markers, and is stable', () => {
        const once = replaceMarkedSection(readme, 'new\n');
        assert.equal(once, `# x\n\nbefore\n${MODULES_BEGIN}\nnew\n${MODULES_END}\nafter\n`);
        assert.equal(replaceMarkedSection(once, 'new\n'), once);
    });
    it('refuses a page without the markers', () => {
        assert.throws(() => replaceMarkedSection('# x\n', 'new\n'), /modules:begin/);
    });
});
//# sourceMappingURL=module-docs.test.js.map