import { inspect } from 'node:util';
import { copyPositions } from '../source/loc.js';

/** A value that must never be printed: it shows as *** in output, JSON, diffs and errors. */
export class Secret {
  #value: string | undefined;
  #open: (() => string) | undefined;
  /**
   * `value` or a function that gives it on first use (a vault value decrypts only when needed).
   * `parts`: the secrets a larger text holds verbatim ("password={{ pw }}" holds pw): output
   * masks those and keeps the rest readable.
   */
  constructor(value: string | (() => string), readonly parts?: readonly string[]) {
    if (typeof value === 'string') this.#value = value;
    else this.#open = value;
  }
  /** The only way to get the real value: use it where it is sent, nowhere else. */
  reveal(): string {
    if (this.#value === undefined) {
      this.#value = this.#open!();
      this.#open = undefined;
    }
    return this.#value;
  }
  toString(): string { return '***'; }
  toJSON(): string { return '***'; }
  [inspect.custom](): string { return '***'; }
}

export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret;
}

/** Replace every occurrence of the given secret strings in text with ***. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/**
 * Replace Secret values (deep) by their real text so a module receives plain data, and remember
 * each revealed text in `sink` so output can be masked.
 */
export function revealSecrets(value: unknown, sink: Set<string>): unknown {
  if (value instanceof Secret) {
    const v = value.reveal();
    // Parts too short to mask on their own (maskSecrets skips them) mask the whole text instead.
    if (value.parts?.length && value.parts.every((p) => p.length >= 3)) for (const p of value.parts) sink.add(p);
    else sink.add(v);
    return v;
  }
  // Unchanged containers are returned as they are, so their YAML positions (loc.ts) stay on them.
  if (Array.isArray(value)) {
    const out = value.map((v) => revealSecrets(v, sink));
    if (out.every((v, i) => v === value[i])) return value;
    copyPositions(value, out);
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = revealSecrets(v, sink);
      if (r !== v) changed = true;
      out[k] = r;
    }
    if (!changed) return value;
    copyPositions(value, out);
    return out;
  }
  return value;
}
