import { linesWithEnds } from '../../util/lines.js';
import { compilePythonRegex } from '../../util/python-regex.js';
/**
 * blockinfile's decision, on plain text. Ansible's algorithm, so files it wrote are recognised:
 * the block sits between a BEGIN and an END marker line; an existing block is replaced where it
 * is; a new one goes after the last line matching insertafter (or before the last matching
 * insertbefore), at EOF when nothing matches. An empty block with state present removes the
 * block, as in Ansible. Two fixes: a marker on a last line without a newline is still found,
 * and only a complete BEGIN...END pair counts as a block.
 */
export const DEFAULT_MARKER = '# {mark} ANSIBLE MANAGED BLOCK';
/** The marker lines for a marker template: `# {mark} ANSIBLE MANAGED BLOCK` -> BEGIN / END. */
export function markerLines(marker, markBegin, markEnd) {
    return { begin: marker.split('{mark}').join(markBegin), end: marker.split('{mark}').join(markEnd) };
}
/** Why a marker setup cannot delimit a block, or undefined when it can. */
export function checkMarkers(begin, end) {
    if (/[\r\n]/.test(begin) || /[\r\n]/.test(end)) {
        return { message: 'marker, marker_begin and marker_end must fit on one line', hint: 'write the marker as one line, e.g. "# {mark} k8sbm api endpoint"' };
    }
    if (begin === end) {
        return {
            message: `the BEGIN and END marker lines are the same ("${begin}")`,
            hint: 'put {mark} in marker, or make marker_begin and marker_end differ',
        };
    }
    return undefined;
}
const bare = (line) => line.replace(/\r?\n$/, '');
/** Index of the last line equal to `marker`, or -1. */
function lastMarker(lines, marker) {
    for (let i = lines.length - 1; i >= 0; i--)
        if (bare(lines[i]) === marker)
            return i;
    return -1;
}
/** Where a new block goes, as Ansible decides it. */
function insertionPoint(lines, e) {
    const pattern = e.insertafter !== undefined && e.insertafter !== 'EOF' ? e.insertafter
        : e.insertbefore !== undefined && e.insertbefore !== 'BOF' ? e.insertbefore : undefined;
    if (pattern !== undefined) {
        const re = compilePythonRegex(pattern);
        let at = -1;
        for (let i = 0; i < lines.length; i++)
            if (re.test(bare(lines[i])))
                at = i;
        if (at === -1)
            return lines.length;
        return e.insertafter !== undefined ? at + 1 : at;
    }
    return e.insertbefore === 'BOF' ? 0 : lines.length;
}
export function editBlock(text, e) {
    const lines = linesWithEnds(text);
    const body = e.state === 'present' && e.block !== '' ? (e.block.endsWith('\n') ? e.block : `${e.block}\n`) : '';
    const blockLines = body === '' ? [] : [`${e.begin}\n`, ...linesWithEnds(body), `${e.end}\n`];
    const b = lastMarker(lines, e.begin);
    const en = lastMarker(lines, e.end);
    const found = b !== -1 && en !== -1;
    let at;
    if (found) {
        const [from, to] = b < en ? [b, en] : [en, b];
        const current = lines.slice(from, to + 1);
        // The block as it stands, marker newline on a last line aside, is the one wanted: no change.
        if (current.length === blockLines.length && current.every((l, i) => l === blockLines[i]) && neighboursFine(lines, from, to, e)) {
            return { text, msg: '', reason: `the block between "${e.begin}" and "${e.end}" is up to date` };
        }
        lines.splice(from, to - from + 1);
        at = from;
    }
    else {
        if (blockLines.length === 0) {
            return { text, msg: '', reason: `no block marked "${e.begin}" ... "${e.end}", so nothing to remove` };
        }
        at = insertionPoint(lines, e);
    }
    if (at > 0 && !/\n$/.test(lines[at - 1]))
        lines[at - 1] += '\n';
    if (e.prependNewline && blockLines.length && at !== 0 && lines[at - 1] !== '\n') {
        lines.splice(at, 0, '\n');
        at++;
    }
    lines.splice(at, 0, ...blockLines);
    const after = at + blockLines.length;
    if (e.appendNewline && blockLines.length && after < lines.length && lines[after] !== '\n')
        lines.splice(after, 0, '\n');
    const next = lines.join('');
    if (next === text)
        return { text, msg: '', reason: `the block between "${e.begin}" and "${e.end}" is up to date` };
    return { text: next, msg: blockLines.length === 0 ? 'block removed' : found ? 'block updated' : 'block inserted', reason: '' };
}
/** The blank lines prepend_newline/append_newline ask for are already around the block. */
function neighboursFine(lines, from, to, e) {
    if (e.prependNewline && from > 0 && lines[from - 1] !== '\n')
        return false;
    if (e.appendNewline && to + 1 < lines.length && lines[to + 1] !== '\n')
        return false;
    return true;
}
//# sourceMappingURL=blockinfile-edit.js.map