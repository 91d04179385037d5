import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { apt_repository } from '../../src/modules/packages/apt_repository.js';
import { packageModule } from '../../src/modules/packages/package.js';
import { service } from '../../src/modules/services/service.js';
import { validateParams } from '../../src/schema/params.js';
/** The reference docs of package, apt_repository and service: complete, and examples the schema accepts. */
function describedEverywhere(schema, path) {
    const props = (schema.properties ?? {});
    return Object.entries(props).filter(([, s]) => typeof s.description !== 'string' || s.description.length < 10).map(([k]) => `${path}.${k}`);
}
for (const module of [packageModule, apt_repository, service]) {
    describe(`${module.name} reference`, () => {
        it('has a doc, a closed schema and a description on every param', () => {
            assert.ok(module.doc, 'doc');
            assert.ok(module.doc.summary.endsWith('.'));
            assert.equal(module.schema.additionalProperties, false);
            assert.deepEqual(describedEverywhere(module.schema, module.name), []);
        });
        it('its example tasks are valid params', () => {
            const tasks = parse(module.doc.example);
            assert.ok(Array.isArray(tasks) && tasks.length > 0);
            for (const t of tasks) {
                assert.ok(module.name in t, `example task without ${module.name}: ${JSON.stringify(t)}`);
                const params = t[module.name];
                validateParams(module, params, { loc: { file: 'example.yml', line: 1, col: 1 }, subject: module.name }, { allowTemplates: true });
            }
        });
    });
}
//# sourceMappingURL=package-service-docs.test.js.map