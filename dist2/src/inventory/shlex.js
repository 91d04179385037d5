import { assertNever } from '../util/assert-never.js';
export class ShlexError extends Error {
    offset;
    constructor(message, offset) {
        super(message);
        this.offset = offset;
        this.name = 'ShlexError';
    }
}
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
export function shlexSplit(line) {
    const words = [];
    let state = ' ';
    let escapedState = 'a';
    let token = '';
    let quoted = false;
    let start = 0;
    let valueStart;
    const emit = () => {
        words.push({ text: token, start, valueStart });
        token = '';
        quoted = false;
        valueStart = undefined;
    };
    for (let i = 0; i <= line.length; i++) {
        const c = i < line.length ? line[i] : '';
        switch (state) {
            case ' ':
                if (c === '')
                    return words;
                if (WHITESPACE.has(c))
                    continue;
                if (c === '#')
                    return words;
                start = i;
                if (c === '\\') {
                    escapedState = 'a';
                    state = '\\';
                }
                else if (c === '"' || c === "'")
                    state = c;
                else {
                    token = c;
                    state = 'a';
                    noteEquals(c, i);
                }
                break;
            case 'a':
                if (c === '') {
                    emit();
                    return words;
                }
                if (WHITESPACE.has(c)) {
                    emit();
                    state = ' ';
                }
                else if (c === '#') {
                    emit();
                    return words;
                }
                else if (c === '"' || c === "'")
                    state = c;
                else if (c === '\\') {
                    escapedState = 'a';
                    state = '\\';
                }
                else {
                    token += c;
                    noteEquals(c, i);
                }
                break;
            case '"':
            case "'":
                quoted = true;
                if (c === '')
                    throw new ShlexError('No closing quotation', i);
                if (c === state)
                    state = 'a';
                else if (c === '\\' && state === '"') {
                    escapedState = '"';
                    state = '\\';
                }
                else
                    token += c;
                break;
            case '\\':
                if (c === '')
                    throw new ShlexError('No escaped character', i);
                // Inside double quotes only the quote itself or the backslash may be escaped.
                if (escapedState === '"' && c !== '"' && c !== '\\')
                    token += '\\';
                token += c;
                state = escapedState;
                break;
            default:
                assertNever(state, 'shlex state');
        }
    }
    return words;
    function noteEquals(c, i) {
        if (c === '=' && valueStart === undefined)
            valueStart = i + 1;
    }
}
/** Plain word list, for values such as `ansible_ssh_common_args`. */
export function shlexWords(line) {
    return shlexSplit(line).map((w) => w.text);
}
//# sourceMappingURL=shlex.js.map