import { K8sbmError, closest } from '../source/errors.js';
import { copyPositions, valueLocOf, type Loc } from '../source/loc.js';
import { Secret, isSecret, maskSecrets } from '../util/secret.js';
import { childName, isPlainObject, mayBeTemplate, typeName } from './values.js';

/**
 * Variable access shared by templates and expressions. Variables are lazy, as in Ansible: a
 * value that is itself a string with `{{` is rendered (with the same variables) when it is
 * used, not when it is defined, so a role default may refer to facts gathered later.
 */

export type Vars = Readonly<Record<string, unknown>>;

/** The variables a lazy string is rendered with. */
export interface Scope {
  readonly vars: Vars;
  /** For a host's view in hostvars: global names (`hostvars`, `groups`) come from the root. */
  readonly globals?: Vars | undefined;
}

const GLOBAL_NAMES = new Set(['hostvars', 'groups']);

/**
 * A value reached through variables, not yet rendered below its top level: its own string
 * children may still be lazy templates. `final` values came out of a render and are not
 * rendered again (a rendered `\{{` must stay literal).
 */
export class Ref {
  constructor(
    readonly value: unknown,
    readonly scope: Scope,
    readonly name: string,
    readonly final: boolean,
  ) {}
}

/**
 * Data, never a template (Ansible's "unsafe"): what hosts sent back (registered results, facts)
 * and what came out of a render already (set_fact values, loop items). A node that prints
 * `{{ secret }}` must not have it expanded on the controller when a later template uses the
 * result. A marked container makes everything inside it data; a marked key makes that one value
 * data (for strings, which cannot be marked themselves).
 */
const dataObjects = new WeakSet<object>();
const dataKeys = new WeakMap<object, Set<string>>();

/** Marks a value that came from a host (a container: all inside it). Returns it. */
export function markData<T>(v: T): T {
  if (v !== null && typeof v === 'object') dataObjects.add(v);
  return v;
}

/** Marks (or, with `data` false, unmarks) one entry of a variables mapping as data. */
export function markDataKey(owner: object, key: string, data = true): void {
  let keys = dataKeys.get(owner);
  if (!data) { keys?.delete(key); return; }
  if (!keys) { keys = new Set(); dataKeys.set(owner, keys); }
  keys.add(key);
}

function isDataEntry(owner: object, key: string): boolean {
  return dataObjects.has(owner) || (dataKeys.get(owner)?.has(key) ?? false);
}

/** Copies `from`'s entries into `to` with their data marks (Object.assign for variables). */
export function assignVars(to: Record<string, unknown>, from: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = dataKeys.get(from);
  for (const [k, v] of Object.entries(from)) {
    to[k] = v;
    markDataKey(to, k, keys?.has(k) ?? false);
  }
  return to;
}

/** `{...base, ...extra}` for variables, data marks kept. */
export function extendVars(base: Readonly<Record<string, unknown>>, extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return assignVars(assignVars({}, base), extra);
}

/** An undefined variable, kept as a value so `default` and `is defined` can look at it. */
export class Undef {
  constructor(
    /** The full path as used, e.g. `facts.default_ipv4.address`. */
    readonly name: string,
    /** The nearest defined value on the path (undefined when the first name is missing). */
    readonly owner: Ref | undefined,
    /** The first key that is missing on `owner`. */
    readonly key: string,
  ) {}

  extend(key: string): Undef {
    return new Undef(childName(this.name, key), this.owner, this.key);
  }
}

/** Renders a lazy template string; `where` is the string's own position when known. */
export type LazyRenderer = (text: string, scope: Scope, state: RenderState, where: Loc | undefined) => unknown;

/** Per-render bookkeeping: lazy results, the chain being rendered (for cycles), revealed secrets. */
export class RenderState {
  readonly rootScope: Scope;
  readonly hostvars: unknown;
  /** Real values of secrets that went into output during this render (for taint). */
  readonly revealed = new Set<string>();
  /** Real values of every secret this render came across (to mask them in errors). */
  readonly secrets = new Set<string>();
  /** Bumped on every reveal, so a caller can tell whether its own output holds a secret. */
  revealCount = 0;
  private readonly active: { owner: object; key: string; name: string }[] = [];
  private done: WeakMap<object, Map<string, unknown>> | undefined;

  constructor(vars: Vars, readonly renderLazy: LazyRenderer) {
    this.rootScope = { vars };
    this.hostvars = hasKey(vars, 'hostvars') ? vars['hostvars'] : undefined;
  }

