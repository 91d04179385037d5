import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { K8sbmError, didYouMean, isK8sbmError } from '../source/errors.js';
import { parseAnsibleYaml } from './ansible-yaml.js';
import { isVaultText } from '../vault/format.js';
import { parseIniInventory } from './ini.js';
import { Inventory } from './model.js';
import { parseAddress } from './ranges.js';
import { parseYamlInventory } from './yaml-inventory.js';

/**
 * Read inventory sources (`-i` values, in order) into one Inventory, as ansible-inventory does:
 * a file (YAML or INI, detected as Ansible detects it), a directory (every inventory file in it,
 * recursively, in sorted order), or a comma-separated host list (`a,b,`).
 */
export async function loadInventory(sources: readonly string[]): Promise<Inventory> {
  const inv = new Inventory();
  for (const src of sources) {
    if (src.includes(',') && !existsSync(src)) {
      parseHostList(inv, src);
      inv.sources.push({ path: src, varsDir: undefined });
      continue;
    }
    const st = await stat(src).catch(() => undefined);
    if (!st) {
      const near = await siblingsOf(src);
      throw new K8sbmError('K8SBM_INVENTORY_NOT_FOUND', `inventory source ${src} does not exist`, {
        hint: didYouMean(basename(src), near) ?? 'give -i a file, a directory, or a comma-separated host list ending in a comma ("host1,")',
      });
    }
    if (st.isDirectory()) {
      const parsed = await parseDirectory(inv, src);
      if (!parsed) inv.warnings.push(`Unable to parse ${src} as an inventory source: the directory holds no inventory file`);
      inv.sources.push({ path: src, varsDir: src });
    } else {
      await parseFile(inv, src);
      inv.sources.push({ path: src, varsDir: dirname(src) });
    }
  }
  inv.reconcile();
  preloadVarsFiles(inv);
  return inv;
}

// Ansible skips these names in an inventory directory (hidden files, vars folders, and
// INVENTORY_IGNORE_EXTS: editor leftovers, docs, and .ini/.cfg files which are usually configs).
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

export function isIgnoredInventoryEntry(name: string): boolean {
  return IGNORED.test(name);
}

async function parseDirectory(inv: Inventory, dir: string): Promise<boolean> {
  let parsed = false;
  const entries = (await readdir(dir)).sort();
  for (const name of entries) {
    if (IGNORED.test(name)) continue;
    const p = join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) parsed = (await parseDirectory(inv, p)) || parsed;
    else if (st.isFile()) { await parseFile(inv, p); parsed = true; }
  }
  return parsed;
}

const YAML_EXTENSIONS = ['.yaml', '.yml', '.json'];

async function parseFile(inv: Inventory, file: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new K8sbmError('K8SBM_INVENTORY_UNREADABLE', `cannot read inventory ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'check the path and its permissions',
    });
  }
  const source = resolve(file);
  if (isVaultText(text)) {
    throw new K8sbmError('K8SBM_VAULT_NOT_VARS', `inventory ${file} is encrypted, but only variables may be`, {
      loc: { file, line: 1, col: 1 },
      hint: 'keep the hosts in clear text and put the secrets in group_vars/ or host_vars/ files (encrypted whole) or inline `!vault |` values',
    });
  }
  if (text.startsWith('#!')) {
    throw new K8sbmError('K8SBM_INVENTORY_UNSUPPORTED', 'dynamic inventory scripts are not supported', {
      loc: { file, line: 1, col: 1 },
      hint: 'run the script once (./script --list > inventory.json) and pass the JSON output converted to YAML inventory, or list the hosts in an INI/YAML file',
    });
  }
  const ext = extname(file);
  let yamlError: K8sbmError | undefined;
  if (!ext || YAML_EXTENSIONS.includes(ext)) {
    // Ansible offers every file to its YAML plugin first; it declines anything that is not a
    // mapping, and the INI plugin gets its turn.
    let data: unknown;
    try {
      data = parseAnsibleYaml(text, file);
    } catch (e) {
      if (!isK8sbmError(e)) throw e;
      yamlError = e;
    }
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length > 0) {
      if ('plugin' in data) {
        throw new K8sbmError('K8SBM_INVENTORY_UNSUPPORTED', `inventory plugin configurations are not supported (plugin: ${String((data as { plugin: unknown }).plugin)})`, {
          loc: { file, line: 1, col: 1 },
          hint: 'export the hosts once (ansible-inventory -i FILE --list -y > hosts.yml) and use that file',
        });
      }
      parseYamlInventory(inv, data as Record<string, unknown>, file, source);
      return;
    }
    yamlError ??= new K8sbmError('K8SBM_INVENTORY_STRUCTURE', 'YAML inventory must be a mapping of group names', {
      loc: { file, line: 1, col: 1 }, hint: 'start with `all:` and put `hosts:`, `children:` and `vars:` under it',
    });
  }
  try {
    parseIniInventory(inv, text, file, source);
  } catch (e) {
    if (!isK8sbmError(e) || !yamlError) throw e;
    // Both readings failed: report the one the file name (or its first line) promises.
    if (ext || looksLikeYaml(text)) throw yamlError;
    throw e;
  }
}

// `all:` or `web:` alone (or followed by a space) opens a YAML mapping; INI lines never do.
function looksLikeYaml(text: string): boolean {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !l.startsWith(';'));
  return first !== undefined && (first === '---' || /^[^\s[=]+:(?:\s|$)/.test(first));
}

/** `-i "host1,host2:2222,"`: each name into `ungrouped` (Ansible's host_list plugin). */
function parseHostList(inv: Inventory, list: string): void {
  for (const part of list.split(',')) {
    const h = part.trim();
    if (!h) continue;
    const a = parseAddress(h, false);
    const host = a?.host ?? h;
    if (!inv.hosts.has(host)) inv.addHost(host, { group: 'ungrouped', port: a?.port });
  }
}

async function siblingsOf(p: string): Promise<string[]> {
  try { return await readdir(dirname(p)); } catch { return []; }
}

/** Read every group_vars/host_vars file that applies, so a broken one fails at load time. */
function preloadVarsFiles(inv: Inventory): void {
  for (const src of inv.sources) {
    if (!src.varsDir) continue;
    for (const g of inv.groups.keys()) inv.varsFiles.filesFor(src.varsDir, 'group_vars', g);
    for (const h of inv.hosts.keys()) inv.varsFiles.filesFor(src.varsDir, 'host_vars', h);
  }
  inv.warnings.push(...inv.varsFiles.warnings);
}
