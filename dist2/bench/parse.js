/**
 * Reading what the tools and the nodes print: Ansible's PLAY RECAP, k8sbm's JSON recap, the
 * sessions a node's sshd logged (LogLevel VERBOSE), GNU time's line and /proc/PID/stat.
 */
const COUNT_KEYS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];
/**
 * Ansible's default callback ends with
 *   PLAY RECAP ****
 *   node01   : ok=29   changed=28   unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
 * Hosts whose line lacks a key get 0 for it; a missing recap is an error (the run did not finish).
 */
export function parseAnsibleRecap(output) {
    const lines = output.split(/\r?\n/);
    let start = -1;
    for (let i = lines.length - 1; i >= 0 && start < 0; i--)
        if (/^PLAY RECAP\b/.test(lines[i]))
            start = i;
    if (start < 0)
        throw new Error('no PLAY RECAP in the output of ansible-playbook');
    const hosts = {};
    for (const line of lines.slice(start + 1)) {
        const m = /^(\S+)\s+:\s+(\S+=\d+(?:\s+\S+=\d+)*)\s*$/.exec(line);
        if (!m) {
            if (line.trim() === '')
                continue;
            break;
        }
        const pairs = new Map(m[2].split(/\s+/).map((kv) => {
            const [k, v] = kv.split('=');
            return [k, Number(v)];
        }));
        hosts[m[1]] = Object.fromEntries(COUNT_KEYS.map((k) => [k, pairs.get(k) ?? 0]));
    }
    if (Object.keys(hosts).length === 0)
        throw new Error('PLAY RECAP of ansible-playbook lists no host');
    return hosts;
}
/** The `recap` event of `k8sbm run --json` (newline-delimited JSON events; the recap is last). */
export function parseK8sbmRecap(ndjson) {
    const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
    for (let i = lines.length - 1; i >= 0; i--) {
        let e;
        try {
            e = JSON.parse(lines[i]);
        }
        catch {
            continue;
        }
        if (!isRecord(e) || e.event !== 'recap')
            continue;
        const hosts = isRecord(e.hosts) ? e.hosts : {};
        const out = {};
        for (const [h, c] of Object.entries(hosts)) {
            const counts = isRecord(c) ? c : {};
            out[h] = Object.fromEntries(COUNT_KEYS.map((k) => [k, typeof counts[k] === 'number' ? counts[k] : 0]));
        }
        const execs = isRecord(e.execs) ? Object.fromEntries(Object.entries(e.execs).filter((kv) => typeof kv[1] === 'number')) : {};
        return { hosts: out, execs, durationMs: typeof e.durationMs === 'number' ? e.durationMs : NaN };
    }
    throw new Error('no recap event in the JSON output of k8sbm');
}
function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/**
 * Counts what a node's sshd logged at LogLevel VERBOSE: each channel session it starts is one
 * "Starting session: command|subsystem 'sftp'|shell ... for USER from ADDR port P id N" line,
 * whether it came over its own connection or over a multiplexed (ControlMaster) one.
 */
export function countSshdSessions(log) {
    let connections = 0;
    let commands = 0;
    let subsystems = 0;
    let shells = 0;
    for (const line of log.split('\n')) {
        if (/\bAccepted publickey for \S+ from /.test(line))
            connections++;
        const m = /\bStarting session: (command|forced-command|subsystem|shell)\b/.exec(line);
        if (!m)
            continue;
        if (m[1] === 'subsystem')
            subsystems++;
        else if (m[1] === 'shell')
            shells++;
        else
            commands++;
    }
    return { connections, sessions: commands + subsystems + shells, commands, subsystems, shells };
}
/** The marker starts the format line, so "Command exited with non-zero status" lines around it do not matter. */
export const TIME_MARKER = 'k8sbm-bench-time';
export const TIME_FORMAT = `${TIME_MARKER} %e %M %U %S`;
/** The line GNU time writes with `-f TIME_FORMAT`. */
export function parseTimeOutput(text) {
    const line = text.split('\n').find((l) => l.startsWith(`${TIME_MARKER} `));
    if (!line)
        throw new Error(`no "${TIME_MARKER}" line in the output of time: ${JSON.stringify(text.slice(0, 200))}`);
    const [wall, rss, user, sys] = line.slice(TIME_MARKER.length + 1).trim().split(/\s+/).map(Number);
    if ([wall, rss, user, sys].some((n) => n === undefined || !Number.isFinite(n)))
        throw new Error(`unreadable time line: ${line}`);
    return { wallS: wall, maxRssKb: rss, userS: user, sysS: sys };
}
/**
 * CPU clock ticks of a process and of its reaped descendants (utime, stime, cutime, cstime:
 * fields 14-17 of /proc/PID/stat). A node's sshd reaps every per-connection sshd, and they reap
 * the commands they ran, so the difference over a phase is the node-side CPU of that phase.
 */
export function parseProcStatCpuTicks(stat) {
    const close = stat.lastIndexOf(')');
    if (close < 0)
        throw new Error('not a /proc/PID/stat line');
    // After ") " come field 3 (state) onwards: utime is field 14, i.e. index 11 here.
    const f = stat.slice(close + 2).trim().split(/\s+/).map(Number);
    const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]];
    if ([utime, stime, cutime, cstime].some((n) => n === undefined || !Number.isFinite(n)))
        throw new Error('short /proc/PID/stat line');
    return { self: utime + stime, children: cutime + cstime };
}
/**
 * The machine's CPU time from the first line of /proc/stat, in clock ticks: busy is everything
 * but idle and iowait (steal is time the hypervisor took, counted as busy: it was not ours).
 */
export function parseProcStatTotals(stat) {
    const line = stat.split('\n').find((l) => /^cpu\s/.test(l));
    if (!line)
        throw new Error('no cpu line in /proc/stat');
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // guest and guest_nice (fields 9 and 10) are already inside user and nice.
    const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
}
//# sourceMappingURL=parse.js.map