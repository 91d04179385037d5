import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use, not at start-up: ssh2, ajv, handlebars and diff cost
 * tens of milliseconds each to load, and many runs need only some of them (a local run no ssh2,
 * a run without --diff no diff). `require` keeps the first use synchronous.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
