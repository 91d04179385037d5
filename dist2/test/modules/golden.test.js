import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileFact } from '../../src/facts/file.js';
import { modules } from '../../src/modules/index.js';
import { validateParams } from '../../src/schema/params.js';
import { K8sbmError } from '../../src/source/errors.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { factId, makePlanContext, repoRoot } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';
const root = join(repoRoot(), 'test', 'modules');
const update = process.env.K8SBM_UPDATE_GOLDEN === '1';
const work = tempDir('golden', { after });
export function fileStateFromFixture(raw) {
    const { content, contentBase64, ...rest } = raw;
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8')
        : typeof contentBase64 === 'string' ? Buffer.from(contentBase64, 'base64') : undefined;
    if (data === undefined)
        return rest;
    return {
        parentIsDir: true, type: 'file', readable: true,
        size: data.length, sha256: createHash('sha256').update(data).digest('hex'),
        ...rest, exists: true, content: data,
    };
}
/** Plans hold Buffers; fixtures hold JSON: text as strings, bytes as { base64 }. */
export function toPlain(v) {
    if (Buffer.isBuffer(v)) {
        const text = v.toString('utf8');
        return Buffer.from(text, 'utf8').equals(v) && !v.includes(0) ? text : { base64: v.toString('base64') };
    }
    if (Array.isArray(v))
        return v.map(toPlain);
    if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toPlain(x)]));
    }
    return v;
}
function caseFiles(moduleDir) {
    return readdirSync(moduleDir).filter((f) => f.endsWith('.json')).sort();
}
const moduleDirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory() && d !== 'facts');
it('every fixture folder is a module, and every module but setup has fixtures', () => {
    for (const d of moduleDirs)
        assert.ok(d in modules, `test/modules/${d} is not a module name`);
    for (const name of Object.keys(modules)) {
        if (name === 'setup')
            continue; // its facts have their own tests
        assert.ok(moduleDirs.includes(name), `no golden fixtures for ${name}`);
    }
});
for (const dir of moduleDirs) {
    describe(`golden: ${dir}`, () => {
        for (const f of caseFiles(join(root, dir))) {
            const path = join(root, dir, f);
            const c = JSON.parse(readFileSync(path, 'utf8'));
            it(`${f.replace(/\.json$/, '')}: ${c.description}`, async () => {
                const hostFacts = new Map(Object.entries(c.facts ?? {}));
                for (const [p, raw] of Object.entries(c.files ?? {}))
                    hostFacts.set(factId(fileFact.name, fileFact.key(p)), fileStateFromFixture(raw));
                const responders = (c.probes ?? []).map((pr) => (req) => JSON.stringify(req.argv) === JSON.stringify(pr.argv) ? { stdout: pr.stdout ?? '', stderr: pr.stderr ?? '', code: pr.code ?? 0 } : undefined);
                const conn = new MemoryConnection('node1', responders);
                const localDir = join(work, dir, f);
                for (const [rel, text] of Object.entries(c.local ?? {})) {
                    mkdirSync(dirname(join(localDir, rel)), { recursive: true });
                    writeFileSync(join(localDir, rel), text);
                }
                const module = modules[dir];
                if (c.expectParamError) {
                    const refused = paramsRefusal(module, c.params);
                    if (update)
                        writeFileSync(path, `${JSON.stringify({ ...c, expect: refused }, null, 2)}\n`);
                    else
                        assert.deepEqual(refused, c.expect);
                    return;
                }
                // The engine plans only params its schema accepts: so must every case.
                validateParams(module, c.params, { loc: { file: 'site.yml', line: 1, col: 1 }, subject: module.name }, { allowTemplates: false });
                // Golden cases decide only: nothing is applied, so plan() is called directly.
                const ctx = makePlanContext(conn, { check: c.check ?? false, vars: c.vars ?? {}, localDir, hostFacts });
                if (c.expectError !== undefined) {
                    await assert.rejects(module.plan(ctx, c.params), (e) => e.code === c.expectError);
                    return;
                }
                const plan = await module.plan(ctx, c.params);
                const actual = toPlain(plan);
                if (update) {
                    writeFileSync(path, `${JSON.stringify({ ...c, expect: actual }, null, 2)}\n`);
                    return;
                }
                assert.deepEqual(actual, c.expect);
                assertPlanContract(plan);
            });
        }
    });
}
/** The error the engine's params validation raises, as plain data (fails when it accepts them). */
function paramsRefusal(module, params) {
    try {
        validateParams(module, params, { loc: { file: 'site.yml', line: 1, col: 1 }, subject: module.name }, { allowTemplates: false });
    }
    catch (e) {
        assert.ok(e instanceof K8sbmError, String(e));
        return toPlain({ code: e.code, message: e.message, hint: e.hint, details: e.details });
    }
    return assert.fail('the params schema accepted these params');
}
/** What every plan must satisfy, whatever the module. */
function assertPlanContract(plan) {
    if (plan.kind === 'ok' || plan.kind === 'skip')
        assert.ok(plan.reason.trim() !== '', 'a no-op says why');
    if (plan.kind === 'change') {
        assert.ok(plan.actions.length > 0, 'a change has actions');
        assert.ok(plan.summary.trim() !== '');
    }
    if (plan.kind === 'fail')
        assert.ok(plan.msg.trim() !== '');
}
//# sourceMappingURL=golden.test.js.map