  reveal(s: Secret): string {
    const v = s.reveal();
    this.revealed.add(v);
    this.secrets.add(v);
    this.revealCount++;
    return v;
  }

  /** Render owner[key] (a template string) once per render; detect `a: "{{ b }}", b: "{{ a }}"`. */
  lazy(owner: object, key: string, text: string, scope: Scope, name: string): unknown {
    const cached = this.done?.get(owner);
    if (cached?.has(key)) return cached.get(key);
    if (this.active.some((a) => a.owner === owner && a.key === key)) {
      const from = this.active.findIndex((a) => a.owner === owner && a.key === key);
      const chain = [...this.active.slice(from).map((a) => a.name), name].join(' -> ');
      throw new K8sbmError('K8SBM_VAR_CYCLE', `variable cycle: ${chain}`, {
        loc: valueLocOf(owner, key),
        hint: `a variable's value cannot depend on itself; give one of ${uniqueNames(this.active.slice(from).map((a) => a.name))} a plain value`,
      });
    }
    this.active.push({ owner, key, name });
    let value: unknown;
    try {
      value = this.renderLazy(text, scope, this, valueLocOf(owner, key));
    } catch (e) {
      throw insideVariable(e, name, text);
    } finally {
      this.active.pop();
    }
    this.done ??= new WeakMap();
    let m = this.done.get(owner);
    if (!m) { m = new Map(); this.done.set(owner, m); }
    m.set(key, value);
    return value;
  }
}

function uniqueNames(names: string[]): string {
  return [...new Set(names)].map((n) => `"${n}"`).join(', ');
}

/** Add "in variable x" to an error from a lazy render, keeping its code and place. */
function insideVariable(e: unknown, name: string, text: string): unknown {
  if (!(e instanceof K8sbmError) || e.code === 'K8SBM_VAR_CYCLE') return e;
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new K8sbmError(e.code, e.message, {
    loc: e.loc,
    hint: e.hint,
    subject: e.subject,
    details: [...e.details, `in variable "${name}": ${JSON.stringify(shown)}`],
  });
}

/** The same error with every secret value seen during the render replaced by ***. */
export function maskError(e: unknown, state: RenderState): unknown {
  if (!(e instanceof K8sbmError) || state.secrets.size === 0) return e;
  const mask = (t: string): string => maskSecrets(t, state.secrets);
  const masked = new K8sbmError(e.code, mask(e.message), {
    loc: e.loc,
    hint: e.hint === undefined ? undefined : mask(e.hint),
    subject: e.subject,
    details: e.details.map(mask),
  });
  return masked;
}

/** Fill in the place of use for an error that has no place of its own (a var from -e, say). */
export function atUseSite(e: unknown, loc: Loc | undefined): unknown {
  if (!(e instanceof K8sbmError) || e.loc !== undefined || loc === undefined) return e;
  return new K8sbmError(e.code, e.message, { loc, hint: e.hint, subject: e.subject, details: e.details });
}

export function hasKey(obj: object, key: string): boolean {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return true;
  // Objects built by the engine (proxies, class instances) may answer `in` without owning keys;
  // never expose what every object inherits (constructor, toString, __proto__, map ...).
  if (!(key in obj) || key in Object.prototype) return false;
  return !(Array.isArray(obj) && key in Array.prototype);
}

/** A top-level variable. */
export function lookupVar(state: RenderState, scope: Scope, name: string): Ref | Undef {
  let vars = scope.vars;
  if (scope.globals && GLOBAL_NAMES.has(name) && !hasKey(vars, name)) vars = scope.globals;
  return member(state, new Ref(vars, scope, '', false), name);
}

/** ref.value[key], rendering a lazy string child. */
export function member(state: RenderState, ref: Ref, key: string): Ref | Undef {
  const obj = ref.value;
  const name = childName(ref.name, key);
  if (obj === null || typeof obj !== 'object' || isSecret(obj) || !hasKey(obj, key)) return new Undef(name, ref, key);
  const v = (obj as Record<string, unknown>)[key];
  // A host's entry in hostvars renders its lazy values with that host's own variables.
  const scope = obj === state.hostvars && v !== null && typeof v === 'object'
    ? { vars: v as Vars, globals: state.rootScope.vars }
    : ref.scope;
  const data = ref.final || isDataEntry(obj, key);
  if (!data && typeof v === 'string' && mayBeTemplate(v)) {
    return new Ref(state.lazy(obj, key, v, ref.scope, name), scope, name, true);
  }
  return new Ref(v, scope, name, data || (v !== null && typeof v === 'object' && dataObjects.has(v)));
}

