import { assertNever } from '../util/assert-never.js';
/**
 * The subset of Python that `ast.literal_eval` accepts, because Ansible runs every INI value
 * through it: `x=1` is an integer, `x=True` a boolean, `x="[1, 2]"` a list, `x=05` (a Python
 * syntax error) stays the string "05". Anything literal_eval would reject comes back unchanged.
 */
/** Ansible's `_parse_value`: the literal's value, or the text itself when it is not a literal. */
export function parseIniValue(text) {
    const r = pyLiteral(text);
    return r.ok ? r.value : text;
}
class NotLiteral extends Error {
}
export function pyLiteral(text) {
    try {
        const toks = tokenize(text.replace(/^[ \t]+/, ''));
        const p = new Parser(toks);
        const v = p.expression(true);
        p.expect('end');
        return { ok: true, value: v };
    }
    catch (e) {
        if (e instanceof NotLiteral)
            return { ok: false };
        throw e;
    }
}
const NUMBER = new RegExp('^(?:' +
    '(?:(?:\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*|\\d(?:_?\\d)*\\.)(?:[eE][+-]?\\d(?:_?\\d)*)?[jJ]?' + // 1.5 .5 1. with exponent
    '|\\d(?:_?\\d)*[eE][+-]?\\d(?:_?\\d)*[jJ]?' + // 1e5
    '|\\d(?:_?\\d)*[jJ]' + // 5j
    '|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+' +
    '|0+(?:_?0)*|[1-9](?:_?\\d)*' +
    ')');
