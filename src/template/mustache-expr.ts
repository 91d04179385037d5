import { checkExpr } from './expr-check.js';
import { ExprSyntaxError, parseExpression, type Expr } from './expr-parse.js';
import { handlebarsBase } from './hbs-parse.js';

/**
 * One expression language in templates: `{{ x | upper }}`, `{{ a if b else c }}`,
 * `{{#if x is defined}}` are the expressions of `when:`, beside handlebars' own forms
 * (`{{x}}`, `{{join xs ","}}`, `{{#each xs as |x|}}`). Before handlebars parses a template,
 * each mustache that is an expression (and not a handlebars path or helper call) is put aside
 * and replaced by a placeholder of the same length, so positions of everything else hold.
 */

/** An expression put aside: its tree and where its text starts in the template. */
export interface TemplateExpr {
  readonly ast: Expr;
  readonly offset: number;
}

export interface ExprRewrite {
  readonly text: string;
  readonly exprs: readonly TemplateExpr[];
}

/** A problem in an expression, at its offset in the template. */
export interface ExprRewriteProblem {
  readonly offset: number;
  readonly code: 'K8SBM_EXPR_SYNTAX' | 'K8SBM_EXPR_UNSUPPORTED';
  readonly message: string;
  readonly hint: string;
}

/** The placeholder's name: a character no one types in a variable name. */
export const PLACEHOLDER = '\u00b7';

/**
 * `name`, `a.b`, `a.[node-1].ip`, `@index`, `../x`, `this`: handlebars paths, read by handlebars.
 * A path never starts with a `[...]` segment: `{{ [pod_cidr, service_cidr] }}` is a list, as in Ansible.
 */
const NAME = String.raw`[A-Za-z_$][\w$-]*`;
const SEGMENT = String.raw`(?:${NAME}|\[[^\]]*\])`;
const SIMPLE_PATH = new RegExp(String.raw`^(?:(?:\.\./)*(?:@?${NAME}|this)(?:[./]${SEGMENT})*|this|\.)$`);

const BLOCK_WITH_VALUE = /^(~?\s*)(#\s*(?:if|unless|each|with)|else\s+if)(\s+)([\s\S]*?)(\s+as\s*\|[^|]*\|\s*)?$/;

/** Put the expressions of a template aside; a problem when a mustache is neither form. */
export function rewriteExpressions(text: string): ExprRewrite | ExprRewriteProblem {
  if (!text.includes('{{')) return { text, exprs: [] };
  const exprs: TemplateExpr[] = [];
  let out = '';
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    const skip = skipTo(text, open);
    if (skip !== undefined) {
      out += text.slice(i, skip);
      i = skip;
      continue;
    }
    const close = closingOf(text, open + 2);
    if (close < 0) break; // handlebars reports the unclosed mustache
    let start = open + 2;
    if (text[start] === '~') start++;
    const end = text[close - 1] === '~' && close - 1 >= start ? close - 1 : close;
    const inner = text.slice(start, end);
    const done = rewriteOne(inner, start, exprs);
    if (done && 'code' in done) return done;
    out += text.slice(i, start) + (done ? done.text : inner) + text.slice(end, close + 2);
    i = close + 2;
  }
  return { text: out + text.slice(i), exprs };
}

