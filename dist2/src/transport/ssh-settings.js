import { join, resolve } from 'node:path';
import { parseProxyJump, parseSshCommonArgs, proxyCommandAsJump } from './ssh-args.js';
import { expandTilde, lookupSshConfig } from './ssh-config.js';
const DEFAULT_KEEPALIVE_MS = 15_000;
const MAX_ROUTE_DEPTH = 8;
export function resolveEndpoint(req, config, env) {
    const notes = [];
    const fromArgs = new Map();
    if (req.commonArgs) {
        try {
            const parsed = parseSshCommonArgs(req.commonArgs);
            for (const s of parsed.settings) {
                const have = fromArgs.get(s.keyword);
                const v = { args: s.args, from: 'ansible_ssh_common_args' };
                if (!have)
                    fromArgs.set(s.keyword, [v]);
                else if (s.keyword === 'identityfile')
                    have.push(v);
            }
            for (const i of parsed.ignored)
                notes.push(`ansible_ssh_common_args: ignored ${i}`);
        }
        catch (e) {
            notes.push(`ansible_ssh_common_args: ${e.message}`);
        }
    }
    const fromConfig = lookupSshConfig(config, req.alias);
    const first = (k) => (fromArgs.get(k) ?? fromConfig.get(k))?.[0]?.args[0];
    const all = (k) => [...(fromArgs.get(k) ?? []), ...(fromConfig.get(k) ?? [])].flatMap((v) => v.args.slice(0, 1));
    const hostname = expandTokens(first('hostname') ?? '%h', { h: req.alias }) || req.alias;
    const port = req.port ?? numberSetting(first('port'), 'Port', notes) ?? 22;
    const user = req.user ?? first('user') ?? env.localUser;
    const tokens = { h: hostname, p: String(port), r: user, u: env.localUser, d: env.home, n: req.alias, l: env.localHost };
    // As in ssh: ~ and tokens expand; a relative path stays relative to the working directory.
    const path = (p) => resolve(expandTilde(expandTokens(p, tokens), env.home));
    const named = [
        ...(req.keyFile ? [resolve(expandTilde(req.keyFile, env.home))] : []),
        ...all('identityfile').filter((f) => f.toLowerCase() !== 'none').map(path),
        ...env.opts.privateKeyFiles,
    ];
    const identityFiles = [...new Set(named)];
    const agentSetting = first('identityagent');
    const identitiesOnly = yesNo(first('identitiesonly')) === true;
    let agentSocket = env.opts.agentSocket ?? env.agentFromEnv;
    if (agentSetting !== undefined) {
        agentSocket = agentSetting.toLowerCase() === 'none' ? undefined : agentSetting === 'SSH_AUTH_SOCK' ? env.agentFromEnv : path(agentSetting);
    }
    if (identitiesOnly)
        agentSocket = undefined;
    const knownFromConfig = (fromArgs.get('userknownhostsfile') ?? fromConfig.get('userknownhostsfile'))?.[0]?.args;
    const knownHostsFiles = knownFromConfig?.length
        ? knownFromConfig.map((f) => (f === '/dev/null' ? f : path(f)))
        : [env.opts.knownHostsFile ?? join(env.home, '.ssh', 'known_hosts')];
    let hostKeyChecking = env.opts.hostKeyChecking;
    if (!env.opts.hostKeyCheckingExplicit) {
        const strict = first('stricthostkeychecking');
        if (strict !== undefined)
            hostKeyChecking = strictHostKeyChecking(strict) ?? hostKeyChecking;
    }
    const timeoutS = numberSetting(first('connecttimeout'), 'ConnectTimeout', notes);
    const aliveS = numberSetting(first('serveraliveinterval'), 'ServerAliveInterval', notes);
    const aliveMax = numberSetting(first('serveralivecountmax'), 'ServerAliveCountMax', notes);
    let jumps = [];
    let problem;
    // ssh takes whichever of ProxyJump/ProxyCommand it reads first: the command line, then the file.
    const level = fromArgs.has('proxyjump') || fromArgs.has('proxycommand') ? fromArgs : fromConfig;
    const jumpValue = level.get('proxyjump')?.[0]?.args[0];
    const proxyCommand = level.get('proxycommand')?.[0]?.args;
    if (jumpValue !== undefined) {
        try {
            jumps = parseProxyJump(jumpValue);
        }
        catch (e) {
            problem = `ProxyJump: ${e.message}`;
        }
    }
    else if (proxyCommand?.length && proxyCommand.join(' ').toLowerCase() !== 'none') {
        const hop = proxyCommandAsJump(proxyCommand.join(' '));
        if (hop)
            jumps = [hop];
        else
            problem = 'ProxyCommand is not supported (use ProxyJump, or ProxyCommand ssh -W %h:%p bastion)';
    }
    return {
        alias: req.alias,
        hostname,
        port,
        user,
        identityFiles,
        defaultIdentities: identityFiles.length === 0,
        agentSocket,
        knownHostsFiles,
        hostKeyAlias: first('hostkeyalias'),
        hostKeyChecking,
        hashKnownHosts: yesNo(first('hashknownhosts')) === true,
        connectTimeoutMs: timeoutS !== undefined && timeoutS > 0 ? timeoutS * 1000 : env.opts.connectTimeoutMs,
        keepaliveIntervalMs: aliveS !== undefined ? aliveS * 1000 : DEFAULT_KEEPALIVE_MS,
        keepaliveCountMax: aliveMax ?? 3,
        jumps,
        problem,
        notes,
    };
}
/**
 * The jump hosts to go through to reach `target`, in dial order. As with `ssh -J a,b`, the last
 * hop is reached through the earlier ones (its own ProxyJump is not used), and the first hop
 * through whatever ProxyJump its own ssh_config gives it.
 */
