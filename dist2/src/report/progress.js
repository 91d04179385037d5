import ora from 'ora';
/**
 * Counts host x task results against the run's plan and knows which hosts are still working,
 * for the spinner line. Pure bookkeeping: no I/O.
 */
export class ProgressTracker {
    #planned = 0;
    #done = 0;
    #current = '';
    /** Task runs still waiting for some hosts; a free strategy can have several at once. */
    #running = [];
    runStart(e) {
        this.#planned = e.plannedTasks;
    }
    playStart() {
        this.#running = [];
    }
    taskStart(e) {
        this.#current = e.task;
        if (e.hosts.length > 0)
            this.#running.push({ key: taskKey(e), task: e.task, pending: new Set(e.hosts) });
    }
    taskResult(e) {
        const key = taskKey(e);
        // Newest run first: a task included twice must not steal results from the later run.
        for (let i = this.#running.length - 1; i >= 0; i--) {
            const run = this.#running[i];
            if (run.key !== key || !run.pending.has(e.host))
                continue;
            run.pending.delete(e.host);
            this.#done++;
            if (run.pending.size === 0)
                this.#running.splice(i, 1);
            return;
        }
    }
    get done() { return this.#done; }
    get planned() { return this.#planned; }
    hostsInFlight() {
        const hosts = new Set();
        for (const run of this.#running)
            for (const h of run.pending)
                hosts.add(h);
        return [...hosts];
    }
    /** One line, at most `width` characters: "[12/40] TASK install packages · node1, node2 +3". */
    text(width) {
        const count = this.#planned > 0 ? `${Math.min(this.#done, this.#planned)}/${this.#planned}` : String(this.#done);
        const hosts = this.hostsInFlight();
        let line = `[${count}] ${this.#current}`;
        if (hosts.length > 0) {
            const shown = hosts.slice(0, 3).join(', ');
            line += ` · ${hosts.length} in flight: ${shown}${hosts.length > 3 ? ` +${hosts.length - 3}` : ''}`;
        }
        return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
    }
}
function taskKey(e) {
    return `${e.file}:${e.line}:${e.task}`;
}
/** A spinner on `out`; ora is only created on the first update, so construction does no I/O. */
export function createOraSpinner(out, color) {
    let spinner;
    let stopped = false;
    return {
        update(text) {
            if (stopped)
                return;
            if (spinner === undefined) {
                // A terminal that reports no width (some pseudo-terminals) makes ora's line count
                // infinite and it would erase the screen forever: no spinner there.
                const columns = out.columns;
                if (typeof columns !== 'number' || columns <= 0) {
                    stopped = true;
                    return;
                }
                // discardStdin off: become/ssh prompts may need stdin while the spinner runs.
                spinner = ora({ stream: out, discardStdin: false, color: color ? 'cyan' : false });
                spinner.start();
            }
            spinner.text = text;
        },
        clear() {
            if (spinner?.isSpinning)
                spinner.clear();
        },
        redraw() {
            if (spinner?.isSpinning)
                spinner.render();
        },
        stop() {
            stopped = true;
            spinner?.stop();
            spinner = undefined;
        },
    };
}
//# sourceMappingURL=progress.js.map