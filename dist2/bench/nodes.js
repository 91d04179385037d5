import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { nodeLogFile } from '../src/lab/state.js';
import { countSshdSessions, parseProcStatCpuTicks } from './parse.js';
function cpuTicksOf(pid) {
    const t = parseProcStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return t.self + t.children;
}
export function markNodes(lab) {
    return Object.fromEntries(lab.nodes.map((n) => {
        const logFile = nodeLogFile(lab.files, n.name);
        return [n.name, { logFile, logOffset: statSync(logFile).size, pid: n.pid, cpuTicks: cpuTicksOf(n.pid) }];
    }));
}
function readFrom(file, offset) {
    const size = statSync(file).size;
    if (size <= offset)
        return '';
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(file, 'r');
    try {
        readSync(fd, buf, 0, buf.length, offset);
    }
    finally {
        closeSync(fd);
    }
    return buf.toString('utf8');
}
function hasChildren(pid) {
    try {
        return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== '';
    }
    catch {
        return false;
    }
}
/**
 * A connection's sshd process on the node exits a moment after the client leaves; its CPU
 * reaches the node's sshd only when it is reaped. Wait (bounded) for every node to be idle.
 */
export async function waitForIdleNodes(lab, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let pause = 5;
    for (;;) {
        if (!lab.nodes.some((n) => hasChildren(n.pid)))
            return true;
        if (Date.now() >= deadline)
            return false;
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(100, pause * 2);
    }
}
export function nodeUsageSince(marks, clockTicks, idle) {
    const sessions = {};
    let ticks = 0;
    for (const [node, m] of Object.entries(marks)) {
        sessions[node] = countSshdSessions(readFrom(m.logFile, m.logOffset));
        ticks += cpuTicksOf(m.pid) - m.cpuTicks;
    }
    return { sessions, cpuS: ticks / clockTicks, cpuIncomplete: !idle };
}
//# sourceMappingURL=nodes.js.map