import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './environment.js';
import { summarize, type Summary } from './stats.js';

/**
 * How long k8sbm takes to start: `node -e 0` (the floor: Node itself), `k8sbm --version`, and a
 * one-task run on the workstation itself (`ansible_connection: local`: one copy task into a
 * temporary folder), each the median of --reps runs, wall time and CPU (user + system) of the
 * process. `node dist/bench/startup.js [--reps 15] [--k8sbm bin/k8sbm.js]`; prints a table and
 * writes nothing but its temporary folder, which it removes.
 */

interface Sample { readonly wallMs: number; readonly cpuMs: number }

function timeOnce(argv: readonly string[], cwd: string): Sample {
  // /usr/bin/time would add its own start-up; Node's spawnSync times the child alone, and
  // resourceUsage of the child is not exposed, so the child reports its own CPU at exit.
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', CPU_REPORTER, ...argv], { cwd, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const cpu = /K8SBM_BENCH_CPU_MS=(\d+(?:\.\d+)?)/.exec(r.stderr);
  if (!cpu) throw new Error(`${argv.join(' ')}: no CPU report on stderr`);
  return { wallMs, cpuMs: Number(cpu[1]) };
}

/** A module loaded first in every measured process: it prints the process's CPU when it exits. */
let CPU_REPORTER = '';

function main(): number {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
  };
  const reps = Number(opt('--reps', '15'));
  if (!Number.isInteger(reps) || reps < 3) {
    process.stderr.write('--reps must be an integer of at least 3\n');
    return 2;
  }
  const cli = resolve(opt('--k8sbm', fileURLToPath(new URL('../../bin/k8sbm.js', import.meta.url))));
  const dir = mkdtempSync(join(tmpdir(), 'k8sbm-startup-'));
  try {
    CPU_REPORTER = join(dir, 'cpu.mjs');
    writeFileSync(CPU_REPORTER, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\nK8SBM_BENCH_CPU_MS=${(u.user + u.system) / 1000}\\n`); });\n");
    writeFileSync(join(dir, 'inventory.yml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
    writeFileSync(join(dir, 'one.yml'), [
      '- hosts: all', '  gather_facts: false', '  tasks:', '    - name: one file', '      copy:',
      `        dest: ${JSON.stringify(join(dir, 'out.txt'))}`, '        content: "hello\\n"', '',
    ].join('\n'));
    const cases: [string, string[]][] = [
      ['node -e 0 (the floor)', ['-e', '0']],
      ['k8sbm --version', [cli, '--version']],
      ['k8sbm run (one local task)', [cli, 'run', '-i', 'inventory.yml', 'one.yml']],
    ];
    // One warm-up of each (the file cache), then the cases interleaved, so a change of load
    // during the measurement touches them alike.
    for (const [, argv] of cases) timeOnce(argv, dir);
    const samples = cases.map((): Sample[] => []);
    for (let r = 0; r < reps; r++) cases.forEach(([, argv], i) => samples[i]!.push(timeOnce(argv, dir)));
    const m = machineInfo();
    const fmt = (s: Summary): string => `${s.median.toFixed(0)} (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
    const lines = [
      `k8sbm start-up, ${reps} runs each, interleaved; ${m.nproc} CPUs (${m.cpuModel}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}`,
      '',
      '| command | wall ms | CPU ms |',
      '| --- | --- | --- |',
      ...cases.map(([name], i) => `| ${name} | ${fmt(summarize(samples[i]!.map((s) => s.wallMs)))} | ${fmt(summarize(samples[i]!.map((s) => s.cpuMs)))} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
