import { ConnectionPool } from './play-env.js';
import { listPlayTasks } from './listing.js';
import { playHostsFor, runPlay } from './play.js';
/** Tasks x hosts the run expects, for progress (dynamic includes count as one task). */
function estimateTasks(playbook, opts) {
    let n = 0;
    for (const play of playbook.plays) {
        try {
            const hosts = playHostsFor(opts.inventory, play, opts.extraVars, opts.limit).hosts.length;
            n += (listPlayTasks(play, opts.tags).length + (play.gatherFacts ? 1 : 0)) * hosts;
        }
        catch { /* a templated pattern that cannot be resolved yet: no estimate for that play */ }
    }
    return n;
}
export async function runPlaybook(playbook, opts) {
    const now = opts.now ?? (() => performance.now());
    const started = now();
    const durations = new Map();
    const failures = [];
    const rc = {
        opts,
        playbookDir: playbook.dir,
        hosts: new Map(),
        connections: new ConnectionPool(opts.connect),
        emit: opts.emit,
        now,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        startAt: { value: opts.startAtTask },
        secrets: opts.secrets ?? new Set(),
        recordDuration(task, loc, ms) {
            const k = `${loc.file}:${loc.line}:${task}`;
            const e = durations.get(k);
            if (e)
                e.durationMs += ms;
            else
                durations.set(k, { task, file: loc.file, line: loc.line, durationMs: ms });
        },
        recordFailure(host, task, loc, msg) { failures.push({ host, task, file: loc.file, line: loc.line, msg }); },
        forgetFailures(hosts) {
            for (let i = failures.length - 1; i >= 0; i--)
                if (hosts.includes(failures[i].host))
                    failures.splice(i, 1);
        },
    };
    opts.emit({ event: 'run_start', playbook: playbook.file, check: opts.check, diff: opts.diff, plannedTasks: estimateTasks(playbook, opts) });
    let execCounts = {};
    try {
        for (const play of playbook.plays) {
            const { aborted } = await runPlay(rc, play);
            if (aborted || opts.signal?.aborted)
                break;
        }
    }
    finally {
        execCounts = await rc.connections.execCounts();
        await rc.connections.closeAll();
    }
    const hosts = {};
    for (const [name, h] of rc.hosts)
        hosts[name] = { ...h.counts };
    const recap = {
        event: 'recap', hosts, failures,
        slowest: [...durations.values()].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5),
        durationMs: now() - started,
        check: opts.check,
        execs: execCounts,
    };
    opts.emit(recap);
    const anyFailed = Object.values(hosts).some((c) => c.failed > 0 || c.unreachable > 0);
    const changed = Object.values(hosts).some((c) => c.changed > 0);
    const exitCode = anyFailed || opts.signal?.aborted ? 1 : opts.detailedExitCode && changed ? 2 : 0;
    return { recap, exitCode, changed, execCounts };
}
//# sourceMappingURL=run.js.map