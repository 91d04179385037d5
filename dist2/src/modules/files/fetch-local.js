import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
/**
 * dest/<host>/<src path>, or with flat exactly dest (dest/<basename of src> when dest ends in /).
 * `~/` is the controller user's home.
 */
export function fetchDestination(r) {
    const expanded = r.dest === '~' ? homedir() : r.dest.startsWith('~/') ? join(homedir(), r.dest.slice(2)) : r.dest;
    const base = isAbsolute(expanded) ? expanded : resolve(r.baseDir, expanded);
    if (r.flat)
        return r.dest.endsWith('/') ? join(base, basename(r.src)) : resolve(base);
    return join(base, r.host, r.src);
}
/**
 * Writes the local copy atomically: a temp file beside it, then a rename, so a reader never sees
 * half a kubeconfig. The copy keeps the node file's permission bits (a 0600 admin.conf stays 0600
 * on the workstation) without set-id bits.
 */
export async function writeFetchedFile(path, content, mode) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.k8sbm-${randomBytes(4).toString('hex')}`);
    try {
        await writeFile(tmp, content, { mode: mode & 0o777, flag: 'wx' });
        await rename(tmp, path);
    }
    catch (e) {
        await rm(tmp, { force: true });
        throw e;
    }
}
//# sourceMappingURL=fetch-local.js.map