import { lazyRequire } from '../../util/lazy.js';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { KUBEADM_V1BETA4_DOCUMENTS } from '../../schema/kubeadm-v1beta4.js';
import { K8sbmError } from '../../source/errors.js';
import type { Loc } from '../../source/loc.js';

const ajvPackage = lazyRequire<typeof import('ajv')>('ajv');

/**
 * A template's rendered YAML checked on the controller against a JSON Schema the project keeps
 * (`template: {schema: kubeadm}`), so a wrong field fails the plan at the template's line
 * before anything reaches a node.
 */

// ajv is CommonJS: under NodeNext its default export is the module object.

export const TEMPLATE_SCHEMAS = {
  kubeadm: { documents: KUBEADM_V1BETA4_DOCUMENTS, what: 'kubeadm v1beta4 configuration' },
} as const;
export type TemplateSchemaName = keyof typeof TEMPLATE_SCHEMAS;

const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;
function validator(key: string, schema: Record<string, unknown>): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    ajv ??= new (ajvPackage().Ajv)({ allErrors: false, strict: false });
    v = ajv.compile(schema);
    compiled.set(key, v);
  }
  return v;
}

export interface RenderedProblem {
  /** 1-based line of the rendered text. */
  readonly line: number;
  readonly pointer: string;
  readonly message: string;
}

/** Pure: the first thing wrong with each document of `rendered`, by the named schema family. */
export function checkRenderedYaml(name: TemplateSchemaName, rendered: string): RenderedProblem[] {
  const family = TEMPLATE_SCHEMAS[name];
  const lc = new LineCounter();
  const docs = parseAllDocuments(rendered, { lineCounter: lc });
  const problems: RenderedProblem[] = [];
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lc.linePos(offset).line);
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      problems.push({ line: lineOf(doc.errors[0]!.pos[0]), pointer: '', message: `not YAML: ${doc.errors[0]!.message.split('\n')[0]}` });
      continue;
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const rec = value as Record<string, unknown>;
    const key = `${String(rec.apiVersion)} ${String(rec.kind)}`;
    const schema = family.documents[key];
    if (!schema) {
      problems.push({ line: lineOf(doc.contents?.range?.[0]), pointer: '', message: `a ${family.what} holds no document of apiVersion ${String(rec.apiVersion)} and kind ${String(rec.kind)}; it may hold: ${Object.keys(family.documents).join(', ')}` });
      continue;
    }
    const validate = validator(key, schema);
    if (validate(value)) continue;
    const e = validate.errors![0]!;
    const path = pointerPath(e);
    problems.push({ line: lineOf(nodeAt(doc.contents as Node | null, path, e.keyword === 'additionalProperties')), pointer: `/${String(rec.kind)}${path.length ? '/' : ''}${path.join('/')}`, message: describe(e) });
  }
  return problems;
}

function pointerPath(e: ErrorObject): string[] {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') parts.push(String((e.params as { additionalProperty: string }).additionalProperty));
  return parts;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties': return `unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
    case 'enum': return `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const': return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default: return e.message ?? e.keyword;
  }
}

/** The offset in the rendered text of the node at `path` (of its key, for an unknown field). */
function nodeAt(root: Node | null, path: readonly string[], wantKey: boolean): number | undefined {
  let node: Node | null = root;
  let at = root?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
      if (!pair) return at;
      at = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? at;
      node = pair.value as Node | null;
      if (!wantKey && node?.range) at = node.range[0];
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (!item) return at;
      node = item;
      at = item.range?.[0] ?? at;
    } else return at;
  }
  return at;
}

/**
 * The template line a rendered line came from: the one template line with the same text, else
 * the one line starting with the same key at the same indentation; undefined when it cannot be
 * told (then the rendered line is named).
 */
export function templateLineOf(template: string, rendered: string, renderedLine: number): number | undefined {
  const text = rendered.split('\n')[renderedLine - 1];
  if (text === undefined) return undefined;
  const lines = template.split('\n');
  const same = lines.flatMap((l, i) => (l === text ? [i + 1] : []));
  if (same.length === 1) return same[0];
  const key = /^(\s*(?:- )?[A-Za-z0-9_.-]+:)/.exec(text)?.[1];
  if (!key) return undefined;
  const keyed = lines.flatMap((l, i) => (l.startsWith(key) ? [i + 1] : []));
  return keyed.length === 1 ? keyed[0] : undefined;
}

/** Throws K8SBM_TEMPLATE_SCHEMA at the template's line for the first problem found. */
export function assertRenderedSchema(name: TemplateSchemaName, template: string, file: string, rendered: string): void {
  const problems = checkRenderedYaml(name, rendered);
  if (!problems.length) return;
  const p = problems[0]!;
  const line = templateLineOf(template, rendered, p.line);
  const loc: Loc = { file, line: line ?? 1, col: 1 };
  const where = line === undefined ? ` (line ${p.line} of the rendered file)` : '';
  // The place is in the message too: a task's failure summary shows the message, not the location.
  throw new K8sbmError('K8SBM_TEMPLATE_SCHEMA', `${file}:${loc.line}: the rendered ${TEMPLATE_SCHEMAS[name].what} is refused: ${p.pointer ? `${p.pointer}: ` : ''}${p.message}${where}`, {
    loc,
    details: problems.slice(1).map((q) => `also: ${q.pointer ? `${q.pointer}: ` : ''}${q.message} (rendered line ${q.line})`),
    hint: `fix the template (the field names of ${TEMPLATE_SCHEMAS[name].what} are in docs/kubeadm.md and kubeadm's reference)`,
  });
}
