import { statSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import { DEFAULT_LAB_NAME, labDirFor, labIdOf, labNamesOf, validateLabName } from './names.js';
import { isProcessAlive, netnsIdOfPid } from './node.js';
import { labPaths, readLabState } from './state.js';
export function resolveLab(ref) {
    const name = validateLabName(ref.name ?? DEFAULT_LAB_NAME);
    const dir = labDirFor(name, ref.cwd, ref.dir);
    return { name, paths: labPaths(dir), names: labNamesOf(labIdOf(dir)) };
}
export function labFromState(state, paths) {
    if (state.phase !== 'up' || !state.subnet || !state.gateway) {
        throw new K8sbmError('K8SBM_LAB_NOT_UP', `lab "${state.name}" is not up (it is ${state.phase})`, { hint: `bring it up: k8sbm lab up --name ${state.name}` });
    }
    return {
        name: state.name, id: state.id, dir: state.dir, bridge: state.bridge, subnet: state.subnet, gateway: state.gateway,
        createdAt: state.createdAt, files: paths,
        nodes: state.nodes.map((n) => {
            if (!n.pid || !n.launcherPid || !n.hostKey)
                throw new Error(`lab state of ${n.name} is incomplete`);
            return { ...n, pid: n.pid, launcherPid: n.launcherPid, hostKey: n.hostKey };
        }),
    };
}
/** The lab as its state file describes it; K8SBM_LAB_NOT_UP when there is none. */
export function loadLab(ref) {
    const { name, paths } = resolveLab(ref);
    const state = readLabState(paths);
    if (!state)
        throw new K8sbmError('K8SBM_LAB_NOT_UP', `lab "${name}" is not up (no state in ${paths.dir})`, { hint: `bring it up: k8sbm lab up --name ${name}` });
    return labFromState(state, paths);
}
/**
 * A node's root filesystem as the machine sees it: `/proc/<sshd pid>/root`. Reading through it
 * shows exactly what the node sees (its overlay, its /tmp and /run), without logging in.
 */
export function nodeRootPath(lab, node) {
    const name = typeof node === 'string' ? node : node.name;
    const n = lab.nodes.find((x) => x.name === name);
    if (!n) {
        throw new K8sbmError('K8SBM_LAB_NODE_UNKNOWN', `lab "${lab.name}" has no node "${name}"`, { hint: `its nodes: ${lab.nodes.map((x) => x.name).join(', ')}` });
    }
    if (!isProcessAlive(n.pid)) {
        throw new K8sbmError('K8SBM_LAB_NOT_UP', `node ${name} of lab "${lab.name}" is not running`, { hint: `k8sbm lab up --name ${lab.name} --recreate` });
    }
    return `/proc/${n.pid}/root`;
}
/** The process is alive and lives in the node's network namespace (not a recycled PID). */
export function isNodeProcess(node) {
    if (!node.pid || !isProcessAlive(node.pid))
        return false;
    const link = netnsIdOfPid(node.pid);
    for (const dir of ['/run/netns', '/var/run/netns']) {
        try {
            return link === `net:[${statSync(`${dir}/${node.netns}`).ino}]`;
        }
        catch { /* try the next */ }
    }
    return false;
}
//# sourceMappingURL=lab.js.map