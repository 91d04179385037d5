import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pyStr, pyTruthy } from './expr-lib.js';
/** Relative paths as Ansible's file lookup takes them: the role's files/, then the playbook's. */
function findFile(name, c) {
    if (isAbsolute(name)) {
        if (existsSync(name))
            return name;
        return c.fail(`lookup('file'): ${name} not found`, 'give a path that exists on the controller');
    }
    const dirs = [c.variable('role_path'), c.variable('playbook_dir'), process.cwd()].filter((d) => typeof d === 'string');
    const candidates = [...new Set(dirs.flatMap((d) => [join(d, 'files', name), join(d, name)]).map((p) => resolve(p)))];
    const found = candidates.find((p) => existsSync(p));
    if (found)
        return found;
    return c.fail(`lookup('file'): "${name}" not found on the controller`, `looked in: ${candidates.join(', ')}`);
}
export const LOOKUPS = {
    file: {
        usage: "lookup('file', 'path/on/controller')",
        kwargs: ['rstrip', 'lstrip'],
        call: (terms, c) => terms.map((t) => {
            let text = readFileSync(findFile(pyStr(t), c), 'utf8');
            if (c.kwargs['rstrip'] === undefined || pyTruthy(c.kwargs['rstrip']))
                text = text.replace(/\s+$/, '');
            if (pyTruthy(c.kwargs['lstrip']))
                text = text.replace(/^\s+/, '');
            return text;
        }),
    },
    env: {
        usage: "lookup('env', 'NAME')",
        kwargs: ['default'],
        call: (terms, c) => terms.map((t) => process.env[pyStr(t)] ?? (c.kwargs['default'] !== undefined ? c.kwargs['default'] : '')),
    },
};
//# sourceMappingURL=expr-lookup.js.map