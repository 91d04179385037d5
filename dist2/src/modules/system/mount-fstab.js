import { unescapeOctal } from '../../facts/mount.js';
import { joinLines, parseLines, splitLines } from '../../util/lines.js';
/** "/mnt/data/" -> "/mnt/data": fstab and mountinfo never end a mount point with '/'. */
export function normalizeMountPath(path) {
    return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
export function parseFstabLine(line, index = 0) {
    const t = line.trim();
    if (t === '' || t.startsWith('#'))
        return undefined;
    const f = t.split(/\s+/);
    if (f.length < 3)
        return undefined;
    return {
        line: index,
        src: unescapeOctal(f[0]),
        path: normalizeMountPath(unescapeOctal(f[1])),
        fstype: f[2],
        opts: f[3] ?? 'defaults',
        dump: f[4] ?? '0',
        passno: f[5] ?? '0',
    };
}
export function parseFstab(text) {
    return parseLines(text, parseFstabLine);
}
export function escapeFstabField(s) {
    return s.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
export function formatFstabLine(e) {
    return [escapeFstabField(e.src), escapeFstabField(e.path), e.fstype, e.opts, e.dump, e.passno].join(' ');
}
export function sameEntry(a, b) {
    return a.src === b.src && a.path === b.path && a.fstype === b.fstype && a.opts === b.opts &&
        Number(a.dump) === Number(b.dump) && Number(a.passno) === Number(b.passno);
}
/**
 * The file with exactly one line for `e.path`, saying `e`: an entry already right (and alone)
 * leaves the file as it is; otherwise the first line for the path is rewritten in place and any
 * later ones dropped; a new entry is appended.
 */
export function setFstabEntry(text, e) {
    const l = splitLines(text);
    const mine = parseFstab(text).filter((x) => x.path === e.path);
    if (mine.length === 1 && sameEntry(mine[0], e))
        return text;
    if (mine.length === 0)
        return joinLines([...l.lines, formatFstabLine(e)], true);
    const drop = new Set(mine.slice(1).map((x) => x.line));
    // The first line keeps its own spacing when it already says the right thing.
    const first = sameEntry(mine[0], e) ? l.lines[mine[0].line] : formatFstabLine(e);
    const lines = l.lines.map((line, i) => (i === mine[0].line ? first : line)).filter((_, i) => !drop.has(i));
    return joinLines(lines, l.finalNewline);
}
/** The file without any line for `path`. */
export function removeFstabEntry(text, path) {
    const l = splitLines(text);
    const drop = new Set(parseFstab(text).filter((x) => x.path === path).map((x) => x.line));
    if (drop.size === 0)
        return text;
    return joinLines(l.lines.filter((_, i) => !drop.has(i)), l.finalNewline);
}
/**
 * Swap lines commented out with a leading '#' (kept, so turning swap back on is one character);
 * only those whose source is `src`, when given.
 */
export function commentOutSwap(text, src) {
    const l = splitLines(text);
    const entries = parseFstab(text).filter((x) => x.fstype === 'swap' && (src === undefined || x.src === src));
    if (entries.length === 0)
        return { text, entries };
    const lines = [...l.lines];
    for (const e of entries)
        lines[e.line] = `#${lines[e.line]}`;
    return { text: joinLines(lines, l.finalNewline), entries };
}
//# sourceMappingURL=mount-fstab.js.map