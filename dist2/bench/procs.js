import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStatCpuTicks, parseProcStatTotals } from './parse.js';
/** CPU the benchmark's timing does not see by itself: the whole machine's, and Ansible's ssh masters'. */
export function machineCpuTicks() {
    return parseProcStatTotals(readFileSync('/proc/stat', 'utf8'));
}
/**
 * ControlPersist masters detach from ansible-playbook (the session's crypto runs in them), so
 * wait4 never reports their CPU. They are found by the socket path in their title,
 * `ssh: DIR/HASH [mux]`, and read before they are closed.
 */
export function controlMasterCpuTicks(controlPathDir) {
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        try {
            const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '';
            if (!title.startsWith(`ssh: ${controlPathDir}/`))
                continue;
            const t = parseProcStatCpuTicks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
            ticks += t.self + t.children;
        }
        catch { /* exited meanwhile */ }
    }
    return ticks;
}
//# sourceMappingURL=procs.js.map