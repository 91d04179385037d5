import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths.js';
import { childTmpEnv, tempDir } from '../helpers/temp.js';
/**
 * Temporary folders: every test makes them through test/helpers/temp.ts, which removes them when
 * their test ends or, at the latest, when the test file's process exits. Checked on the sources,
 * then on child processes whose OS temp folder (TMPDIR) is an empty folder of their own: whatever
 * they leave in it, they leaked.
 */
const HELPER = 'test/helpers/temp.ts';
const THIS_FILE = 'test/unit/temp-dirs.test.ts';
/** A folder made outside the helper: mkdtemp in any form, the OS temp folder, mktemp in a shell line. */
const MAKES_TEMP = [/\bmkdtemp(?:Sync)?\b/, /\btmpdir\s*\(/, /\bmktemp\b/];
function offenders(text) {
    return text.split('\n').flatMap((line, i) => (MAKES_TEMP.some((re) => re.test(line)) ? [`${i + 1}: ${line.trim()}`] : []));
}
function testSources(dir, out = []) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory())
            testSources(p, out);
        else if (e.name.endsWith('.ts'))
            out.push(p);
    }
    return out;
}
const compiledHelpers = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers');
const helperUrl = (name) => pathToFileURL(join(compiledHelpers, `${name}.js`)).href;
function runModule(code, env) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
describe('temporary folders', () => {
    it('no test file makes one except through test/helpers/temp.ts', () => {
        const hits = testSources(join(repoRoot, 'test'))
            .map((f) => relative(repoRoot, f))
            .filter((f) => f !== HELPER && f !== THIS_FILE)
            .flatMap((f) => offenders(readFileSync(join(repoRoot, f), 'utf8')).map((o) => `${f}:${o}`));
        assert.deepEqual(hits, []);
    });
    it('the check above sees every way of making one', () => {
        const lines = [
            "const d = mkdtempSync(join(tmpdir(), 'x-'));",
            "const d = await mkdtemp('/var/tmp/x-');",
            'const d = os.tmpdir ();',
            "spawnSync('sh', ['-c', 'd=$(mktemp -d)']);",
        ];
        assert.deepEqual(lines.map((l) => offenders(l).length), [1, 1, 1, 1]);
        assert.deepEqual(offenders("const d = tempDir('x', t);\nconst f = join(dir, 'tmpdir');"), []);
    });
    it('a test\'s folder goes when the test ends; one left to the process goes at exit, a failing test\'s too', (t) => {
        const { tmp, env } = childTmpEnv(t);
        const file = join(tempDir('child-test', t), 'child.test.mjs');
        writeFileSync(file, [
            "import { existsSync } from 'node:fs';",
            "import { it } from 'node:test';",
            `import { tempDir } from '${helperUrl('temp')}';`,
            'let scoped;',
            "it('makes a folder for itself', (t) => { scoped = tempDir('scoped', t); });",
            "it('finds it gone', () => { if (existsSync(scoped)) throw new Error(`still there: ${scoped}`); });",
            "it('fails, its folder left to the exit cleanup', () => { tempDir('unscoped'); throw new Error('on purpose'); });",
            '',
        ].join('\n'));
        const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /^# pass 2$/m, r.stdout);
        assert.match(r.stdout, /^# fail 1$/m, r.stdout);
        assert.deepEqual(readdirSync(tmp), []);
    });
    it('a test process ended by SIGTERM removes its folders', async (t) => {
        const { tmp, env } = childTmpEnv(t);
        const child = spawn(process.execPath, ['--input-type=module', '-e', [
                `import { tempDir } from '${helperUrl('temp')}';`,
                "console.log(tempDir('killed'));",
                'setInterval(() => undefined, 1 << 30);',
            ].join('\n')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        const closed = new Promise((res) => child.on('close', res));
        const dir = await new Promise((res) => child.stdout.setEncoding('utf8').once('data', (d) => res(d.trim())));
        assert.ok(dir.startsWith(join(tmp, 'k8sbm-killed-')) && existsSync(dir), dir);
        child.kill('SIGTERM');
        assert.equal(await closed, 143);
        assert.deepEqual(readdirSync(tmp), []);
    });
    it('an engine run leaves no k8sbm-engine-* folder behind', (t) => {
        const { tmp, env } = childTmpEnv(t);
        const r = runModule([
            "import { existsSync } from 'node:fs';",
            `import { runEngine } from '${helperUrl('engine')}';`,
            'const run = await runEngine({ files: {',
            "  'hosts.ini': 'web1\\n',",
            "  'site.yml': '- hosts: all\\n  gather_facts: false\\n  tasks:\\n    - name: hello\\n      debug: { msg: hi }\\n',",
            '} });',
            'console.log(JSON.stringify({ dir: run.dir, existed: existsSync(run.dir), lines: run.lines }));',
        ].join('\n'), env);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.ok(out.dir.startsWith(join(tmp, 'k8sbm-engine-')) && out.existed, r.stdout);
        assert.deepEqual(out.lines, ['web1 hello ok']);
        assert.deepEqual(readdirSync(tmp), []);
    });
});
//# sourceMappingURL=temp-dirs.test.js.map