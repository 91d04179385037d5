import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
/**
 * The one way tests make temporary folders (test/unit/temp-dirs.test.ts holds every test file
 * to it): each is removed when the scope it was given ends (a test's `t`, or node:test's `after`
 * at a file's top level or in a describe body), and in any case when the test file's process
 * exits, on SIGINT, SIGTERM and SIGHUP too (node --test runs every file in its own process), so a
 * failing or interrupted test leaves nothing behind either. Node's global after() is not used inside helpers: called
 * inside a before hook, it runs as soon as that hook ends, which would remove a folder the tests
 * have yet to use.
 */
const made = new Set();
let exitHooked = false;
/** Mount points at or below dir, as this process sees them: never delete through a mount. */
function mountsUnder(dir, mountinfo) {
    if (mountinfo === undefined)
        return [];
    return mountinfo.split('\n')
        .map((l) => l.split(' ')[4] ?? '')
        .filter((m) => m === dir || m.startsWith(`${dir}/`));
}
function readMountinfo() {
    try {
        return readFileSync('/proc/self/mountinfo', 'utf8');
    }
    catch {
        return undefined;
    }
}
function remove(dir, mountinfo = readMountinfo()) {
    if (!made.delete(dir))
        return;
    const mounted = mountsUnder(dir, mountinfo);
    if (mounted.length) {
        process.stderr.write(`temp: kept ${dir}: something is still mounted in it (${mounted.join(', ')})\n`);
        return;
    }
    rmSync(dir, { recursive: true, force: true });
}
function removeAll() {
    if (made.size === 0)
        return;
    const mountinfo = readMountinfo();
    for (const d of [...made])
        remove(d, mountinfo);
}
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
function hookExit() {
    if (exitHooked)
        return;
    exitHooked = true;
    process.on('exit', removeAll);
    // A signal's default action ends the process without 'exit': exit instead, as the signal would.
    for (const [sig, n] of Object.entries(SIGNALS))
        process.once(sig, () => process.exit(128 + n));
}
/**
 * A new empty folder `<tmpdir>/k8sbm-<name>-XXXXXX` (mode 0755, so the unprivileged users of
 * the SSH tests can read it). Removed when `scope` ends, else when the process exits.
 */
export function tempDir(name, scope) {
    const dir = mkdtempSync(join(tmpdir(), `k8sbm-${name}-`));
    chmodSync(dir, 0o755);
    made.add(dir);
    hookExit();
    scope?.after(() => remove(dir));
    return dir;
}
/** A new tempDir holding `files` (relative path -> text), with the folders they need. */
export function tempTree(name, files, scope) {
    const dir = tempDir(name, scope);
    for (const [rel, text] of Object.entries(files)) {
        const p = join(dir, rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
    }
    return dir;
}
export function withTempDir(name, fn) {
    const dir = tempDir(name);
    let result;
    try {
        result = fn(dir);
    }
    catch (e) {
        remove(dir);
        throw e;
    }
    if (result instanceof Promise)
        return result.finally(() => remove(dir));
    remove(dir);
    return result;
}
/**
 * For a child process: an environment whose OS temp folder (TMPDIR) is a new empty tempDir tied to
 * `scope`, so whatever the child leaves in it after exiting, it leaked. Nested `node --test` runs
 * print their own report instead of feeding this runner's.
 */
export function childTmpEnv(scope) {
    const tmp = tempDir('sandbox', scope);
    const env = { ...process.env, TMPDIR: tmp };
    delete env.NODE_TEST_CONTEXT;
    return { tmp, env };
}
/** Removes a folder tempDir made, now (it is forgotten by the exit cleanup). */
export function removeTempDir(dir) {
    remove(dir);
}
//# sourceMappingURL=temp.js.map