import { K8sbmError, didYouMean, type ErrorCode } from '../source/errors.js';
import { type Loc, keyPosOf, locOf } from '../source/loc.js';
import { asBoolean } from '../schema/coerce.js';
import type { Condition } from './model.js';

export type Raw = Record<string, unknown>;

export function isMapping(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function fail(code: ErrorCode, message: string, loc: Loc | undefined, hint: string, subject?: string): never {
  throw new K8sbmError(code, message, { loc, hint, subject });
}

export function describeType(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Typed access to the keys of one YAML mapping (a play, task, block, role entry). Every reader
 * fails with the key's own file:line:col and a hint, so a wrong value is reported where it is.
 */
export class Fields {
  constructor(readonly raw: Raw, readonly subject: string, private readonly fallback: Loc) {}

  get loc(): Loc {
    return locOf(this.raw) ?? this.fallback;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.raw, key);
  }

  keyLoc(key: string): Loc {
    return keyPosOf(this.raw, key)?.key ?? this.loc;
  }

  valueLoc(key: string): Loc {
    return keyPosOf(this.raw, key)?.value ?? this.loc;
  }

  /**
   * Reject keys outside `allowed` (K8SBM_UNKNOWN_KEYWORD, with the closest one as the hint).
   * `kind` names what a key is here: "play keyword", "loop_control key", "import_role param".
   */
  checkKeys(allowed: readonly string[], kind: string, extraHint?: (key: string) => string | undefined): void {
    for (const key of Object.keys(this.raw)) {
      if (allowed.includes(key)) continue;
      const hint = extraHint?.(key) ?? didYouMean(key, allowed) ?? `${kind}s are: ${allowed.join(', ')}`;
      fail('K8SBM_UNKNOWN_KEYWORD', `unknown ${kind} "${key}"`, this.keyLoc(key), hint, this.subject);
    }
  }

  private invalid(key: string, what: string, hint: string): never {
    fail('K8SBM_KEYWORD_INVALID', `${key} must be ${what}, got ${describeType(this.raw[key])}`, this.valueLoc(key), hint, this.subject);
  }

  string(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    return this.invalid(key, 'a string', `write ${key}: "text"`);
  }

  bool(key: string): boolean | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    const b = asBoolean(v);
    if (b !== undefined) return b;
    return this.invalid(key, 'a boolean', `write ${key}: true or ${key}: false (yes/no work too)`);
  }

  number(key: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    const kind = opts.integer ? 'a whole number' : 'a number';
    const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` of at least ${opts.min}` : '';
    if (Number.isNaN(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      return this.invalid(key, kind + range, `write ${key}: followed by ${kind}${range}`);
    }
    return n;
  }

  /** A mapping; an empty value (`vars:` with nothing after it) counts as an empty one. */
  mapping(key: string): Raw | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (v === null) return {};
    if (isMapping(v)) return v;
    return this.invalid(key, 'a mapping', `indent \`name: value\` pairs under ${key}:`);
  }

  /** A list; an empty value counts as an empty list. */
  list(key: string): unknown[] | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (v === null) return [];
    if (Array.isArray(v)) return v;
    fail('K8SBM_NOT_A_LIST', `${key} must be a list, got ${describeType(v)}`, this.valueLoc(key),
      `write each entry on its own line under ${key}:, starting with "- "`, this.subject);
  }

  /** A string or a list of strings (notify, listen); `tags` may also be "a,b". */
  stringList(key: string, opts: { commaSplit?: boolean } = {}): string[] {
    const v = this.raw[key];
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    const out: string[] = [];
    for (const item of items) {
      if (typeof item !== 'string' && typeof item !== 'number') {
        return this.invalid(key, 'a string or a list of strings', `write ${key}: name, or a list of names`);
      }
      const s = String(item);
      if (opts.commaSplit) out.push(...s.split(',').map((t) => t.trim()).filter(Boolean));
      else out.push(s);
    }
    return out;
  }

  /** when / changed_when / failed_when / until: an expression, a boolean, or a list of them (all of). */
  conditions(key: string): Condition[] | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    const items = Array.isArray(v) ? v : [v];
    return items.map((item) => {
      const b = asBoolean(item);
      if (b !== undefined) return b;
      if (typeof item === 'string' && item.trim() !== '') return item;
      if (typeof item === 'number') return String(item);
      return this.invalid(key, 'a condition (an expression, true/false, or a list of them)', `write ${key}: some_var == "value"`);
    });
  }
}
