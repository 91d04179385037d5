import { pointerSegments } from './pointer.js';

/**
 * Reading a params schema the way its errors and its reference need it: which `if` an error
 * sits under ("state=link needs src"), and which schema nodes lie along an error's schemaPath
 * (to find the annotations that explain it).
 */

type Node = Readonly<Record<string, unknown>>;

const asNode = (v: unknown): Node | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined);

/** One param an `if` tests: its name and, when it tests a value, the value. */
export interface ConditionPart {
  readonly param: string;
  readonly values?: readonly unknown[] | undefined;
}

/** `{properties: {state: {const: 'link'}}, required: ['state']}` -> [{param: 'state', values: ['link']}]. */
export function conditionParts(ifSchema: unknown): ConditionPart[] | undefined {
  const s = asNode(ifSchema);
  if (!s || Object.keys(s).some((k) => k !== 'properties' && k !== 'required')) return undefined;
  const parts = new Map<string, ConditionPart>();
  for (const name of Array.isArray(s.required) ? s.required.map(String) : []) parts.set(name, { param: name });
  for (const [name, raw] of Object.entries(asNode(s.properties) ?? {})) {
    const p = asNode(raw);
    const values = p && 'const' in p ? [p.const] : p && Array.isArray(p.enum) ? p.enum : undefined;
    if (!values) return undefined;
    parts.set(name, { param: name, values });
  }
  return parts.size > 0 ? [...parts.values()] : undefined;
}

/**
 * "state=link", "backrefs=true"; a param that is merely given reads "content" or, where the
 * sentence needs a verb ("unless swap is given"), "swap is given".
 */
export function conditionText(ifSchema: unknown, opts: { verb?: boolean } = {}): string | undefined {
  const parts = conditionParts(ifSchema);
  return parts?.map((p) => (p.values ? `${p.param}=${p.values.map(String).join(' or ')}` : opts.verb ? `${p.param} is given` : p.param)).join(', ');
}

/** The schema nodes an error's schemaPath ("#/allOf/0/then/required") walks through, root first. */
export function nodesAlong(root: unknown, schemaPath: string): Node[] {
  const out: Node[] = [];
  let node: unknown = root;
  const first = asNode(root);
  if (first) out.push(first);
  for (const seg of pointerSegments(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[seg];
    const n = asNode(node);
    if (n) out.push(n);
  }
  return out;
}

export interface EnclosingCondition {
  /** The `if` schema. */
  readonly test: unknown;
  readonly branch: 'then' | 'else';
  /** "state=link" */
  readonly text: string;
  /** The params the condition reads, for pointing at the one that set it off. */
  readonly params: readonly string[];
}

/** The innermost `if` whose then/else the error's schemaPath goes through, when it can be put in words. */
export function enclosingCondition(root: unknown, schemaPath: string): EnclosingCondition | undefined {
  let node: unknown = root;
  let found: EnclosingCondition | undefined;
  for (const seg of pointerSegments(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') break;
    const n = node as Node;
    if ((seg === 'then' || seg === 'else') && 'if' in n) {
      const text = conditionText(n.if, { verb: seg === 'else' });
      const parts = conditionParts(n.if);
      found = text !== undefined && parts ? { test: n.if, branch: seg, text, params: parts.map((p) => p.param) } : undefined;
    }
    node = n[seg];
  }
  return found;
}
