import { lineColAt } from './origin.js';

/**
 * Templates are handlebars, but operators arrive with Jinja habits. These checks turn the
 * common Jinja forms into a clear error whose hint shows the handlebars way to write the same
 * thing, instead of a parser complaint (or, worse, output that silently means something else).
 */

export interface TemplateProblem {
  /** 1-based line and 0-based column inside the template. */
  readonly line: number;
  readonly col0: number;
  readonly message: string;
  readonly hint: string;
}

function at(text: string, index: number, message: string, hint: string): TemplateProblem {
  const { line, col0 } = lineColAt(text, index);
  return { line, col0, message, hint };
}

const STATEMENT = /\{%[-+]?\s*(\w+)([\s\S]*?)[-+]?%\}/g;
const COMMENT = /(^|[^{])\{#[\s\S]*?#\}/g;

/** `{% if %}`, `{% for %}`, `{# comment #}`: checked before parsing, as handlebars takes them for text. */
export function findJinjaStatement(text: string): TemplateProblem | undefined {
  if (!text.includes('{%') && !text.includes('{#')) return undefined;
  STATEMENT.lastIndex = 0;
  const m = STATEMENT.exec(text);
  if (m) {
    const word = m[1]!;
    const body = m[2]!.trim();
    return at(text, m.index, `Jinja statement {% ${word} %} is not supported: templates are handlebars`, statementHint(word, body));
  }
  COMMENT.lastIndex = 0;
  const c = COMMENT.exec(text);
  if (c) {
    return at(text, c.index + c[1]!.length, 'Jinja comment {# #} is not supported: templates are handlebars', 'write comments as {{!-- comment --}}');
  }
  return undefined;
}

function statementHint(word: string, body: string): string {
  switch (word) {
    case 'if':
    case 'elif': {
      const cond = conditionToHbs(body);
      return cond.negate
        ? `use {{#unless ${cond.expr}}} ... {{else}} ... {{/unless}}`
        : `use {{#if ${cond.expr}}} ... {{else if other}} ... {{else}} ... {{/if}}`;
    }
    case 'else':
    case 'endif':
      return 'use {{#if cond}} ... {{else}} ... {{/if}}';
    case 'for': {
      const m = /^(\w+)\s+in\s+(.+)$/s.exec(body);
      return m
        ? `use {{#each ${argToHbs(m[2]!.trim())} as |${m[1]}|}} ... {{/each}} (@index is the position)`
        : 'use {{#each list as |item|}} ... {{/each}}';
    }
    case 'endfor':
      return 'use {{#each list as |item|}} ... {{/each}}';
    case 'set':
      return 'templates cannot set variables: define it under vars (or use {{#with value as |name|}} ... {{/with}})';
    case 'raw':
    case 'endraw':
      return 'to keep {{ }} literal, write \\{{ or wrap the text in {{{{raw}}}} ... {{{{/raw}}}}';
    default:
      return 'see the helpers in the template docs: {{#if}}, {{#each}}, {{#with}}, {{default x "y"}}';
  }
}

/** A Jinja condition in handlebars form, as far as a simple rewrite goes. */
function conditionToHbs(cond: string): { expr: string; negate: boolean } {
  let m = /^(.+?)\s+is\s+not\s+defined$/s.exec(cond);
  if (m) return { expr: argToHbs(m[1]!), negate: true };
  m = /^(.+?)\s+is\s+defined$/s.exec(cond);
  if (m) return { expr: argToHbs(m[1]!), negate: false };
  m = /^not\s+(.+)$/s.exec(cond);
  if (m) return { expr: conditionToHbs(m[1]!).expr, negate: true };
  m = /^(.+?)\s*(==|!=)\s*(.+)$/s.exec(cond);
  if (m) return { expr: `(${m[2] === '==' ? 'eq' : 'ne'} ${argToHbs(m[1]!)} ${argToHbs(m[3]!)})`, negate: false };
  m = /^(.+?)\s+(and|or)\s+(.+)$/s.exec(cond);
  if (m) return { expr: `(${m[2]} ${argToHbs(m[1]!)} ${argToHbs(m[3]!)})`, negate: false };
  return { expr: argToHbs(cond), negate: false };
}

/** `'y'` -> `"y"`, `x['k']` -> `x.[k]`, `x[0]` -> `x.[0]`; anything else as written. */
export function argToHbs(arg: string): string {
  const a = arg.trim();
  const q = /^'((?:[^'\\]|\\.)*)'$/s.exec(a);
  if (q) return JSON.stringify(q[1]!.replace(/\\'/g, "'"));
  return a.replace(/\[\s*['"]([^'"\]]+)['"]\s*\]/g, '.[$1]').replace(/\[(\d+)\]/g, '.[$1]');
}

const FILTER_NAMES: Readonly<Record<string, string>> = { d: 'default', count: 'length', to_nice_yaml: 'to_yaml' };

/** `x | default('y') | upper` -> `{{upper (default x "y")}}`, or undefined if it is not that simple. */
function filtersToHbs(expr: string): string | undefined {
  const parts = splitTop(expr, '|');
  if (parts.length < 2) return undefined;
  let acc = argToHbs(parts[0]!);
  if (acc === '') return undefined;
  for (const f of parts.slice(1)) {
    const m = /^\s*(\w+)\s*(?:\(([\s\S]*)\))?\s*$/.exec(f);
    if (!m) return undefined;
    const name = FILTER_NAMES[m[1]!] ?? m[1]!;
    const args = m[2] === undefined || m[2].trim() === '' ? [] : splitTop(m[2], ',').map(argToHbs);
    acc = `(${[name, acc, ...args].join(' ')})`;
  }
  return `{{${acc.slice(1, -1)}}}`;
}

/** Split on a separator outside quotes and brackets. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\') { cur += ch + (s[i + 1] ?? ''); i++; continue; }
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === sep && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** The inside of a mustache with string literals blanked out (same length, so offsets hold). */
function blankStrings(s: string): string {
  return s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (m) => `"${' '.repeat(m.length - 2)}"`);
}

