import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { labPaths, labUp } from '../src/lab/index.js';
import { runMeasured } from './measure.js';
import { markNodes, nodeUsageSince, waitForIdleNodes } from './nodes.js';
import { controlMasterCpuTicks, machineCpuTicks } from './procs.js';
import { parseAnsibleRecap, parseK8sbmRecap } from './parse.js';
import { PHASES, renderAnsibleCfg, toolArgv, toolEnv } from './tools.js';
/** A run that did not do what the benchmark relies on: the numbers would mean nothing. */
export class BenchFailure extends Error {
    runDir;
    constructor(message, runDir) {
        super(message);
        this.runDir = runDir;
    }
}
export async function benchmarkNodeCount(nodes, reps, ctx) {
    const startedAt = new Date().toISOString();
    const runs = [];
    const labUpMs = [];
    for (let rep = 1; rep <= reps; rep++) {
        // Alternating the order keeps any drift of the machine from favouring one tool.
        const order = rep % 2 === 1 ? ['k8sbm', 'ansible'] : ['ansible', 'k8sbm'];
        for (const tool of order) {
            const up = await labUp({ name: ctx.labName, dir: ctx.labDir, nodes, recreate: true, sshdLogLevel: 'VERBOSE' });
            labUpMs.push(up.elapsedMs);
            for (const phase of PHASES) {
                const run = await runPhase(tool, phase, rep, up.lab, ctx);
                runs.push(run);
                const execs = run.reportedExecs ? ` (recap ${Object.values(run.reportedExecs)[0]})` : '';
                ctx.log(`n=${nodes} rep ${rep}/${reps} ${tool.padEnd(7)} ${phase.padEnd(11)} ${(run.wallMs / 1000).toFixed(2).padStart(7)} s  changed=${run.recapTotals.changed}  sessions/host ${Object.values(run.sshd)[0]?.sessions}${execs}  rss ${Math.round(run.maxRssKb / 1024)} MB`);
            }
        }
    }
    const shown = { ...ctx.commands, inventory: labPaths(ctx.labDir).inventory, knownHosts: labPaths(ctx.labDir).knownHosts };
    return {
        scenario: 'bench/scenario/harden.yml', tasks: ctx.tasks, startedAt, finishedAt: new Date().toISOString(),
        machine: ctx.machine, versions: ctx.versions, nodes, reps,
        settings: {
            k8sbm: ['k8sbm', ...toolArgv('k8sbm', 'first-apply', shown).slice(2).map((a) => publicArg(a, ctx))],
            ansible: toolArgv('ansible', 'first-apply', shown).map((a) => publicArg(a, ctx)),
            ansibleCfg: renderAnsibleCfg({ forks: nodes, localTmp: '$TMP/home/.ansible-tmp', controlPathDir: '$TMP/RUN/cp' }),
        },
        labUpMs, runs,
    };
}
/** Paths of this machine are left out of the results file. */
function publicArg(arg, ctx) {
    return arg.replace(ctx.workDir, '$TMP').replace(ctx.scenario, 'bench/scenario/harden.yml').replace(/^\/.*\/(node|ansible-playbook|k8sbm-cli\.js)$/, '$1');
}
async function runPhase(tool, phase, rep, lab, ctx) {
    const runDir = join(ctx.workDir, 'runs', `n${lab.nodes.length}-rep${rep}-${tool}-${phase}`);
    mkdirSync(runDir, { recursive: true });
    const cfgFile = join(runDir, 'ansible.cfg');
    const controlPathDir = join(runDir, 'cp');
    if (tool === 'ansible') {
        mkdirSync(controlPathDir, { mode: 0o700 });
        writeFileSync(cfgFile, renderAnsibleCfg({ forks: lab.nodes.length, localTmp: join(ctx.home, '.ansible-tmp'), controlPathDir }));
        ctx.running.controlPathDir = controlPathDir;
    }
    const commands = { ...ctx.commands, inventory: lab.files.inventory, knownHosts: lab.files.knownHosts };
    const marks = markNodes(lab);
    const loadAvg1 = loadavg()[0] ?? 0;
    const machine0 = machineCpuTicks();
    const stdoutFile = join(runDir, 'stdout');
    const stderrFile = join(runDir, 'stderr');
    const m = await runMeasured(toolArgv(tool, phase, commands), {
        cwd: ctx.workDir, env: toolEnv(tool, ctx.home, cfgFile), stdoutFile, stderrFile, timeFile: join(runDir, 'time'),
        onRunning: (pgid) => { ctx.running.pgid = pgid; },
    });
    const sshMasterTicks = tool === 'ansible' ? controlMasterCpuTicks(controlPathDir) : 0;
    if (tool === 'ansible') {
        await closeControlMasters(controlPathDir);
        ctx.running.controlPathDir = undefined;
    }
    const idle = await waitForIdleNodes(lab);
    const usage = nodeUsageSince(marks, ctx.clockTicks, idle);
    const machineBusyS = (machineCpuTicks().busy - machine0.busy) / ctx.clockTicks;
    const fail = (why) => {
        const tail = (f) => readFileSync(f, 'utf8').trimEnd().split('\n').slice(-15).map((l) => `  | ${l}`).join('\n');
        throw new BenchFailure(`${tool} ${phase} (rep ${rep}, ${lab.nodes.length} nodes): ${why}\n  stdout (tail):\n${tail(stdoutFile)}\n  stderr (tail):\n${tail(stderrFile)}`, runDir);
    };
    if (m.code !== 0)
        fail(`exited with ${m.code ?? m.signal}`);
    const out = readFileSync(stdoutFile, 'utf8');
    let hosts;
    let reportedExecs;
    try {
        if (tool === 'k8sbm') {
            const recap = parseK8sbmRecap(out);
            hosts = recap.hosts;
            reportedExecs = recap.execs;
        }
        else {
            hosts = parseAnsibleRecap(out);
        }
    }
    catch (e) {
        return fail(e.message);
    }
    const totals = sumCounts(Object.values(hosts));
    const names = Object.keys(hosts);
    if (names.length !== lab.nodes.length)
        fail(`the recap lists ${names.length} hosts, the lab has ${lab.nodes.length}`);
    if (totals.failed > 0 || totals.unreachable > 0)
        fail(`failed=${totals.failed} unreachable=${totals.unreachable} in the recap`);
    if (phase === 'first-apply') {
        const unchanged = names.filter((h) => hosts[h].changed === 0);
        if (unchanged.length)
            fail(`nothing changed on fresh nodes ${unchanged.join(', ')}: these were not fresh`);
    }
    else if (totals.changed > 0) {
        fail(`changed=${totals.changed} on converged nodes (${names.filter((h) => hosts[h].changed > 0).join(', ')}): the scenario is not idempotent under ${tool}`);
    }
    const silent = Object.entries(usage.sessions).filter(([, c]) => c.sessions === 0).map(([h]) => h);
    if (silent.length)
        fail(`no sshd session logged on ${silent.join(', ')} (is sshd's LogLevel VERBOSE?)`);
    if (reportedExecs && names.some((h) => reportedExecs[h] === undefined))
        fail('the k8sbm recap has no execs for some hosts');
    return {
        tool, phase, rep, wallMs: m.wallMs, maxRssKb: m.maxRssKb, userS: m.userS, sysS: m.sysS, exitCode: m.code,
        recapHosts: names.length, recapTotals: totals, reportedExecs,
        sshd: usage.sessions, nodeCpuS: usage.cpuS, nodeCpuIncomplete: usage.cpuIncomplete,
        sshMasterCpuS: sshMasterTicks / ctx.clockTicks, machineBusyS, loadAvg1,
    };
}
function sumCounts(list) {
    const t = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    for (const c of list)
        for (const k of Object.keys(t))
            t[k] += c[k];
    return t;
}
/**
 * Each Ansible run gets fresh ControlMaster sockets and closes them when it ends: k8sbm pays
 * its handshakes in every run, so Ansible does too (`ssh -O exit` talks to the socket only).
 */
export async function closeControlMasters(dir) {
    let sockets;
    try {
        sockets = readdirSync(dir);
    }
    catch {
        return;
    }
    await Promise.all(sockets.map((s) => new Promise((resolve) => {
        const p = spawn('ssh', ['-F', '/dev/null', '-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'bench-node'], { stdio: 'ignore' });
        p.on('error', () => resolve());
        p.on('exit', () => resolve());
    })));
}
//# sourceMappingURL=bench.js.map