import { assertNever } from '../util/assert-never.js';

/**
 * Tokenizer and parser for the condition language (`when`, `failed_when`, assert `that`, ...):
 * the everyday subset of Jinja expressions Ansible users write, parsed into a small tree that
 * expr-eval.ts walks. Nothing here ever reaches JavaScript's eval or Function.
 */

export class ExprSyntaxError extends Error {
  constructor(message: string, readonly offset: number, readonly hint: string) {
    super(message);
  }
}

type TokKind = 'num' | 'str' | 'name' | 'op' | 'eof';

interface Token {
  readonly kind: TokKind;
  readonly text: string;
  readonly value?: number | string;
  readonly pos: number;
}

// A lone `=` only names a filter's keyword argument (`map(attribute='name')`).
const OPS = ['**', '//', '==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '|', '+', '-', '*', '/', '%', '~', '='];
const ASSIGN_HINT = 'compare with == (a single = assigns nothing here)';

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    const prev = out[out.length - 1];
    if (/[0-9]/.test(ch)) {
      // After a dot only digits: `a.0.b` is attribute 0 then b, not the number 0.b.
      const re = prev?.text === '.' && prev.kind === 'op' ? /[0-9]+/y : /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
      re.lastIndex = i;
      const m = re.exec(src)!;
      out.push({ kind: 'num', text: m[0], value: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /[A-Za-z_][A-Za-z0-9_]*/y;
      m.lastIndex = i;
      const word = m.exec(src)![0];
      out.push({ kind: 'name', text: word, pos: i });
      i += word.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let s = '';
      for (; j < src.length && src[j] !== ch; j++) {
        if (src[j] === '\\' && j + 1 < src.length) {
          j++;
          const e = src[j]!;
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
        } else s += src[j];
      }
      if (j >= src.length) throw new ExprSyntaxError('unterminated string', i, `close the string with ${ch}`);
      out.push({ kind: 'str', text: src.slice(i, j + 1), value: s, pos: i });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) {
      const hint = ch === '&' || ch === '!' ? 'write and / or / not' : 'remove it, or quote the text';
      throw new ExprSyntaxError(`unexpected character ${JSON.stringify(ch)}`, i, hint);
    }
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'eof', text: '', pos: src.length });
  return out;
}