const MUSTACHE = /(\\?)\{\{(\{?)(~?)([\s\S]*?)(~?)\}\}\}?/g;

/**
 * Look through every `{{ ... }}` for Jinja expressions: filters, calls, operators, subscripts.
 * Used to explain a handlebars parse error (these forms do not parse).
 */
export function findJinjaExpression(text: string): TemplateProblem | undefined {
  MUSTACHE.lastIndex = 0;
  for (let m = MUSTACHE.exec(text); m; m = MUSTACHE.exec(text)) {
    const inner = m[4]!;
    if (m[1] === '\\' || inner.startsWith('!')) continue;
    const start = m.index + m[1]!.length + 2 + m[2]!.length + m[3]!.length;
    const problem = explainInner(text, inner, start);
    if (problem) return problem;
  }
  return undefined;
}

function explainInner(text: string, inner: string, start: number): TemplateProblem | undefined {
  const blank = blankStrings(inner);
  const body = inner.trim();
  const block = /^[#^/]/.test(body) || /^else\b/.test(body);
  const pipe = blank.replace(/\bas\s+\|[^|]*\|/, (s) => ' '.repeat(s.length)).indexOf('|');
  if (pipe >= 0) {
    const suggestion = block ? undefined : filtersToHbs(body);
    return at(text, start + pipe, 'Jinja filter `|` in a handlebars template',
      suggestion ? `write ${suggestion}` : 'handlebars calls helpers by name before their arguments: {{default x "y"}}, {{join list ","}}');
  }
  let m = /(==|!=|>=|<=|&&|\|\||[<>+*%~])/.exec(blank);
  if (m && !(m[1] === '~' && (m.index === 0 || m.index === blank.length - 1)) && !(m[1] === '>' && /^\s*$/.test(blank.slice(0, m.index)))) {
    const op = m[1]!;
    const cmp = op === '==' || op === '!=';
    const rewrite = cmp ? conditionToHbs(body.replace(/^#?(if|unless)\s+/, '')).expr : undefined;
    return at(text, start + m.index, `operator ${op} is not handlebars`,
      cmp ? `compare with the eq / ne helpers: {{#if ${rewrite}}}` : 'use a helper (eq, ne, lt, gt, and, or, not) or compute the value in vars');
  }
  m = /[A-Za-z0-9_\]]\(/.exec(blank);
  if (m) {
    return at(text, start + m.index + 1, 'function-call syntax f(x) is not handlebars',
      'handlebars calls helpers by name with space-separated arguments: {{helper arg1 arg2}}, nested as (helper arg)');
  }
  m = /[A-Za-z0-9_\]]\[/.exec(blank);
  if (m) {
    return at(text, start + m.index + 1, 'subscript x[...] is not handlebars',
      `write ${argToHbs(body.replace(/^#\w+\s+/, ''))} (keys and indexes go in .[ ]), or {{lookup x key}} for a key held in a variable`);
  }
  m = /\.\d+(?=\s*$)/.exec(blank.trimEnd());
  if (m) {
    return at(text, start + m.index, 'index .N at the end of a path is not handlebars', `write ${body.replace(/\.(\d+)\s*$/, '.[$1]')}`);
  }
  return undefined;
}

/** Jinja words handlebars would take for variable names: `{{#if a and b}}`, `{{ x if y else z }}`. */
export const JINJA_WORDS = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);

export function jinjaWordHint(word: string): string {
  switch (word) {
    case 'and':
    case 'or':
      return `handlebars has helpers for these: {{#if (${word} a b)}}`;
    case 'not':
      return 'use {{#unless x}} or (not x)';
    case 'if':
    case 'else':
      return 'handlebars has no inline if: use {{#if cond}}a{{else}}b{{/if}}';
    case 'is':
      return 'use {{#if x}} (true when x is set and not empty), or {{default x "y"}}';
    default:
      return 'handlebars has no `in`: compute the value in vars, or loop with {{#each}}';
  }
}
