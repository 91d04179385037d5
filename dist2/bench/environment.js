import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
export function machineInfo() {
    const c = cpus();
    return { nproc: c.length, cpuModel: c[0]?.model.trim() ?? 'unknown', memoryMb: Math.round(totalmem() / 2 ** 20), kernel: release() };
}
function firstLine(argv, env) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: env ?? process.env });
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    return r.status === 0 && text ? text.split('\n')[0].trim() : 'unknown';
}
/** `ansible-playbook [core 2.14.18]` -> `2.14.18` */
export function parseAnsibleCoreVersion(line) {
    return /\[core ([^\]]+)\]/.exec(line)?.[1] ?? line;
}
/** `env`: the clean environment the tools run in (Ansible reads no configuration of the machine). */
export function versions(repoRoot, ansiblePlaybook, env) {
    const commit = firstLine(['git', '-C', repoRoot, 'rev-parse', '--short=12', 'HEAD']);
    // --no-optional-locks: reading the status must not rewrite the index.
    const dirty = spawnSync('git', ['--no-optional-locks', '-C', repoRoot, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout?.trim();
    return {
        node: process.version,
        k8sbmCommit: dirty ? `${commit} (with uncommitted changes)` : commit,
        ansibleCore: parseAnsibleCoreVersion(firstLine([ansiblePlaybook, '--version'], env)),
        openssh: firstLine(['ssh', '-V'], env),
        python: firstLine(['/usr/bin/python3', '--version']),
    };
}
/** Clock ticks per second of /proc/PID/stat's CPU fields. */
export function clockTicks() {
    const n = Number(firstLine(['getconf', 'CLK_TCK']));
    return Number.isFinite(n) && n > 0 ? n : 100;
}
//# sourceMappingURL=environment.js.map