import { K8sbmError } from '../source/errors.js';
import { copyPositions, keyPosOf, valueLocOf, type Loc } from '../source/loc.js';
import { Secret, isSecret } from '../util/secret.js';
import { compileTemplate, type CompileProblem } from './compile.js';
import { TemplateRun } from './interpret.js';
import { mapPos, originOfFile, originOfValue, type Origin } from './origin.js';
import { RenderState, atUseSite, maskError, type Scope, type Vars } from './scope.js';
import { isPlainObject, mayBeTemplate } from './values.js';

/** Where a template file's text starts (line/col default to 1). */
export interface TemplateWhere {
  readonly file: string;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
}

/** A new render state whose lazy variables are rendered as templates. */
export function newRenderState(vars: Vars): RenderState {
  return new RenderState(vars, renderLazy);
}

function renderLazy(text: string, scope: Scope, state: RenderState, where: Loc | undefined): unknown {
  return renderTyped(text, scope, state, where ? originOfValue(where) : undefined);
}

function problemError(p: CompileProblem, origin: Origin | undefined, text: string): K8sbmError {
  const loc = origin ? mapPos(origin, p.line, p.col0) : undefined;
  const details = loc ? [] : [`in template: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`];
  return new K8sbmError(p.code, p.message, { loc, hint: p.hint, details });
}

/**
 * Render a template string that stands as a value: a single `{{ expr }}` keeps the value's
 * type; anything else is text. Output that carries a secret's real value comes back as a
 * Secret, so it stays masked wherever it goes next.
 */
function renderTyped(text: string, scope: Scope, state: RenderState, origin: Origin | undefined): unknown {
  const c = compileTemplate(text);
  if (!c.ok) throw problemError(c.problem, origin, text);
  const run = new TemplateRun(state, scope, origin, c);
  const before = state.revealCount;
  const out = c.single ? run.single(c.single, run.rootFrame()) : run.program(c.program, run.rootFrame());
  return state.revealCount === before ? out : taint(out, state.revealed);
}

/** Wrap text that holds a secret's real value (inside lists and mappings too). */
function taint(v: unknown, revealed: ReadonlySet<string>): unknown {
  if (typeof v === 'string') {
    const parts = [...revealed].filter((s) => s !== '' && v.includes(s));
    return parts.length ? new Secret(v, parts) : v;
  }
  if (Array.isArray(v)) return v.map((x) => taint(x, revealed));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, taint(x, revealed)]));
  return v;
}

/** Whether a value holds a template anywhere inside (a string with `{{`, or a Jinja `{%`). */
export function isTemplated(value: unknown): boolean {
  if (typeof value === 'string') return mayBeTemplate(value);
  if (Array.isArray(value)) return value.some(isTemplated);
  if (isPlainObject(value)) return Object.values(value).some(isTemplated);
  return false;
}

/**
 * Render every string inside `value` (through lists and mappings; keys are left alone).
 * A string that is exactly one `{{ expr }}` keeps the type of what it names (list, number,
 * mapping, boolean, Secret); other templated strings become text. `loc` is where the value
 * stands in its file; nested values use their own recorded positions when they have them.
 */
export function renderValue(value: unknown, vars: Vars, loc?: Loc): unknown {
  if (typeof value === 'string' && !mayBeTemplate(value)) return value;
  const state = newRenderState(vars);
  try {
    return renderIn(value, state, loc);
  } catch (e) {
    throw maskError(e, state);
  }
}

/**
 * `loc` is the value's own position when `exact`; otherwise it is its container's, which is
 * only good as a fallback for errors (columns inside the string cannot be mapped from it).
 */
function renderIn(value: unknown, state: RenderState, loc: Loc | undefined, exact = true): unknown {
  if (typeof value === 'string') {
    if (!mayBeTemplate(value)) return value;
    if (exact) return renderTyped(value, state.rootScope, state, loc ? originOfValue(loc) : undefined);
    try {
      return renderTyped(value, state.rootScope, state, undefined);
    } catch (e) {
      throw atUseSite(e, loc);
    }
  }
  if (value === null || typeof value !== 'object' || isSecret(value)) return value;
  const isArr = Array.isArray(value);
  if (!isArr && !isPlainObject(value)) return value;
  const src = value as Record<string, unknown>;
  const keys = isArr ? Array.from({ length: (value as unknown[]).length }, (_, i) => i) : Object.keys(value);
  let out: unknown[] | Record<string, unknown> | undefined;
  keys.forEach((key, i) => {
    const raw = src[key as string];
    const own = keyPosOf(value, key)?.value;
    const child = renderIn(raw, state, own ?? valueLocOf(value, key) ?? loc, own !== undefined);
    if (child !== raw && out === undefined) {
      out = isArr ? (value as unknown[]).slice(0, i) : Object.fromEntries((keys as string[]).slice(0, i).map((k) => [k, src[k]]));
    }
    if (out !== undefined) {
      if (isArr) (out as unknown[]).push(child);
      else (out as Record<string, unknown>)[key as string] = child;
    }
  });
  if (out === undefined) return value;
  copyPositions(value, out);
  return out;
}

/** The text of a template file and the secret values it holds (to mask them in diffs). */
export interface RenderedText {
  readonly text: string;
  readonly secrets: readonly string[];
}

/** Render a template file's text; positions in errors are the file's own lines and columns. */
export function renderTemplateText(text: string, vars: Vars, where: TemplateWhere): RenderedText {
  const state = newRenderState(vars);
  const origin = originOfFile(where.file, where.line ?? 1, where.col ?? 1);
  const c = compileTemplate(text);
  if (!c.ok) throw problemError(c.problem, origin, text);
  const run = new TemplateRun(state, state.rootScope, origin, c);
  try {
    const out = run.program(c.program, run.rootFrame());
    return { text: out, secrets: [...state.revealed] };
  } catch (e) {
    throw maskError(e, state);
  }
}

/** Render a template file's text (secrets appear with their real values: this is file content). */
export function renderString(text: string, vars: Vars, where: TemplateWhere): string {
  return renderTemplateText(text, vars, where).text;
}

/**
 * What can be known of the templates inside a value before it renders: each `{{ }}` parses and
 * names filters, tests and helpers that exist. Throws the first problem at its file:line:col.
 */
export function checkTemplates(value: unknown, loc: Loc | undefined, exact = true): void {
  if (typeof value === 'string') {
    if (!mayBeTemplate(value)) return;
    const c = compileTemplate(value);
    if (c.ok) return;
    if (exact) throw problemError(c.problem, loc ? originOfValue(loc) : undefined, value);
    throw atUseSite(problemError(c.problem, undefined, value), loc);
  }
  if (value === null || typeof value !== 'object' || isSecret(value)) return;
  if (!Array.isArray(value) && !isPlainObject(value)) return;
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  for (const key of keys) {
    const own = keyPosOf(value, key)?.value;
    checkTemplates((value as Record<string | number, unknown>)[key], own ?? valueLocOf(value, key) ?? loc, own !== undefined);
  }
}

/** The same for a template file's text; positions are the file's own. */
export function checkTemplateText(text: string, file: string): void {
  const c = compileTemplate(text);
  if (!c.ok) throw problemError(c.problem, originOfFile(file), text);
}
