import { lazyRequire } from '../../util/lazy.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { closest, K8sbmError } from '../../source/errors.js';

const ajvPackage = lazyRequire<typeof import('ajv')>('ajv');

/**
 * Schemas of custom resources, from the CRD files a project ships or points at (the upstream
 * MetalLB and Rook CRDs, say), so a manifest is checked on the controller before anything
 * reaches a node. Kubernetes' structural schemas are OpenAPI v3 with `nullable` and
 * `x-kubernetes-*` extensions; they are turned into plain JSON Schema (toAjvSchema) and compiled
 * lazily, one kind at a time: Rook's CephCluster alone takes a second to compile.
 */

// ajv is CommonJS: under NodeNext its default export is the module object.
type AjvInstance = Ajv;

export interface CrdVersion {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly version: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  readonly storage: boolean;
  /** openAPIV3Schema of this version; undefined when the CRD declares none (anything goes). */
  readonly schema: Readonly<Record<string, unknown>> | undefined;
  /** File (or other source) the CRD came from, for error messages. */
  readonly source: string;
}

/** One thing wrong with an object, at a JSON pointer inside it. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
  readonly hint?: string | undefined;
}

export type KindLookup =
  | { readonly found: 'crd'; readonly crd: CrdVersion }
  | { readonly found: 'unserved-version'; readonly versions: readonly string[]; readonly source: string }
  | { readonly found: 'none' };

/** "metallb.io/v1beta1" -> { group: "metallb.io", version: "v1beta1" }; "v1" -> core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'] as const;
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_ONE = ['additionalProperties', 'not', 'items', 'additionalItems'] as const;

/**
 * Pure: a Kubernetes structural schema -> JSON Schema that ajv checks the way the API server
 * would. `nullable: true` admits null; an object with `properties` and neither
 * `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` refuses unknown fields (the
 * server prunes them, and kubectl's strict field validation rejects them, which is what a typo
 * deserves). Only schema-bearing keywords are walked: defaults and examples stay data.
 */
export function toAjvSchema(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const src = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if ((SCHEMA_MAPS as readonly string[]).includes(k) && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, s]) => [name, toAjvSchema(s)]));
    } else if ((SCHEMA_LISTS as readonly string[]).includes(k) && Array.isArray(v)) {
      out[k] = v.map(toAjvSchema);
    } else if ((SCHEMA_ONE as readonly string[]).includes(k)) {
      out[k] = Array.isArray(v) ? v.map(toAjvSchema) : toAjvSchema(v);
    } else if (k !== 'nullable') {
      out[k] = v;
    }
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (out.properties !== undefined && out.additionalProperties === undefined && src['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** Every object has apiVersion, kind and metadata, whether or not its CRD's schema lists them. */
function withObjectBasics(schema: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (schema.properties === undefined) return schema;
  const props = schema.properties as Record<string, unknown>;
  return {
    ...schema,
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...props },
  };
}

const K8S_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type',
  // CEL rules need the API server's evaluator: they are left to it.
  'x-kubernetes-validations',
];

let sharedAjv: AjvInstance | undefined;

function k8sAjv(): AjvInstance {
  if (sharedAjv) return sharedAjv;
  // strict: false because upstream schemas carry keywords ajv does not know; verbose for the
  // parent schema of an error (its description becomes the hint); no code optimisation: these
  // schemas are huge, compiled once and run a few times.
  const ajv = new (ajvPackage().Ajv)({ strict: false, allErrors: true, verbose: true, code: { optimize: false } });
  for (const keyword of K8S_KEYWORDS) ajv.addKeyword({ keyword });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/);
  for (const f of ['byte', 'binary', 'password', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'date', 'duration', 'quantity', 'double', 'float']) {
    ajv.addFormat(f, true);
  }
  sharedAjv = ajv;
  return ajv;
}

const compiled = new WeakMap<CrdVersion, ValidateFunction>();

