import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readArgumentSpecs } from '../playbook/argspec.js';

/**
 * The role variable reference (docs/role-variables.md) from each shipped role's
 * meta/argument_specs.yml: every option with its type, whether it is required, its default, its
 * description, and the value the example inventory (inventories/example) gives it, if any.
 * Nested options (a dict's `options:`) are rows of their own, named parent.child.
 */

export const ROLES_BEGIN = '<!-- role-variables:begin -->';
export const ROLES_END = '<!-- role-variables:end -->';

type Raw = Record<string, unknown>;

/** Values the example inventory sets: group_vars first, then the first host_vars file that sets a name. */
export function exampleValues(inventoryDir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const read = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort((a, b) => (a === 'all.yml' ? -1 : b === 'all.yml' ? 1 : a < b ? -1 : 1))) {
      const data = parseYaml(readFileSync(join(dir, f), 'utf8')) as Raw | null;
      for (const [k, v] of Object.entries(data ?? {})) if (!out.has(k)) out.set(k, v);
    }
  };
  read(join(inventoryDir, 'group_vars'));
  read(join(inventoryDir, 'host_vars'));
  return out;
}

function typeOf(o: Raw): string {
  const t = typeof o.type === 'string' ? o.type : 'str';
  return t === 'list' && typeof o.elements === 'string' ? `list of ${o.elements}` : t;
}

/** A value as it would be written in YAML flow style, on one line. */
function inline(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  return s === '' ? '' : `\`${s.replace(/`/g, "'")}\``;
}

function rows(options: Raw, prefix: string, examples: Map<string, unknown> | undefined, out: string[]): void {
  for (const [name, def] of Object.entries(options)) {
    const o = (def ?? {}) as Raw;
    const full = `${prefix}${name}`;
    const required = o.required === true ? 'yes' : '';
    const dflt = 'default' in o ? code(inline(o.default)) : o.required === true ? '' : '(none)';
    const choices = Array.isArray(o.choices) ? ` One of: ${o.choices.map((c) => code(inline(c))).join(', ')}.` : '';
    const example = examples?.has(name) ? code(inline(examples.get(name))) : '';
    const desc = `${typeof o.description === 'string' ? o.description : Array.isArray(o.description) ? o.description.join(' ') : ''}${choices}`;
    out.push(`| ${code(full)} | ${cell(typeOf(o))} | ${required} | ${cell(dflt)} | ${cell(desc.trim())} | ${cell(example)} |`);
    // A nested option's example is its parent's; it has none of its own.
    if (o.options && typeof o.options === 'object') rows(o.options as Raw, `${full}.`, undefined, out);
  }
}

/** The generated section: a heading and a table per role (and per entry point other than main). */
export function renderRoleVariables(rolesDir: string, exampleInventory: string, docsDir: string): string {
  const examples = exampleValues(exampleInventory);
  const out: string[] = [];
  const roles = readdirSync(rolesDir).filter((r) => existsSync(join(rolesDir, r, 'meta', 'argument_specs.yml'))).sort();
  out.push(roles.map((r) => `[${r}](#${r})`).join(' · '), '');
  for (const role of roles) {
    const file = join(rolesDir, role, 'meta', 'argument_specs.yml');
    const data = parseYaml(readFileSync(file, 'utf8')) as Raw;
    // The engine's own reader checks the file as a run would (and throws on what it refuses).
    const entries = readArgumentSpecs(data, file);
    const specs = (data.argument_specs ?? {}) as Record<string, Raw | null>;
    for (const entry of Object.keys(entries)) {
      const spec = specs[entry] ?? {};
      out.push(`## ${role}${entry === 'main' ? '' : ` (${entry})`}`, '');
      const short = typeof spec.short_description === 'string' ? spec.short_description : '';
      if (short) out.push(`${short}. Its page: ${rolePage(role, docsDir)}; its spec: \`roles/${role}/meta/argument_specs.yml\`.`, '');
      const options = (spec.options ?? {}) as Raw;
      if (Object.keys(options).length === 0) { out.push('No variables.', ''); continue; }
      out.push('| variable | type | required | default | description | example (inventories/example) |', '| --- | --- | --- | --- | --- | --- |');
      rows(options, '', examples, out);
      out.push('');
    }
  }
  return out.join('\n');
}

/** The docs page about a role: docs/<role, dashes for underscores>.md when there is one. */
function rolePage(role: string, docsDir: string): string {
  const page = `${role.replace(/_/g, '-')}.md`;
  return existsSync(join(docsDir, page)) ? `[${page}](${page})` : '[roles.md](roles.md), the house rules';
}
