/**
 * POSIX extended regular expressions as `grep -E` reads them on the node (wait_for's
 * search_regex). grep refusing an expression looks, from the node's side, like a line that never
 * matches: the task would poll until its timeout. What grep refuses is found here instead, before
 * anything runs. GNU grep's leniencies are kept: a `{` that opens no interval, an unmatched `)`
 * and a leading `*` are literal characters, not errors.
 */
const CLASS_NAMES = new Set(['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit']);
/** RE_DUP_MAX: the largest count an interval may name. */
const DUP_MAX = 32767;
/** One bracket expression from its `[`: where it ends (the `]`), or what is wrong with it. */
function scanBracket(re, start) {
    let i = start + 1;
    if (re[i] === '^')
        i++;
    let first = true;
    let prev; // code point of the last single character, for ranges
    let afterRange = false;
    while (i < re.length) {
        const c = re[i];
        if (c === ']' && !first)
            return { end: i };
        first = false;
        if (c === '[' && (re[i + 1] === ':' || re[i + 1] === '.' || re[i + 1] === '=')) {
            const kind = re[i + 1];
            const close = re.indexOf(`${kind}]`, i + 2);
            if (close < 0)
                return { end: -1, problem: 'unmatched [' };
            const body = re.slice(i + 2, close);
            if (kind === ':' && !CLASS_NAMES.has(body))
                return { end: -1, problem: `[:${body}:] is not a character class (${[...CLASS_NAMES].join(', ')})` };
            if (kind !== ':' && [...body].length !== 1)
                return { end: -1, problem: `[${kind}${body}${kind}] is not a single collating element` };
            prev = kind === ':' ? undefined : body.codePointAt(0);
            if (kind === ':' && re[close + 2] === '-' && re[close + 3] !== ']')
                return { end: -1, problem: `a range cannot start at [:${body}:]` };
            afterRange = false;
            i = close + 2;
            continue;
        }
        if (c === '-' && afterRange && re[i + 1] !== undefined && re[i + 1] !== ']')
            return { end: -1, problem: 'a range cannot start where another one ends' };
        afterRange = false;
        if (c === '-' && prev !== undefined && re[i + 1] !== undefined && re[i + 1] !== ']') {
            let hi;
            let next = i + 2;
            if (re[i + 1] === '[' && re[i + 2] === ':')
                return { end: -1, problem: 'a range cannot end at a character class' };
            if (re[i + 1] === '[' && (re[i + 2] === '.' || re[i + 2] === '=')) {
                const kind = re[i + 2];
                const close = re.indexOf(`${kind}]`, i + 3);
                if (close < 0)
                    return { end: -1, problem: 'unmatched [' };
                hi = re.slice(i + 3, close).codePointAt(0);
                next = close + 2;
            }
            else
                hi = re.codePointAt(i + 1);
            // Order beyond ASCII depends on the node's locale: grep judges those ranges itself.
            if (hi !== undefined && hi < 128 && prev < 128 && hi < prev)
                return { end: -1, problem: `invalid range ${String.fromCodePoint(prev)}-${String.fromCodePoint(hi)} (its end comes before its start)` };
            prev = undefined;
            afterRange = true;
            i = next;
            continue;
        }
        prev = re.codePointAt(i);
        i++;
    }
    return { end: -1, problem: 'unmatched [' };
}
/** Why `grep -E` refuses the expression, or undefined when it takes it. */
export function extendedRegexProblem(re) {
    const open = [];
    const closed = new Set();
    let groups = 0;
    for (let i = 0; i < re.length; i++) {
        const c = re[i];
        if (c === '\\') {
            const n = re[i + 1];
            if (n === undefined)
                return 'trailing backslash';
            if (/[1-9]/.test(n) && !closed.has(Number(n)))
                return `back reference \\${n} names a group that is not there (yet)`;
            i++;
            continue;
        }
        if (c === '[') {
            const bare = /^\[:[a-z]+:\]/.exec(re.slice(i))?.[0];
            if (bare)
                return `a character class is written inside brackets: [${bare}], not ${bare}`;
            const b = scanBracket(re, i);
            if (b.problem)
                return b.problem;
            i = b.end;
            continue;
        }
        if (c === '(') {
            groups++;
            open.push(groups);
            continue;
        }
        if (c === ')') {
            const n = open.pop();
            if (n !== undefined)
                closed.add(n);
            continue;
        }
        if (c === '{') {
            const m = /^\{(\d*)(,(\d*))?\}/.exec(re.slice(i));
            if (!m)
                continue; // not an interval: a literal brace, as grep reads it
            if (m[1] === '' && m[2] === undefined)
                return 'empty interval {}';
            const lo = m[1] === '' ? 0 : Number(m[1]);
            const hi = m[2] === undefined ? lo : m[3] === '' ? undefined : Number(m[3]);
            if (lo > DUP_MAX || (hi !== undefined && hi > DUP_MAX))
                return `interval ${m[0]} is over ${DUP_MAX}`;
            if (hi !== undefined && hi < lo)
                return `interval ${m[0]}: its maximum is below its minimum`;
            i += m[0].length - 1;
        }
    }
    if (open.length > 0)
        return 'unmatched (';
    return undefined;
}
//# sourceMappingURL=posix-regex.js.map