/**
 * The whole value behind a ref with every lazy string inside rendered. With `reveal`, secrets
 * become their real text (for template output); otherwise they stay Secret objects.
 * Unchanged containers are returned as they are; new ones keep their source positions.
 */
export function resolveDeep(state: RenderState, ref: Ref, reveal: boolean): unknown {
  return walk(state, ref.value, ref.scope, ref.name, ref.final, reveal, []);
}

function walk(state: RenderState, v: unknown, scope: Scope, name: string, final: boolean, reveal: boolean, seen: object[]): unknown {
  if (isSecret(v)) {
    state.secrets.add(v.reveal());
    return reveal ? state.reveal(v) : v;
  }
  if (v === null || typeof v !== 'object') return v;
  const isArr = Array.isArray(v);
  if (!isArr && !isPlainObject(v)) return v;
  if (seen.includes(v)) {
    throw new K8sbmError('K8SBM_VAR_CYCLE', `the value of "${name || 'vars'}" contains itself`, {
      hint: 'use a part of it (e.g. one key) instead of the whole value',
    });
  }
  seen.push(v);
  const fin = final || dataObjects.has(v);
  const src = v as Record<string, unknown>;
  const keys = isArr ? Array.from({ length: (v as unknown[]).length }, (_, i) => String(i)) : Object.keys(v);
  let out: Record<string, unknown> | unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const raw = src[key];
    const childScope = v === state.hostvars && raw !== null && typeof raw === 'object'
      ? { vars: raw as Vars, globals: state.rootScope.vars }
      : scope;
    let child: unknown;
    const cname = childName(name, key);
    const data = fin || isDataEntry(v, key);
    if (!data && typeof raw === 'string' && mayBeTemplate(raw)) {
      child = walk(state, state.lazy(v, key, raw, scope, cname), childScope, cname, true, reveal, seen);
    } else {
      child = walk(state, raw, childScope, cname, data, reveal, seen);
    }
    if (child !== raw && out === undefined) {
      out = isArr ? (v as unknown[]).slice(0, i) : Object.fromEntries(keys.slice(0, i).map((k) => [k, src[k]]));
    }
    if (out !== undefined) {
      if (isArr) (out as unknown[]).push(child);
      else (out as Record<string, unknown>)[key] = child;
    }
  }
  seen.pop();
  if (out === undefined) return v;
  copyPositions(v, out);
  return out;
}

export type Style = 'template' | 'expression';

/** K8SBM_UNDEFINED_VAR for an Undef: the full path, where it broke off, a likely fix. */
export function undefinedError(u: Undef, loc: Loc | undefined, style: Style): K8sbmError {
  const details: string[] = [];
  let near: string | undefined;
  const owner = u.owner;
  if (owner && owner.name !== '' && (owner.value === null || typeof owner.value !== 'object' || isSecret(owner.value))) {
    details.push(`"${owner.name}" is ${article(typeName(owner.value))}, it has no "${u.key}"`);
  } else if (owner) {
    const firstMissing = childName(owner.name, u.key);
    if (firstMissing !== u.name) details.push(`"${owner.name || firstMissing}" ${owner.name ? `has no key "${u.key}"` : 'is not defined'}`);
    const candidates = owner.value !== null && typeof owner.value === 'object' ? Object.keys(owner.value) : [];
    const c = closest(u.key, candidates);
    // For one- and two-letter names almost anything is "close": only suggest a case slip.
    if (c !== undefined && (u.key.length >= 3 || c.toLowerCase() === u.key.toLowerCase())) near = childName(owner.name, c);
  }
  let hint: string;
  if (near) hint = `did you mean "${near}"?`;
  else if (style === 'template') hint = `define it (vars, group_vars, host_vars, -e), or give a fallback: {{default ${u.name} "value"}}`;
  else if (/^(yes|no|on|off|y|n)$/i.test(u.name)) hint = `YAML 1.2 reads ${u.name} as a plain word; write true or false`;
  else hint = `define it, test it first ("${u.name} is defined"), or give a fallback: ${u.name} | default('value')`;
  return new K8sbmError('K8SBM_UNDEFINED_VAR', `undefined variable "${u.name}"`, { loc, hint, details });
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
