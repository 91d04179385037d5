import { Scalar } from 'yaml';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import { inlineVaultValue } from '../vault/keyring.js';
import { onlyDocument, parseYamlDocuments, yamlToData, type YamlDialect } from '../source/yaml.js';

/**
 * YAML as Ansible reads inventories and group_vars/host_vars: JSON first, then YAML 1.1 with
 * PyYAML's resolver, so `yes`/`on` are booleans, `0644` is octal 420, `1e3` stays a string,
 * duplicate keys keep the last value. Positions are kept by the same walk as playbooks'.
 */
export function parseAnsibleYamlAll(text: string, file: string): unknown[] {
  const json = isJson(text);
  const dialect = ansibleYaml(json !== undefined);
  let parsed: ReturnType<typeof parseYamlDocuments>;
  try {
    parsed = parseYamlDocuments(text, file, dialect);
  } catch (e) {
    if (json !== undefined) return [json.value];
    throw e;
  }
  return parsed.docs.map((d) => yamlToData(d, file, parsed.lc, dialect));
}

/** One document (none gives null). */
export function parseAnsibleYaml(text: string, file: string): unknown {
  return onlyDocument(parseAnsibleYamlAll(text, file), file);
}

// Mapping keys that were not strings in the source (`1:`, `yes:`, `null:`), by object.
const nonStringKeys = new WeakMap<object, Set<string>>();

/** True when `obj[key]` came from a key YAML reads as a number, boolean or null. */
export function keyWasNonString(obj: object, key: string): boolean {
  return nonStringKeys.get(obj)?.has(key) ?? false;
}

function isJson(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return undefined;
  try { return { value: JSON.parse(t) }; } catch { return undefined; }
}

/** `json`: the text is also valid JSON, whose plain scalars read as JSON's (as Ansible's loader does). */
function ansibleYaml(json: boolean): YamlDialect {
  return {
    options: { schema: 'failsafe', version: '1.1', uniqueKeys: false },
    hint: () => 'check the indentation and quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!` or `%`',
    scalar: (node, loc) => scalarValue(node, json, loc),
    nonStringKey(obj, key) {
      const s = nonStringKeys.get(obj) ?? new Set<string>();
      s.add(key);
      nonStringKeys.set(obj, s);
    },
  };
}

function scalarValue(node: Scalar, json: boolean, loc: () => Loc): unknown {
  const text = String(node.value ?? '');
  switch (node.tag) {
    case undefined:
    case null:
    case '':
      if (node.type !== Scalar.PLAIN) return text;
      return json ? jsonScalar(text) : resolvePlain(text);
    case 'tag:yaml.org,2002:str':
    case '!unsafe':
      return text;
    case '!vault':
    case '!vault-encrypted':
      return inlineVaultValue(text, loc());
    case 'tag:yaml.org,2002:null':
      return null;
    case 'tag:yaml.org,2002:bool': {
      const b = BOOLS[text.toLowerCase()];
      if (b === undefined) throw tagError(text, 'a boolean', loc());
      return b;
    }
    case 'tag:yaml.org,2002:int': {
      const n = INT.test(text) ? yamlInt(text) : undefined;
      if (n === undefined) throw tagError(text, 'an integer', loc());
      return n;
    }
    case 'tag:yaml.org,2002:float': {
      const n = text.trim() === '' ? NaN : yamlFloat(text);
      if (Number.isNaN(n) && !/^[-+]?\.nan$/i.test(text)) throw tagError(text, 'a float', loc());
      return n;
    }
    default:
      return text;
  }
}

function tagError(text: string, what: string, loc: Loc): K8sbmError {
  return new K8sbmError('K8SBM_YAML_SYNTAX', `"${text}" is not ${what}`, { loc, hint: 'remove the explicit tag or fix the value' });
}

function jsonScalar(text: string): unknown {
  try { return JSON.parse(text); } catch { return resolvePlain(text); }
}

// PyYAML's implicit resolvers (YAML 1.1), which Ansible uses.
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const BOOLS: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;

/** The value PyYAML gives an untagged plain scalar. Timestamps stay strings (JSON has no dates). */
export function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return BOOLS[text.toLowerCase()];
  if (INT.test(text)) return yamlInt(text);
  if (FLOAT.test(text)) return yamlFloat(text);
  return text;
}

function yamlInt(text: string): number {
  let v = text.replace(/_/g, '');
  const sign = v[0] === '-' ? -1 : 1;
  if (v[0] === '+' || v[0] === '-') v = v.slice(1);
  if (v === '0') return 0;
  if (v.startsWith('0b')) return sign * parseInt(v.slice(2), 2);
  if (v.startsWith('0x')) return sign * parseInt(v.slice(2), 16);
  if (v[0] === '0') return sign * parseInt(v, 8);
  if (v.includes(':')) return sign * sexagesimal(v);
  return sign * Number(v);
}

function yamlFloat(text: string): number {
  let v = text.replace(/_/g, '').toLowerCase();
  const sign = v[0] === '-' ? -1 : 1;
  if (v[0] === '+' || v[0] === '-') v = v.slice(1);
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  if (v.includes(':')) return sign * sexagesimal(v);
  return sign * Number(v);
}

function sexagesimal(v: string): number {
  return v.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}
