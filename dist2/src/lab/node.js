import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { K8sbmError } from '../source/errors.js';
import { parsePublicKey } from './render.js';
/**
 * The launcher lives on after `lab up` returns (its own session, output to the node's log), so
 * the nodes outlive the command that made them.
 */
export function launchNode(argv, logFile) {
    const log = openSync(logFile, 'a', 0o644);
    try {
        const child = spawn(argv[0], argv.slice(1), {
            detached: true,
            stdio: ['ignore', log, log],
            env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' },
        });
        const exited = new Promise((resolve) => {
            child.on('exit', (code) => resolve(code));
            child.on('error', () => resolve(null));
        });
        child.unref();
        if (child.pid === undefined)
            throw new Error(`could not start ${argv[0]}`);
        return { child, launcherPid: child.pid, exited };
    }
    finally {
        closeSync(log);
    }
}
export function readProcStat(pid) {
    try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // The command name is in parentheses and may itself hold spaces or parentheses.
        const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
        return { state: rest[0], ppid: Number(rest[1]) };
    }
    catch {
        return undefined;
    }
}
/** Running, or stopped, but not a zombie: a zombie holds no namespace and no mount. */
export function isProcessAlive(pid) {
    if (!pid)
        return false;
    const s = readProcStat(pid);
    return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}
/** The launcher's one child: the node's PID 1 (the init script, which becomes sshd). */
export function childPidOf(launcherPid) {
    try {
        const first = readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim().split(/\s+/)[0];
        if (first)
            return Number(first);
    }
    catch { /* kernels without CONFIG_PROC_CHILDREN: look through /proc instead */ }
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        if (readProcStat(Number(entry))?.ppid === launcherPid)
            return Number(entry);
    }
    return undefined;
}
/** Network namespace of a process (`net:[4026532…]`), to tell a node's process from a recycled PID. */
export function netnsIdOfPid(pid) {
    try {
        return readlinkSync(`/proc/${pid}/ns/net`);
    }
    catch {
        return undefined;
    }
}
/** One attempt: connect, read the SSH banner, close. */
export function sshBanner(address, port, timeoutMs) {
    return new Promise((resolve) => {
        const sock = connect({ host: address, port });
        let data = '';
        const done = (v) => { clearTimeout(timer); sock.destroy(); resolve(v); };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        sock.setEncoding('latin1');
        sock.on('data', (chunk) => {
            data += chunk;
            const line = data.split('\n')[0];
            if (data.includes('\n') && line)
                done(line.trim().startsWith('SSH-') ? line.trim() : undefined);
        });
        sock.on('error', () => done(undefined));
        sock.on('close', () => done(undefined));
    });
}
/**
 * Polls until sshd answers with its banner. Waits between attempts grow from 10 ms to 50 ms;
 * the deadline bounds the whole wait, and a launcher that exits ends it at once.
 */
export async function waitForSsh(address, opts) {
    let exitCode;
    let exitedNow = false;
    void opts.exited.then((c) => { exitCode = c; exitedNow = true; });
    let pause = 10;
    for (;;) {
        if (exitedNow)
            throw nodeFailed(opts.node, opts.logFile, `its start-up exited with code ${exitCode ?? 'unknown'}`);
        const left = opts.deadline - Date.now();
        if (left <= 0)
            throw nodeFailed(opts.node, opts.logFile, `its sshd did not answer on ${address}:22 in time`);
        const banner = await sshBanner(address, 22, Math.min(2000, left));
        if (banner)
            return banner;
        await new Promise((r) => { const t = setTimeout(r, Math.min(pause, Math.max(0, opts.deadline - Date.now()))); void opts.exited.then(() => { clearTimeout(t); r(); }); });
        pause = Math.min(50, pause * 2);
    }
}
export function nodeFailed(node, logFile, why) {
    let log = '';
    try {
        log = readFileSync(logFile, 'utf8');
    }
    catch { /* no log yet */ }
    const tail = log.trim().split('\n').filter(Boolean).slice(-8);
    const noOverlay = /unknown filesystem type 'overlay'/.test(log);
    return new K8sbmError(noOverlay ? 'K8SBM_LAB_UNSUPPORTED' : 'K8SBM_LAB_NODE_FAILED', `lab node ${node} did not start: ${why}`, {
        details: tail.map((l) => `| ${l}`),
        hint: noOverlay
            ? 'this kernel has no overlayfs: load it (modprobe overlay) or run the lab on a kernel that has it'
            : 'the lines above end the node\'s start-up log; the half-made lab was removed again, so `k8sbm lab up` can simply be retried',
    });
}
/** The host key the node generated into its own layer, read through the node's root. */
export function readNodeHostKey(pid) {
    return parsePublicKey(readFileSync(`/proc/${pid}/root/etc/ssh/ssh_host_ed25519_key.pub`, 'utf8'));
}
//# sourceMappingURL=node.js.map