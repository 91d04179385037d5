import { linesWithEnds } from '../../util/lines.js';
import { compilePythonRegex } from '../../util/python-regex.js';
/** Python's Match.expand: \1, \g<1>, \g<name>, and the usual escapes. */
export function expandBackrefs(template, m) {
    return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, name, num, ch) => {
        if (name !== undefined)
            return (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
        if (num !== undefined)
            return m[Number(num)] ?? '';
        const escapes = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
        return escapes[ch] ?? all;
    });
}
const stripEol = (s) => s.replace(/[\r\n]+$/, '');
const withoutNl = (s) => (s.endsWith('\n') ? s.slice(0, -1) : s);
export function editLines(text, e) {
    const lines = linesWithEnds(text);
    return e.state === 'absent' ? removeLines(lines, e) : ensureLine(lines, e);
}
function removeLines(lines, e) {
    const re = e.regexp !== undefined ? compilePythonRegex(e.regexp) : undefined;
    const kept = lines.filter((l) => !(re ? re.test(withoutNl(l)) : stripEol(l) === e.line));
    const removed = lines.length - kept.length;
    const what = re ? `matching /${e.regexp}/` : 'equal to the given line';
    return removed === 0
        ? { text: lines.join(''), msg: '', reason: `no line ${what}` }
        : { text: kept.join(''), msg: `${removed} line(s) removed`, reason: '' };
}
function ensureLine(lines, e) {
    const line = e.line ?? '';
    const re = e.regexp !== undefined ? compilePythonRegex(e.regexp) : undefined;
    const insPattern = e.insertafter !== undefined && e.insertafter !== 'BOF' && e.insertafter !== 'EOF' ? e.insertafter
        : e.insertbefore !== undefined && e.insertbefore !== 'BOF' ? e.insertbefore : undefined;
    const ins = insPattern !== undefined ? compilePythonRegex(insPattern) : undefined;
    let found = -1;
    let insertAt = -1;
    let match = null;
    if (re) {
        for (let i = 0; i < lines.length; i++) {
            const m = re.exec(withoutNl(lines[i]));
            if (m) {
                found = i;
                match = m;
                if (e.firstmatch)
                    break;
            }
        }
    }
    if (!match) {
        for (let i = 0; i < lines.length; i++) {
            if (stripEol(lines[i]) === line)
                found = i;
            else if (ins && ins.test(withoutNl(lines[i]))) {
                insertAt = e.insertafter !== undefined ? i + 1 : i;
                if (e.firstmatch)
                    break;
            }
        }
    }
    const done = (msg) => ({ text: lines.join(''), msg, reason: '' });
    if (found !== -1) {
        let next = e.backrefs && match ? expandBackrefs(line, match) : line;
        if (!next.endsWith('\n'))
            next += '\n';
        if (lines[found] === next) {
            return { text: lines.join(''), msg: '', reason: `line ${found + 1} already reads ${JSON.stringify(withoutNl(next))}` };
        }
        lines[found] = next;
        return done('line replaced');
    }
    if (e.backrefs) {
        return { text: lines.join(''), msg: '', reason: `no line matches /${e.regexp}/ and backrefs never adds a line` };
    }
    if (e.insertbefore === 'BOF' || e.insertafter === 'BOF') {
        lines.unshift(`${line}\n`);
        return done('line added');
    }
    const appendLine = () => {
        const last = lines[lines.length - 1];
        if (last !== undefined && !/[\n\r]$/.test(last))
            lines[lines.length - 1] = `${last}\n`;
        lines.push(`${line}\n`);
    };
    if (e.insertafter === 'EOF' || insertAt === -1) {
        appendLine();
        return done('line added');
    }
    // An exact copy of the line anywhere would have been found above, so insert unconditionally.
    if (insertAt === lines.length)
        appendLine();
    else
        lines.splice(insertAt, 0, `${line}\n`);
    return done('line added');
}
//# sourceMappingURL=lineinfile-edit.js.map