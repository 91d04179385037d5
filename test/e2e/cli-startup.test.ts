import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/**
 * What k8sbm loads to start: the build's one-file bundle (dist/k8sbm.mjs), not the ~350 files
 * it is made of (Node 20 resolves and links each ES module on its own, most of a short run's
 * start-up). The count is of files, not of milliseconds, so it holds on a loaded machine; the
 * times are measured by bench/startup.ts.
 */

let dir: string;

// Recorded in Node's module-hooks thread and sent back to the process, which writes the list at exit.
const HOOKS = `let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { if (url.startsWith('file:')) port.postMessage(url); return next(url, context); }
`;

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
  writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  writeFileSync(join(dir, 'one.yml'), [
    '- hosts: all', '  gather_facts: false', '  tasks:', '    - name: one file', '      copy:',
    `        dest: ${JSON.stringify(join(dir, 'out.txt'))}`, '        content: "hello\\n"', '',
  ].join('\n'));
});

after(() => removeTempDir(dir));

it('a one-task run loads the bundle and none of the files it is made of', () => {
  const r = k8sbm(['run', '-i', 'inventory.yml', 'one.yml'], dir, { NODE_OPTIONS: `--import ${join(dir, 'preload.mjs')}` });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'hello\n');
  const loaded = readFileSync(join(dir, 'loaded.txt'), 'utf8').split('\n').filter(Boolean)
    .map((u) => u.replace(`file://${repoRoot}/`, ''));
  assert.ok(loaded.includes('bin/k8sbm.js'), loaded.join('\n'));
  assert.ok(loaded.includes('dist/k8sbm.mjs'), `the bundle was loaded (it is made by npm run build; a compile with tsc alone leaves it behind, and bin runs the compiled files):\n${loaded.join('\n')}`);
  assert.deepEqual(loaded.filter((u) => u.startsWith('dist/src/') && !u.endsWith('.cjs')), [], 'no compiled ES module file besides the bundle');
  // bin and the bundle; what stays outside it on purpose (ssh2, ajv, yargs, the params
  // validators) is loaded by require, which these hooks do not see.
  assert.ok(loaded.length <= 4, `${loaded.length} files loaded through import:\n${loaded.join('\n')}`);
});
