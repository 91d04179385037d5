import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { labDown } from '../src/lab/index.js';
import { type BenchContext, benchmarkNodeCount, BenchFailure, closeControlMasters } from './bench.js';
import { clockTicks, machineInfo, versions } from './environment.js';
import { managedPaths } from './files.js';
import { compiledK8sbmCli, findRepoRoot, pyinfraDeployPath, scenarioPath, sitePlaybookPath } from './paths.js';
import { renderMarkdown } from './report.js';
import { type Peer, type Tool, TOOLS, toolEnv } from './tools.js';

/**
 * k8sbm against ansible-playbook and pyinfra on lab nodes: `node dist/bench/run.js --nodes 10,50
 * --reps 3` (as root). Writes bench/results/harden-nN-STAMP.json per node count and prints the
 * tables.
 */

const USAGE = `usage: node dist/bench/run.js [--scenario harden|site] [--nodes 10,50] [--reps 3] [--tools k8sbm,ansible,pyinfra]
                              [--out DIR] [--k8sbm CLI.js] [--ansible-playbook PATH] [--pyinfra PATH] [--keep-work]
  --scenario          harden (default): bench/scenario/harden.yml, k8sbm against the peers;
                      site: the project's playbooks/site.yml on the lab (its doubles where the roles need
                      them), k8sbm alone (the peers have no such playbook)
  --nodes             node counts, comma-separated (default 10,50)
  --reps              repetitions per tool and phase (default 3)
  --tools             the tools to measure, k8sbm among them (default k8sbm,ansible,pyinfra; a peer that
                      is not installed is then left out with a warning, one named here is required)
  --out               where the results JSON goes (default bench/results of the repository)
  --k8sbm             the k8sbm CLI entry node runs (default: the one built beside this script)
  --ansible-playbook  (default: ansible-playbook on PATH)
  --pyinfra           pyinfra 3 executable (default: $K8SBM_BENCH_PYINFRA, else pyinfra on PATH)
  --keep-work         keep the temporary work directory (tool outputs of every run)`;

type Scenario = 'harden' | 'site';

interface Options {
  readonly scenario: Scenario;
  readonly nodes: number[];
  readonly reps: number;
  readonly out: string;
  readonly k8sbmCli: string;
  /** The tools to measure, k8sbm first, in the order of TOOLS. */
  readonly tools: readonly Tool[];
  readonly ansiblePlaybook: string | undefined;
  readonly pyinfra: string | undefined;
  readonly keepWork: boolean;
  /** Peers left out because they are not installed (the default tool list only). */
  readonly missing: readonly string[];
}

const INSTALL: Readonly<Record<Peer, string>> = {
  ansible: 'Debian: apt-get install ansible-core',
  pyinfra: 'pip install pyinfra==3.1.1, then put it on PATH or name it with --pyinfra or K8SBM_BENCH_PYINFRA',
};

function parseOptions(argv: readonly string[], repoRoot: string, env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string', default: 'harden' },
      nodes: { type: 'string', default: '10,50' },
      reps: { type: 'string', default: '3' },
      tools: { type: 'string' },
      out: { type: 'string' },
      k8sbm: { type: 'string' },
      'ansible-playbook': { type: 'string' },
      pyinfra: { type: 'string' },
      'keep-work': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  if (values.scenario !== 'harden' && values.scenario !== 'site') throw new UsageError(`--scenario takes harden or site, got ${values.scenario}`);
  const scenario: Scenario = values.scenario;
  const nodes = values.nodes.split(',').map((s) => Number(s.trim()));
  if (nodes.some((n) => !Number.isInteger(n) || n < 1 || n > 240)) throw new UsageError(`--nodes takes whole numbers from 1 to 240, got ${values.nodes}`);
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new UsageError(`--reps takes a whole number of at least 1, got ${values.reps}`);
  const asked = values.tools?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const unknown = asked?.filter((t) => !(TOOLS as readonly string[]).includes(t)) ?? [];
  if (unknown.length) throw new UsageError(`--tools takes ${TOOLS.join(', ')}; unknown: ${unknown.join(', ')}`);
  if (asked && !asked.includes('k8sbm')) throw new UsageError('--tools must include k8sbm: every peer is compared with it');
  if (scenario === 'site' && asked?.some((t) => t !== 'k8sbm')) throw new UsageError('--scenario site measures k8sbm alone: the peers have no version of playbooks/site.yml');
  const wanted = TOOLS.filter((t) => (scenario === 'site' ? t === 'k8sbm' : !asked || asked.includes(t)));

  // A peer named by --tools (or by its own option) must be there; the default list does without.
  const missing: string[] = [];
  const find = (peer: Peer, explicit: string | undefined, cmd: string): string | undefined => {
    if (!wanted.includes(peer)) return undefined;
    const required = asked !== undefined || explicit !== undefined;
    const path = explicit !== undefined ? executable(explicit) : which(cmd);
    if (path) return path;
    const why = explicit !== undefined ? `${explicit} is not an executable file` : `${cmd} is not on PATH`;
    if (required) throw new UsageError(`${peer}: ${why} (${INSTALL[peer]})`);
    missing.push(`${peer} (${why}; ${INSTALL[peer]})`);
    return undefined;
  };
  const ansiblePlaybook = find('ansible', values['ansible-playbook'], 'ansible-playbook');
  const pyinfra = find('pyinfra', values.pyinfra ?? (env.K8SBM_BENCH_PYINFRA || undefined), 'pyinfra');
  return {
    scenario, nodes, reps,
    out: resolve(values.out ?? join(repoRoot, 'bench', 'results')),
    k8sbmCli: resolve(values.k8sbm ?? compiledK8sbmCli()),
    tools: wanted.filter((t) => t === 'k8sbm' || (t === 'ansible' ? ansiblePlaybook : pyinfra) !== undefined),
    ansiblePlaybook, pyinfra,
    keepWork: values['keep-work'],
    missing,
  };
}

