import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pyStr, pyTruthy } from './expr-lib.js';

/**
 * Ansible's lookup plugins that read the controller: `lookup('file', path)` and
 * `lookup('env', name)`; `query()` / `q()` give the same as a list. What they read is data,
 * never rendered as a template again.
 */

export interface LookupContext {
  fail(message: string, hint?: string): never;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** A variable of the run, or undefined (role_path, playbook_dir). */
  variable(name: string): unknown;
}

export interface Lookup {
  readonly usage: string;
  readonly kwargs: readonly string[];
  /** One value per term. */
  call(terms: readonly unknown[], c: LookupContext): unknown[];
}

/** Relative paths as Ansible's file lookup takes them: the role's files/, then the playbook's. */
function findFile(name: string, c: LookupContext): string {
  if (isAbsolute(name)) {
    if (existsSync(name)) return name;
    return c.fail(`lookup('file'): ${name} not found`, 'give a path that exists on the controller');
  }
  const dirs = [c.variable('role_path'), c.variable('playbook_dir'), process.cwd()].filter((d): d is string => typeof d === 'string');
  const candidates = [...new Set(dirs.flatMap((d) => [join(d, 'files', name), join(d, name)]).map((p) => resolve(p)))];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  return c.fail(`lookup('file'): "${name}" not found on the controller`, `looked in: ${candidates.join(', ')}`);
}

export const LOOKUPS: Readonly<Record<string, Lookup>> = {
  file: {
    usage: "lookup('file', 'path/on/controller')",
    kwargs: ['rstrip', 'lstrip'],
    call: (terms, c) => terms.map((t) => {
      let text = readFileSync(findFile(pyStr(t), c), 'utf8');
      if (c.kwargs['rstrip'] === undefined || pyTruthy(c.kwargs['rstrip'])) text = text.replace(/\s+$/, '');
      if (pyTruthy(c.kwargs['lstrip'])) text = text.replace(/^\s+/, '');
      return text;
    }),
  },
  env: {
    usage: "lookup('env', 'NAME')",
    kwargs: ['default'],
    call: (terms, c) => terms.map((t) => process.env[pyStr(t)] ?? (c.kwargs['default'] !== undefined ? c.kwargs['default'] : '')),
  },
};
