import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type Lab, labPaths, labUp, nodeRootPath } from '../src/lab/index.js';
import { type MachineInfo, type Versions } from './environment.js';
import { diffSnapshots, type FileSnapshot, snapshotDigest, snapshotFiles } from './files.js';
import { runMeasured } from './measure.js';
import { markNodes, nodeUsageSince, waitForIdleNodes } from './nodes.js';
import { controlMasterCpuTicks, machineCpuTicks } from './procs.js';
import { parseAnsibleRecap, parseK8sbmRecap, parsePyinfraOutput, type RecapCounts } from './parse.js';
import type { BenchResult, PhaseRun } from './results.js';
import { type CommandInputs, PHASES, type Phase, renderAnsibleCfg, renderPyinfraInventory, type Tool, toolArgv, toolEnv } from './tools.js';

/** One node count: fresh lab per tool and repetition, then the three phases back to back. */

export interface BenchContext {
  readonly workDir: string;
  readonly labName: string;
  readonly labDir: string;
  readonly home: string;
  readonly commands: CommandInputs;
  readonly clockTicks: number;
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly scenario: string;
  /** The scenario as the results name it (a path in the repository). */
  readonly scenarioName: string;
  /** The same scenario as a pyinfra deploy. */
  readonly pyinfraDeploy: string;
  readonly tasks: number;
  /** The tools to measure, k8sbm first. */
  readonly tools: readonly Tool[];
  /** The scenario's play variables (pyinfra gets them as host data). */
  readonly scenarioVars: Readonly<Record<string, unknown>>;
  /** What the scenario manages on the first node (files.ts), compared across tools after the first apply. */
  readonly managedPaths: readonly string[];
  readonly log: (line: string) => void;
  /** The process group running now (the runner stops it on Ctrl-C). */
  readonly running: { pgid?: number | undefined; controlPathDir?: string | undefined };
}

/** A run that did not do what the benchmark relies on: the numbers would mean nothing. */
export class BenchFailure extends Error {
  constructor(message: string, readonly runDir: string) { super(message); }
}

export async function benchmarkNodeCount(nodes: number, reps: number, ctx: BenchContext): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const runs: PhaseRun[] = [];
  const labUpMs: number[] = [];
  // What the first first-apply left on its first node: every later one must leave the same.
  let reference: { tool: Tool; rep: number; files: FileSnapshot } | undefined;
  for (let rep = 1; rep <= reps; rep++) {
    // Alternating the order keeps any drift of the machine from favouring one tool.
    const order: Tool[] = rep % 2 === 1 ? [...ctx.tools] : [...ctx.tools].reverse();
    for (const tool of order) {
      const up = await labUp({ name: ctx.labName, dir: ctx.labDir, nodes, recreate: true, sshdLogLevel: 'VERBOSE' });
      labUpMs.push(up.elapsedMs);
      for (const phase of PHASES) {
        let run = await runPhase(tool, phase, rep, up.lab, ctx);
        if (phase === 'first-apply' && ctx.managedPaths.length > 0) {
          // The same files byte for byte, with the same modes and owners, whichever tool wrote them.
          const node = up.lab.nodes[0]!;
          const files = snapshotFiles(nodeRootPath(up.lab, node), ctx.managedPaths);
          run = { ...run, managedFilesSha256: snapshotDigest(files) };
          reference ??= { tool, rep, files };
          const diff = diffSnapshots(reference.files, files, `${reference.tool} rep ${reference.rep}`, `${tool} rep ${rep}`);
          if (diff.length) {
            const shown = diff.slice(0, 20).map((d) => `  ${d}`).join('\n');
            throw new BenchFailure(`${tool} first-apply (rep ${rep}, ${nodes} nodes) left ${node.name} different from ${reference.tool}'s first apply (rep ${reference.rep}) in ${diff.length} managed path(s):\n${shown}${diff.length > 20 ? '\n  ...' : ''}\nThe tools must leave the same files for their times to compare: check this tool's version of the scenario.`, runDirOf(ctx, nodes, rep, tool, phase));
          }
        }
        runs.push(run);
        const execs = run.reportedExecs ? ` (recap ${Object.values(run.reportedExecs)[0]})` : '';
        ctx.log(`n=${nodes} rep ${rep}/${reps} ${tool.padEnd(7)} ${phase.padEnd(11)} ${(run.wallMs / 1000).toFixed(2).padStart(7)} s  changed=${run.recapTotals.changed}  sessions/host ${Object.values(run.sshd)[0]?.sessions}${execs}  rss ${Math.round(run.maxRssKb / 1024)} MB`);
      }
    }
  }
  const shown = { ...ctx.commands, inventory: labPaths(ctx.labDir).inventory, knownHosts: labPaths(ctx.labDir).knownHosts, pyinfraInventory: '$TMP/RUN/inventory.py', parallel: nodes };
  const has = (t: Tool): boolean => ctx.tools.includes(t);
  return {
    scenario: ctx.scenarioName, tasks: ctx.tasks, startedAt, finishedAt: new Date().toISOString(),
    machine: ctx.machine, versions: ctx.versions, nodes, reps, tools: ctx.tools,
    settings: {
      k8sbm: ['k8sbm', ...toolArgv('k8sbm', 'first-apply', shown).slice(2).map((a) => publicArg(a, ctx))],
      ansible: has('ansible') ? toolArgv('ansible', 'first-apply', shown).map((a) => publicArg(a, ctx)) : undefined,
      ansibleCfg: has('ansible') ? renderAnsibleCfg({ forks: nodes, localTmp: '$TMP/home/.ansible-tmp', controlPathDir: '$TMP/RUN/cp' }) : undefined,
      pyinfra: has('pyinfra') ? (['first-apply', 'check-diff'] as const).map((p) => toolArgv('pyinfra', p, shown).map((a) => publicArg(a, ctx)).join(' ')) : undefined,
    },
    labUpMs, runs,
  };
}

