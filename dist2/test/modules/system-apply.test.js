import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runSystemAction, systemOpsAction, systemOpsOf } from '../../src/modules/system/system-apply.js';
import { K8sbmError } from '../../src/source/errors.js';
import { LocalConnection } from '../../src/transport/local.js';
import { makeApplyContext } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';
/** The one-exec file/command script of the system modules, run for real on this machine in a temp dir. */
const root = tempDir('sysops', { after });
let seq = 0;
const fresh = () => {
    const d = join(root, `t${seq++}`);
    mkdirSync(d);
    return d;
};
async function run(ops) {
    const conn = new LocalConnection('localhost');
    const res = await runSystemAction(makeApplyContext(conn), systemOpsAction(ops), 'K8SBM_TEST_FAILED', 'a hint');
    return { res, execs: conn.execCount };
}
describe('system ops script', () => {
    it('writes text byte for byte (nothing in it is shell), creates directories, removes files, in one exec', async () => {
        const d = fresh();
        const text = 'a  b\n$(touch pwned) `id` "q" \'s\' \\ %s\n\ttab\nno final newline';
        writeFileSync(join(d, 'gone'), 'x');
        const { execs } = await run([
            { op: 'write', path: join(d, 'new dir', 'x.conf'), text },
            { op: 'remove', path: join(d, 'gone') },
            { op: 'remove', path: join(d, 'never-there') },
        ]);
        assert.equal(execs, 1);
        assert.equal(readFileSync(join(d, 'new dir', 'x.conf'), 'utf8'), text);
        assert.equal(statSync(join(d, 'new dir', 'x.conf')).mode & 0o777, 0o644);
        assert.ok(!existsSync(join(d, 'gone')));
        assert.ok(!existsSync(join(d, 'pwned')) && !existsSync('pwned'));
        assert.deepEqual(readdirSync(join(d, 'new dir')), ['x.conf'], 'no temp file left behind');
    });
    it('a replaced file keeps its mode and owner', async () => {
        const d = fresh();
        const p = join(d, 'kept.conf');
        writeFileSync(p, 'old\n');
        chmodSync(p, 0o600);
        chownSync(p, 1, 1);
        await run([{ op: 'write', path: p, text: 'new\n' }]);
        const st = statSync(p);
        assert.deepEqual([st.mode & 0o777, st.uid, st.gid, readFileSync(p, 'utf8')], [0o600, 1, 1, 'new\n']);
    });
    it('commands get exactly their own arguments, in order with the file operations', async () => {
        const d = fresh();
        const log = join(d, 'log');
        const { res } = await run([
            { op: 'run', argv: ['sh', '-c', 'printf "[%s]" "$@" >> "$0"', log, 'one arg', '--flag', ''] },
            { op: 'write', path: join(d, 'f'), text: 'x' },
            { op: 'run', argv: ['sh', '-c', 'test -f "$1" && printf "(f exists)" >> "$0"', log, join(d, 'f')] },
        ]);
        assert.equal(readFileSync(log, 'utf8'), '[one arg][--flag][](f exists)');
        assert.equal(res.code, 0);
    });
    it('the first failure stops what follows and becomes a K8sbmError with the command\'s own message', async () => {
        const d = fresh();
        await assert.rejects(run([
            { op: 'run', argv: ['sh', '-c', 'echo "modprobe: FATAL: Module nope not found" >&2; exit 1'] },
            { op: 'write', path: join(d, 'after'), text: 'x' },
        ]), (e) => {
            assert.ok(e instanceof K8sbmError);
            assert.equal(e.code, 'K8SBM_TEST_FAILED');
            assert.match(e.message, /sh failed \(exit 1\)/);
            assert.deepEqual(e.details, ['modprobe: FATAL: Module nope not found']);
            assert.equal(e.hint, 'a hint');
            return true;
        });
        assert.ok(!existsSync(join(d, 'after')));
    });
    it('an action describes itself back (what tests and summaries read)', () => {
        const ops = [
            { op: 'write', path: '/etc/a', text: 't' },
            { op: 'run', argv: ['modprobe', '--', 'loop', 'max_loop=8'] },
            { op: 'remove', path: '/etc/b' },
        ];
        assert.deepEqual(systemOpsOf(systemOpsAction(ops).argv), ops);
    });
});
//# sourceMappingURL=system-apply.test.js.map