import { isNodeProcess, resolveLab } from './lab.js';
import { findLabLeftovers } from './network.js';
import { sshBanner } from './node.js';
import { readLabState } from './state.js';
import { checkLabPrerequisites } from './system.js';
export async function labStatus(ref) {
    const tools = checkLabPrerequisites();
    const { name, paths, names } = resolveLab(ref);
    const state = readLabState(paths);
    const nodes = await Promise.all((state?.nodes ?? []).map(async (n) => {
        const running = isNodeProcess(n);
        return { name: n.name, address: n.address, group: n.group, pid: n.pid, running, sshd: running && !!(await sshBanner(n.address, 22, 2000)) };
    }));
    let condition;
    if (state?.phase === 'up')
        condition = nodes.every((n) => n.running && n.sshd) ? 'up' : 'degraded';
    else {
        const left = await findLabLeftovers(tools, names);
        condition = state || left.bridge || left.netns.length || left.links.length ? 'partial' : 'absent';
    }
    return {
        name: state?.name ?? name, dir: paths.dir, condition, bridge: names.bridge, subnet: state?.subnet, createdAt: state?.createdAt,
        nodes, files: state?.phase === 'up' ? paths : undefined,
    };
}
//# sourceMappingURL=status.js.map