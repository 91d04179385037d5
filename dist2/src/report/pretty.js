import { assertNever } from '../util/assert-never.js';
import { createChalk } from './color.js';
import { diffLines, paintDiffLine } from './diff.js';
import { banner, formatDuration, formatPlace, streamWidth } from './format.js';
import { createOraSpinner, ProgressTracker } from './progress.js';
import { renderRecap } from './recap.js';
/** Human output shaped like Ansible's: PLAY/TASK banners, one line per host, a recap. */
export function createPrettyReporter(opts) {
    const chalk = createChalk(opts.color);
    const width = streamWidth(opts.out);
    const progress = new ProgressTracker();
    const spinner = opts.spinner ? createOraSpinner(opts.out, opts.color) : undefined;
    /** The task whose banner is on screen: a result for another task repeats its banner. */
    let bannerKey;
    const handlerTasks = new Set();
    // Every line goes through here so the spinner is erased first and never splits a line.
    const print = (lines) => {
        if (lines.length === 0)
            return;
        spinner?.clear();
        opts.out.write(`${lines.join('\n')}\n`);
        spinner?.redraw();
    };
    const refreshSpinner = () => spinner?.update(progress.text(width - 2));
    const taskBanner = (e, handler) => {
        const lines = ['', banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`, width)];
        if (opts.verbosity >= 2)
            lines.push(chalk.dim(`task path: ${formatPlace(e.file, e.line)}`));
        return lines;
    };
    const onTaskStart = (e) => {
        const key = taskKey(e);
        if (e.handler)
            handlerTasks.add(key);
        bannerKey = key;
        // Progress first, so the spinner redrawn after the lines already shows the new state.
        progress.taskStart(e);
        refreshSpinner();
        print(taskBanner(e, e.handler));
    };
    const onTaskResult = (e) => {
        const key = taskKey(e);
        const lines = [];
        if (bannerKey !== key) {
            bannerKey = key;
            lines.push(...taskBanner(e, handlerTasks.has(key)));
        }
        lines.push(...resultLines(e, chalk, opts));
        if (opts.diff && e.diff)
            for (const d of e.diff)
                lines.push(...diffLines(d).map((l) => paintDiffLine(l, chalk)));
        progress.taskResult(e);
        refreshSpinner();
        print(lines);
    };
    return {
        onEvent(e) {
            switch (e.event) {
                case 'run_start':
                    progress.runStart(e);
                    if (opts.verbosity >= 1 && opts.playbookLine !== false)
                        print([`PLAYBOOK: ${e.playbook}${e.check ? ' (check mode)' : ''}`]);
                    return;
                case 'play_start':
                    bannerKey = undefined;
                    progress.playStart();
                    print(['', banner(`PLAY [${e.play}]`, width), ...(e.hosts.length === 0 ? [chalk.cyan('skipping: no hosts matched')] : [])]);
                    return;
                case 'task_start':
                    onTaskStart(e);
                    return;
                case 'task_result':
                    onTaskResult(e);
                    return;
                case 'warning':
                    print(warningLines(e, chalk));
                    return;
                case 'recap':
                    spinner?.stop();
                    print(renderRecap(opts.check && !e.check ? { ...e, check: true } : e, chalk, width));
                    return;
                default:
                    assertNever(e, 'run event');
            }
        },
        async close() {
            spinner?.stop();
        },
    };
}
function taskKey(e) {
    return `${e.file}:${e.line}:${e.task}`;
}
const STATUS_WORDS = {
    ok: 'ok',
    changed: 'changed',
    failed: 'failed',
    skipped: 'skipped',
    unreachable: 'unreachable',
};
function statusPaint(status, chalk) {
    switch (status) {
        case 'ok': return chalk.green;
        case 'changed': return chalk.yellow;
        case 'failed': return chalk.red;
        case 'skipped': return chalk.cyan;
        case 'unreachable': return chalk.red.bold;
        default: return assertNever(status, 'task status');
    }
}
/** Whether the message is worth a line at this verbosity: no-op and skip reasons need -v. */
function showsMessage(status, verbosity) {
    switch (status) {
        case 'ok':
        case 'skipped':
            return verbosity >= 1;
        case 'changed':
        case 'failed':
        case 'unreachable':
            return true;
        default:
            return assertNever(status, 'task status');
    }
}
/** `changed: [node1] (item=eth0) => set mtu to 9000`, then failure details, indented. */
export function resultLines(e, chalk, opts) {
    const paint = statusPaint(e.status, chalk);
    let head = `${STATUS_WORDS[e.status]}: [${e.host}]`;
    if (e.item !== undefined)
        head += ` (item=${e.item})`;
    const msg = showsMessage(e.status, opts.verbosity) ? e.msg.split('\n') : [];
    if (msg.length > 0 && msg[0] !== '')
        head += ` => ${msg[0]}`;
    if (opts.verbosity >= 2)
        head += ` (${formatDuration(e.durationMs)}${e.execs !== undefined ? `, ${e.execs} exec${e.execs === 1 ? '' : 's'}` : ''})`;
    const lines = [paint(head)];
    for (const more of msg.slice(1))
        lines.push(paint(`    ${more}`));
    if (e.status === 'failed' || e.status === 'unreachable') {
        for (const d of e.detail ?? [])
            lines.push(paint(`    ${d}`));
    }
    if (e.ignored)
        lines.push(chalk.cyan('...ignoring'));
    return lines;
}
function warningLines(e, chalk) {
    const where = e.file !== undefined ? ` (${formatPlace(e.file, e.line)})` : '';
    const [first = '', ...rest] = e.msg.split('\n');
    return [chalk.magenta(`[WARNING]: ${first}${where}`), ...rest.map((r) => chalk.magenta(`  ${r}`))];
}
//# sourceMappingURL=pretty.js.map