/** Where scanning resumes after a part that is not a plain mustache, or undefined. */
function skipTo(text: string, open: number): number | undefined {
  if (open > 0 && text[open - 1] === '\\') {
    const end = text.indexOf('}}', open);
    return end < 0 ? text.length : end + 2;
  }
  if (text.startsWith('{{{{', open)) {
    const end = text.indexOf('{{{{/', open + 4);
    const stop = end < 0 ? -1 : text.indexOf('}}}}', end);
    return stop < 0 ? text.length : stop + 4;
  }
  if (text.startsWith('{{{', open)) {
    const end = text.indexOf('}}}', open);
    return end < 0 ? text.length : end + 3;
  }
  const head = /^\{\{~?\s*(!--|!)?/.exec(text.slice(open, open + 8));
  if (head?.[1] === '!--') {
    const end = text.indexOf('--', open + head[0].length);
    const stop = end < 0 ? -1 : text.indexOf('}}', end);
    return stop < 0 ? text.length : stop + 2;
  }
  if (head?.[1] === '!') {
    const end = text.indexOf('}}', open);
    return end < 0 ? text.length : end + 2;
  }
  return undefined;
}

/** The index of the `}}` that closes a mustache, past quoted strings and balanced brackets; -1 when none. */
function closingOf(text: string, from: number): number {
  let quote = '';
  let depth = 0;
  for (let j = from; j < text.length - 1; j++) {
    const ch = text[j]!;
    if (quote) {
      if (ch === '\\') j++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' && text[j + 1] === '{') return -1;
    else if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' && depth === 0 && text[j + 1] === '}') return j;
    else if ((ch === '}' || ch === ']' || ch === ')') && depth > 0) depth--;
  }
  return -1;
}

/** The same length as `original` (newlines kept, so lines hold), starting with `core`. */
function padded(core: string, original: string): string {
  if (original.length <= core.length || original.slice(0, core.length).includes('\n')) return core + original.replace(/[^\n]/g, '').replace(/\n/g, '\n');
  return core + original.slice(core.length).replace(/[^\n]/g, ' ');
}

function rewriteOne(inner: string, start: number, exprs: TemplateExpr[]): { text: string } | ExprRewriteProblem | undefined {
  const body = inner.trim();
  if (body === '' || /^[/^>&*!]/.test(body) || body === 'else' || /^else\s*$/.test(body)) return undefined;
  const block = BLOCK_WITH_VALUE.exec(inner);
  if (block) {
    const value = block[4]!;
    const at = start + block[1]!.length + block[2]!.length + block[3]!.length;
    const parsed = expressionOf(value, at, 'block');
    if (!parsed) return undefined;
    if ('code' in parsed) return parsed;
    exprs.push(parsed);
    const sub = padded(`(${PLACEHOLDER}${exprs.length - 1})`, value);
    return { text: block[1]! + block[2]! + block[3]! + sub + (block[5] ?? '') };
  }
  if (body.startsWith('#')) return undefined;
  const lead = inner.length - inner.trimStart().length;
  const parsed = expressionOf(body, start + lead, 'mustache');
  if (!parsed) return undefined;
  if ('code' in parsed) return parsed;
  exprs.push(parsed);
  return { text: padded(`${PLACEHOLDER}${exprs.length - 1}`, inner) };
}

/**
 * The expression a mustache holds, undefined when handlebars reads it (a path, a helper call),
 * or the problem when it is neither.
 */
function expressionOf(src: string, offset: number, where: 'mustache' | 'block'): TemplateExpr | ExprRewriteProblem | undefined {
  const body = src.trim();
  if (SIMPLE_PATH.test(body)) return undefined;
  let ast: Expr;
  try {
    ast = parseExpression(src);
  } catch (e) {
    if (!(e instanceof ExprSyntaxError)) throw e;
    if (readsAsHandlebars(body, where)) return undefined;
    return { offset: offset + e.offset, code: 'K8SBM_EXPR_SYNTAX', message: e.message, hint: e.hint };
  }
  const problem = checkExpr(ast);
  if (problem) return { offset: offset + problem.pos, code: problem.code, message: problem.message, hint: problem.hint };
  return { ast, offset };
}

/** A handlebars helper call or sub-expression (`join xs ","`, `(eq a b)`): handlebars checks it. */
function readsAsHandlebars(body: string, where: 'mustache' | 'block'): boolean {
  try {
    handlebarsBase().parse(where === 'mustache' ? `{{${body}}}` : `{{#if ${body}}}{{/if}}`);
    return true;
  } catch {
    return false;
  }
}