/** Paths of this machine are left out of the results file. */
function publicArg(arg: string, ctx: BenchContext): string {
  return arg.replace(ctx.workDir, '$TMP').replace(ctx.scenario, ctx.scenarioName).replace(/^\/.*\/roles$/, 'roles').replace(ctx.pyinfraDeploy, 'bench/scenario/harden_pyinfra.py')
    .replace(/^\/.*\/(node|ansible-playbook|pyinfra)$/, '$1').replace(/^\/.*\/bin\/k8sbm\.js$/, 'bin/k8sbm.js');
}

function runDirOf(ctx: BenchContext, nodes: number, rep: number, tool: Tool, phase: Phase): string {
  return join(ctx.workDir, 'runs', `n${nodes}-rep${rep}-${tool}-${phase}`);
}

async function runPhase(tool: Tool, phase: Phase, rep: number, lab: Lab, ctx: BenchContext): Promise<PhaseRun> {
  const runDir = runDirOf(ctx, lab.nodes.length, rep, tool, phase);
  mkdirSync(runDir, { recursive: true });
  const pyinfraInventory = join(runDir, 'inventory.py');
  if (tool === 'pyinfra') {
    writeFileSync(pyinfraInventory, renderPyinfraInventory(lab.nodes, { key: lab.files.key, knownHosts: lab.files.knownHosts, vars: ctx.scenarioVars }));
  }
  const cfgFile = join(runDir, 'ansible.cfg');
  const controlPathDir = join(runDir, 'cp');
  if (tool === 'ansible') {
    mkdirSync(controlPathDir, { mode: 0o700 });
    writeFileSync(cfgFile, renderAnsibleCfg({ forks: lab.nodes.length, localTmp: join(ctx.home, '.ansible-tmp'), controlPathDir }));
    ctx.running.controlPathDir = controlPathDir;
  }
  const commands = { ...ctx.commands, inventory: lab.files.inventory, knownHosts: lab.files.knownHosts, pyinfraInventory, parallel: lab.nodes.length };
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

  const fail = (why: string): never => {
    const tail = (f: string): string => readFileSync(f, 'utf8').trimEnd().split('\n').slice(-15).map((l) => `  | ${l}`).join('\n');
    throw new BenchFailure(`${tool} ${phase} (rep ${rep}, ${lab.nodes.length} nodes): ${why}\n  stdout (tail):\n${tail(stdoutFile)}\n  stderr (tail):\n${tail(stderrFile)}`, runDir);
  };
  if (m.code !== 0) fail(`exited with ${m.code ?? m.signal}`);
  const out = readFileSync(stdoutFile, 'utf8');
  let hosts: Readonly<Record<string, RecapCounts>>;
  let reportedExecs: Readonly<Record<string, number>> | undefined;
  // pyinfra's tables can count changes and errors without naming the host (see parsePyinfraOutput).
  let unattributed = { changes: 0, errors: 0 };
  let pyinfraMode: 'run' | 'dry' | undefined;
  try {
    if (tool === 'k8sbm') {
      const recap = parseK8sbmRecap(out);
      hosts = recap.hosts;
      reportedExecs = recap.execs;
    } else if (tool === 'ansible') {
      hosts = parseAnsibleRecap(out);
    } else {
      // pyinfra logs everything to stderr.
      const recap = parsePyinfraOutput(`${out}\n${readFileSync(stderrFile, 'utf8')}`);
      pyinfraMode = recap.mode;
      hosts = recap.hosts;
      unattributed = { changes: recap.unattributedChanges, errors: recap.unattributedErrors };
    }
  } catch (e) {
    return fail((e as Error).message);
  }
  if (pyinfraMode && pyinfraMode !== (phase === 'check-diff' ? 'dry' : 'run')) fail(`pyinfra did a ${pyinfraMode} run in phase ${phase}`);
  const counted = sumCounts(Object.values(hosts));
  const totals = { ...counted, changed: counted.changed + unattributed.changes, failed: counted.failed + unattributed.errors };
  const names = Object.keys(hosts);
  if (names.length !== lab.nodes.length) fail(`the recap lists ${names.length} hosts, the lab has ${lab.nodes.length}`);
  if (totals.failed > 0 || totals.unreachable > 0) fail(`failed=${totals.failed} unreachable=${totals.unreachable} in the recap`);
  if (phase === 'first-apply') {
    const unchanged = names.filter((h) => hosts[h]!.changed === 0);
    if (unchanged.length) fail(`nothing changed on fresh nodes ${unchanged.join(', ')}: these were not fresh`);
  } else if (totals.changed > 0) {
    const where = names.filter((h) => hosts[h]!.changed > 0);
    fail(`changed=${totals.changed} on converged nodes (${where.length ? where.join(', ') : 'hosts not named in the output'}): the scenario is not idempotent under ${tool}`);
  }
  const silent = Object.entries(usage.sessions).filter(([, c]) => c.sessions === 0).map(([h]) => h);
  if (silent.length) fail(`no sshd session logged on ${silent.join(', ')} (is sshd's LogLevel VERBOSE?)`);
  if (reportedExecs && names.some((h) => reportedExecs[h] === undefined)) fail('the k8sbm recap has no execs for some hosts');

  return {
    tool, phase, rep, wallMs: m.wallMs, maxRssKb: m.maxRssKb, userS: m.userS, sysS: m.sysS, exitCode: m.code,
    recapHosts: names.length, recapTotals: totals, reportedExecs,
    sshd: usage.sessions, nodeCpuS: usage.cpuS, nodeCpuIncomplete: usage.cpuIncomplete,
    sshMasterCpuS: sshMasterTicks / ctx.clockTicks, machineBusyS, loadAvg1,
  };
}

function sumCounts(list: readonly RecapCounts[]): RecapCounts {
  const t = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
  for (const c of list) for (const k of Object.keys(t) as (keyof RecapCounts)[]) t[k] += c[k];
  return t;
}

/**
 * Each Ansible run gets fresh ControlMaster sockets and closes them when it ends: k8sbm pays
 * its handshakes in every run, so Ansible does too (`ssh -O exit` talks to the socket only).
 */
export async function closeControlMasters(dir: string): Promise<void> {
  let sockets: string[];
  try { sockets = readdirSync(dir); } catch { return; }
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => {
    const p = spawn('ssh', ['-F', '/dev/null', '-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'bench-node'], { stdio: 'ignore' });
    p.on('error', () => resolve());
    p.on('exit', () => resolve());
  })));
}
