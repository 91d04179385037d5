import { joinLines, splitLines } from '../../util/lines.js';
/**
 * The two files that name a host: /etc/hostname (its first non-comment line) and the 127.0.1.1
 * line of /etc/hosts (Debian's convention for a host without a fixed address for its own name).
 * Edits change only the line concerned.
 */
export const LOOPBACK_NAME_ADDRESS = '127.0.1.1';
/** The name /etc/hostname gives, or undefined when it gives none. */
export function hostnameFromFile(text) {
    for (const line of text.split('\n')) {
        const t = line.replace(/#.*/, '').trim();
        if (t !== '')
            return t;
    }
    return undefined;
}
/** "node1.example.com" -> ["node1.example.com", "node1"]: the full name first, then the short one. */
export function loopbackNames(name) {
    const short = name.split('.')[0];
    return short === name ? [name] : [name, short];
}
function fieldsOf(line) {
    return line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
}
/**
 * /etc/hosts with its first 127.0.1.1 line naming `name` (and its short name). A missing line is
 * inserted after the last 127.0.0.1 line, or appended; other lines are kept byte for byte.
 */
export function setLoopbackName(text, name) {
    const want = loopbackNames(name);
    const line = `${LOOPBACK_NAME_ADDRESS}\t${want.join(' ')}`;
    const { lines, finalNewline } = splitLines(text);
    const at = lines.findIndex((l) => fieldsOf(l)[0] === LOOPBACK_NAME_ADDRESS);
    if (at >= 0) {
        const have = fieldsOf(lines[at]).slice(1);
        if (have.length === want.length && have.every((h, i) => h === want[i]))
            return text;
        lines[at] = line;
        return joinLines(lines, finalNewline);
    }
    let after = -1;
    lines.forEach((l, i) => { if (fieldsOf(l)[0] === '127.0.0.1')
        after = i; });
    if (after < 0)
        return joinLines([...lines, line], true);
    lines.splice(after + 1, 0, line);
    return joinLines(lines, finalNewline);
}
//# sourceMappingURL=hostname-files.js.map