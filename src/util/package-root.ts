import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K8sbmError } from '../source/errors.js';

/**
 * The folder of the installed k8sbm package (a clone, or the package npx unpacked), found from
 * this file's own place: src/util/ when run from sources, dist/src/util/ when compiled. The
 * search stops at the first package.json above, so it never reaches outside the package, and
 * the working directory plays no part: what the project ships is found from anywhere.
 */
export function packageRootFrom(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === 'k8sbm') return dir;
      throw new K8sbmError('K8SBM_INSTALL_BROKEN', `the package.json nearest to ${start} is not k8sbm's (${manifest} names ${JSON.stringify(name)})`, {
        hint: 'run k8sbm from a complete clone or package: bin/, dist/ (or src/), roles/ and package.json side by side',
      });
    }
    if (dirname(dir) === dir) {
      throw new K8sbmError('K8SBM_INSTALL_BROKEN', `no package.json above ${start}`, {
        hint: 'run k8sbm from a complete clone or package: bin/, dist/ (or src/), roles/ and package.json side by side',
      });
    }
  }
}

let cached: string | undefined;

/** packageRootFrom this module's folder, looked up once. */
export function packageRoot(): string {
  cached ??= packageRootFrom(dirname(fileURLToPath(import.meta.url)));
  return cached;
}

/** The version in k8sbm's own package.json. */
export function packageVersion(): string {
  return String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
}
