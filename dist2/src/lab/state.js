import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sbmError } from '../source/errors.js';
export function labPaths(dir) {
    return {
        dir,
        inventory: join(dir, 'hosts'),
        sshConfig: join(dir, 'ssh_config'),
        knownHosts: join(dir, 'known_hosts'),
        key: join(dir, 'id_ed25519'),
        publicKey: join(dir, 'id_ed25519.pub'),
        state: join(dir, 'state.json'),
        nodesDir: join(dir, 'nodes'),
    };
}
/** Mount point of a node's private tmpfs (empty as seen from the machine) and its log. */
export function nodeScratchDir(paths, node) { return join(paths.nodesDir, node); }
export function nodeLogFile(paths, node) { return join(paths.nodesDir, `${node}.log`); }
export function readLabState(paths) {
    let text;
    try {
        text = readFileSync(paths.state, 'utf8');
    }
    catch {
        return undefined;
    }
    try {
        const s = JSON.parse(text);
        if (s.version !== 1 || !Array.isArray(s.nodes))
            throw new Error('unknown layout');
        return s;
    }
    catch (e) {
        throw new K8sbmError('K8SBM_LAB_STATE_INVALID', `the lab state file ${paths.state} cannot be read: ${e.message}`, {
            hint: 'remove the lab with `k8sbm lab down` (it also finds a lab by its directory alone)',
        });
    }
}
export function writeLabState(paths, state) {
    mkdirSync(paths.dir, { recursive: true });
    writeFileAtomic(paths.state, `${JSON.stringify(state, null, 2)}\n`, 0o644);
}
/** Readers never see half a file: write beside, then rename. */
export function writeFileAtomic(file, content, mode) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, content, { mode });
    renameSync(tmp, file);
}
//# sourceMappingURL=state.js.map