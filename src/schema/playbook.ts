import type { JsonSchema, ParamsSpec } from '../contract/schema.js';
import {
  BLOCK_KEYWORDS, GATE_KEYWORDS, IMPORT_KEYWORDS, IMPORT_PLAYBOOK_KEYWORDS, INCLUDE_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS,
  moduleKeySpellings,
} from './playbook-keywords.js';
import { type AnyKeyword, GATE_KEYWORD_SCHEMAS, KEYWORD_DEFINITIONS, KEYWORD_SCHEMAS } from './keywords.js';
import { ERROR_ANNOTATIONS, formatSpec } from './formats.js';
import { paramsValidator } from './params.js';

/**
 * JSON Schemas (draft-07, what the YAML language server understands best) of playbooks and task
 * files, built from the loader's keyword lists and the module registry, so editors complete and
 * check exactly what the loader accepts. `k8sbm schema playbook` prints it.
 */

type Mutable = Record<string, unknown>;
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const TEMPLATE: JsonSchema = { $ref: '#/definitions/template' };

function pick(keys: readonly string[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const k of keys) out[k] = KEYWORD_SCHEMAS[k as AnyKeyword];
  return out;
}

function acceptsAnyString(s: unknown): boolean {
  if (s === null || typeof s !== 'object') return s === true;
  const o = s as Mutable;
  const t = o.type;
  const stringTyped = t === 'string' || (Array.isArray(t) && t.includes('string'));
  return stringTyped && !['enum', 'const', 'pattern', 'format', 'minLength', 'maxLength'].some((k) => k in o);
}

/** A value written as a template is only known per host: let it through wherever a value goes. */
function orTemplate(s: unknown): unknown {
  if (acceptsAnyString(s) || s === null || typeof s !== 'object') return s;
  const o = s as Mutable;
  const description = typeof o.description === 'string' ? { description: o.description } : {};
  return { ...description, anyOf: [relaxForTemplates(o), TEMPLATE] };
}

/** Rewrite a params schema so templated strings pass at every value position. */
export function relaxForTemplates(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out: Mutable = { ...(schema as Mutable) };
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(out.properties as Mutable).map(([k, v]) => [k, orTemplate(v)]));
  }
  if (out.items && typeof out.items === 'object' && !Array.isArray(out.items)) out.items = orTemplate(out.items);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out.additionalProperties = orTemplate(out.additionalProperties);
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(relaxForTemplates);
  // An `if` stays strict: a templated value must not set off a condition it may not meet once rendered.
  for (const k of ['then', 'else', 'not']) if (out[k] && typeof out[k] === 'object') out[k] = relaxForTemplates(out[k]);
  return out;
}

/** Move a module schema's own $defs into the shared definitions, renaming its $refs. */
function hoistDefinitions(name: string, schema: JsonSchema, defs: Mutable): unknown {
  const local = { ...((schema.$defs as Mutable | undefined) ?? {}), ...((schema.definitions as Mutable | undefined) ?? {}) };
  const rename = (ref: string): string => {
    const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
    return m ? `#/definitions/module.${name}.${m[1]}` : ref;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Mutable = {};
    for (const [k, x] of Object.entries(v as Mutable)) {
      if (k === '$schema' || k === '$id' || k === '$defs' || k === 'definitions') continue;
      if ((ERROR_ANNOTATIONS as readonly string[]).includes(k)) continue;
      const own = k === 'format' ? formatSpec(x) : undefined;
      if (own) {
        // Editors do not know k8sbm's formats: they get the pattern where one says the same.
        if (own.editorPattern !== undefined && !('pattern' in (v as Mutable))) out.pattern = own.editorPattern;
        continue;
      }
      out[k] = k === '$ref' && typeof x === 'string' ? rename(x) : walk(x);
    }
    return out;
  };
  for (const [k, v] of Object.entries(local)) defs[`module.${name}.${k}`] = walk(v);
  return walk(schema);
}

function moduleDefinition(mod: ParamsSpec, defs: Mutable): JsonSchema {
  const params = relaxForTemplates(hoistDefinitions(mod.name, mod.schema, defs));
  const forms: unknown[] = [params];
  if (mod.freeForm) forms.unshift({ type: 'string', description: `Free form: the ${mod.freeForm} param, optionally followed by key=value options.` });
  else forms.push({ type: 'string', pattern: '^\\s*[A-Za-z_][A-Za-z0-9_]*=', description: 'One-line form: key=value key2="value 2".' });
  // `setup:` with nothing after it is fine when the module needs no params.
  if (paramsValidator(mod)({})) forms.push({ type: 'null' });
  const description = typeof mod.schema.description === 'string' ? { description: mod.schema.description } : {};
  return { ...description, oneOf: forms };
}

