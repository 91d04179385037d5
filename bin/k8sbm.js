#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  // Nothing to load for this one: the package's own version, whatever the working directory.
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The build's one-file bundle of dist/src (scripts/bundle.mjs) starts faster than the ~350
  // files it is made of; a compile since the last bundle (tsc alone) leaves it behind, and then
  // the compiled files run as they are.
  const { statSync } = await import('node:fs');
  const mtime = (url) => { try { return statSync(url).mtimeMs; } catch { return -1; } };
  const bundle = new URL('../dist/k8sbm.mjs', import.meta.url);
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  const { main } = await import((mtime(bundle) >= mtime(compiled) ? bundle : compiled).href);
  process.exitCode = await main(args);
}
