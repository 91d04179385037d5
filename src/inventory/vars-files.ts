import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { K8sbmError, isK8sbmError } from '../source/errors.js';
import { parseAnsibleYaml } from './ansible-yaml.js';
import { isVaultText } from '../vault/format.js';
import { fileText, parseVaulted } from '../vault/files.js';

/**
 * group_vars/ and host_vars/ as Ansible's host_group_vars plugin finds them: for entity NAME,
 * the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists; when it is a folder,
 * every file in it (recursively, sorted, skipping hidden files and backups~) with no extension or
 * one of those extensions.
 */

export type VarsSubdir = 'group_vars' | 'host_vars';

export interface VarsFile {
  readonly file: string;
  /** The file's variables, positions recorded (see loc.ts). */
  readonly vars: Readonly<Record<string, unknown>>;
}

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Files read once per process run; an Inventory owns one, filled lazily (no I/O at construction). */
export class VarsFileCache {
  readonly #found = new Map<string, string[]>();
  readonly #loaded = new Map<string, VarsFile | undefined>();
  /** Warnings about a group_vars/host_vars path that is not a folder, once per path. */
  readonly warnings: string[] = [];
  readonly #warned = new Set<string>();

  /** The var files for one group or host under `baseDir`, in Ansible's load order. */
  filesFor(baseDir: string, subdir: VarsSubdir, name: string): VarsFile[] {
    // Ansible skips names that look like absolute paths (chroot-style inventory hostnames).
    if (name.startsWith('/')) return [];
    const dir = join(baseDir, subdir);
    const key = `${dir}\u0000${name}`;
    let found = this.#found.get(key);
    if (!found) {
      found = this.#find(dir, name);
      this.#found.set(key, found);
    }
    const out: VarsFile[] = [];
    for (const f of found) {
      const loaded = this.#load(f);
      if (loaded) out.push(loaded);
    }
    return out;
  }

  #find(dir: string, name: string): string[] {
    const st = statOrUndefined(dir);
    if (!st) return [];
    if (!st.isDirectory()) {
      if (!this.#warned.has(dir)) {
        this.#warned.add(dir);
        this.warnings.push(`Found ${dir} that is not a directory, skipping: ${dir}`);
      }
      return [];
    }
    for (const ext of ['', ...VARS_EXTENSIONS]) {
      const p = join(dir, name + ext);
      const s = statOrUndefined(p);
      if (!s) continue;
      return s.isDirectory() ? filesInVarsDir(p) : [p];
    }
    return [];
  }

  #load(file: string): VarsFile | undefined {
    if (this.#loaded.has(file)) return this.#loaded.get(file);
    const v = loadVarsFile(file);
    this.#loaded.set(file, v);
    return v;
  }
}

function filesInVarsDir(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const p = join(dir, entry);
    const ext = extname(entry);
    const st = statOrUndefined(p);
    if (!st) continue;
    if (st.isDirectory()) {
      if (!ext) out.push(...filesInVarsDir(p));
    } else if (st.isFile() && (!ext || VARS_EXTENSIONS.includes(ext))) out.push(p);
  }
  return out;
}

function statOrUndefined(p: string) {
  try { return statSync(p); } catch { return undefined; }
}

/** Read one vars file; undefined when it is empty (Ansible ignores empty files). */
export function loadVarsFile(file: string): VarsFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new K8sbmError('K8SBM_VARS_FILE_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      loc: { file, line: 1, col: 1 }, hint: 'check the file permissions',
    });
  }
  let data: unknown;
  try {
    if (isVaultText(text)) {
      const plain = fileText(file, text).text;
      data = parseVaulted(file, plain, (t) => parseAnsibleYaml(t, file));
    } else data = parseAnsibleYaml(text, file);
  } catch (e) {
    if (isK8sbmError(e) && !e.code.startsWith('K8SBM_VAULT_')) {
      throw new K8sbmError('K8SBM_VARS_FILE_PARSE', `${file}: ${e.message}`, { loc: e.loc, hint: e.hint, cause: e });
    }
    throw e;
  }
  if (isEmpty(data)) return undefined;
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    throw new K8sbmError('K8SBM_VARS_FILE_INVALID', `${file} must hold a mapping of variable names to values, found ${Array.isArray(data) ? 'a list' : typeof data}`, {
      loc: { file, line: 1, col: 1 }, hint: 'write `name: value` lines at the top level of the file',
    });
  }
  return { file, vars: data as Record<string, unknown> };
}

// Python truthiness, which Ansible uses to skip a file: None, {}, [], "", 0, False.
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}
