import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileFact } from '../../src/facts/file.js';
import { fetchDestination } from '../../src/modules/files/fetch-local.js';
import { fetch } from '../../src/modules/files/fetch.js';
import { LocalConnection } from '../../src/transport/local.js';
import { MemoryConnection, respond } from '../../src/transport/memory.js';
import { factId, runModule } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';
/**
 * fetch end to end on this machine: the "node" is a LocalConnection reading a temp dir, the
 * controller side is another temp dir. Counts execs, checks bytes and modes of the local copy.
 */
const root = tempDir('fetch', { after });
let seq = 0;
function fresh() {
    const d = join(root, `t${seq++}`);
    mkdirSync(join(d, 'node'), { recursive: true });
    mkdirSync(join(d, 'controller'), { recursive: true });
    return { node: join(d, 'node'), controller: join(d, 'controller') };
}
const sha = (b) => createHash('sha256').update(b).digest('hex');
const run = (params, controller, check = false) => runModule(new LocalConnection('node1'), fetch, params, { check, vars: { playbook_dir: controller } });
describe('fetch', () => {
    it('copies a node file into DEST/<host>/<path> in two execs, keeps its mode, then is a one-exec no-op', async () => {
        const { node, controller } = fresh();
        const src = join(node, 'admin.conf');
        writeFileSync(src, 'apiVersion: v1\nkind: Config\n');
        chmodSync(src, 0o600);
        const params = { src, dest: 'fetched' };
        const first = await run(params, controller);
        assert.equal(first.plan.kind, 'change');
        assert.equal(first.execs, 2);
        const local = join(controller, 'fetched', 'node1', src);
        assert.equal(readFileSync(local, 'utf8'), 'apiVersion: v1\nkind: Config\n');
        assert.equal(statSync(local).mode & 0o777, 0o600);
        assert.deepEqual(readdirSync(join(local, '..')), ['admin.conf'], 'no temp file left beside the copy');
        assert.equal(first.applied.checksum, sha(readFileSync(src)));
        const second = await run(params, controller);
        assert.equal(second.plan.kind, 'ok');
        assert.equal(second.execs, 1);
        assert.match(second.plan.kind === 'ok' ? second.plan.reason : '', /is up to date with node1:/);
    });
    it('a changed node file: the diff shows local before and node after; check mode writes nothing', async () => {
        const { node, controller } = fresh();
        const src = join(node, 'app.conf');
        const dest = join(controller, 'app.conf');
        writeFileSync(src, 'port=1\n');
        writeFileSync(dest, 'port=0\n');
        const check = await run({ src, dest, flat: true }, controller, true);
        assert.equal(check.plan.kind, 'change');
        assert.equal(check.execs, 1);
        assert.equal(readFileSync(dest, 'utf8'), 'port=0\n', 'check mode left the local copy alone');
        if (check.plan.kind !== 'change')
            return;
        assert.deepEqual(check.plan.diffs, [{ kind: 'text', subject: dest, before: 'port=0\n', after: 'port=1\n' }]);
        assert.deepEqual(check.plan.effects, [], 'nothing on the node changes');
        const real = await run({ src, dest, flat: true }, controller);
        assert.equal(real.plan.kind, 'change');
        assert.equal(readFileSync(dest, 'utf8'), 'port=1\n');
    });
    it('a large binary file arrives byte for byte; the diff is a note', async () => {
        const { node, controller } = fresh();
        const src = join(node, 'blob.bin');
        const data = randomBytes(600 * 1024);
        writeFileSync(src, data);
        const r = await run({ src, dest: `${controller}/`, flat: true }, controller);
        assert.equal(r.plan.kind, 'change');
        if (r.plan.kind !== 'change')
            return;
        assert.match(r.plan.diffs[0].kind === 'text' ? r.plan.diffs[0].note ?? '' : '', /^large file, absent -> 600 KiB$/);
        assert.equal(r.execs, 2);
        assert.ok(readFileSync(join(controller, 'blob.bin')).equals(data));
    });
    it('a local directory where the file should go fails with the fix', async () => {
        const { node, controller } = fresh();
        const src = join(node, 'x.conf');
        writeFileSync(src, 'x\n');
        mkdirSync(join(controller, 'x.conf'));
        const r = await run({ src, dest: join(controller, 'x.conf'), flat: true }, controller);
        assert.equal(r.plan.kind, 'fail');
        assert.match(r.plan.kind === 'fail' ? r.plan.msg : '', /is a directory; end dest with \//);
    });
    it('bytes that do not match the checksum the node reported are not written', async () => {
        const controller = fresh().controller;
        const promised = Buffer.from('promised\n');
        const hostFacts = new Map([[factId(fileFact.name, '/etc/x.conf'), {
                    exists: true, parentIsDir: true, type: 'file', mode: '0644', size: promised.length, sha256: sha(promised), readable: true, content: promised,
                }]]);
        const conn = () => new MemoryConnection('node1', [respond('base64', { stdout: `${Buffer.from('tampered\n').toString('base64')}\n` })]);
        const params = { src: '/etc/x.conf', dest: 'out' };
        await assert.rejects(runModule(conn(), fetch, params, { hostFacts, vars: { playbook_dir: controller } }), (e) => e.code === 'K8SBM_FETCH_CHECKSUM');
        assert.equal(existsSync(join(controller, 'out')), false);
        const unchecked = await runModule(conn(), fetch, { ...params, validate_checksum: false }, { hostFacts, vars: { playbook_dir: controller } });
        assert.equal(unchecked.plan.kind, 'change');
        assert.equal(readFileSync(join(controller, 'out', 'node1', 'etc', 'x.conf'), 'utf8'), 'tampered\n');
    });
});
describe('fetchDestination', () => {
    const base = { src: '/etc/kubernetes/admin.conf', host: 'cp1', baseDir: '/srv/ops', flat: false };
    it('per host under dest, relative to the playbook', () => {
        assert.equal(fetchDestination({ ...base, dest: 'fetched' }), '/srv/ops/fetched/cp1/etc/kubernetes/admin.conf');
        assert.equal(fetchDestination({ ...base, dest: '/backup/' }), '/backup/cp1/etc/kubernetes/admin.conf');
    });
    it('flat: dest itself, or the basename inside a dest ending in /', () => {
        assert.equal(fetchDestination({ ...base, flat: true, dest: 'kube/cp1.conf' }), '/srv/ops/kube/cp1.conf');
        assert.equal(fetchDestination({ ...base, flat: true, dest: 'kube/' }), '/srv/ops/kube/admin.conf');
    });
    it('~ is the controller user home', () => {
        assert.equal(fetchDestination({ ...base, flat: true, dest: '~/.kube/config' }), join(homedir(), '.kube/config'));
    });
});
//# sourceMappingURL=fetch-apply.test.js.map