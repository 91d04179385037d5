import { closest } from '../source/errors.js';
import { BLOCK_HELPERS, helperOf, helpers } from './helpers.js';
import { JINJA_WORDS, findJinjaStatement, jinjaWordHint, type TemplateProblem } from './jinja.js';
import { PLACEHOLDER, rewriteExpressions, type TemplateExpr } from './mustache-expr.js';
import { lineColAt } from './origin.js';
import { handlebarsBase } from './hbs-parse.js';

type Program = hbs.AST.Program;
type Node = hbs.AST.Node;
export type Call = { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash | undefined; loc: hbs.AST.SourceLocation };

export type ProblemCode = 'K8SBM_TEMPLATE_SYNTAX' | 'K8SBM_TEMPLATE_UNKNOWN_HELPER' | 'K8SBM_TEMPLATE_HELPER' | 'K8SBM_EXPR_SYNTAX' | 'K8SBM_EXPR_UNSUPPORTED';

export interface CompileProblem extends TemplateProblem {
  readonly code: ProblemCode;
}

/**
 * A parsed, checked template. `single` is set when the text is one `{{ expr }}` (keeps the type).
 * `exprs` are the expressions put aside for their placeholders; `text` is the template as written
 * (their offsets point into it).
 */
export type Compiled =
  | {
    readonly ok: true;
    readonly program: Program;
    readonly single: hbs.AST.MustacheStatement | undefined;
    readonly text: string;
    readonly exprs: readonly TemplateExpr[];
  }
  | { readonly ok: false; readonly problem: CompileProblem };

// Playbooks render the same strings for many hosts: parse each distinct text once.
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 20_000;

export function compileTemplate(text: string): Compiled {
  let c = cache.get(text);
  if (c === undefined) {
    c = compileUncached(text);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(text, c);
  }
  return c;
}

/** Number of cached templates (for tests of the cache). */
export function compiledCount(): number {
  return cache.size;
}

function compileUncached(text: string): Compiled {
  const jinja = findJinjaStatement(text);
  if (jinja) return { ok: false, problem: { ...jinja, code: 'K8SBM_TEMPLATE_SYNTAX' } };
  const rw = rewriteExpressions(text);
  if ('code' in rw) return { ok: false, problem: { ...lineColAt(text, rw.offset), code: rw.code, message: rw.message, hint: rw.hint } };
  let program: Program;
  try {
    program = handlebarsBase().parse(rw.text);
  } catch (e) {
    return { ok: false, problem: parseProblem(rw.text, e) };
  }
  const problem = checkProgram(program);
  if (problem) return { ok: false, problem };
  return { ok: true, program, single: singleExpression(program), text, exprs: rw.exprs };
}

function parseProblem(text: string, e: unknown): CompileProblem {
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const raw = String(err.message ?? e);
  const escapeHint = 'to write a literal {{, escape it as \\{{ or wrap the text in {{{{raw}}}} ... {{{{/raw}}}}';
  // "if doesn't match each - 1:3": handlebars gives the opening block's place.
  if (typeof err.lineNumber === 'number') {
    return { code: 'K8SBM_TEMPLATE_SYNTAX', line: err.lineNumber, col0: err.column ?? 0, message: raw.replace(/ - \d+:\d+$/, ''), hint: 'every {{#block}} closes with the same name: {{#if x}} ... {{/if}}' };
  }
  const lexer = (handlebarsBase().parser as { lexer?: { yylloc?: { first_line: number; first_column: number } } } | undefined)?.lexer;
  const pos = lexer?.yylloc;
  const got = /got '(\w+)'/.exec(raw)?.[1];
  if (got === 'EOF') {
    const open = unclosedBlock(text);
    if (open) return { code: 'K8SBM_TEMPLATE_SYNTAX', ...open, message: `{{#${open.name}}} is never closed`, hint: `close it with {{/${open.name}}}` };
    return { code: 'K8SBM_TEMPLATE_SYNTAX', line: pos?.first_line ?? 1, col0: pos?.first_column ?? 0, message: 'the template ends inside a {{ }}', hint: escapeHint };
  }
  const expecting = got === 'INVALID' ? 'a character handlebars does not understand here' : `unexpected ${describeToken(got)}`;
  return {
    code: 'K8SBM_TEMPLATE_SYNTAX',
    line: pos?.first_line ?? 1,
    col0: pos?.first_column ?? 0,
    message: `template syntax error: ${expecting}`,
    hint: `check the {{ }} at this place; ${escapeHint}`,
  };
}

