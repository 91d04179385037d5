import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileFact, parseFileFactOutput } from '../../src/facts/file.js';
import { createdAncestors } from '../../src/modules/files/file-directory.js';
import { file } from '../../src/modules/files/file.js';
import { LocalConnection } from '../../src/transport/local.js';
import { FactOverlay, runModule } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';
describe('mkdir -p predictions', () => {
    it('lists the directories between the nearest existing ancestor and the path', () => {
        assert.deepEqual(createdAncestors('/a/b/c/d', '/a'), ['/a/b', '/a/b/c']);
        assert.deepEqual(createdAncestors('/a/b', '/a'), []);
        assert.deepEqual(createdAncestors('/x/y', '/'), ['/x']);
        assert.deepEqual(createdAncestors('/x/y', undefined), []);
    });
    it('the file fact reports the nearest existing ancestor of a missing path', async (t) => {
        const dir = tempDir('anc', t);
        const conn = new LocalConnection('local');
        const st = parseFileFactOutput(await conn.exec({ argv: fileFact.argv(join(dir, 'a/b/c')) }), join(dir, 'a/b/c'));
        assert.equal(st.exists, false);
        assert.equal(st.existingAncestor, dir);
    });
    it('check mode predicts every directory mkdir -p creates', async (t) => {
        const dir = tempDir('anc', t);
        const conn = new LocalConnection('local');
        const overlay = new FactOverlay();
        const r = await runModule(conn, file, { path: join(dir, 'a/b/c'), state: 'directory' }, { check: true, overlay });
        assert.equal(r.plan.kind, 'change');
        const keys = r.plan.kind === 'change' ? r.plan.effects.map((e) => e.key) : [];
        assert.deepEqual(keys, [join(dir, 'a'), join(dir, 'a/b'), join(dir, 'a/b/c')]);
    });
});
//# sourceMappingURL=file-ancestors.test.js.map