import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { parseYaml } from '../source/yaml.js';
import { isVaultText } from '../vault/format.js';
import { fileText, parseVaulted } from '../vault/files.js';
import { parseYamlWithVault } from '../vault/yaml.js';
import { parseKeyValueArgs } from '../source/freeform.js';
import type { VarLayer } from './layers.js';

/**
 * `-e` values as Ansible takes them: `k=v k2='v 2'`, a JSON or YAML mapping, or `@file`.
 * Each `-e` is its own layer; later ones win.
 */
export function parseExtraVars(args: readonly string[], cwd = process.cwd()): VarLayer[] {
  return args.map((arg, i) => {
    const a = arg.trim();
    if (a.startsWith('@')) {
      const file = resolve(cwd, a.slice(1));
      let text: string;
      try { text = readFileSync(file, 'utf8'); } catch {
        throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `extra vars file not found: ${file}`, { hint: 'write -e @path/to/vars.yml with a path relative to the current directory' });
      }
      const data = isVaultText(text) ? parseVaulted(file, fileText(file, text).text, (t) => parseYamlWithVault(t, file)) : parseYamlWithVault(text, file);
      return { level: 'extra_vars', name: `-e @${a.slice(1)}`, vars: asMapping(data, `-e @${a.slice(1)}`), loc: { file, line: 1, col: 1 } };
    }
    if (a.startsWith('{')) {
      const data = parseYaml(a, `-e #${i + 1}`);
      return { level: 'extra_vars', name: `-e #${i + 1}`, vars: asMapping(data, a) };
    }
    return { level: 'extra_vars', name: `-e #${i + 1}`, vars: parseKeyValues(a, `-e #${i + 1}`) };
  });
}

function asMapping(data: unknown, what: string): Record<string, unknown> {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new K8sbmError('K8SBM_EXTRA_VARS_INVALID', `extra vars must be a mapping: ${what}`, { hint: 'use -e key=value, -e \'{"key": "value"}\' or -e @file.yml' });
  }
  return data as Record<string, unknown>;
}

/** `a=1 b='two words' c="x y"` -> { a: "1", b: "two words", c: "x y" } (values stay strings, as in Ansible). */
export function parseKeyValues(text: string, what = 'arguments'): Record<string, string> {
  const { args, bad } = parseKeyValueArgs(text);
  if (bad !== undefined) {
    throw new K8sbmError('K8SBM_EXTRA_VARS_INVALID', `expected key=value in ${what}, got "${bad}"`, { hint: 'separate pairs with spaces and quote values that contain spaces: k=\'a b\'' });
  }
  return args;
}
