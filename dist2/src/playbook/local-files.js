import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
/** Where a controller file named by a task may be, in the order they are tried. */
export function localFileCandidates(kind, path, role, playbookDir) {
    if (isAbsolute(path))
        return [path];
    return [
        ...(role ? [join(role.path, kind, path), join(role.path, path)] : []),
        join(playbookDir, kind, path),
        join(playbookDir, path),
    ].map((p) => resolve(p));
}
/**
 * Controller-side lookup as operators expect from Ansible: the role's own folder first, then the
 * playbook's `files/` or `templates/`, then next to the playbook.
 */
export function findLocalFile(kind, path, role, playbookDir, loc) {
    const candidates = localFileCandidates(kind, path, role, playbookDir);
    for (const c of candidates)
        if (existsSync(c))
            return c;
    throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `${kind === 'templates' ? 'template' : 'file'} "${path}" not found`, {
        loc,
        details: ['searched:', ...candidates.map((s) => `  ${s}`)],
        hint: `put it in the role's ${kind}/ folder or next to the playbook, or give an absolute path`,
    });
}
//# sourceMappingURL=local-files.js.map