/** The compiled validator of one CRD version (compiled on first use). */
export function validatorOf(crd: CrdVersion): ValidateFunction | undefined {
  if (crd.schema === undefined) return undefined;
  let v = compiled.get(crd);
  if (!v) {
    try {
      v = k8sAjv().compile(toAjvSchema(withObjectBasics(crd.schema)) as Record<string, unknown>);
    } catch (e) {
      throw new K8sbmError('K8SBM_K8S_CRD_INVALID', `the schema of ${crd.kind} ${crd.group}/${crd.version} does not compile: ${(e as Error).message}`, {
        hint: `check the CRD in ${crd.source}`,
      });
    }
    compiled.set(crd, v);
  }
  return v;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** CRD versions by "group/Kind", from CustomResourceDefinition documents. Constructing it reads nothing. */
export class K8sSchemaRegistry {
  readonly #byKind = new Map<string, CrdVersion[]>();

  /** Adds every version of one CRD document; other documents are ignored (returns 0). */
  addCrd(doc: unknown, source: string): number {
    if (!isRecord(doc) || doc.kind !== 'CustomResourceDefinition' || !String(doc.apiVersion ?? '').startsWith('apiextensions.k8s.io/')) return 0;
    const spec = isRecord(doc.spec) ? doc.spec : {};
    const names = isRecord(spec.names) ? spec.names : {};
    const group = spec.group;
    const kind = names.kind;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(spec.versions)) {
      throw new K8sbmError('K8SBM_K8S_CRD_INVALID', `a CustomResourceDefinition in ${source} has no spec.group, spec.names.kind or spec.versions`, {
        hint: 'crd_paths should list apiextensions.k8s.io/v1 CRD files, as the projects publish them',
      });
    }
    const versions: CrdVersion[] = [];
    for (const v of spec.versions as unknown[]) {
      if (!isRecord(v) || typeof v.name !== 'string') continue;
      const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      versions.push({
        group, kind, version: v.name,
        plural: typeof names.plural === 'string' ? names.plural : `${kind.toLowerCase()}s`,
        namespaced: spec.scope !== 'Cluster',
        served: v.served !== false,
        storage: v.storage === true,
        schema,
        source,
      });
    }
    this.#byKind.set(`${group}/${kind}`, versions);
    return versions.length;
  }

  /** Adds the CRDs of a (multi-document) YAML text; returns how many versions it added. */
  addText(text: string, source: string): number {
    let n = 0;
    for (const d of parseAllDocuments(text)) {
      const err = d.errors[0];
      if (err) {
        const pos = err.linePos?.[0];
        throw new K8sbmError('K8SBM_YAML_SYNTAX', err.message.split('\n')[0]!, { loc: { file: source, line: pos?.line ?? 1, col: pos?.col ?? 1 }, hint: 'crd_paths must name YAML files of CustomResourceDefinitions' });
      }
      n += this.addCrd(d.toJS({ maxAliasCount: -1 }), source);
    }
    return n;
  }

  /** Takes over every kind another registry knows (the same objects: compiled schemas are shared). */
  merge(other: K8sSchemaRegistry): void {
    for (const [k, v] of other.#byKind) this.#byKind.set(k, v);
  }

  /** Every "group/Kind" the registry knows. */
  kinds(): string[] {
    return [...this.#byKind.keys()].sort();
  }

  /**
   * The schema for an object's apiVersion and kind: that version when the CRD serves it (an
   * object names its version, so that is the schema the server applies; the storage version is
   * what a lookup by kind alone returns, see preferred()).
   */
  lookup(apiVersion: string, kind: string): KindLookup {
    const { group, version } = splitApiVersion(apiVersion);
    const versions = this.#byKind.get(`${group}/${kind}`);
    if (!versions) return { found: 'none' };
    const v = versions.find((x) => x.version === version && x.served);
    if (v) return { found: 'crd', crd: v };
    return { found: 'unserved-version', versions: versions.filter((x) => x.served).map((x) => x.version), source: versions[0]!.source };
  }

  /** The served storage version of a kind (what the cluster stores and prefers). */
  preferred(group: string, kind: string): CrdVersion | undefined {
    const versions = this.#byKind.get(`${group}/${kind}`) ?? [];
    return versions.find((x) => x.served && x.storage) ?? versions.find((x) => x.served);
  }

  /** Problems of one object against its CRD's schema ([] when it fits or no CRD is known). */
  validate(obj: Readonly<Record<string, unknown>>): SchemaProblem[] {
    const found = this.lookup(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
    if (found.found !== 'crd') return [];
    const validate = validatorOf(found.crd);
    if (!validate || validate(withoutNullFields(obj))) return [];
    return describeSchemaErrors(validate.errors ?? []);
  }
}

/**
 * The API server prunes `field: null` (an empty YAML key, often left by commented-out children)
 * before validating, unless the field is nullable, where null is valid anyway: so do the same.
 */
export function withoutNullFields(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullFields);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNullFields(x)]));
}

