import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { labDown } from '../src/lab/index.js';
import { benchmarkNodeCount, BenchFailure, closeControlMasters } from './bench.js';
import { clockTicks, machineInfo, versions } from './environment.js';
import { compiledK8sbmCli, findRepoRoot, scenarioPath } from './paths.js';
import { renderMarkdown } from './report.js';
import { toolEnv } from './tools.js';
/**
 * k8sbm against ansible-playbook on lab nodes: `node dist/bench/run.js --nodes 10,50 --reps 3`
 * (as root). Writes bench/results/harden-nN-STAMP.json per node count and prints the tables.
 */
const USAGE = `usage: node dist/bench/run.js [--nodes 10,50] [--reps 3] [--out DIR] [--k8sbm CLI.js] [--ansible-playbook PATH]
  --nodes             node counts, comma-separated (default 10,50)
  --reps              repetitions per tool and phase (default 3)
  --out               where the results JSON goes (default bench/results of the repository)
  --k8sbm             the k8sbm CLI entry node runs (default: the one built beside this script)
  --ansible-playbook  (default: ansible-playbook on PATH)
  --keep-work         keep the temporary work directory (tool outputs of every run)`;
function parseOptions(argv, repoRoot) {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            nodes: { type: 'string', default: '10,50' },
            reps: { type: 'string', default: '3' },
            out: { type: 'string' },
            k8sbm: { type: 'string' },
            'ansible-playbook': { type: 'string' },
            'keep-work': { type: 'boolean', default: false },
            help: { type: 'boolean', default: false },
        },
        strict: true,
    });
    if (values.help)
        throw new UsageError('');
    const nodes = values.nodes.split(',').map((s) => Number(s.trim()));
    if (nodes.some((n) => !Number.isInteger(n) || n < 1 || n > 240))
        throw new UsageError(`--nodes takes whole numbers from 1 to 240, got ${values.nodes}`);
    const reps = Number(values.reps);
    if (!Number.isInteger(reps) || reps < 1)
        throw new UsageError(`--reps takes a whole number of at least 1, got ${values.reps}`);
    return {
        nodes, reps,
        out: resolve(values.out ?? join(repoRoot, 'bench', 'results')),
        k8sbmCli: resolve(values.k8sbm ?? compiledK8sbmCli()),
        ansiblePlaybook: values['ansible-playbook'] ?? whichOrFail('ansible-playbook', 'ansible-core'),
        keepWork: values['keep-work'],
    };
}
class UsageError extends Error {
}
function whichOrFail(cmd, pkg) {
    const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' });
    const path = r.stdout.trim();
    if (r.status !== 0 || !path)
        throw new UsageError(`${cmd} is not installed (Debian: apt-get install ${pkg})`);
    return path;
}
function checkPrerequisites(o) {
    if (process.getuid?.() !== 0)
        throw new UsageError('the benchmark brings up lab nodes (network namespaces, mounts): run it as root');
    for (const [file, pkg] of [['/usr/bin/time', 'time'], [o.k8sbmCli, 'the build (npx tsc -p tsconfig.json)']]) {
        try {
            accessSync(file, constants.R_OK);
        }
        catch {
            throw new UsageError(`${file} is missing (${pkg})`);
        }
    }
}
function stamp(iso) {
    return iso.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}
async function main(argv) {
    const repoRoot = findRepoRoot();
    let o;
    try {
        o = parseOptions(argv, repoRoot);
        checkPrerequisites(o);
    }
    catch (e) {
        if (!(e instanceof UsageError))
            throw e;
        process.stderr.write(e.message ? `${e.message}\n${USAGE}\n` : `${USAGE}\n`);
        return e.message ? 2 : 0;
    }
    const scenario = scenarioPath(repoRoot);
    const plays = parseYaml(readFileSync(scenario, 'utf8'));
    const workDir = mkdtempSync(join(tmpdir(), 'k8sbm-bench-'));
    const home = join(workDir, 'home');
    mkdirSync(home, { mode: 0o700 });
    const ctx = {
        workDir, home, labName: 'bench', labDir: join(workDir, 'lab'), scenario,
        tasks: plays.reduce((n, p) => n + (p.tasks?.length ?? 0), 0),
        commands: { node: process.execPath, k8sbmCli: o.k8sbmCli, ansiblePlaybook: o.ansiblePlaybook, playbook: scenario, inventory: '', knownHosts: '' },
        clockTicks: clockTicks(), machine: machineInfo(),
        versions: versions(repoRoot, o.ansiblePlaybook, toolEnv('ansible', home, join(workDir, 'none.cfg'))),
        log: (line) => process.stderr.write(`${line}\n`),
        running: {},
    };
    let cleaning;
    const cleanup = () => {
        cleaning ??= (async () => {
            if (ctx.running.pgid) {
                try {
                    process.kill(-ctx.running.pgid, 'SIGTERM');
                }
                catch { /* already gone */ }
            }
            if (ctx.running.controlPathDir)
                await closeControlMasters(ctx.running.controlPathDir);
            await labDown({ name: ctx.labName, dir: ctx.labDir });
        })();
        return cleaning;
    };
    const onSignal = (sig) => {
        process.stderr.write(`\n${sig}: stopping the running tool and removing the lab\n`);
        void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let failed = false;
    try {
        mkdirSync(o.out, { recursive: true });
        ctx.log(`k8sbm ${ctx.versions.k8sbmCommit}, ansible-core ${ctx.versions.ansibleCore}; work directory ${workDir}`);
        for (const n of o.nodes) {
            const result = await benchmarkNodeCount(n, o.reps, ctx);
            const file = join(o.out, `harden-n${n}-${stamp(result.startedAt)}.json`);
            writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
            process.stdout.write(`${renderMarkdown(result)}\nraw measurements: ${file}\n\n`);
        }
    }
    catch (e) {
        failed = true;
        if (e instanceof BenchFailure) {
            process.stderr.write(`BENCHMARK FAILED: ${e.message}\n  the run's files: ${e.runDir}\n`);
        }
        else {
            process.stderr.write(`BENCHMARK FAILED: ${e.stack ?? String(e)}\n`);
        }
    }
    finally {
        await cleanup();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (!failed && !o.keepWork)
            rmSync(workDir, { recursive: true, force: true });
        else
            process.stderr.write(`work directory kept: ${workDir}\n`);
    }
    return failed ? 1 : 0;
}
main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${e.stack ?? String(e)}\n`);
    process.exitCode = 1;
});
//# sourceMappingURL=run.js.map