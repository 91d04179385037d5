import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { childTmpEnv } from '../helpers/temp.js';
/**
 * Tests that used to leave folders in the OS temp folder, run in a child whose TMPDIR is an
 * empty folder of its own: after the child exits, the folder is still empty. The CLI runs they
 * start inherit that TMPDIR, so the product is held to the same rule.
 */
const compiledTests = join(dirname(fileURLToPath(import.meta.url)), '..');
function runTests(file, namePattern, env) {
    const args = ['--test', '--test-reporter=tap', ...(namePattern ? [`--test-name-pattern=${namePattern}`] : []), join(compiledTests, file)];
    return spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 300_000 });
}
describe('tests leave the OS temp folder as they found it', () => {
    it('the README demo (cli.test) leaves no k8sbm-demo-* root and nothing else', (t) => {
        const { tmp, env } = childTmpEnv(t);
        const r = runTests('e2e/cli.test.js', 'README demo', env);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^# pass 1$/m, 'the demo test ran');
        assert.deepEqual(readdirSync(tmp), []);
    });
    it('a failing local run (run-local.test) leaves no k8sbm-engine-* project or k8sbm-target-* folder', (t) => {
        const { tmp, env } = childTmpEnv(t);
        const r = runTests('e2e/run-local.test.js', 'missing template', env);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^# pass 1$/m, 'the test ran');
        assert.deepEqual(readdirSync(tmp), []);
    });
});
//# sourceMappingURL=temp-cleanup.test.js.map