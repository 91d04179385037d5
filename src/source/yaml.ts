import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node as YNode } from 'yaml';
import { K8sbmError } from './errors.js';
import { type Loc, recordKey, recordNode } from './loc.js';

// Source text by file name, so an error can quote the offending line long after loading.
const sources = new Map<string, string[]>();

export function rememberSource(file: string, text: string): void {
  sources.set(file, text.split(/\r?\n/));
}

export function sourceLine(file: string, line: number): string | undefined {
  return sources.get(file)?.[line - 1];
}

/**
 * Parse YAML 1.2 into plain data while keeping file:line:col of every mapping, sequence, key and
 * value (see loc.ts). Anchors, aliases and `<<` merge keys are resolved.
 * Returns one value per document (`---` separated).
 */
export function parseYamlAll(text: string, file: string): unknown[] {
  rememberSource(file, text);
  const lc = new LineCounter();
  const out: unknown[] = [];
  const docs = splitDocuments(text, file, lc);
  for (const doc of docs) out.push(toData(doc, doc.contents as YNode | null, file, lc));
  return out;
}

export function parseYaml(text: string, file: string): unknown {
  const all = parseYamlAll(text, file);
  if (all.length > 1) {
    throw new K8sbmError('K8SBM_YAML_MULTIDOC', `expected one YAML document, found ${all.length}`, {
      loc: { file, line: 1, col: 1 },
      hint: 'remove the extra `---` separators or split the file',
    });
  }
  return all[0] ?? null;
}

export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new K8sbmError('K8SBM_FILE_UNREADABLE', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'check the path (relative paths are taken from the file that names them)',
    });
  }
  return parseYaml(text, file);
}

function splitDocuments(text: string, file: string, lc: LineCounter): Document[] {
  // parseAllDocuments shares one LineCounter across documents, so positions stay file-absolute.
  const docs = parseAllDocuments(text, { lineCounter: lc, merge: true, keepSourceTokens: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const loc: Loc = { file, line: pos?.line ?? 1, col: pos?.col ?? 1 };
      throw new K8sbmError('K8SBM_YAML_SYNTAX', firstLine(err.message), {
        loc,
        hint: yamlHint(err.code),
      });
    }
  }
  return list as Document[];
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

function toData(doc: Document, node: YNode | null | undefined, file: string, lc: LineCounter, seen = new Set<YNode>()): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) return null;
    if (seen.has(target as YNode)) {
      throw new K8sbmError('K8SBM_YAML_SYNTAX', 'recursive alias', { loc: locAt(lc, file, node.range?.[0]) });
    }
    seen.add(target as YNode);
    const v = toData(doc, target as YNode, file, lc, seen);
    seen.delete(target as YNode);
    return v;
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const arr: unknown[] = [];
    recordNode(arr, locAt(lc, file, node.range?.[0]));
    node.items.forEach((item, i) => {
      const itemNode = item as YNode;
      arr.push(toData(doc, itemNode, file, lc, seen));
      const l = locAt(lc, file, itemNode?.range?.[0]);
      recordKey(arr, i, { key: l, value: l, ...scalarRaw(itemNode) });
    });
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    recordNode(obj, locAt(lc, file, node.range?.[0]));
    const merges: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YNode | null;
      const valNode = pair.value as YNode | null;
      const keyVal = isScalar(keyNode) ? keyNode.value : toData(doc, keyNode, file, lc, seen);
      if (keyVal === '<<' && isScalar(keyNode) && keyNode.type === Scalar.PLAIN) {
        const m = toData(doc, valNode, file, lc, seen);
        for (const x of Array.isArray(m) ? m : [m]) if (x && typeof x === 'object') merges.push(x as Record<string, unknown>);
        continue;
      }
      const key = typeof keyVal === 'string' ? keyVal : JSON.stringify(keyVal);
      obj[key] = toData(doc, valNode, file, lc, seen);
      const kl = locAt(lc, file, keyNode?.range?.[0]);
      recordKey(obj, key, { key: kl, value: valNode?.range ? locAt(lc, file, valNode.range[0]) : kl, ...scalarRaw(valNode) });
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