function describeToken(t: string | undefined): string {
  switch (t) {
    case 'INVERSE': return '{{else}} (only inside a block: {{#if x}} ... {{else}} ... {{/if}})';
    case 'OPEN_ENDBLOCK': return 'closing {{/...}} without an opening block';
    case 'CLOSE':
    case 'CLOSE_UNESCAPED': return '}}';
    case 'EQUALS': return '= (hash arguments are key=value; compare with {{#if (eq a b)}})';
    case undefined: return 'text';
    default: return t.toLowerCase().replace(/_/g, ' ');
  }
}

/** The innermost {{#block}} without its {{/block}}, found by a plain scan. */
function unclosedBlock(text: string): { line: number; col0: number; name: string } | undefined {
  const stack: { index: number; name: string }[] = [];
  const re = /\{\{~?\s*([#^/])\s*([^\s}~]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] === '/') stack.pop();
    else stack.push({ index: m.index, name: m[2]!.replace(/^[>*]/, '') });
  }
  const open = stack.pop();
  if (!open) return undefined;
  const before = text.slice(0, open.index);
  const line = before.split('\n').length;
  return { line, col0: open.index - (before.lastIndexOf('\n') + 1), name: open.name };
}

function singleExpression(p: Program): hbs.AST.MustacheStatement | undefined {
  let found: hbs.AST.MustacheStatement | undefined;
  for (const s of p.body) {
    // Spaces around the one expression are ignored; a newline is content (Ansible keeps it).
    if (s.type === 'ContentStatement' && /^[ \t]*$/.test((s as hbs.AST.ContentStatement).value)) continue;
    if (s.type !== 'MustacheStatement' || found) return undefined;
    found = s as hbs.AST.MustacheStatement;
  }
  return found;
}

function problemAt(node: Node, code: ProblemCode, message: string, hint: string): CompileProblem {
  return { code, line: node.loc.start.line, col0: node.loc.start.column, message, hint };
}

/** Static checks: unsupported statements, unknown helpers, wrong argument counts, Jinja words. */
function checkProgram(p: Program | undefined): CompileProblem | undefined {
  if (!p) return undefined;
  for (const s of p.body) {
    const problem = checkStatement(s);
    if (problem) return problem;
  }
  return undefined;
}

function checkStatement(s: Node): CompileProblem | undefined {
  switch (s.type) {
    case 'ContentStatement':
    case 'CommentStatement':
      return undefined;
    case 'MustacheStatement':
      return checkCall(s as hbs.AST.MustacheStatement, false);
    case 'BlockStatement': {
      const b = s as hbs.AST.BlockStatement;
      return checkCall(b, true) ?? checkProgram(b.program) ?? checkProgram(b.inverse);
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      return problemAt(s, 'K8SBM_TEMPLATE_SYNTAX', 'partials ({{> name}}) are not supported', 'put shared text in a variable, or use the template module with a separate file');
    default:
      return problemAt(s, 'K8SBM_TEMPLATE_SYNTAX', `${s.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} is not supported`, 'see the template docs for the supported forms');
  }
}

/** A placeholder of an expression put aside (see mustache-expr.ts). */
export function exprIndex(p: hbs.AST.PathExpression | hbs.AST.Literal): number | undefined {
  if (p.type !== 'PathExpression') return undefined;
  const name = (p as hbs.AST.PathExpression).original;
  return name.startsWith(PLACEHOLDER) ? Number(name.slice(PLACEHOLDER.length)) : undefined;
}

function checkCall(c: Call, block: boolean): CompileProblem | undefined {
  if (exprIndex(c.path) !== undefined) return undefined;
  const args = [...c.params, ...(c.hash?.pairs.map((p) => p.value) ?? [])];
  for (const a of args) {
    if (a.type === 'PathExpression') {
      const p = a as hbs.AST.PathExpression;
      if (!p.data && p.depth === 0 && p.parts.length === 1 && JINJA_WORDS.has(p.original)) {
        return problemAt(a, 'K8SBM_TEMPLATE_SYNTAX', `Jinja "${p.original}" in a handlebars template`, jinjaWordHint(p.original));
      }
    } else if (a.type === 'SubExpression') {
      const problem = checkCall(a as hbs.AST.SubExpression, false);
      if (problem) return problem;
    }
  }
  if (c.path.type !== 'PathExpression') {
    return c.params.length > 0 ? problemAt(c.path, 'K8SBM_TEMPLATE_SYNTAX', 'a literal cannot take arguments', 'a helper name comes first: {{helper arg}}') : undefined;
  }
  const path = c.path as hbs.AST.PathExpression;
  const name = path.original;
  const simple = !path.data && path.depth === 0 && path.parts.length === 1 && !/^\.|this\b/.test(name);
  const hasArgs = c.params.length > 0 || (c.hash?.pairs.length ?? 0) > 0;
  if (block) {
    if (simple && BLOCK_HELPERS.has(name)) {
      const want = name === 'raw' ? 0 : 1;
      if (c.params.length !== want) {
        return problemAt(c.path, 'K8SBM_TEMPLATE_SYNTAX', `{{#${name}}} takes ${want === 0 ? 'no argument' : 'exactly one argument'}, got ${c.params.length}`,
          name === 'if' || name === 'unless' ? `combine conditions with helpers: {{#${name} (and a b)}}, {{#${name} (eq x "y")}}` : `{{#${name} value}} ... {{/${name}}}`);
      }
      return undefined;
    }
    if (simple && helperOf(name)) return problemAt(c.path, 'K8SBM_TEMPLATE_SYNTAX', `${name} is not a block helper`, `use it inline: {{${helperOf(name)!.usage}}}`);
    if (hasArgs) return unknownHelper(c.path, name, true);
    return undefined;
  }
  if (simple && BLOCK_HELPERS.has(name)) {
    return problemAt(c.path, 'K8SBM_TEMPLATE_SYNTAX', `${name} is a block helper`, `write {{#${name} ...}} ... {{/${name}}}`);
  }
  const helper = simple ? helperOf(name) : undefined;
  if (helper) {
    // With no arguments a helper name may be a variable ({{first}}): decided when rendering.
    if (hasArgs && (c.params.length < helper.min || c.params.length > helper.max)) {
      return problemAt(c.path, 'K8SBM_TEMPLATE_HELPER', `${name} takes ${arity(helper.min, helper.max)}, got ${c.params.length}`, `usage: {{${helper.usage}}}`);
    }
    return undefined;
  }
  if (hasArgs) return unknownHelper(c.path, name, false);
  return undefined;
}

function arity(min: number, max: number): string {
  const n = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
  if (max === Infinity) return `at least ${n(min)}`;
  return min === max ? n(min) : `${min} to ${n(max)}`;
}

function unknownHelper(node: Node, name: string, block: boolean): CompileProblem {
  const names = block ? [...BLOCK_HELPERS] : Object.keys(helpers);
  const near = closest(name, names);
  return problemAt(node, 'K8SBM_TEMPLATE_UNKNOWN_HELPER', `unknown ${block ? 'block ' : ''}helper "${name}"`,
    near ? `did you mean "${near}"?` : `available: ${names.join(', ')}`);
}
