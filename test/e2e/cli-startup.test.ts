import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/**
 * What k8sbm loads to start: the build's one-file bundle (dist/k8sbm.cjs), compiled from V8's
 * code cache of it, not the ~350 files it is made of (Node 20 resolves and links each ES module
 * on its own), and not yargs for a plain run command line. What is counted is files and what
 * V8 says of the cache, not milliseconds, so it holds on a loaded machine; the times are
 * measured by bench/startup.ts.
 */

let dir: string;

// Recorded in Node's module-hooks thread and sent back to the process, which writes the list at exit.
const HOOKS = `let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { if (url.startsWith('file:')) port.postMessage(url); return next(url, context); }
`;

const ONE_TASK = (out: string): string => [
  '- hosts: all', '  gather_facts: false', '  tasks:', '    - name: one file', '      copy:',
  `        dest: ${JSON.stringify(out)}`, '        content: "hello\\n"', '',
].join('\n');

before(() => {
  dir = tempDir('cli-startup');
  writeFileSync(join(dir, 'preload.mjs'), [
    "import { register } from 'node:module';",
    "import { writeFileSync } from 'node:fs';",
    "import { MessageChannel } from 'node:worker_threads';",
    'const { port1, port2 } = new MessageChannel();',
    'const seen = [];',
    'port1.on("message", (u) => seen.push(u));',
    'port1.unref();',
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { port: port2 }, transferList: [port2] });`,
    `process.on('exit', () => writeFileSync(${JSON.stringify(join(dir, 'loaded.txt'))}, seen.join('\\n')));`,
    '',
  ].join('\n'));
  // Every require() of the process (the packages kept outside the bundle are loaded so).
  writeFileSync(join(dir, 'preload-require.cjs'), [
    "const Module = require('node:module');",
    "const { writeFileSync } = require('node:fs');",
    'const seen = [];',
    'const load = Module._load;',
    'Module._load = function (request, ...rest) { seen.push(request); return load.call(this, request, ...rest); };',
    `process.on('exit', () => writeFileSync(${JSON.stringify(join(dir, 'required.txt'))}, seen.join('\\n')));`,
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  writeFileSync(join(dir, 'one.yml'), ONE_TASK(join(dir, 'out.txt')));
});

after(() => removeTempDir(dir));

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean);

it('a one-task run compiles the bundle from its code cache, loads none of the files it is made of, and not yargs', () => {
  const r = k8sbm(['run', '-i', 'inventory.yml', 'one.yml'], dir, {
    NODE_OPTIONS: `--import ${join(dir, 'preload.mjs')} --require ${join(dir, 'preload-require.cjs')}`,
    K8SBM_DEBUG_STARTUP: '1',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'hello\n');
  assert.match(r.stderr, /code cache used/, 'npm run build leaves the bundle with a code cache of it (scripts/bundle.mjs)');
  const imported = lines(join(dir, 'loaded.txt')).map((u) => u.replace(`file://${repoRoot}/`, ''));
  assert.ok(imported.includes('bin/k8sbm.js'), imported.join('\n'));
  assert.deepEqual(imported.filter((u) => u.startsWith('dist/')), [], 'no compiled ES module file: the bundle is compiled by bin (a compile with tsc alone leaves it behind, and bin runs the compiled files)');
  const required = lines(join(dir, 'required.txt'));
  assert.ok(required.some((q) => q.endsWith('params-validators/copy.cjs')), `the require hook saw the copy module's validator loaded:\n${required.join('\n')}`);
  assert.deepEqual(required.filter((q) => /yargs|cliui/.test(q)), [], `a plain run command line is read without yargs:\n${required.join('\n')}`);
});

it('a command line the quick reader leaves alone still gets yargs and its error', () => {
  const r = k8sbm(['run', 'one.yml', '--bogus-flag'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /K8SBM_USAGE/);
  assert.match(r.stderr, /Unknown arguments?: bogus-flag/);
});

describe('the code cache in a copy of the package', () => {
  let pkg: string;
  const run = (): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [join(pkg, 'bin/k8sbm.js'), 'run', '-i', 'inventory.yml', 'one.yml'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1', K8SBM_DEBUG_STARTUP: '1' },
  });
  const cache = (): string => join(pkg, 'dist/k8sbm.cjs.cache');

  before(() => {
    // The bundle and bin of this build; all else it reads is the repository's own.
    pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    mkdirSync(join(pkg, 'dist'));
    copyFileSync(join(repoRoot, 'package.json'), join(pkg, 'package.json'));
    copyFileSync(join(repoRoot, 'bin/k8sbm.js'), join(pkg, 'bin/k8sbm.js'));
    copyFileSync(join(repoRoot, 'dist/k8sbm.cjs'), join(pkg, 'dist/k8sbm.cjs'));
    for (const d of ['dist/src', 'node_modules', 'roles']) symlinkSync(join(repoRoot, d), join(pkg, d));
  });

  it('is written by the first run, used by the next, and a damaged one is refused, not trusted, and written again', () => {
    rmSync(join(dir, 'out.txt'), { force: true });
    const first = run();
    assert.equal(first.status, 0, String(first.stderr));
    assert.match(String(first.stderr), /code cache absent/);
    assert.ok(existsSync(cache()), 'the first run wrote the cache');
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'hello\n');

    const second = run();
    assert.equal(second.status, 0, String(second.stderr));
    assert.match(String(second.stderr), /code cache used/);

    writeFileSync(cache(), 'not a code cache\n');
    const third = run();
    assert.equal(third.status, 0, String(third.stderr));
    assert.match(String(third.stderr), /code cache refused/);
    assert.match(String(third.stdout), /ok=1/);
    assert.notEqual(readFileSync(cache(), 'utf8').slice(0, 16), 'not a code cache', 'the refused cache was written again');

    const fourth = run();
    assert.match(String(fourth.stderr), /code cache used/);
  });
});
