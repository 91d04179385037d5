import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * The repository root: the nearest directory above this file holding package.json and test/.
 * When the tests were compiled to a directory outside the repository, the compiled file's source
 * map still names the original source, and the search starts from there.
 */
function findUp(start) {
    let dir = start;
    for (;;) {
        if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test')))
            return dir;
        const up = dirname(dir);
        if (up === dir)
            return undefined;
        dir = up;
    }
}
function sourceDirFromMap(compiled) {
    try {
        const map = JSON.parse(readFileSync(`${compiled}.map`, 'utf8'));
        const src = map.sources?.[0];
        return src ? dirname(resolve(dirname(compiled), map.sourceRoot ?? '', src)) : undefined;
    }
    catch {
        return undefined;
    }
}
function findRepoRoot() {
    const self = fileURLToPath(import.meta.url);
    const fromSelf = findUp(dirname(self));
    if (fromSelf)
        return fromSelf;
    const mapped = sourceDirFromMap(self);
    const fromMap = mapped ? findUp(mapped) : undefined;
    if (fromMap)
        return fromMap;
    const fromCwd = findUp(process.cwd());
    if (fromCwd)
        return fromCwd;
    throw new Error(`cannot find the repository root above ${self}`);
}
export const repoRoot = findRepoRoot();
/** A path under test/fixtures of the repository. */
export function fixture(...parts) {
    return join(repoRoot, 'test', 'fixtures', ...parts);
}
//# sourceMappingURL=paths.js.map