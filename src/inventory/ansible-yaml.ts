import { LineCounter, Scalar, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YNode } from 'yaml';
import { K8sbmError } from '../source/errors.js';
import { type Loc, recordKey, recordNode } from '../source/loc.js';
import { rememberSource } from '../source/yaml.js';
import { pyKeyString } from './pyliteral.js';

/**
 * YAML as Ansible reads inventories and group_vars/host_vars: JSON first, then YAML 1.1 with
 * PyYAML's resolver, so `yes`/`on` are booleans, `0644` is octal 420, `1e3` stays a string,
 * duplicate keys keep the last value. Positions are recorded exactly as src/source/yaml.ts does.
 */
export function parseAnsibleYamlAll(text: string, file: string): unknown[] {
  rememberSource(file, text);
  const json = isJson(text);
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, schema: 'failsafe', version: '1.1', uniqueKeys: false, keepSourceTokens: true });
  const list = (Array.isArray(docs) ? docs : [docs]) as Document[];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      if (json !== undefined) return [json.value];
      const pos = err.linePos?.[0];
      throw new K8sbmError('K8SBM_YAML_SYNTAX', err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), {
        loc: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
        hint: 'check the indentation and quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!` or `%`',
      });
    }
  }
  const ctx: Ctx = { file, lc, json: json !== undefined };
  return list.map((d) => toData(d, d.contents as YNode | null, ctx, new Set()));
}

/** One document (none gives null). */
export function parseAnsibleYaml(text: string, file: string): unknown {
  const all = parseAnsibleYamlAll(text, file);
  if (all.length > 1) {
    throw new K8sbmError('K8SBM_YAML_MULTIDOC', `expected one YAML document, found ${all.length}`, {
      loc: { file, line: 1, col: 1 }, hint: 'remove the extra `---` separators or split the file',
    });
  }
  return all[0] ?? null;
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

interface Ctx { readonly file: string; readonly lc: LineCounter; readonly json: boolean }

function locAt(ctx: Ctx, offset: number | undefined): Loc {
  const p = ctx.lc.linePos(offset ?? 0);
  return { file: ctx.file, line: p.line, col: p.col };
}

function toData(doc: Document, node: YNode | null | undefined, ctx: Ctx, seen: Set<YNode>): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc) as YNode | undefined;
    if (!target) return null;
    if (seen.has(target)) throw new K8sbmError('K8SBM_YAML_SYNTAX', 'recursive alias', { loc: locAt(ctx, node.range?.[0]) });
    seen.add(target);
    const v = toData(doc, target, ctx, seen);
    seen.delete(target);
    return v;
  }
  if (isScalar(node)) return scalarValue(node, ctx);
  if (isSeq(node)) {
    const arr: unknown[] = [];
    recordNode(arr, locAt(ctx, node.range?.[0]));
    node.items.forEach((item, i) => {
      const itemNode = item as YNode;
      arr.push(toData(doc, itemNode, ctx, seen));
      const l = locAt(ctx, itemNode?.range?.[0]);
      recordKey(arr, i, { key: l, value: l, ...scalarRaw(itemNode) });
    });
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    recordNode(obj, locAt(ctx, node.range?.[0]));
    const merges: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YNode | null;
      const valNode = pair.value as YNode | null;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<' && !keyNode.tag) {
        const m = toData(doc, valNode, ctx, seen);
        for (const x of Array.isArray(m) ? m : [m]) if (x && typeof x === 'object') merges.push(x as Record<string, unknown>);
        continue;
      }
      const keyVal = toData(doc, keyNode, ctx, seen);
      const key = typeof keyVal === 'string' ? keyVal : keyVal !== null && typeof keyVal === 'object' ? JSON.stringify(keyVal) : pyKeyString(keyVal);
      if (typeof keyVal !== 'string') {
        const s = nonStringKeys.get(obj) ?? new Set<string>();
        s.add(key);
        nonStringKeys.set(obj, s);
      }
      obj[key] = toData(doc, valNode, ctx, seen);
      const kl = locAt(ctx, keyNode?.range?.[0]);
      recordKey(obj, key, { key: kl, value: valNode?.range ? locAt(ctx, valNode.range[0]) : kl, ...scalarRaw(valNode) });
    }
    for (const m of merges) for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
    return obj;
  }
  return null;
}

function scalarRaw(node: YNode | null | undefined): { raw?: string; plain?: boolean } {
  if (!isScalar(node)) return {};
  const tok = (node as Scalar & { srcToken?: { source?: string } }).srcToken;
  return { raw: tok?.source, plain: node.type === Scalar.PLAIN };
}

function scalarValue(node: Scalar, ctx: Ctx): unknown {
  const text = String(node.value ?? '');
  const loc = () => locAt(ctx, node.range?.[0]);
  switch (node.tag) {
    case undefined:
    case null:
    case '':
      if (node.type !== Scalar.PLAIN) return text;
      return ctx.json ? jsonScalar(text) : resolvePlain(text);
    case 'tag:yaml.org,2002:str':
    case '!unsafe':
      return text;
    case '!vault':
    case '!vault-encrypted':
      return { __ansible_vault: text };
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