export type Expr =
  | { readonly k: 'lit'; readonly value: unknown; readonly pos: number }
  | { readonly k: 'name'; readonly name: string; readonly pos: number }
  | { readonly k: 'attr'; readonly obj: Expr; readonly key: string; readonly pos: number }
  | { readonly k: 'index'; readonly obj: Expr; readonly index: Expr; readonly pos: number }
  | { readonly k: 'list'; readonly items: readonly Expr[]; readonly pos: number }
  | { readonly k: 'dict'; readonly entries: readonly (readonly [Expr, Expr])[]; readonly pos: number }
  | { readonly k: 'not'; readonly arg: Expr; readonly pos: number }
  | { readonly k: 'neg'; readonly arg: Expr; readonly pos: number }
  | { readonly k: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly pos: number }
  | { readonly k: 'bin'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly pos: number }
  | { readonly k: 'cmp'; readonly first: Expr; readonly rest: readonly { readonly op: string; readonly right: Expr; readonly pos: number }[]; readonly pos: number }
  | { readonly k: 'cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr | undefined; readonly pos: number }
  | { readonly k: 'filter'; readonly arg: Expr; readonly name: string; readonly args: readonly Expr[]; readonly kwargs: readonly KwArg[]; readonly pos: number }
  | { readonly k: 'test'; readonly arg: Expr; readonly name: string; readonly args: readonly Expr[]; readonly negate: boolean; readonly pos: number }
  | { readonly k: 'call'; readonly obj: Expr; readonly method: string; readonly args: readonly Expr[]; readonly pos: number }
  | { readonly k: 'fn'; readonly name: string; readonly args: readonly Expr[]; readonly kwargs: readonly KwArg[]; readonly pos: number };

/** The functions an expression may call: Ansible's lookup plugins. */
export const FUNCTIONS: ReadonlySet<string> = new Set(['lookup', 'query', 'q']);

/** `name=value` after a filter's positional arguments. */
export interface KwArg {
  readonly name: string;
  readonly value: Expr;
  readonly pos: number;
}

const KEYWORD_VALUES: Readonly<Record<string, unknown>> = {
  true: true, false: false, True: true, False: false, none: null, None: null,
};

const RESERVED = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

/** Brackets, `not` and signs nested deeper than this are an error, not a stack overflow. */
export const MAX_EXPR_DEPTH = 100;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}

  private get tok(): Token { return this.toks[this.i]!; }
  private next(): Token { return this.toks[this.i++]!; }
  private isOp(text: string): boolean { return this.tok.kind === 'op' && this.tok.text === text; }
  private isWord(text: string): boolean { return this.tok.kind === 'name' && this.tok.text === text; }

  private expectOp(text: string, hint: string): Token {
    if (!this.isOp(text)) throw this.unexpected(`expected ${text}`, hint);
    return this.next();
  }

  unexpected(what: string, hint: string): ExprSyntaxError {
    const t = this.tok;
    const shown = t.kind === 'eof' ? 'the end of the expression' : JSON.stringify(t.text);
    return new ExprSyntaxError(`${what}, found ${shown}`, t.pos, t.kind === 'op' && t.text === '=' ? ASSIGN_HINT : hint);
  }

  parseAll(): Expr {
    if (this.tok.kind === 'eof') throw new ExprSyntaxError('empty expression', 0, 'write a condition such as x is defined, or a variable name');
    const e = this.expression();
    const end: Token = this.tok;
    if (end.kind !== 'eof') {
      const hint = this.tok.kind === 'name' || this.tok.kind === 'str' || this.tok.kind === 'num'
        ? 'two values in a row: join them with an operator (and, or, ==, in, ~)'
        : this.isOp('}') ? 'templating is not needed here: write the expression without {{ }}' : 'check the brackets and operators';
      throw this.unexpected('unexpected token', hint);
    }
    return e;
  }

  expression(): Expr {
    const e = this.or();
    if (!this.isWord('if')) return e;
    const pos = this.next().pos;
    const test = this.or();
    let alt: Expr | undefined;
    if (this.isWord('else')) { this.next(); alt = this.expression(); }
    return { k: 'cond', test, then: e, else: alt, pos };
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) { const pos = this.next().pos; left = { k: 'or', left, right: this.and(), pos }; }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) { const pos = this.next().pos; left = { k: 'and', left, right: this.not(), pos }; }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) { const pos = this.next().pos; return { k: 'not', arg: this.nested(() => this.not()), pos }; }
    return this.compare();
  }

  /** Every way an expression nests passes here (not, signs, brackets through unary). */
  private nested(fn: () => Expr): Expr {
    if (++this.depth > MAX_EXPR_DEPTH) {
      throw new ExprSyntaxError(`the expression nests deeper than ${MAX_EXPR_DEPTH} levels`, this.tok.pos, 'split it with set_fact or vars into smaller expressions');
    }
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private compare(): Expr {
    const first = this.math1();
    const rest: { op: string; right: Expr; pos: number }[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.text)) { this.next(); rest.push({ op: t.text, right: this.math1(), pos: t.pos }); }
      else if (this.isWord('in')) { this.next(); rest.push({ op: 'in', right: this.math1(), pos: t.pos }); }
      else if (this.isWord('not') && this.toks[this.i + 1]?.kind === 'name' && this.toks[this.i + 1]?.text === 'in') {
        this.i += 2;
        rest.push({ op: 'not in', right: this.math1(), pos: t.pos });
      } else break;
    }
    return rest.length === 0 ? first : { k: 'cmp', first, rest, pos: first.pos };
  }

  private binary(ops: string[], sub: () => Expr): Expr {
    let left = sub();
    while (this.tok.kind === 'op' && ops.includes(this.tok.text)) {
      const t = this.next();
      left = { k: 'bin', op: t.text, left, right: sub(), pos: t.pos };
    }
    return left;
  }

  // Jinja's order, loosest first: + -, then ~, then * / // %, then **.
  private math1(): Expr { return this.binary(['+', '-'], () => this.concat()); }
  private concat(): Expr { return this.binary(['~'], () => this.math2()); }
  private math2(): Expr { return this.binary(['*', '/', '//', '%'], () => this.pow()); }
  private pow(): Expr { return this.binary(['**'], () => this.unary(true)); }

  private unary(withFilters: boolean): Expr {
    return this.nested(() => this.unaryInner(withFilters));
  }

  private unaryInner(withFilters: boolean): Expr {
    let e: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const arg = this.unary(false);
      e = t.text === '-' ? { k: 'neg', arg, pos: t.pos } : arg;
    } else {
      e = this.postfix(this.primary());
    }
    return withFilters ? this.filters(e) : e;
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'num':
      case 'str':
        this.next();
        return { k: 'lit', value: t.value, pos: t.pos };
      case 'name':
        if (Object.prototype.hasOwnProperty.call(KEYWORD_VALUES, t.text)) { this.next(); return { k: 'lit', value: KEYWORD_VALUES[t.text], pos: t.pos }; }
        if (RESERVED.has(t.text)) throw this.unexpected('expected a value', `"${t.text}" is an operator; put a value before and after it`);
        this.next();
        return { k: 'name', name: t.text, pos: t.pos };
      case 'op':
        if (t.text === '(') {
          this.next();
          const e = this.expression();
          if (this.isOp(',')) return this.sequence(t.pos, e, ')');
          this.expectOp(')', 'close the parenthesis');
          return e;
        }
        if (t.text === '[') { this.next(); return this.sequence(t.pos, undefined, ']'); }
        if (t.text === '{') {
          this.next();
          if (this.isOp('{')) throw new ExprSyntaxError('templating inside an expression', t.pos, 'conditions are expressions already: write x == "a", not {{ x }} == "a"');
          return this.dict(t.pos);
        }
        throw this.unexpected('expected a value', 'a value is a name, a number, a quoted string, a list [..] or a mapping {..}');
      case 'eof':
        throw this.unexpected('expected a value', 'the expression ends too early: complete it');
      default:
        return assertNever(t.kind, 'token kind');
    }
  }

  private sequence(pos: number, first: Expr | undefined, close: string): Expr {
    const items: Expr[] = first ? [first] : [];
    while (!this.isOp(close)) {
      if (items.length > 0 || first) {
        this.expectOp(',', 'separate items with commas');
        if (this.isOp(close)) break;
      }
      items.push(this.expression());
    }
    this.next();
    return { k: 'list', items, pos };
  }

  private dict(pos: number): Expr {
    const entries: [Expr, Expr][] = [];
    while (!this.isOp('}')) {
      if (entries.length > 0) { this.expectOp(',', 'separate entries with commas'); if (this.isOp('}')) break; }
      const key = this.expression();
      this.expectOp(':', 'write mapping entries as key: value');
      entries.push([key, this.expression()]);
    }
    this.next();
    return { k: 'dict', entries, pos };
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const t = this.tok;
        if (t.kind !== 'name' && t.kind !== 'num') throw this.unexpected('expected a name after .', 'write a.b, or a["b"] for keys that are not plain names');
        this.next();
        if (t.kind === 'name' && this.isOp('(')) {
          this.next();
          e = { k: 'call', obj: e, method: t.text, args: this.args(), pos: t.pos };
        } else {
          e = { k: 'attr', obj: e, key: t.text, pos: dot.pos + 1 };
        }
      } else if (this.isOp('[')) {
        const t = this.next();
        const index = this.expression();
        if (this.isOp(':')) throw this.unexpected('slices are not supported', 'use | first, | last, or an index such as [0]');
        this.expectOp(']', 'close the index with ]');
        e = { k: 'index', obj: e, index, pos: t.pos };
      } else if (this.isOp('(') && e.k === 'name' && FUNCTIONS.has(e.name)) {
        this.next();
        const { args, kwargs } = this.filterArgs();
        e = { k: 'fn', name: e.name, args, kwargs, pos: e.pos };
      } else if (this.isOp('(')) {
        throw this.unexpected('calls are not supported', "use filters (x | length) and tests (x is defined); the functions are lookup('file', path) and lookup('env', name)");
      } else return e;
    }
  }

  /** Arguments after an opening parenthesis, through the closing one. */
  private args(): Expr[] {
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      if (args.length > 0) this.expectOp(',', 'separate arguments with commas');
      args.push(this.expression());
    }
    this.next();
    return args;
  }

  /** A filter's arguments: positional ones, then `name=value` ones, through the closing parenthesis. */
  private filterArgs(): { args: Expr[]; kwargs: KwArg[] } {
    const args: Expr[] = [];
    const kwargs: KwArg[] = [];
    while (!this.isOp(')')) {
      if (args.length + kwargs.length > 0) this.expectOp(',', 'separate arguments with commas');
      const t = this.tok;
      const after = this.toks[this.i + 1];
      if (t.kind === 'name' && after?.kind === 'op' && after.text === '=') {
        this.i += 2;
        if (kwargs.some((k) => k.name === t.text)) throw new ExprSyntaxError(`argument ${t.text} is given twice`, t.pos, 'give each argument once');
        kwargs.push({ name: t.text, value: this.expression(), pos: t.pos });
      } else if (kwargs.length > 0) {
        throw this.unexpected('a positional argument after a keyword argument', 'put name=value arguments last');
      } else args.push(this.expression());
    }
    this.next();
    return { args, kwargs };
  }

  private filters(e: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'name') throw this.unexpected('expected a filter name after |', 'e.g. x | length, x | default("y")');
        this.next();
        let name = t.text;
        // Ansible's fully qualified names (ansible.builtin.bool) are the short names here.
        while (this.isOp('.') && this.toks[this.i + 1]?.kind === 'name') { this.next(); name = this.next().text; }
        const { args, kwargs } = this.isOp('(') ? (this.next(), this.filterArgs()) : { args: [], kwargs: [] };
        e = { k: 'filter', arg: e, name, args, kwargs, pos: t.pos };
      } else if (this.isWord('is')) {
        this.next();
        let negate = false;
        if (this.isWord('not')) { this.next(); negate = true; }
        const t = this.tok;
        if (t.kind !== 'name') throw this.unexpected('expected a test name after is', 'e.g. x is defined, r is failed, x is none');
        this.next();
        const args = this.isOp('(') ? (this.next(), this.args()) : [];
        e = { k: 'test', arg: e, name: t.text, args, negate, pos: t.pos };
      } else return e;
    }
  }
}

// Conditions repeat across hosts and loop items: parse each distinct text once.
const cache = new Map<string, Expr | ExprSyntaxError>();

export function parseExpression(src: string): Expr {
  let r = cache.get(src);
  if (r === undefined) {
    try {
      r = new Parser(tokenize(src)).parseAll();
    } catch (e) {
      if (!(e instanceof ExprSyntaxError)) throw e;
      r = e;
    }
    if (cache.size >= 20_000) cache.delete(cache.keys().next().value as string);
    cache.set(src, r);
  }
  if (r instanceof ExprSyntaxError) throw r;
  return r;
}
