import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
export const realConfigFiles = {
    readFile: (p) => { try {
        return readFileSync(p, 'utf8');
    }
    catch {
        return undefined;
    } },
    listDir: (p) => { try {
        return readdirSync(p);
    }
    catch {
        return undefined;
    } },
};
export const EMPTY_SSH_CONFIG = { entries: [], notes: [] };
const MAX_INCLUDE_DEPTH = 16;
const NEVER = ['!*'];
/** Splits an ssh_config line into words: blanks separate, double or single quotes group. */
export function splitConfigWords(text) {
    const out = [];
    let cur = '';
    let inWord = false;
    let quote;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote) {
            if (c === quote)
                quote = undefined;
            else if (c === '\\' && text[i + 1] === quote)
                cur += text[++i];
            else
                cur += c;
        }
        else if (c === '"' || c === "'") {
            quote = c;
            inWord = true;
        }
        else if (c === ' ' || c === '\t') {
            if (inWord)
                out.push(cur);
            cur = '';
            inWord = false;
        }
        else if (c === '#' && !inWord) {
            break;
        }
        else {
            cur += c;
            inWord = true;
        }
    }
    if (inWord)
        out.push(cur);
    return out;
}
/** `Keyword value`, `Keyword=value` or `Keyword = value`. */
export function splitConfigLine(raw) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#'))
        return undefined;
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
    if (!m)
        return undefined;
    return { keyword: m[1].toLowerCase(), args: splitConfigWords(m[2]) };
}
/** Parses ssh_config text; Include files are read through `files`, relative to ~/.ssh. */
export function parseSshConfig(text, file, opts = {}) {
    const files = opts.files ?? realConfigFiles;
    const home = opts.home ?? homedir();
    const entries = [];
    const notes = [];
    const visit = (body, name, outer, depth) => {
        let when = outer;
        body.split(/\r?\n/).forEach((raw, i) => {
            const parsed = splitConfigLine(raw);
            if (!parsed)
                return;
            const { keyword, args } = parsed;
            const at = `${name}:${i + 1}`;
            if (keyword === 'host') {
                when = args.length ? [...outer, args] : [...outer, NEVER];
            }
            else if (keyword === 'match') {
                notes.push(`${at}: Match blocks are not supported; their settings are ignored`);
                when = [...outer, NEVER];
            }
            else if (keyword === 'include') {
                if (depth >= MAX_INCLUDE_DEPTH) {
                    notes.push(`${at}: Include nested too deeply; ignored`);
                    return;
                }
                for (const pattern of args) {
                    const path = expandTilde(pattern, home);
                    const abs = isAbsolute(path) ? path : join(home, '.ssh', path);
                    const wild = /[*?]/.test(abs);
                    for (const f of expandGlob(abs, files)) {
                        const included = files.readFile(f);
                        // A pattern that matches nothing is fine (as in ssh); a named file that is missing is not.
                        if (included !== undefined)
                            visit(included, f, when, depth + 1);
                        else if (!wild)
                            notes.push(`${at}: cannot read included file ${f}`);
                    }
                }
            }
            else {
                entries.push({ keyword, args, file: name, line: i + 1, when });
            }
        });
    };
    visit(text, file, [], 0);
    return { entries, notes };
}
/** Reads an ssh_config file (missing file: empty config). */
export function loadSshConfig(file, opts = {}) {
    const text = (opts.files ?? realConfigFiles).readFile(file);
    return text === undefined ? EMPTY_SSH_CONFIG : parseSshConfig(text, file, opts);
}
/** One glob pattern (`*`, `?`), matched against the whole text. */
export function matchPattern(text, pattern) {
    let re = '^';
    for (const c of pattern)
        re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&');
    return new RegExp(`${re}$`, 's').test(text);
}
/**
 * A Host line's pattern list: matches when some positive pattern matches and no negated one
 * does (`!pattern` vetoes). Host names compare case-insensitively.
 */
export function matchHostPatterns(host, patterns) {
    const h = host.toLowerCase();
    let matched = false;
    for (const p of patterns) {
        if (p.startsWith('!')) {
            if (matchPattern(h, p.slice(1).toLowerCase()))
                return false;
        }
        else if (matchPattern(h, p.toLowerCase())) {
            matched = true;
        }
    }
    return matched;
}
/** Keywords whose every occurrence counts (the others: first value wins). */
const CUMULATIVE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);
/** The settings that apply to a host: first value per keyword; cumulative ones in order. */
export function lookupSshConfig(config, host) {
    const out = new Map();
    for (const e of config.entries) {
        if (!e.when.every((patterns) => matchHostPatterns(host, patterns)))
            continue;
        const have = out.get(e.keyword);
        const value = { args: e.args, from: `${e.file}:${e.line}` };
        if (!have)
            out.set(e.keyword, [value]);
        else if (CUMULATIVE.has(e.keyword))
            have.push(value);
    }
    return out;
}
export function expandTilde(path, home) {
    if (path === '~')
        return home;
    if (path.startsWith('~/'))
        return join(home, path.slice(2));
    return path;
}
/** Paths matching a glob whose `*` and `?` may sit in any component (sorted, like glob(3)). */
export function expandGlob(path, files) {
    if (!/[*?]/.test(path))
        return [path];
    const parts = path.split('/');
    let found = [parts[0] === '' ? '/' : parts[0]];
    for (const part of parts.slice(1)) {
        if (part === '')
            continue;
        const next = [];
        for (const dir of found) {
            if (!/[*?]/.test(part)) {
                next.push(join(dir, part));
                continue;
            }
            const names = files.listDir(dir) ?? [];
            for (const n of [...names].sort()) {
                if (!n.startsWith('.') && matchPattern(n, part))
                    next.push(join(dir, n));
            }
        }
        found = next;
    }
    return found;
}
//# sourceMappingURL=ssh-config.js.map