import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { labDown, labUp } from '../../src/lab/index.js';
import { labNamesOf } from '../../src/lab/names.js';
import { toShellLine } from '../../src/transport/quote.js';
import { removeTempDir, tempDir } from './temp.js';
const live = new Set();
export async function startLab(opts) {
    // Hooked before the folder is made, so at exit the nodes are gone before their files are removed.
    ensureExitCleanup();
    const parent = tempDir(`lab-${opts.name}`);
    const dir = join(parent, 'lab');
    const { lab } = await labUp({ name: opts.name, nodes: opts.nodes, dir, recreate: true });
    live.add(lab);
    let downed = false;
    return {
        lab,
        dir,
        inventoryFile: lab.files.inventory,
        sshConfigFile: lab.files.sshConfig,
        knownHostsFile: lab.files.knownHosts,
        keyFile: lab.files.key,
        nodes: lab.nodes.map((n) => ({ name: n.name, address: n.address, pid: n.pid })),
        async down() {
            if (downed)
                return;
            downed = true;
            await labDown({ name: opts.name, dir });
            live.delete(lab);
            removeTempDir(parent);
        },
    };
}
/** startLab, and down() when the enclosing suite (or the test file) ends. */
export async function withLab(name, nodes) {
    const l = await startLab({ name, nodes });
    after(() => l.down());
    return l;
}
/**
 * Runs a command on a node with the system ssh client and the lab's ssh_config (strict host key
 * checking against the lab's known_hosts). An argv is quoted for the remote shell; a string is
 * sent as the shell line it is.
 */
export function labSsh(l, node, command, opts = {}) {
    const line = typeof command === 'string' ? command : toShellLine(command);
    const argv = ['-F', l.sshConfigFile, ...(opts.user ? ['-l', opts.user] : []), ...(opts.sshArgs ?? []), node, '--', line];
    return new Promise((resolve, reject) => {
        const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
        child.stdout.on('data', (b) => out.push(b));
        child.stderr.on('data', (b) => err.push(b));
        child.on('error', (e) => { clearTimeout(timer); reject(e); });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
        });
        child.stdin.on('error', () => { });
        child.stdin.end(opts.stdin ?? '');
    });
}
let exitHooked = false;
/**
 * A test process that dies before its after() hooks run must not leave nodes behind: on exit,
 * kill every live lab's node processes and remove its links and namespaces, synchronously
 * (an exit handler cannot wait for promises).
 */
function ensureExitCleanup() {
    if (exitHooked)
        return;
    exitHooked = true;
    // Ahead of the temp folders' own exit cleanup: nodes first, then the folders holding their files.
    process.prependOnceListener('exit', () => { for (const lab of live)
        removeLabNow(lab); });
    for (const sig of ['SIGINT', 'SIGTERM']) {
        process.once(sig, () => {
            for (const lab of live)
                removeLabNow(lab);
            process.exit(sig === 'SIGINT' ? 130 : 143);
        });
    }
}
function removeLabNow(lab) {
    // By name, not only the nodes the lab started with: a resize may have added some.
    const names = labNamesOf(lab.id);
    const netns = JSON.parse(spawnSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' }).stdout.trim() || '[]')
        .map((n) => n.name).filter((n) => n.startsWith(names.netnsPrefix));
    const pids = netns.flatMap((ns) => spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number));
    for (const pid of [...lab.nodes.flatMap((n) => [n.pid, n.launcherPid]), ...pids]) {
        try {
            process.kill(pid, 'SIGKILL');
        }
        catch { /* gone */ }
    }
    const links = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout.trim() || '[]')
        .map((l) => l.ifname).filter((n) => n.startsWith(names.vethPrefix));
    for (const l of links)
        spawnSync('ip', ['link', 'del', l], { stdio: 'ignore' });
    for (const ns of netns)
        spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', lab.bridge], { stdio: 'ignore' });
    removeTempDir(dirname(lab.dir));
}
//# sourceMappingURL=lab.js.map