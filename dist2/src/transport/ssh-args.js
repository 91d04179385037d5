import { splitShellWords } from './quote.js';
import { splitConfigLine } from './ssh-config.js';
/** Flags that change nothing k8sbm does (logging, compression, tty, forwarding of X11/agent). */
const HARMLESS_FLAGS = new Set(['-q', '-v', '-vv', '-vvv', '-C', '-T', '-t', '-tt', '-x', '-n', '-4', '-6', '-a', '-A', '-X', '-Y', '-N', '-k', '-K']);
/** ssh's flags that take a value, mapped to the ssh_config keyword they set. */
const VALUE_FLAGS = {
    '-J': 'proxyjump', '-p': 'port', '-l': 'user', '-i': 'identityfile', '-F': undefined, '-c': undefined,
    '-m': undefined, '-b': undefined, '-E': undefined, '-L': undefined, '-R': undefined, '-D': undefined,
    '-W': undefined, '-S': undefined, '-O': undefined, '-Q': undefined, '-e': undefined, '-B': undefined,
};
/** Parses an ansible_ssh_common_args (or ssh_extra_args) string. */
export function parseSshCommonArgs(text) {
    const words = splitShellWords(text);
    const settings = [];
    const ignored = [];
    for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (w === '-o' || (w.startsWith('-o') && w.length > 2)) {
            const opt = w === '-o' ? words[++i] : w.slice(2);
            if (opt === undefined) {
                ignored.push('-o without a value');
                break;
            }
            const parsed = splitConfigLine(opt);
            if (parsed && parsed.args.length)
                settings.push(parsed);
            else
                ignored.push(`-o ${opt}`);
            continue;
        }
        const flag = w.slice(0, 2);
        if (w.startsWith('-') && flag in VALUE_FLAGS) {
            const value = w.length > 2 ? w.slice(2) : words[++i];
            const keyword = VALUE_FLAGS[flag];
            if (value === undefined)
                ignored.push(`${flag} without a value`);
            else if (keyword)
                settings.push({ keyword, args: [value] });
            else
                ignored.push(`${flag} ${value}`);
            continue;
        }
        if (!HARMLESS_FLAGS.has(w))
            ignored.push(w);
    }
    return { settings, ignored };
}
/** One ProxyJump hop: `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://[user@]host[:port]`. */
export function parseJumpHop(text) {
    let rest = text.trim();
    if (rest.startsWith('ssh://'))
        rest = rest.slice(6).replace(/\/$/, '');
    let user;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
        user = rest.slice(0, at);
        rest = rest.slice(at + 1);
    }
    let host = rest;
    let portText;
    const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
    if (v6) {
        host = v6[1];
        portText = v6[2];
    }
    else if (rest.split(':').length === 2) {
        [host, portText] = rest.split(':');
    }
    let port;
    if (portText !== undefined) {
        port = Number(portText);
        if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
            throw new Error(`bad port in jump host "${text}"`);
    }
    if (host === '' || user === '')
        throw new Error(`bad jump host "${text}"`);
    return { host, user, port };
}
/** A ProxyJump value: comma-separated hops, or `none`. */
export function parseProxyJump(value) {
    if (value.toLowerCase() === 'none')
        return [];
    return value.split(',').map(parseJumpHop);
}
/**
 * The one ProxyCommand shape that is a jump host in disguise, `ssh [-q] [-p N] [-l U] -W %h:%p
 * [user@]bastion`, as a hop. Anything else: undefined (k8sbm does not spawn proxy commands).
 */
export function proxyCommandAsJump(command) {
    let words;
    try {
        words = splitShellWords(command);
    }
    catch {
        return undefined;
    }
    if (!words.length || !/(^|\/)ssh$/.test(words[0]))
        return undefined;
    let forward = false;
    let user;
    let port;
    let dest;
    for (let i = 1; i < words.length; i++) {
        const w = words[i];
        if (w === '-W') {
            const target = words[++i];
            if (target !== '%h:%p' && target !== '[%h]:%p')
                return undefined;
            forward = true;
        }
        else if (w === '-p' || w === '-l') {
            const v = words[++i];
            if (v === undefined)
                return undefined;
            if (w === '-p')
                port = Number(v);
            else
                user = v;
        }
        else if (w.startsWith('-')) {
            if (!HARMLESS_FLAGS.has(w))
                return undefined;
        }
        else if (dest === undefined) {
            dest = w;
        }
        else {
            return undefined;
        }
    }
    if (!forward || dest === undefined)
        return undefined;
    try {
        const hop = parseJumpHop(dest);
        return { host: hop.host, user: hop.user ?? user, port: hop.port ?? (port !== undefined && Number.isInteger(port) ? port : undefined) };
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=ssh-args.js.map