/** Task entries: one module (any spelling) with task keywords, or a block, import or include. */
function itemSchema(modules: Readonly<Record<string, ParamsSpec>>, handler: boolean): JsonSchema {
  const keywords = handler ? TASK_KEYWORDS : TASK_KEYWORDS.filter((k) => k !== 'listen');
  const properties: Record<string, unknown> = { ...pick(keywords) };
  const forms: JsonSchema[] = [];
  const special = (key: string, allowed: readonly string[]): void => {
    for (const spelling of moduleKeySpellings(key)) {
      properties[spelling] = KEYWORD_SCHEMAS[key as AnyKeyword];
      forms.push({ required: [spelling], propertyNames: { enum: [spelling, ...allowed] } });
    }
  };
  if (!handler) {
    Object.assign(properties, pick(BLOCK_KEYWORDS));
    special('block', BLOCK_KEYWORDS.filter((k) => k !== 'block'));
    special('include_tasks', INCLUDE_KEYWORDS);
    special('import_role', IMPORT_KEYWORDS);
    special('include_role', INCLUDE_KEYWORDS);
  }
  special('import_tasks', IMPORT_KEYWORDS);
  for (const name of Object.keys(modules).sort()) {
    for (const spelling of moduleKeySpellings(name)) {
      properties[spelling] = { $ref: `#/definitions/module.${name}` };
      forms.push({ required: [spelling], propertyNames: { enum: [spelling, ...keywords] } });
    }
  }
  return {
    type: 'object',
    description: handler ? 'A handler: one module and its keywords.' : 'A task: one module and its keywords, or a block, import or include.',
    properties,
    additionalProperties: false,
    anyOf: forms,
  };
}

/** One gate: a name, one module (any spelling) and the gate keywords. */
function gateSchema(modules: Readonly<Record<string, ParamsSpec>>): JsonSchema {
  const properties: Record<string, unknown> = { ...GATE_KEYWORD_SCHEMAS };
  const forms: JsonSchema[] = [];
  for (const name of Object.keys(modules).sort()) {
    for (const spelling of moduleKeySpellings(name)) {
      properties[spelling] = { $ref: `#/definitions/module.${name}` };
      forms.push({ required: [spelling], propertyNames: { enum: [spelling, ...GATE_KEYWORDS] } });
    }
  }
  return {
    type: 'object',
    description: 'A gate: a named check (one module and its params) with a condition, retries and delay.',
    properties,
    required: ['name'],
    additionalProperties: false,
    anyOf: forms,
  };
}

function definitions(modules: Readonly<Record<string, ParamsSpec>>): Mutable {
  const defs: Mutable = { ...KEYWORD_DEFINITIONS };
  for (const [name, mod] of Object.entries(modules)) defs[`module.${name}`] = moduleDefinition(mod, defs);
  defs.task = itemSchema(modules, false);
  defs.handler = itemSchema(modules, true);
  defs.gate = gateSchema(modules);
  defs.play = {
    type: 'object',
    description: 'A play: hosts and what to run on them.',
    properties: pick(PLAY_KEYWORDS),
    required: ['hosts'],
    additionalProperties: false,
  };
  const importProps: Record<string, JsonSchema> = pick(IMPORT_PLAYBOOK_KEYWORDS.filter((k) => k !== 'import_playbook'));
  for (const s of moduleKeySpellings('import_playbook')) importProps[s] = KEYWORD_SCHEMAS.import_playbook;
  defs.import_playbook = {
    type: 'object',
    properties: importProps,
    anyOf: moduleKeySpellings('import_playbook').map((s) => ({ required: [s] })),
    additionalProperties: false,
  };
  return defs;
}

export function playbookSchema(modules: Readonly<Record<string, ParamsSpec>>): JsonSchema {
  return {
    $schema: DRAFT_07,
    title: 'k8sbm playbook',
    description: 'A list of plays (or import_playbook entries).',
    type: 'array',
    items: { anyOf: [{ $ref: '#/definitions/play' }, { $ref: '#/definitions/import_playbook' }] },
    definitions: definitions(modules),
  };
}

/** A file of tasks (import_tasks / include_tasks targets, roles' tasks/ and handlers/). */
export function tasksSchema(modules: Readonly<Record<string, ParamsSpec>>): JsonSchema {
  return {
    $schema: DRAFT_07,
    title: 'k8sbm tasks file',
    type: 'array',
    items: { $ref: '#/definitions/task' },
    definitions: definitions(modules),
  };
}
