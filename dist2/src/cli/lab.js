import { isAbsolute, relative } from 'node:path';
import { DEFAULT_LAB_NAME, DEFAULT_LAB_NODES, labDown, labStatus, labUp, MAX_LAB_NODES } from '../lab/index.js';
import { toShellLine } from '../transport/quote.js';
const processIo = {
    out: (s) => { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); },
    err: (s) => { process.stderr.write(s); },
    get isTTY() { return !!process.stderr.isTTY; },
};
function labOptions(y) {
    return y
        .option('name', { type: 'string', default: DEFAULT_LAB_NAME, describe: 'lab name (several labs can be up at once)' })
        .option('dir', { type: 'string', describe: 'lab directory (default .k8sbm/lab/NAME under the current directory)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' });
}
/** `k8sbm lab up|down|status`: local test nodes, each a real sshd in its own namespaces. */
export function labCommands(set, io = processIo) {
    const up = {
        command: 'up',
        describe: "start the lab's nodes; a lab that is up keeps its running nodes and grows or shrinks to --nodes",
        builder: (y) => labOptions(y)
            .option('nodes', { alias: 'n', type: 'number', describe: `number of nodes, 1 to ${MAX_LAB_NODES} (a new lab: ${DEFAULT_LAB_NODES}; a lab that is up: as many as it has). More adds nodes, fewer removes the highest` })
            .option('recreate', { type: 'boolean', default: false, describe: 'tear the lab down first even when it is up and healthy' }),
        handler: async (a) => {
            const args = a;
            const progress = io.isTTY && !args.json;
            const r = await labUp({
                name: args.name, dir: args.dir, nodes: args.nodes, recreate: args.recreate,
                onNodeReady: progress ? (_n, ready, total) => io.err(`\rnodes answering: ${ready}/${total}`) : undefined,
            });
            if (progress && !r.reused && r.removed.length === 0)
                io.err('\r\x1b[K');
            if (args.json)
                io.out(JSON.stringify({ ...labJson(r.lab), reused: r.reused, added: r.added, removed: r.removed, elapsedMs: r.elapsedMs }, null, 2));
            else
                io.out(upSummary(r, args));
            set(0);
        },
    };
    const down = {
        command: 'down',
        describe: 'remove the lab: processes, namespaces, links, bridge and files (also a half-up lab)',
        builder: (y) => labOptions(y),
        handler: async (a) => {
            const args = a;
            const r = await labDown({ name: args.name, dir: args.dir });
            if (args.json)
                io.out(JSON.stringify(r, null, 2));
            else if (!r.existed)
                io.out(`lab "${r.name}" is not up: nothing to remove`);
            else {
                const parts = [`${r.netns} node namespace${r.netns === 1 ? '' : 's'}`, `${r.processes} process${r.processes === 1 ? '' : 'es'}`, `${r.links} link${r.links === 1 ? '' : 's'}`];
                if (r.bridge)
                    parts.push('the bridge');
                io.out(`lab "${r.name}" is down: removed ${parts.join(', ')} and its files (${seconds(r.elapsedMs)})`);
            }
            set(0);
        },
    };
    const status = {
        command: 'status',
        describe: "the lab's nodes and whether each answers (exit 0 when every node does, 1 otherwise)",
        builder: (y) => labOptions(y),
        handler: async (a) => {
            const args = a;
            const s = await labStatus({ name: args.name, dir: args.dir });
            if (args.json)
                io.out(JSON.stringify(s, null, 2));
            else if (s.condition === 'absent')
                io.out(`lab "${s.name}" is not up (${display(s.dir)})`);
            else {
                const lines = [`lab "${s.name}": ${s.condition}${s.subnet ? `, ${s.nodes.length} nodes on ${s.subnet}` : ''} (bridge ${s.bridge}${s.createdAt ? `, since ${s.createdAt}` : ''})`];
                for (const n of s.nodes) {
                    lines.push(`  ${n.name.padEnd(7)} ${n.address.padEnd(15)} ${n.group.padEnd(13)} ${n.running ? `pid ${n.pid}` : 'not running'}${n.running ? (n.sshd ? ', sshd answers' : ', sshd does not answer') : ''}`);
                }
                if (s.condition !== 'up')
                    lines.push(`remove it with: ${downCommand(s.name, args)}`);
                io.out(lines.join('\n'));
            }
            set(s.condition === 'up' ? 0 : 1);
        },
    };
    return [{
            command: 'lab',
            describe: 'local test nodes: real sshd servers in network namespaces (needs root)',
            builder: (y) => y.command(up).command(down).command(status).demandCommand(1, 'name a lab command: up, down, status'),
            handler: () => undefined,
        }];
}
function labJson(lab) {
    return {
        name: lab.name, dir: lab.dir, bridge: lab.bridge, subnet: lab.subnet, gateway: lab.gateway,
        nodes: lab.nodes.map((n) => ({ name: n.name, address: n.address, group: n.group, pid: n.pid })),
        files: { inventory: lab.files.inventory, sshConfig: lab.files.sshConfig, knownHosts: lab.files.knownHosts, key: lab.files.key, state: lab.files.state },
    };
}
function upSummary(r, args) {
    const { lab } = r;
    const size = `${lab.nodes.length} node${lab.nodes.length === 1 ? '' : 's'} on ${lab.subnet}, bridge ${lab.bridge}`;
    const head = r.reused ? `lab "${lab.name}" was already up: ${size} (kept as it was; --recreate starts afresh)`
        : r.added.length ? `lab "${lab.name}" grew to ${size}: added ${r.added.join(', ')}, the others kept running (${seconds(r.elapsedMs)})`
            : r.removed.length ? `lab "${lab.name}" shrank to ${size}: removed ${r.removed.join(', ')}, the others kept running (${seconds(r.elapsedMs)})`
                : `lab "${lab.name}" is up: ${size} (${seconds(r.elapsedMs)})`;
    const inv = display(lab.files.inventory);
    return [
        head,
        ...lab.nodes.map((n) => `  ${n.name.padEnd(7)} ${n.address.padEnd(15)} ${n.group}`),
        `inventory  ${inv}`,
        `ssh        ${toShellLine(['ssh', '-F', display(lab.files.sshConfig), lab.nodes[0]?.name ?? 'node01'])}`,
        `playbook   ${toShellLine(['k8sbm', 'run', 'PLAYBOOK', '-i', inv, '--known-hosts', display(lab.files.knownHosts)])}`,
        `           ${toShellLine(['ansible-playbook', '-i', inv, 'PLAYBOOK'])}`,
        `down       ${downCommand(lab.name, args)}`,
    ].join('\n');
}
function downCommand(name, args) {
    return toShellLine(['k8sbm', 'lab', 'down', ...(name === DEFAULT_LAB_NAME ? [] : ['--name', name]), ...(args.dir ? ['--dir', args.dir] : [])]);
}
/** Paths under the current directory are shown relative: shorter, and still valid to paste. */
function display(path) {
    const rel = relative(process.cwd(), path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)}s`;
}
//# sourceMappingURL=lab.js.map