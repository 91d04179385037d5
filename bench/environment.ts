import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

/** The machine and the versions a result was measured with, as the results file records them. */

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryMb: number;
  readonly kernel: string;
}

export interface Versions {
  readonly node: string;
  readonly k8sbmCommit: string;
  /** "absent" when Ansible was not measured. */
  readonly ansibleCore: string;
  /** pyinfra's version ("3.1.1"), absent in files written before it was measured. */
  readonly pyinfra?: string | undefined;
  readonly openssh: string;
  readonly python: string;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return { nproc: c.length, cpuModel: c[0]?.model.trim() ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), kernel: release() };
}

function firstLine(argv: readonly string[], env?: Record<string, string>): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: env ?? process.env });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return r.status === 0 && text ? text.split('\n')[0]!.trim() : 'unknown';
}

/** `ansible-playbook [core 2.14.18]` -> `2.14.18` */
export function parseAnsibleCoreVersion(line: string): string {
  return /\[core ([^\]]+)\]/.exec(line)?.[1] ?? line;
}

/** `pyinfra: v3.1.1` -> `3.1.1` */
export function parsePyinfraVersion(line: string): string {
  return /^pyinfra: v?(\S+)/.exec(line)?.[1] ?? line;
}

/**
 * `env`: the clean environment the tools run in (Ansible reads no configuration of the machine).
 * A peer that is not measured (undefined) is recorded as "absent".
 */
export function versions(repoRoot: string, ansiblePlaybook: string | undefined, pyinfra: string | undefined, env: Record<string, string>): Versions {
  const commit = firstLine(['git', '-C', repoRoot, 'rev-parse', '--short=12', 'HEAD']);
  // --no-optional-locks: reading the status must not rewrite the index.
  const dirty = spawnSync('git', ['--no-optional-locks', '-C', repoRoot, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout?.trim();
  return {
    node: process.version,
    k8sbmCommit: dirty ? `${commit} (with uncommitted changes)` : commit,
    ansibleCore: ansiblePlaybook ? parseAnsibleCoreVersion(firstLine([ansiblePlaybook, '--version'], env)) : 'absent',
    pyinfra: pyinfra ? parsePyinfraVersion(firstLine([pyinfra, '--version'], env)) : 'absent',
    openssh: firstLine(['ssh', '-V'], env),
    python: firstLine(['/usr/bin/python3', '--version']),
  };
}

/** Clock ticks per second of /proc/PID/stat's CPU fields. */
export function clockTicks(): number {
  const n = Number(firstLine(['getconf', 'CLK_TCK']));
  return Number.isFinite(n) && n > 0 ? n : 100;
}
