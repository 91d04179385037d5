import { controllerCpuS, otherCpuS } from './results.js';
import { median, perHostRange, speedup, summarize } from './stats.js';
import { PHASES } from './tools.js';
/** Tables of a benchmark result: medians with min/max, the speed-up, execs, memory and CPU. */
/** The targets at 50 nodes: Ansible time / k8sbm time at least this. */
export const SPEEDUP_TARGETS = { 'first-apply': 15, converged: 30, 'check-diff': 30 };
export const K8SBM_RSS_TARGET_MB = 300;
export const TARGET_NODES = 50;
function runsOf(r, tool, phase) {
    const runs = r.runs.filter((x) => x.tool === tool && x.phase === phase);
    if (runs.length === 0)
        throw new Error(`no ${tool} runs of phase ${phase}`);
    return runs;
}
/** Every host of every repetition, keyed apart so the range covers them all. */
function perHostOverRuns(runs, pick) {
    const all = {};
    runs.forEach((run) => { for (const [h, n] of Object.entries(pick(run) ?? {}))
        all[`${run.rep}/${h}`] = n; });
    return perHostRange(all);
}
function byTool(f) {
    return { k8sbm: f('k8sbm'), ansible: f('ansible') };
}
export function phaseRows(r) {
    return PHASES.map((phase) => {
        const runs = byTool((t) => runsOf(r, t, phase));
        const wallS = byTool((t) => summarize(runs[t].map((x) => x.wallMs / 1000)));
        const ratio = speedup(wallS.ansible.median, wallS.k8sbm.median);
        const ownCpu = byTool((t) => median(runs[t].map((x) => controllerCpuS(x) + x.nodeCpuS)));
        const sessions = (pick) => byTool((t) => perHostOverRuns(runs[t], (x) => Object.fromEntries(Object.entries(x.sshd).map(([h, c]) => [h, pick(c)]))));
        return {
            phase, wallS, ratio, cpuRatio: speedup(ownCpu.ansible, ownCpu.k8sbm), target: SPEEDUP_TARGETS[phase], met: ratio >= SPEEDUP_TARGETS[phase],
            rssMb: byTool((t) => summarize(runs[t].map((x) => x.maxRssKb / 1024))),
            cpuS: byTool((t) => summarize(runs[t].map(controllerCpuS))),
            otherCpuS: byTool((t) => summarize(runs[t].map(otherCpuS))),
            nodeCpuS: byTool((t) => summarize(runs[t].map((x) => x.nodeCpuS))),
            k8sbmReportedExecs: perHostOverRuns(runs.k8sbm, (x) => x.reportedExecs),
            sshdSessions: sessions((c) => c.sessions),
            sshdSftp: sessions((c) => c.subsystems),
            sshdConnections: sessions((c) => c.connections),
        };
    });
}
/** The targets are set for 50 nodes: at other node counts the table says how far off they are, not "missed". */
const verdict = (met, nodes) => (nodes === TARGET_NODES ? (met ? 'met' : 'MISSED') : (met ? 'reached' : 'below'));
const s1 = (n) => n.toFixed(n < 10 ? 2 : 1);
const mmm = (s) => `${s1(s.median)} (${s1(s.min)}-${s1(s.max)})`;
const mb = (s) => `${Math.round(s.median)} (${Math.round(s.min)}-${Math.round(s.max)})`;
/** The table RESULTS.md carries for one node count. */
export function renderMarkdown(r) {
    const rows = phaseRows(r);
    const lines = [
        `### ${r.nodes} nodes, ${r.reps} repetitions (${r.startedAt.slice(0, 10)})`,
        '',
        'Wall time in seconds: median (min-max). Ratio = Ansible median / k8sbm median; CPU ratio = the same for the CPU each tool used (controller + nodes).',
        '',
        '| phase | k8sbm s | Ansible s | ratio | target at 50 nodes | CPU ratio | execs/host k8sbm (recap / sshd) | sessions/host Ansible (of which sftp) |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows.map((x) => `| ${x.phase} | ${mmm(x.wallS.k8sbm)} | ${mmm(x.wallS.ansible)} | **${x.ratio.toFixed(1)}x** | ${x.target}x ${verdict(x.met, r.nodes)} | ${x.cpuRatio.toFixed(1)}x | ${x.k8sbmReportedExecs} / ${x.sshdSessions.k8sbm} | ${x.sshdSessions.ansible} (${x.sshdSftp.ansible}) |`),
        '',
        'Peak RSS in MB, CPU in seconds (all cores): median (min-max). Controller CPU = the tool and its ssh processes; node CPU = every node\'s sshd and what it ran; other = the rest of the machine meanwhile.',
        '',
        '| phase | peak RSS k8sbm | peak RSS Ansible | controller CPU k8sbm | controller CPU Ansible | node CPU k8sbm | node CPU Ansible | other CPU k8sbm / Ansible | connections/host k8sbm / Ansible |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows.map((x) => `| ${x.phase} | ${mb(x.rssMb.k8sbm)} | ${mb(x.rssMb.ansible)} | ${mmm(x.cpuS.k8sbm)} | ${mmm(x.cpuS.ansible)} | ${mmm(x.nodeCpuS.k8sbm)} | ${mmm(x.nodeCpuS.ansible)} | ${s1(x.otherCpuS.k8sbm.median)} / ${s1(x.otherCpuS.ansible.median)} | ${x.sshdConnections.k8sbm} / ${x.sshdConnections.ansible} |`),
        '',
    ];
    const rssMax = Math.max(...rows.map((x) => x.rssMb.k8sbm.max));
    lines.push(`k8sbm peak RSS, largest of all runs: ${Math.round(rssMax)} MB (target under ${K8SBM_RSS_TARGET_MB} MB: ${rssMax < K8SBM_RSS_TARGET_MB ? 'met' : 'MISSED'}).`, '');
    return lines.join('\n');
}
//# sourceMappingURL=report.js.map