export function resolveRoute(target, config, env, seen = []) {
    if (!target.jumps.length)
        return [];
    const path = [...seen, `${target.user}@${target.hostname}:${target.port}`];
    if (path.length > MAX_ROUTE_DEPTH)
        throw new Error(`ProxyJump chain longer than ${MAX_ROUTE_DEPTH} hops: ${path.join(' -> ')}`);
    const hops = target.jumps.map((h) => resolveEndpoint({ alias: h.host, port: h.port, user: h.user }, config, env));
    for (const h of hops) {
        const id = `${h.user}@${h.hostname}:${h.port}`;
        if (path.includes(id))
            throw new Error(`ProxyJump loop: ${[...path, id].join(' -> ')}`);
    }
    const chain = resolveRoute(hops[0], config, env, path);
    chain.push(hops[0]);
    for (const h of hops.slice(1))
        chain.push({ ...h, jumps: [] });
    return chain;
}
/** StrictHostKeyChecking values: yes/ask -> strict, accept-new, no/off -> off. */
export function strictHostKeyChecking(value) {
    switch (value.toLowerCase()) {
        case 'yes':
        case 'ask':
        case 'true': return 'strict';
        case 'accept-new': return 'accept-new';
        case 'no':
        case 'off':
        case 'false': return 'off';
        default: return undefined;
    }
}
/** ssh_config percent tokens (%h %p %r %u %d %n %l %%); unknown ones stay as written. */
export function expandTokens(text, tokens) {
    return text.replace(/%(.)/g, (all, c) => (c === '%' ? '%' : tokens[c] ?? all));
}
function yesNo(v) {
    if (v === undefined)
        return undefined;
    const s = v.toLowerCase();
    return s === 'yes' || s === 'true' ? true : s === 'no' || s === 'false' ? false : undefined;
}
function numberSetting(v, name, notes) {
    if (v === undefined)
        return undefined;
    if (!/^\d+$/.test(v)) {
        notes.push(`${name} ${v} is not a number; ignored`);
        return undefined;
    }
    return Number(v);
}
//# sourceMappingURL=ssh-settings.js.map