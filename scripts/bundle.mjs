// Run by `npm run build` after tsc: bundles the compiled CLI (dist/src/cli/main.js and all it
// imports, with the ES-module packages it imports: yaml, chalk, p-limit) into one file,
// dist/k8sbm.mjs, which bin/k8sbm.js loads. Node 20 resolves, reads and links every ES module
// file on its own; a run loaded some 350 of them, and that was the larger part of its start-up.
// Packages loaded on first use through createRequire (ssh2, ajv, handlebars, diff, yargs) stay
// where npm put them, as do the params validators compiled by the build.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/k8sbm.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // A CommonJS file inside the bundle that calls require() finds Node's own.
  banner: { js: "import { createRequire as k8sbmCreateRequire } from 'node:module'; const require = k8sbmCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
