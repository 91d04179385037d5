import { sourceLine } from '../source/yaml.js';
/** Origin of a template file (or a part of one starting at line/col). */
export function originOfFile(file, line = 1, col = 1) {
    return { file, line, col, indent: 0, linesKept: true };
}
/**
 * Origin of a YAML scalar value whose node starts at `loc`: past the opening quote of a quoted
 * scalar, on the first content line of a block scalar (`|` or `>`).
 */
export function originOfValue(loc) {
    const text = sourceLine(loc.file, loc.line);
    const ch = text?.[loc.col - 1];
    if (ch === '"' || ch === "'")
        return { file: loc.file, line: loc.line, col: loc.col + 1, indent: 0, linesKept: false };
    if (ch === '|' || ch === '>') {
        let line = loc.line + 1;
        let next = sourceLine(loc.file, line);
        // Leading blank lines belong to the value in a literal block, but not to its indentation.
        let first = next;
        for (let l = line; first !== undefined && first.trim() === ''; l++)
            first = sourceLine(loc.file, l + 1);
        const indent = first === undefined ? 0 : first.length - first.trimStart().length;
        if (next === undefined) {
            line = loc.line;
            next = '';
        }
        return { file: loc.file, line, col: indent + 1, indent, linesKept: ch === '|' };
    }
    return { file: loc.file, line: loc.line, col: loc.col, indent: 0, linesKept: false };
}
/** File position of a template position (1-based line, 0-based column, as handlebars gives). */
export function mapPos(origin, line, col0) {
    if (line <= 1) {
        const col = origin.col + col0;
        const text = sourceLine(origin.file, origin.line);
        // A folded scalar's text runs past the end of its first line: point at its start instead.
        if (text !== undefined && col > text.length + 1)
            return { file: origin.file, line: origin.line, col: origin.col };
        return { file: origin.file, line: origin.line, col };
    }
    if (!origin.linesKept)
        return { file: origin.file, line: origin.line, col: origin.col };
    return { file: origin.file, line: origin.line + line - 1, col: origin.indent + col0 + 1 };
}
/** Line (1-based) and column (0-based) of a character offset in text. */
export function lineColAt(text, offset) {
    let line = 1;
    let start = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            start = i + 1;
        }
    }
    return { line, col0: offset - start };
}
//# sourceMappingURL=origin.js.map