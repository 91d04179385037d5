#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  // Nothing to load for this one: the package's own version, whatever the working directory.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The build's one-file bundle of dist/src (scripts/bundle.mjs) starts faster than the ~350
  // files it is made of; a compile since the last bundle (tsc alone) leaves it behind, and then
  // the compiled files run as they are.
  const mtime = (url) => { try { return statSync(url).mtimeMs; } catch { return -1; } };
  const bundle = new URL('../dist/k8sbm.cjs', import.meta.url);
  const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
  const { main, done } = mtime(bundle) >= mtime(compiled)
    ? await loadBundle(bundle)
    : { ...(await import(compiled.href)), done: () => {} };
  process.exitCode = await main(args);
  done();
}

/**
 * Runs the bundle with V8's code cache: the functions a run compiled, saved next to the bundle
 * (dist/k8sbm.cjs.cache), are read back instead of parsed and compiled again, a third of a
 * short run's start-up. What Node 22's module.enableCompileCache does, here for Node 20 too; the
 * cache lives with the build, writable only by whoever can write the bundle itself. V8 checks
 * that a cache fits the source, its own version and flags, and refuses one that does not (or is
 * damaged): the bundle is then compiled as it would be without, and a new cache is written once
 * the command is done (to a temporary name, then renamed over, so a reader never sees half of
 * one). Where the folder is not writable, the run just goes without. K8SBM_DEBUG_STARTUP=1 says
 * on stderr whether the cache was used.
 */
async function loadBundle(url) {
  const vm = await import('node:vm');
  const file = fileURLToPath(url);
  const cacheFile = `${file}.cache`;
  let cachedData;
  try { cachedData = readFileSync(cacheFile); } catch { /* none yet */ }
  // The same wrapper as Node's own for a CommonJS file, so the bundle sees what it would there.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (process.env.K8SBM_DEBUG_STARTUP === '1') {
    process.stderr.write(`k8sbm start-up: code cache ${used ? 'used' : cachedData === undefined ? 'absent' : 'refused'}\n`);
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const done = () => {
    if (used) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      try { unlinkSync(tmp); } catch { /* never written */ }
    }
  };
  return { main: module.exports.main, done };
}
