import type { ErrorObject } from 'ajv';
import { didYouMean } from '../source/errors.js';
import { type Loc, keyPosOf, locOf, valueLocOf } from '../source/loc.js';
import { isTemplated, jsonType } from './coerce.js';

/** One complaint about a module's params, placed on the param's own line when known. */
export interface ParamProblem {
  readonly message: string;
  readonly loc: Loc | undefined;
  readonly hint: string;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const seg of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** The closest recorded place of the value at `pointer` (walking down as far as positions go). */
function locAt(data: unknown, pointer: string): Loc | undefined {
  let node = data;
  let loc = locOf(data);
  for (const seg of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') break;
    const key = Array.isArray(node) ? Number(seg) : seg;
    loc = valueLocOf(node, key) ?? loc;
    node = (node as Record<string, unknown>)[seg];
  }
  return loc;
}

/**
 * Errors that only concern templated strings are not errors yet: the value is known after
 * rendering, and the engine validates again then. A composite (anyOf/oneOf) is dropped when one
 * of its branches failed only on templated values, since that branch may pass once rendered.
 */
export function dropTemplatedErrors(errors: readonly ErrorObject[], data: unknown): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const e of errors) if (isTemplated(valueAt(data, e.instancePath))) dropped.add(e);
  // ajv reports a composite after its branches' errors, so inner composites are settled first.
  for (const c of errors) {
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf') continue;
    if (c.keyword === 'oneOf' && (c.params as { passingSchemas?: unknown }).passingSchemas) continue;
    const under = branchErrors(errors, c);
    if ([...under.values()].some((list) => list.every((e) => dropped.has(e)))) {
      dropped.add(c);
      for (const list of under.values()) for (const e of list) dropped.add(e);
    }
  }
  return errors.filter((e) => !dropped.has(e));
}

function branchErrors(errors: readonly ErrorObject[], composite: ErrorObject): Map<string, ErrorObject[]> {
  const prefix = `${composite.schemaPath}/`;
  const out = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if (e === composite || !e.schemaPath.startsWith(prefix)) continue;
    const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
    out.set(branch, [...(out.get(branch) ?? []), e]);
  }
  return out;
}

/** What the messages need of a module: its name, and which params must never be echoed. */
export interface ModuleInfo {
  readonly name: string;
  readonly secretParams?: readonly string[] | undefined;
}

function isSecretPath(mod: ModuleInfo, pointer: string): boolean {
  const top = pointerSegments(pointer)[0];
  return top !== undefined && (mod.secretParams ?? []).includes(top);
}

function show(pointer: string): string {
  return pointer === '' ? 'params' : pointer;
}

function typeWords(t: unknown): string[] {
  return (Array.isArray(t) ? t.map(String) : String(t).split(',')).map((x) => x.trim());
}

function typeHint(expected: string[], got: unknown, pointer: string, secret: boolean): string {
  const key = pointerSegments(pointer).at(-1) ?? 'value';
  if (expected.includes('string') && (typeof got === 'number' || typeof got === 'boolean')) return `quote the value: ${key}: "${secret ? '***' : String(got)}"`;
  if (expected.includes('string') && Array.isArray(got)) return `write ${key} as one string, not a list`;
  if (expected.includes('boolean')) return `write ${key}: true or ${key}: false`;
  if (expected.includes('integer') || expected.includes('number')) return `write ${key}: followed by a number, without quotes`;
  if (expected.includes('array')) return `write ${key} as a YAML list (one "- item" per line)`;
  if (expected.includes('object')) return `write ${key} as a mapping of name: value pairs`;
  return `give ${key} a value of type ${expected.join(' or ')}`;
}

