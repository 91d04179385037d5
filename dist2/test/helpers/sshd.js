import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { removeTempDir, tempDir } from './temp.js';
/** ssh-keygen a key pair (ed25519 unless told), optionally encrypted with a passphrase. */
export function generateKey(dir, name, opts = {}) {
    const file = join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', name, '-f', file], { stdio: 'ignore' });
    return { privateKeyFile: file, publicLine: readFileSync(`${file}.pub`, 'utf8').trim() };
}
export async function startSshd(opts) {
    // sshd's privilege separation directory; the system's ssh service would create it at boot.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const dir = tempDir('sshd');
    const hostKeys = [];
    const hostKeyLines = [];
    for (const type of opts.hostKeyTypes ?? ['ed25519']) {
        const k = generateKey(dir, `host_${type}`, { type });
        const [t, b64] = k.publicLine.split(' ');
        hostKeys.push({ type: t, publicLine: `${t} ${b64}`, blob: Buffer.from(b64, 'base64') });
        hostKeyLines.push(`HostKey ${k.privateKeyFile}`);
    }
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, opts.authorizedKeys.map((l) => `${l}\n`).join(''), { mode: 0o644 });
    const users = opts.users ?? [];
    const mounts = users.length ? prepareUsers(dir, users) : undefined;
    for (let attempt = 0;; attempt++) {
        const port = await freePort();
        const cfg = join(dir, 'sshd_config');
        writeFileSync(cfg, [
            // sshd keeps the first value it reads: the test's own lines go first so they win.
            ...(opts.extraConfig ?? []),
            `Port ${port}`,
            'ListenAddress 127.0.0.1',
            ...hostKeyLines,
            `PidFile ${join(dir, 'sshd.pid')}`,
            `AuthorizedKeysFile ${authorized}`,
            'StrictModes no',
            'UsePAM no',
            'PermitRootLogin prohibit-password',
            'PasswordAuthentication no',
            'KbdInteractiveAuthentication no',
            'LogLevel VERBOSE',
            `AllowTcpForwarding ${opts.allowTcpForwarding ? 'yes' : 'no'}`,
            '',
        ].join('\n'));
        const child = mounts
            ? spawn('unshare', ['-m', '--propagation', 'private', '--', '/bin/sh', '-c',
                'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shadow && mount --bind "$3" /etc/group && mount --bind "$4" /etc/sudoers && exec /usr/sbin/sshd -D -e -f "$5"',
                'sshd-ns', mounts.passwd, mounts.shadow, mounts.group, mounts.sudoers, cfg], { stdio: ['ignore', 'ignore', 'pipe'] })
            : spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
        let log = '';
        child.stderr.setEncoding('utf8').on('data', (d) => { log += d; });
        const exited = new Promise((r) => child.once('exit', (code) => r(code)));
        try {
            await waitForBanner(port, exited, 10_000);
        }
        catch (e) {
            child.kill('SIGKILL');
            if (attempt < 3 && /Address already in use/.test(log))
                continue;
            removeTempDir(dir);
            throw new Error(`sshd did not start: ${e.message}\n${log}`);
        }
        return makeHandle(child, port, dir, hostKeys, () => log, exited);
    }
}
function makeHandle(child, port, dir, hostKeys, log, exited) {
    const pid = child.pid;
    return {
        host: '127.0.0.1',
        port,
        dir,
        pid,
        hostKeys,
        knownHostsLines: () => hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicLine}`),
        log,
        acceptedLogins: () => (log().match(/Accepted publickey for /g) ?? []).length,
        killSessions: () => {
            const victims = descendantsOf(pid);
            for (const p of victims) {
                try {
                    process.kill(p, 'SIGKILL');
                }
                catch { /* already gone */ }
            }
            return victims.length;
        },
        stop: async () => {
            for (const p of descendantsOf(pid)) {
                try {
                    process.kill(p, 'SIGKILL');
                }
                catch { /* gone */ }
            }
            child.kill('SIGTERM');
            await exited;
            removeTempDir(dir);
        },
    };
}
/** Every process below `root`, from /proc. */
export function descendantsOf(root) {
    const parent = new Map();
    for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name))
            continue;
        try {
            const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
            const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
            parent.set(Number(name), ppid);
        }
        catch { /* exited meanwhile */ }
    }
    const out = [];
    const walk = (p) => {
        for (const [child, pp] of parent)
            if (pp === p) {
                out.push(child);
                walk(child);
            }
    };
    walk(root);
    return out;
}
/** A port nothing listens on right now (the kernel's pick for an ephemeral bind). */
export async function freePort() {
    const srv = createServer();
    await new Promise((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = srv.address().port;
    await new Promise((r) => srv.close(() => r()));
    return port;
}
/** Polls the port until it answers with an SSH banner, the process exits, or the deadline passes. */
async function waitForBanner(port, exited, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void exited.then(() => { gone = true; });
    for (;;) {
        if (gone)
            throw new Error('sshd exited');
        if (await answersSsh(port))
            return;
        if (Date.now() > deadline)
            throw new Error(`no SSH banner on port ${port} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
    }
}
function answersSsh(port) {
    return new Promise((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.setTimeout(1000, () => { s.destroy(); resolve(false); });
        s.once('data', (d) => { s.destroy(); resolve(d.toString('latin1').startsWith('SSH-')); });
        s.once('error', () => resolve(false));
    });
}
/** Copies of the account files with the test users added, and a sudoers for them. */
function prepareUsers(dir, users) {
    const etc = join(dir, 'etc');
    mkdirSync(etc);
    const add = (file, lines, mode) => {
        const out = join(etc, file);
        const base = readFileSync(`/etc/${file}`, 'utf8');
        writeFileSync(out, `${base}${base.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`, { mode });
        chmodSync(out, mode);
        return out;
    };
    const home = (u) => join(dir, 'home', u.name);
    for (const u of users) {
        mkdirSync(home(u), { recursive: true });
        chownSync(home(u), u.uid, u.uid);
    }
    chmodSync(join(dir, 'home'), 0o755);
    const hash = (pw) => execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: pw }).toString().trim();
    const sudoers = join(etc, 'sudoers');
    writeFileSync(sudoers, [
        'Defaults env_reset',
        'Defaults lecture=never',
        'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
        'root ALL=(ALL:ALL) ALL',
        ...users.map((u) => `${u.name} ALL=(ALL:ALL) ${u.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL`),
        '',
    ].join('\n'));
    chmodSync(sudoers, 0o440);
    return {
        passwd: add('passwd', users.map((u) => `${u.name}:x:${u.uid}:${u.uid}:k8sbm test:${home(u)}:/bin/sh`), 0o644),
        group: add('group', users.map((u) => `${u.name}:x:${u.uid}:`), 0o644),
        shadow: add('shadow', users.map((u) => `${u.name}:${hash(u.password)}:19000:0:99999:7:::`), 0o640),
        sudoers,
    };
}
/** A real ssh-agent on a socket in `dir`, in the foreground so the test owns the process. */
export async function startAgent(dir) {
    const socket = join(dir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', () => r()));
    // In the foreground the agent prints its SSH_AUTH_SOCK line once it listens.
    await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d) => { out += d; if (out.includes('SSH_AUTH_SOCK'))
            resolve(); });
        child.once('exit', () => reject(new Error(`ssh-agent exited: ${out}`)));
    });
    return {
        socket,
        add: (keyFile) => { execFileSync('ssh-add', ['-q', keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' }); },
        stop: async () => { child.kill('SIGTERM'); await exited; },
    };
}
/** A TCP listener that accepts and never says a word (an SSH handshake to it times out). */
export async function startSilentListener() {
    const sockets = [];
    const srv = createServer((s) => { sockets.push(s); s.on('error', () => undefined); });
    await new Promise((r) => srv.listen(0, '127.0.0.1', () => r()));
    return {
        port: srv.address().port,
        accepted: () => sockets.length,
        close: async () => {
            for (const s of sockets)
                s.destroy();
            await new Promise((r) => srv.close(() => r()));
        },
    };
}
//# sourceMappingURL=sshd.js.map