const STRING_START = /^([rRuUbBfF]{0,2})('''|"""|'|")/;
const NAME = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/;
function tokenize(src) {
    const out = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (c === ' ' || c === '\t' || c === '\f') {
            i++;
            continue;
        }
        if (c === '#')
            break;
        const rest = src.slice(i);
        const s = STRING_START.exec(rest);
        if (s && /^(?:|r|u|b|br|rb|f|fr|rf)$/i.test(s[1])) {
            const prefix = s[1].toLowerCase();
            const quote = s[2];
            let j = s[0].length;
            let body = '';
            for (;;) {
                if (j >= rest.length)
                    throw new NotLiteral();
                if (rest.startsWith(quote, j)) {
                    j += quote.length;
                    break;
                }
                if (rest[j] === '\\') {
                    body += rest.slice(j, j + 2);
                    j += 2;
                    continue;
                }
                body += rest[j];
                j++;
            }
            const raw = prefix.includes('r');
            out.push({ k: 'str', v: raw ? body : unescape(body, prefix.includes('b')), bytes: prefix.includes('b'), fstring: prefix.includes('f') });
            i += j;
            continue;
        }
        const n = NUMBER.exec(rest);
        if (n && (/\d/.test(c) || /^\.\d/.test(rest))) {
            const txt = n[0];
            // A number glued to a name character (`1x`, `08`) is a syntax error in Python.
            if (/^[A-Za-z0-9_.]/.test(rest.slice(txt.length)))
                throw new NotLiteral();
            out.push(numberToken(txt));
            i += txt.length;
            continue;
        }
        const name = NAME.exec(rest);
        if (name) {
            out.push({ k: 'name', v: name[0] });
            i += name[0].length;
            continue;
        }
        if ('[](){},:+-'.includes(c)) {
            out.push({ k: 'op', v: c });
            i++;
            continue;
        }
        throw new NotLiteral(); // any other operator makes the text a non-literal
    }
    out.push({ k: 'end' });
    return out;
}
function numberToken(txt) {
    const imag = /[jJ]$/.test(txt);
    const t = (imag ? txt.slice(0, -1) : txt).replace(/_/g, '');
    let v;
    if (/^0[xX]/.test(t))
        v = parseInt(t.slice(2), 16);
    else if (/^0[oO]/.test(t))
        v = parseInt(t.slice(2), 8);
    else if (/^0[bB]/.test(t))
        v = parseInt(t.slice(2), 2);
    else
        v = Number(t);
    return { k: 'num', v, imag };
}
const SIMPLE_ESCAPES = {
    '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
function unescape(body, bytes) {
    let out = '';
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c !== '\\') {
            out += c;
            continue;
        }
        const d = body[i + 1] ?? '';
        if (d in SIMPLE_ESCAPES) {
            out += SIMPLE_ESCAPES[d];
            i++;
            continue;
        }
        if (/[0-7]/.test(d)) {
            const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))[0];
            out += String.fromCodePoint(parseInt(m, 8));
            i += m.length;
            continue;
        }
        const width = d === 'x' ? 2 : !bytes && d === 'u' ? 4 : !bytes && d === 'U' ? 8 : 0;
        if (width) {
            const hex = body.slice(i + 2, i + 2 + width);
            if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex))
                throw new NotLiteral();
            const cp = parseInt(hex, 16);
            if (cp > 0x10ffff)
                throw new NotLiteral();
            out += String.fromCodePoint(cp);
            i += 1 + width;
            continue;
        }
        if (d === 'N' && !bytes)
            throw new NotLiteral(); // named escapes need Unicode's name table
        out += c; // unknown escapes keep their backslash, as in Python
    }
    return out;
}
class Parser {
    toks;
    #i = 0;
    constructor(toks) {
        this.toks = toks;
    }
    peek() { return this.toks[this.#i]; }
    next() { return this.toks[this.#i++]; }
    isOp(v) { const t = this.peek(); return t.k === 'op' && t.v === v; }
    expect(kind) { if (this.peek().k !== kind)
        throw new NotLiteral(); }
    eat(v) { if (!this.isOp(v))
        throw new NotLiteral(); this.#i++; }
    /** `a, b` at the top level (or inside parentheses) is a tuple, as in Python. */
    expression(allowTuple) {
        const first = this.atom();
        if (!allowTuple || !this.isOp(','))
            return first;
        const items = [first];
        while (this.isOp(',')) {
            this.#i++;
            if (this.closesHere())
                break;
            items.push(this.atom());
        }
        return items;
    }
    closesHere() {
        const t = this.peek();
        return t.k === 'end' || (t.k === 'op' && (t.v === ')' || t.v === ']' || t.v === '}'));
    }
    atom() {
        const t = this.next();
        switch (t.k) {
            case 'num': return this.numberTail(t.v, t.imag);
            case 'str': {
                if (t.fstring)
                    throw new NotLiteral();
                let s = t.v;
                // Adjacent literals concatenate; mixing bytes and text is a syntax error.
                while (this.peek().k === 'str') {
                    const u = this.next();
                    if (u.fstring || u.bytes !== t.bytes)
                        throw new NotLiteral();
                    s += u.v;
                }
                return s;
            }
            case 'name':
                if (t.v === 'True')
                    return true;
                if (t.v === 'False')
                    return false;
                if (t.v === 'None')
                    return null;
                if (t.v === 'set' && this.isOp('(')) {
                    this.#i++;
                    this.eat(')');
                    return [];
                }
                throw new NotLiteral();
            case 'op':
                if (t.v === '+' || t.v === '-') {
                    const n = this.next();
                    if (n.k !== 'num')
                        throw new NotLiteral();
                    return this.numberTail(t.v === '-' ? -n.v : n.v, n.imag);
                }
                if (t.v === '(') {
                    if (this.isOp(')')) {
                        this.#i++;
                        return [];
                    }
                    const v = this.expression(true);
                    this.eat(')');
                    return v;
                }
                if (t.v === '[')
                    return this.sequence(']');
                if (t.v === '{')
                    return this.braces();
                throw new NotLiteral();
            case 'end':
                throw new NotLiteral();
            default:
                return assertNever(t, 'token');
        }
    }
    /** `1+2j` is the only binary operation literal_eval allows; we do not model complex numbers. */
    numberTail(v, imag) {
        if (imag || this.isOp('+') || this.isOp('-'))
            throw new NotLiteral();
        return v;
    }
    sequence(close) {
        const items = [];
        while (!this.isOp(close)) {
            items.push(this.atom());
            if (this.isOp(','))
                this.#i++;
            else if (!this.isOp(close))
                throw new NotLiteral();
        }
        this.#i++;
        return items;
    }
    braces() {
        if (this.isOp('}')) {
            this.#i++;
            return {};
        }
        const first = this.atom();
        if (!this.isOp(':')) {
            // A set literal: JSON has no sets, so it becomes a list.
            const items = [first];
            if (this.isOp(',')) {
                this.#i++;
                items.push(...this.sequence('}'));
                return items;
            }
            this.eat('}');
            return items;
        }
        const out = {};
        let key = first;
        for (;;) {
            this.eat(':');
            if (key !== null && typeof key === 'object')
                throw new NotLiteral();
            out[pyKeyString(key)] = this.atom();
            if (this.isOp(','))
                this.#i++;
            if (this.isOp('}')) {
                this.#i++;
                return out;
            }
            key = this.atom();
        }
    }
}
/** How Python's json module writes a non-string dict key. */
export function pyKeyString(key) {
    if (key === null)
        return 'null';
    if (key === true)
        return 'true';
    if (key === false)
        return 'false';
    return String(key);
}
/** Python's `str()` of a value, as `ansible-inventory --graph --vars` prints it. */
export function pyStr(v) {
    return typeof v === 'string' ? v : pyRepr(v);
}
export function pyRepr(v) {
    if (v === null || v === undefined)
        return 'None';
    if (v === true)
        return 'True';
    if (v === false)
        return 'False';
    if (typeof v === 'number') {
        if (Number.isNaN(v))
            return 'nan';
        if (!Number.isFinite(v))
            return v > 0 ? 'inf' : '-inf';
        return String(v);
    }
    if (typeof v === 'string')
        return pyStringRepr(v);
    if (Array.isArray(v))
        return `[${v.map(pyRepr).join(', ')}]`;
    if (typeof v === 'object') {
        return `{${Object.entries(v).map(([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
    }
    return String(v);
}
function pyStringRepr(s) {
    const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of s) {
        const cp = ch.codePointAt(0);
        if (ch === '\\')
            out += '\\\\';
        else if (ch === quote)
            out += `\\${quote}`;
        else if (ch === '\n')
            out += '\\n';
        else if (ch === '\r')
            out += '\\r';
        else if (ch === '\t')
            out += '\\t';
        else if (cp < 0x20 || cp === 0x7f)
            out += `\\x${cp.toString(16).padStart(2, '0')}`;
        else
            out += ch;
    }
    return quote + out + quote;
}
//# sourceMappingURL=pyliteral.js.map