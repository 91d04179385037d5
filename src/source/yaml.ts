import {
  LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, Scalar,
  type Document, type DocumentOptions, type Node as YNode, type ParseOptions, type SchemaOptions,
} from 'yaml';
import { K8sbmError } from './errors.js';
import { type Loc, recordKey, recordNode } from './loc.js';

// Source text by file name, so an error can quote the offending line long after loading.
const sources = new Map<string, string[]>();

export function rememberSource(file: string, text: string): void {
  sources.set(file, text.split(/\r?\n/));
}

/** A decrypted file's lines are never quoted in an error. */
export function forgetSource(file: string): void {
  sources.delete(file);
}

export function sourceLine(file: string, line: number): string | undefined {
  return sources.get(file)?.[line - 1];
}

/**
 * What sets one reading of YAML apart from another: the parser's options (version, schema,
 * duplicate keys) and how scalars become values. The walk that
 * keeps positions is the same for all (see loc.ts). Playbooks read YAML 1.2; inventories and
 * their vars files read YAML 1.1 as Ansible does (src/inventory/ansible-yaml.ts).
 */
export interface YamlDialect {
  readonly options: ParseOptions & DocumentOptions & SchemaOptions;
  /** The remedy for a syntax error of this code. */
  hint(code: string): string;
  /** The value of a scalar node. */
  scalar(node: Scalar, loc: () => Loc): unknown;
  /** Told of every mapping key that was not a string in the source. */
  nonStringKey?(obj: object, key: string): void;
}

export const YAML_1_2: YamlDialect = {
  options: { merge: true, uniqueKeys: true },
  hint: yamlHint,
  scalar: (node) => node.value,
};

export interface YamlDocuments {
  readonly docs: readonly Document[];
  /** One for all documents, so positions stay file-absolute. */
  readonly lc: LineCounter;
}

/** The documents of a YAML text; the first syntax error throws K8SBM_YAML_SYNTAX at its place. */
export function parseYamlDocuments(text: string, file: string, dialect: YamlDialect): YamlDocuments {
  rememberSource(file, text);
  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { ...dialect.options, lineCounter: lc, keepSourceTokens: true });
  const docs = (Array.isArray(parsed) ? parsed : [parsed]) as Document[];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      if (/Maximum call stack size exceeded/.test(err.message)) {
        throw new K8sbmError('K8SBM_YAML_TOO_DEEP', 'the YAML nests deeper than it can be read', {
          loc: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
          hint: `keep lists and mappings under ${MAX_DEPTH} levels deep`,
        });
      }
      throw new K8sbmError('K8SBM_YAML_SYNTAX', firstLine(err.message), {
        loc: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
        hint: dialect.hint(err.code),
      });
    }
  }
  return { docs, lc };
}

/** One value per document (`---` separated), anchors, aliases and `<<` merge keys resolved. */
export function parseYamlAllWith(text: string, file: string, dialect: YamlDialect): unknown[] {
  const { docs, lc } = parseYamlDocuments(text, file, dialect);
  return docs.map((doc) => yamlToData(doc, file, lc, dialect));
}

/** Parse YAML 1.2 into plain data while keeping file:line:col of every mapping, sequence, key and value. */
export function parseYamlAll(text: string, file: string): unknown[] {
  return parseYamlAllWith(text, file, YAML_1_2);
}

export function parseYaml(text: string, file: string): unknown {
  return onlyDocument(parseYamlAll(text, file), file);
}

/** The one document of a file (none gives null); more than one is an error. */
export function onlyDocument(all: readonly unknown[], file: string): unknown {
  if (all.length > 1) {
    throw new K8sbmError('K8SBM_YAML_MULTIDOC', `expected one YAML document, found ${all.length}`, {
      loc: { file, line: 1, col: 1 },
      hint: 'remove the extra `---` separators or split the file',
    });
  }
  return all[0] ?? null;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY': return 'a key may appear only once in a mapping; merge the two entries';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN': return 'check the indentation (spaces only, children indented deeper than their parent)';
    case 'TAB_AS_INDENT': return 'YAML does not allow tabs for indentation; use spaces';
    case 'BLOCK_AS_IMPLICIT_KEY': return 'a value that starts with `{{` must be quoted: key: "{{ var }}"';
    default: return 'see the YAML 1.2 rules near the marked place; quote values that contain `: ` or start with `{`, `[`, `*`, `&` or `!`';
  }
}

function locAt(lc: LineCounter, file: string, offset: number | undefined): Loc {
  const p = lc.linePos(offset ?? 0);
  return { file, line: p.line, col: p.col };
}

