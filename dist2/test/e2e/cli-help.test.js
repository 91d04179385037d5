import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import pLimit from 'p-limit';
import { toShellLine } from '../../src/transport/quote.js';
import { repoRoot } from '../helpers/paths.js';
/**
 * `--help` of every command, spawned for real, wraps between words and within the width: the
 * terminal's, else $COLUMNS, else 100. A line broken inside a word shows up as two tokens that
 * the unwrapped text (the same help at a width nothing reaches) does not have.
 */
const bin = join(repoRoot, 'bin', 'k8sbm.js');
const UNWRAPPED = 1000;
/** undefined: no $COLUMNS at all. Below 60 the help keeps 60 columns (see helpWidth). */
const WIDTHS = [undefined, 60, 67, 72, 80, 91, 133];
function helpOf(path, columns) {
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.COLUMNS;
    if (columns !== undefined)
        env.COLUMNS = String(columns);
    return collect(process.execPath, [bin, ...path, '--help'], env);
}
function collect(cmd, args, env) {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        child.stdout.on('data', (b) => out.push(b));
        child.stderr.on('data', (b) => err.push(b));
        child.on('error', reject);
        child.on('close', (code) => {
            const stderr = Buffer.concat(err).toString('utf8');
            if (code !== 0)
                reject(new Error(`${[cmd, ...args].join(' ')} exited ${code}: ${stderr}`));
            else
                resolve(Buffer.concat(out).toString('utf8'));
        });
    });
}
/** Words with their counts: equal bags, no word was cut in two (nor two words glued together). */
function wordBag(text) {
    const bag = new Map();
    for (const w of text.split(/\s+/).filter(Boolean))
        bag.set(w, (bag.get(w) ?? 0) + 1);
    return bag;
}
function assertWrapped(label, wrapped, unwrapped, width) {
    const lines = wrapped.split('\n');
    const long = lines.filter((l) => [...l].length > width);
    assert.deepEqual(long, [], `${label}: lines longer than ${width}`);
    const want = wordBag(unwrapped);
    const got = wordBag(wrapped);
    const cut = [...got.keys()].filter((w) => got.get(w) !== want.get(w));
    assert.deepEqual(cut, [], `${label}: words that the unwrapped help does not have as often\n${wrapped}`);
    assert.deepEqual(got, want, label);
}
/** `k8sbm lab up   start the lab's nodes ...` -> ['lab', 'up'] */
function subcommands(help) {
    const at = help.split('\n').findIndex((l) => l === 'Commands:');
    if (at < 0)
        return [];
    const out = [];
    for (const line of help.split('\n').slice(at + 1)) {
        if (!line.startsWith('  k8sbm '))
            break;
        const usage = line.trim().split(/\s{2,}/)[0].split(' ').slice(1);
        out.push(usage.filter((_, i) => !usage.slice(0, i + 1).some((w) => /^[<[]/.test(w))));
    }
    return out;
}
describe('--help of every command', () => {
    const commands = [];
    const unwrapped = new Map();
    before(async () => {
        const queue = [[]];
        while (queue.length) {
            const path = queue.shift();
            const help = await helpOf(path, UNWRAPPED);
            commands.push(path);
            unwrapped.set(path.join(' '), help);
            for (const sub of subcommands(help))
                if (sub.length > path.length)
                    queue.push(sub);
        }
    });
    it('finds every command, nested ones too', () => {
        const names = commands.map((c) => c.join(' '));
        for (const c of ['', 'run', 'plan', 'exec', 'inventory', 'schema', 'lab', 'lab up', 'lab down', 'lab status'])
            assert.ok(names.includes(c), `${c || '(top)'} in ${names.join(', ')}`);
    });
    it('wraps between words to $COLUMNS when the output is not a terminal, else to 100', async () => {
        const limit = pLimit(3);
        await Promise.all(commands.map((path, i) => limit(async () => {
            // Each command at one width; the top level, whose lines are the longest, at the default.
            const columns = WIDTHS[i % WIDTHS.length];
            const width = columns ?? 100;
            const label = `k8sbm ${path.join(' ')} --help at ${columns === undefined ? 'no $COLUMNS' : `COLUMNS=${columns}`}`;
            const help = await helpOf(path, columns);
            assertWrapped(label, help, unwrapped.get(path.join(' ')), width);
            const widest = Math.max(...help.split('\n').map((l) => l.length));
            assert.ok(widest > width - 12, `${label} uses the width it has (widest line ${widest})`);
        })));
    });
    it("wraps to the terminal's width, which wins over $COLUMNS", async () => {
        // script(1) gives the CLI a real terminal whose width stty sets.
        const line = `stty cols 61 rows 40; exec ${toShellLine([process.execPath, bin, 'run', '--help'])}`;
        const env = { ...process.env, NO_COLOR: '1', COLUMNS: '150' };
        const help = (await collect('script', ['-qec', line, '/dev/null'], env)).replace(/\r\n/g, '\n');
        assertWrapped('k8sbm run --help in a 61-column terminal', help, unwrapped.get('run'), 61);
        assert.ok(help.split('\n').some((l) => l.length > 50), help);
    });
});
//# sourceMappingURL=cli-help.test.js.map