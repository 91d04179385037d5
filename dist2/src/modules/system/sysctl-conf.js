import { normalizeSysctlValue, sysctlKeyName } from '../../facts/sysctl.js';
import { joinLines, parseLines, splitLines } from '../../util/lines.js';
/** The setting a line makes, if it makes one. Globs ("net.ipv4.conf.*.rp_filter") are kept as written. */
export function parseConfLine(line) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';'))
        return undefined;
    const eq = t.indexOf('=');
    if (eq <= 0)
        return undefined;
    const rawKey = t.slice(0, eq).trim().replace(/^-/, '');
    if (rawKey === '')
        return undefined;
    return { key: sysctlKeyName(rawKey), value: normalizeSysctlValue(t.slice(eq + 1)) };
}
export function parseSysctlConf(text) {
    return parseLines(text, (line, i) => {
        const e = parseConfLine(line);
        return e && { line: i, ...e };
    });
}
/** The value a file gives a key: its last line for the key wins, as when sysctl reads the file. */
export function confValue(text, key) {
    const entries = parseSysctlConf(text).filter((e) => e.key === key);
    return entries[entries.length - 1]?.value;
}
export function formatConfLine(key, value) {
    return `${key} = ${value}`;
}
/**
 * The file with each key set (value) or removed (null). A key already at its value is left alone,
 * duplicates included; a key that changes gets its last line rewritten and earlier lines for it
 * dropped (they no longer say anything); a new key is appended.
 */
export function editSysctlConf(text, want) {
    const l = splitLines(text);
    const entries = parseSysctlConf(text);
    const drop = new Set();
    const append = [];
    for (const [key, value] of want) {
        const mine = entries.filter((e) => e.key === key);
        if (value === null) {
            for (const e of mine)
                drop.add(e.line);
            continue;
        }
        const last = mine[mine.length - 1];
        if (last?.value === value)
            continue;
        if (!last) {
            append.push(formatConfLine(key, value));
            continue;
        }
        l.lines[last.line] = formatConfLine(key, value);
        for (const e of mine.slice(0, -1))
            drop.add(e.line);
    }
    const kept = l.lines.filter((_, i) => !drop.has(i));
    // Appending to a file without a final newline first ends its last line.
    return joinLines([...kept, ...append], append.length > 0 || l.finalNewline);
}
//# sourceMappingURL=sysctl-conf.js.map