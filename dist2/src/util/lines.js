/**
 * Text as lines, for the modules that edit config files a line at a time: every byte they do not
 * change stays as it was, a last line without a newline included.
 */
export function splitLines(text) {
    if (text === '')
        return { lines: [], finalNewline: true };
    const lines = text.split('\n');
    const finalNewline = text.endsWith('\n');
    if (finalNewline)
        lines.pop();
    return { lines, finalNewline };
}
/** The text of `lines`; no lines make an empty text. */
export function joinLines(lines, finalNewline) {
    return lines.length === 0 ? '' : lines.join('\n') + (finalNewline ? '\n' : '');
}
/** The entries of a config file, in file order: each line `parse` makes sense of, with its index. */
export function parseLines(text, parse) {
    const out = [];
    splitLines(text).lines.forEach((line, i) => {
        const e = parse(line, i);
        if (e !== undefined)
            out.push(e);
    });
    return out;
}
/** The lines each with its own newline (the last may have none), as Python's readlines() gives them. */
export function linesWithEnds(text) {
    return text === '' ? [] : text.split(/(?<=\n)/);
}
//# sourceMappingURL=lines.js.map