class UsageError extends Error {}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path.startsWith('/') ? path : undefined;
}

function executable(file: string): string | undefined {
  const path = resolve(file);
  try { accessSync(path, constants.X_OK); return path; } catch { return undefined; }
}

function checkPrerequisites(o: Options): void {
  if (process.getuid?.() !== 0) throw new UsageError('the benchmark brings up lab nodes (network namespaces, mounts): run it as root');
  for (const [file, pkg] of [['/usr/bin/time', 'time'], [o.k8sbmCli, 'the build (npm run build)']] as const) {
    try { accessSync(file, constants.R_OK); } catch { throw new UsageError(`${file} is missing (${pkg})`); }
  }
}

function stamp(iso: string): string {
  return iso.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

async function main(argv: readonly string[]): Promise<number> {
  const repoRoot = findRepoRoot();
  let o: Options;
  try {
    o = parseOptions(argv, repoRoot, process.env);
    checkPrerequisites(o);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(e.message ? `${e.message}\n${USAGE}\n` : `${USAGE}\n`);
    return e.message ? 2 : 0;
  }
  const scenario = o.scenario === 'site' ? sitePlaybookPath(repoRoot) : scenarioPath(repoRoot);
  const pyinfraDeploy = pyinfraDeployPath(repoRoot);
  const plays = parseYaml(readFileSync(scenario, 'utf8')) as { tasks?: unknown[]; vars?: Record<string, unknown> }[];
  for (const m of o.missing) process.stderr.write(`NOT MEASURED: ${m}\n`);
  const workDir = mkdtempSync(join(tmpdir(), 'k8sbm-bench-'));
  const home = join(workDir, 'home');
  mkdirSync(home, { mode: 0o700 });
  const ctx: BenchContext = {
    workDir, home, labName: 'bench', labDir: join(workDir, 'lab'), scenario, pyinfraDeploy,
    scenarioName: o.scenario === 'site' ? 'playbooks/site.yml' : 'bench/scenario/harden.yml',
    tasks: plays.reduce((n, p) => n + (p.tasks?.length ?? 0), 0),
    tools: o.tools,
    scenarioVars: plays[0]?.vars ?? {},
    // Every lab names its first node node01: that is the node whose files are compared (harden:
    // the same files whatever the tool; site, one tool: certificates and keys differ every run).
    managedPaths: o.scenario === 'site' ? [] : managedPaths(plays, 'node01'),
    commands: {
      node: process.execPath, k8sbmCli: o.k8sbmCli, ansiblePlaybook: o.ansiblePlaybook ?? 'ansible-playbook', pyinfra: o.pyinfra ?? 'pyinfra',
      playbook: scenario, pyinfraDeploy, inventory: '', pyinfraInventory: '', knownHosts: '', parallel: 1,
      // The tools run in the work directory: the site playbook finds the repository's roles by option.
      k8sbmExtra: o.scenario === 'site' ? ['--roles-path', join(repoRoot, 'roles')] : [],
    },
    clockTicks: clockTicks(), machine: machineInfo(),
    versions: versions(repoRoot, o.ansiblePlaybook, o.pyinfra, toolEnv('ansible', home, join(workDir, 'none.cfg'))),
    log: (line) => process.stderr.write(`${line}\n`),
    running: {},
  };
  if (o.pyinfra && !ctx.versions.pyinfra?.startsWith('3.')) {
    process.stderr.write(`${o.pyinfra} reports pyinfra ${ctx.versions.pyinfra}: the deploy and the output reader are written for pyinfra 3 (3.1.1)\n`);
    rmSync(workDir, { recursive: true, force: true });
    return 2;
  }

  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      if (ctx.running.pgid) { try { process.kill(-ctx.running.pgid, 'SIGTERM'); } catch { /* already gone */ } }
      if (ctx.running.controlPathDir) await closeControlMasters(ctx.running.controlPathDir);
      await labDown({ name: ctx.labName, dir: ctx.labDir });
    })();
    return cleaning;
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\n${sig}: stopping the running tool and removing the lab\n`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failed = false;
  try {
    mkdirSync(o.out, { recursive: true });
    ctx.log(`k8sbm ${ctx.versions.k8sbmCommit}, ansible-core ${ctx.versions.ansibleCore}, pyinfra ${ctx.versions.pyinfra}; measuring ${o.tools.join(', ')}; work directory ${workDir}`);
    for (const n of o.nodes) {
      const result = await benchmarkNodeCount(n, o.reps, ctx);
      const file = join(o.out, `${o.scenario}-n${n}-${stamp(result.startedAt)}.json`);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`${renderMarkdown(result)}\nraw measurements: ${file}\n\n`);
    }
  } catch (e) {
    failed = true;
    if (e instanceof BenchFailure) {
      process.stderr.write(`BENCHMARK FAILED: ${e.message}\n  the run's files: ${e.runDir}\n`);
    } else {
      process.stderr.write(`BENCHMARK FAILED: ${(e as Error).stack ?? String(e)}\n`);
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!failed && !o.keepWork) rmSync(workDir, { recursive: true, force: true });
    else process.stderr.write(`work directory kept: ${workDir}\n`);
    for (const m of o.missing) process.stderr.write(`NOT MEASURED: ${m}\n`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