const firstSentence = (text: string): string => {
  const one = text.replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(one);
  const s = m ? m[1]! : one;
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
};

const typeOfValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/**
 * Pure: ajv's errors -> one problem per place, worded for people. The branches of an anyOf
 * (int-or-string fields) become one "must be integer or string"; unknown fields get a
 * did-you-mean from the fields the schema does know; the field's own description is the hint.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath));
  const typesAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'type' && anyOfAt.has(e.instancePath)) {
      const list = typesAt.get(e.instancePath) ?? [];
      list.push(...String((e.params as { type: string | string[] }).type).split(','));
      typesAt.set(e.instancePath, list);
    }
  }
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const parent = e.parentSchema as Record<string, unknown> | undefined;
    const description = typeof parent?.description === 'string' ? firstSentence(parent.description) : undefined;
    let pointer = e.instancePath || '/';
    let message: string;
    let hint = description;
    if (anyOfAt.has(e.instancePath) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'type') continue;
    switch (e.keyword) {
      case 'anyOf':
      case 'oneOf': {
        const types = [...new Set(typesAt.get(e.instancePath) ?? [])];
        message = types.length ? `must be ${types.join(' or ')}, got ${typeOfValue(e.data)}` : `does not match any allowed form`;
        break;
      }
      case 'type':
        if (anyOfAt.has(e.instancePath)) continue;
        message = `must be ${String((e.params as { type: unknown }).type).replace(/,/g, ' or ')}, got ${typeOfValue(e.data)}`;
        break;
      case 'additionalProperties': {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        pointer = `${e.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        const known = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
        const near = closest(field, known);
        message = `is not a field here (unknown field "${field}")`;
        hint = near ? `did you mean "${near}"?` : known.length ? `known fields: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}` : undefined;
        break;
      }
      case 'required': {
        const field = String((e.params as { missingProperty: string }).missingProperty);
        pointer = `${e.instancePath}/${field}`;
        message = 'is required';
        const props = (parent?.properties as Record<string, Record<string, unknown>> | undefined) ?? {};
        hint = typeof props[field]?.description === 'string' ? firstSentence(props[field]!.description as string) : undefined;
        break;
      }
      case 'enum':
        message = `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}`;
        break;
      default:
        message = `${e.message ?? 'is invalid'}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${JSON.stringify(e.data)}` : ''}`;
    }
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message, hint });
  }
  return out;
}

// ---- Loading CRD files (the only I/O here), cached per file while it does not change. ----

interface CachedFile { readonly mtimeMs: number; readonly size: number; readonly registry: K8sSchemaRegistry }
const fileCache = new Map<string, CachedFile>();

function registryOfFile(file: string): K8sSchemaRegistry {
  const st = statSync(file);
  const hit = fileCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.registry;
  const registry = new K8sSchemaRegistry();
  registry.addText(readFileSync(file, 'utf8'), file);
  fileCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, registry });
  return registry;
}

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);

/**
 * Files named by one crd_paths entry (already absolute): a file, a directory (its .yaml, .yml
 * and .json files), or a pattern with * or ? in its last part ("crds/*.yaml"). Sorted.
 */
export function expandCrdPath(path: string): string[] {
  const name = basename(path);
  if (/[*?]/.test(name)) {
    const dir = dirname(path);
    const re = wildcard(name);
    return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
  }
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => join(path, f));
  }
  return [path];
}

/** A registry of every CRD in these files (absolute paths, after expandCrdPath). */
export function loadCrdFiles(files: readonly string[]): K8sSchemaRegistry {
  const reg = new K8sSchemaRegistry();
  for (const f of files) reg.merge(registryOfFile(f));
  return reg;
}
