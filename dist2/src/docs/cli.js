import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
/**
 * The command reference of docs/cli.md, generated from the CLI's own help: `k8sbm --help`, then
 * the help of every command its "Commands:" sections list, depth first. The yargs definitions
 * are the only source, so the reference names every command and option the CLI accepts.
 */
export const CLI_BEGIN = '<!-- cli:begin -->';
export const CLI_END = '<!-- cli:end -->';
/** Help is laid out for this width whatever the terminal, so the reference is the same everywhere. */
export const HELP_COLUMNS = 100;
const BIN = fileURLToPath(new URL('../../../bin/k8sbm.js', import.meta.url));
/** Help as a user sees it: the built CLI in a child process, stdout a pipe, no colour. */
export function helpFromCli(bin = BIN) {
    return (command) => {
        const env = { ...process.env, NO_COLOR: '1', COLUMNS: String(HELP_COLUMNS) };
        delete env.FORCE_COLOR;
        const r = spawnSync(process.execPath, [bin, ...command, '--help'], { encoding: 'utf8', env, timeout: 60_000 });
        if (r.status !== 0)
            throw new Error(`k8sbm ${[...command, '--help'].join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
        return r.stdout;
    };
}
/**
 * The subcommands a help text lists under "Commands:", as argv paths: `k8sbm lab up  start ...`
 * under `lab` gives ['lab', 'up']. Placeholders (<playbook>, [var]) are not part of the path.
 */
export function commandsIn(help) {
    const lines = help.split('\n');
    const start = lines.findIndex((l) => l.trim() === 'Commands:');
    if (start < 0)
        return [];
    const out = [];
    for (const line of lines.slice(start + 1)) {
        if (line.trim() === '')
            break;
        // An entry starts two spaces in; a description that wraps continues further in.
        const m = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line);
        if (!m || !m[1].startsWith('k8sbm '))
            continue;
        const words = m[1].split(/\s+/).slice(1);
        const placeholder = words.findIndex((w) => /^[<[]/.test(w));
        const path = placeholder < 0 ? words : words.slice(0, placeholder);
        if (path.length > 0)
            out.push(path);
    }
    return out;
}
/** Every command path, depth first in the order the help lists them, with its help text. */
export function walkCommands(helpOf) {
    const out = [];
    const visit = (command) => {
        const help = helpOf(command);
        out.push({ command, help });
        for (const sub of commandsIn(help)) {
            // yargs lists a subcommand by its full path; only commands below this one are visited.
            if (sub.length > command.length && command.every((w, i) => sub[i] === w))
                visit(sub);
        }
    };
    visit([]);
    return out;
}
/** Markdown: one section per command, its help verbatim. */
export function renderCliReference(helpOf) {
    const out = [
        '<!-- generated from the CLI\'s own help by `npm run docs`; edit the commands in src/cli/, not this -->',
        '',
    ];
    for (const { command, help } of walkCommands(helpOf)) {
        out.push(`### \`${['k8sbm', ...command].join(' ')}\``, '', '```text', help.replace(/\s+$/, ''), '```', '');
    }
    return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
//# sourceMappingURL=cli.js.map