/** A plain, untagged `<<` key (the parser gives it as a symbol when it resolves merges itself). */
function isMergeKey(node: YNode | null): boolean {
  if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag) return false;
  const v = node.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/** Deeper YAML is refused (a hostile file must not exhaust the stack). */
export const MAX_DEPTH = 500;
/** How many nodes aliases may stand for in one document, all told ("billion laughs"). */
export const MAX_ALIAS_NODES = 100_000;

/** How many nodes a YAML node stands for once its aliases are expanded (memoized, stops past `limit`). */
function expandedSize(doc: Document, limit: number): (node: YNode | null | undefined) => number {
  const sizes = new Map<YNode, number>();
  const size = (node: YNode | null | undefined): number => {
    if (node === null || node === undefined) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // a recursive alias counts once here; the walk refuses it
    let n = 1;
    if (isAlias(node)) n = size(node.resolve(doc) as YNode | undefined);
    else if (isSeq(node)) for (const item of node.items) { n += size(item as YNode); if (n > limit) break; }
    else if (isMap(node)) for (const pair of node.items) { n += size(pair.key as YNode) + size(pair.value as YNode); if (n > limit) break; }
    sizes.set(node, n);
    return n;
  };
  return size;
}

/** The data of a document, every mapping and sequence remembering where it and its entries stand. */
export function yamlToData(doc: Document, file: string, lc: LineCounter, dialect: YamlDialect): unknown {
  const at = (offset: number | undefined): Loc => locAt(lc, file, offset);
  const seen = new Set<YNode>();
  const sizeOf = expandedSize(doc, MAX_ALIAS_NODES);
  let aliased = 0;
  let depth = 0;
  const walk = (node: YNode | null | undefined): unknown => {
    if (++depth > MAX_DEPTH) {
      throw new K8sbmError('K8SBM_YAML_TOO_DEEP', `the YAML nests more than ${MAX_DEPTH} levels deep`, {
        loc: at(node?.range?.[0]), hint: `keep lists and mappings under ${MAX_DEPTH} levels deep`,
      });
    }
    try {
      return walkNode(node);
    } finally {
      depth--;
    }
  };
  const walkNode = (node: YNode | null | undefined): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc) as YNode | undefined;
      if (!target) return null;
      if (seen.has(target)) throw new K8sbmError('K8SBM_YAML_SYNTAX', 'recursive alias', { loc: at(node.range?.[0]) });
      aliased += sizeOf(target);
      if (aliased > MAX_ALIAS_NODES) {
        throw new K8sbmError('K8SBM_YAML_ALIAS_LIMIT', `aliases here stand for more than ${MAX_ALIAS_NODES.toLocaleString('en')} values`, {
          loc: at(node.range?.[0]),
          hint: 'an alias of an alias of an alias multiplies (the "billion laughs"); write the values out, or alias smaller parts',
        });
      }
      seen.add(target);
      const v = walk(target);
      seen.delete(target);
      return v;
    }
    if (isScalar(node)) return dialect.scalar(node, () => at(node.range?.[0]));
    if (isSeq(node)) {
      const arr: unknown[] = [];
      recordNode(arr, at(node.range?.[0]));
      node.items.forEach((item, i) => {
        const itemNode = item as YNode;
        arr.push(walk(itemNode));
        const l = at(itemNode?.range?.[0]);
        recordKey(arr, i, { key: l, value: l, ...scalarRaw(itemNode) });
      });
      return arr;
    }
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      recordNode(obj, at(node.range?.[0]));
      const merges: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YNode | null;
        const valNode = pair.value as YNode | null;
        if (isMergeKey(keyNode)) {
          const m = walk(valNode);
          for (const x of Array.isArray(m) ? m : [m]) if (x && typeof x === 'object') merges.push(x as Record<string, unknown>);
          continue;
        }
        const keyVal = walk(keyNode);
        const key = keyText(keyVal);
        if (typeof keyVal !== 'string') dialect.nonStringKey?.(obj, key);
        obj[key] = walk(valNode);
        const kl = at(keyNode?.range?.[0]);
        recordKey(obj, key, { key: kl, value: valNode?.range ? at(valNode.range[0]) : kl, ...scalarRaw(valNode) });
      }
      for (const m of merges) for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
      return obj;
    }
    return null;
  };
  return walk(doc.contents as YNode | null);
}

/** The property name a mapping key gives: `1:` -> "1", `true:` -> "true", a flow mapping as JSON. */
function keyText(v: unknown): string {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function scalarRaw(node: YNode | null | undefined): { raw?: string; plain?: boolean } {
  if (!isScalar(node)) return {};
  const tok = (node as Scalar & { srcToken?: { source?: string } }).srcToken;
  return { raw: tok?.source, plain: node.type === Scalar.PLAIN };
}