/** Merge a composite whose branches each failed on one type/enum/const at its own path. */
function describeComposite(c: ErrorObject, branches: Map<string, ErrorObject[]>, data: unknown, mod: ModuleInfo): ParamProblem | undefined {
  const moduleName = mod.name;
  const lists = [...branches.values()];
  if (lists.length === 0) return undefined;
  const got = valueAt(data, c.instancePath);
  if (lists.every((l) => l.length === 1 && l[0]!.instancePath === c.instancePath && ['type', 'enum', 'const'].includes(l[0]!.keyword))) {
    const alts = lists.map((l) => {
      const e = l[0]!;
      if (e.keyword === 'type') return typeWords((e.params as { type: unknown }).type).join(' or ');
      if (e.keyword === 'const') return JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
      return ((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ');
    });
    const types = lists.flatMap((l) => (l[0]!.keyword === 'type' ? typeWords((l[0]!.params as { type: unknown }).type) : []));
    return {
      message: `${show(c.instancePath)} must be ${alts.join(' or ')}, got ${jsonType(got)}`,
      loc: locAt(data, c.instancePath),
      hint: types.length ? typeHint(types, got, c.instancePath, isSecretPath(mod, c.instancePath)) : `see the params of ${moduleName}`,
    };
  }
  if (lists.every((l) => l.every((e) => e.keyword === 'required' && e.instancePath === c.instancePath))) {
    const names = lists.map((l) => l.map((e) => `"${(e.params as { missingProperty: string }).missingProperty}"`).join(' and '));
    return {
      message: c.instancePath === '' ? `missing a required param: ${names.join(' or ')}` : `${c.instancePath} needs ${names.join(' or ')}`,
      loc: locAt(data, c.instancePath),
      hint: `${moduleName} needs one of these; add it to the task`,
    };
  }
  return undefined;
}

/** Turn ajv's errors into one line each, in the playbook's terms, with a place and a remedy. */
export function describeParamErrors(errors: readonly ErrorObject[], data: unknown, mod: ModuleInfo): ParamProblem[] {
  const consumed = new Set<ErrorObject>();
  const out: ParamProblem[] = [];
  for (const c of errors) {
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf') continue;
    const branches = branchErrors(errors, c);
    const merged = describeComposite(c, branches, data, mod);
    if (!merged) continue;
    consumed.add(c);
    for (const l of branches.values()) for (const e of l) consumed.add(e);
    out.push(merged);
  }
  for (const e of errors) {
    if (consumed.has(e) || e.keyword === 'if') continue;
    const p = describeOne(e, data, mod);
    if (p) out.push(p);
  }
  // Keep source order so the first complaint is the first one in the file.
  return out.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0));
}

function describeOne(e: ErrorObject, data: unknown, mod: ModuleInfo): ParamProblem | undefined {
  const moduleName = mod.name;
  const secret = isSecretPath(mod, e.instancePath);
  const got = valueAt(data, e.instancePath);
  const shown = secret ? '"***"' : JSON.stringify(got);
  const where = show(e.instancePath);
  const loc = locAt(data, e.instancePath);
  switch (e.keyword) {
    case 'type': {
      const expected = typeWords((e.params as { type: unknown }).type);
      return { message: `${where} must be ${expected.join(' or ')}, got ${jsonType(got)}`, loc, hint: typeHint(expected, got, e.instancePath, secret) };
    }
    case 'required': {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      const message = e.instancePath === '' ? `missing required param "${prop}"` : `${where} is missing "${prop}"`;
      return { message, loc, hint: `add ${prop}: to the ${e.instancePath === '' ? 'task' : 'mapping'}` };
    }
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties) ?? {});
      const message = e.instancePath === '' ? `unknown param "${prop}"` : `${where} has an unknown key "${prop}"`;
      const hint = didYouMean(prop, known) ?? (known.length ? `${e.instancePath === '' ? moduleName : where} takes: ${known.join(', ')}` : `${moduleName} takes no params here`);
      return { message, loc: keyPosOf(got, prop)?.key ?? loc, hint };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const hint = (typeof got === 'string' && !secret ? didYouMean(got, allowed.map(String)) : undefined) ?? `use one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
      return { message: `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${shown}`, loc, hint };
    }
    case 'oneOf':
    case 'anyOf': {
      // Failed branches explain themselves; only "more than one matched" needs saying here.
      if (!(e.params as { passingSchemas?: unknown }).passingSchemas) return undefined;
      return { message: `${where} matches more than one of the forms ${moduleName} accepts`, loc, hint: 'these params exclude each other; keep one of them' };
    }
    case 'const':
      return { message: `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, got ${shown}`, loc, hint: `see the params of ${moduleName}` };
    default:
      return { message: `${where} ${e.message ?? 'is invalid'}`, loc, hint: `see the params of ${moduleName}` };
  }
}
