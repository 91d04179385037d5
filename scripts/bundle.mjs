// Run by `npm run build` after tsc: bundles the compiled CLI (dist/src/cli/main.js and all it
// imports, with the ES-module packages it imports: yaml, chalk, p-limit) into one file,
// dist/k8sbm.cjs, which bin/k8sbm.js loads. Node 20 resolves, reads and links every ES module
// file on its own; a run loaded some 350 of them, and that was the larger part of its start-up.
// Packages loaded on first use through createRequire (ssh2, ajv, handlebars, diff, yargs) stay
// where npm put them, as do the params validators compiled by the build.
//
// The bundle is a CommonJS file so that bin/k8sbm.js can compile it with V8's code cache
// (node:vm takes cached code for a script, not for an ES module, on Node 20). Then one local
// one-task run of the new bundle writes that cache (dist/k8sbm.cjs.cache), so the first run
// after a build already starts from it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

rmSync(join(root, 'dist/k8sbm.mjs'), { force: true }); // the ES-module bundle of older builds
rmSync(join(root, 'dist/k8sbm.cjs.cache'), { force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/k8sbm.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The compiled files find the package and their own packages from import.meta.url; in the
  // bundle, that is the bundle's own address.
  define: { 'import.meta.url': 'k8sbmBundleUrl' },
  banner: { js: "const k8sbmBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// The warm-up: a one-task run on this machine itself, into a folder of its own.
const dir = mkdtempSync(join(tmpdir(), 'k8sbm-warm-up-'));
try {
  writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  writeFileSync(join(dir, 'one.yml'), [
    '- hosts: all', '  gather_facts: false', '  tasks:', '    - name: one file', '      copy:',
    `        dest: ${JSON.stringify(join(dir, 'out.txt'))}`, '        content: "hello\\n"', '',
  ].join('\n'));
  const r = spawnSync(process.execPath, [join(root, 'bin/k8sbm.js'), 'run', '-i', 'inventory.yml', 'one.yml'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`the bundle's warm-up run failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
