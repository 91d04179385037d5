import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { type Loc, keyPosOf, locOf, recordKey, recordNode } from '../source/loc.js';
import { isTemplated } from '../schema/coerce.js';
import type { VarLayer } from '../vars/layers.js';
import { checkRoleValues, readArgumentSpecs } from './argspec.js';
import { Fields, type Raw, describeType, fail, isMapping } from './fields.js';
import { foldIntoHandler, readInheritable } from './inherit.js';
import { INHERITABLE_KEYWORDS, ROLE_ENTRY_KEYWORDS } from '../schema/playbook-keywords.js';
import type { Inheritable, RoleInstance, Task } from './model.js';
import { type ParseScope, checkCycle, roleChainKey, stableJson } from './scope.js';
import { checkKeywordTemplates, checkVarsTemplates } from './template-check.js';
import { type ItemHooks, asList, parseHandlerList, parseItemList } from './tasks.js';

/** A role named somewhere: `roles:`, a meta dependency, import_role or include_role. */
export interface RoleRequest {
  readonly name: string;
  readonly loc: Loc;
  readonly params: Raw;
  readonly tasksFrom: string | undefined;
  /** Keywords written on the entry (when, tags, become...), passed down to the role's tasks. */
  readonly entry: Inheritable | undefined;
  /** `roles:` entries and dependencies run once per identical request (Ansible's dedup). */
  readonly dedup: boolean;
}

export interface RoleHooks extends ItemHooks {
  /** Folders to look for `name` in, in order. */
  roleSearchDirs(scope: ParseScope, near: string | undefined): string[];
}

const ROLE_PARTS = ['tasks', 'handlers', 'defaults', 'vars', 'meta'];

function isRoleDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && ROLE_PARTS.some((p) => existsSync(join(dir, p)));
  } catch {
    return false;
  }
}

/** The role's folder: a path as written, or `name` in the first search folder that has it. */
export function locateRole(name: string, loc: Loc, searchDirs: readonly string[], playbookDir: string): string {
  const candidates = name.includes('/') ? [isAbsolute(name) ? name : resolve(playbookDir, name)] : searchDirs.map((d) => join(d, name));
  const unique = [...new Set(candidates)];
  const found = unique.find(isRoleDir);
  if (found) return found;
  throw new K8sbmError('K8SBM_ROLE_NOT_FOUND', `role "${name}" not found`, {
    loc,
    details: unique.map((c) => `looked in ${c}`),
    hint: 'a role is a folder with tasks/ (or meta/, defaults/, handlers/); add its parent folder to the roles path, or put it in roles/ beside the playbook',
  });
}

/** `- common` or `- {role: common, when: ..., port: 80}`: keywords apart, other keys are params. */
export function parseRoleEntry(raw: unknown, loc: Loc, what: string): RoleRequest {
  if (typeof raw === 'string' && raw.trim() !== '') return checkedName({ name: raw.trim(), loc, params: {}, tasksFrom: undefined, entry: undefined, dedup: true });
  if (!isMapping(raw)) {
    fail('K8SBM_ROLE_ENTRY_INVALID', `${what} must be a role name or a mapping with role:, got ${describeType(raw)}`, loc, 'write "- myrole" or "- role: myrole" followed by its params');
  }
  const f = new Fields(raw, what, loc);
  if (f.has('role') && f.has('name')) {
    fail('K8SBM_KEYWORD_CONFLICT', '"role" and "name" both name the role', f.keyLoc('name'), 'keep role: (name: is another spelling of it)', what);
  }
  const nameKey = f.has('role') ? 'role' : 'name';
  const name = f.string(nameKey);
  if (!name) fail('K8SBM_ROLE_ENTRY_INVALID', `${what} needs role: (the role's name)`, f.loc, 'write "- role: myrole"', what);
  const inherit = readInheritable(f);
  // Entry vars and the extra keys are both role params (Ansible's role_params level).
  const params: Raw = {};
  recordNode(params, locOf(raw) ?? loc);
  const vars = f.mapping('vars') ?? {};
  for (const [k, v] of Object.entries(vars)) { params[k] = v; recordKey(params, k, keyPosOf(vars, k) ?? { key: loc, value: loc }); }
  for (const [k, v] of Object.entries(raw)) {
    if ((ROLE_ENTRY_KEYWORDS as readonly string[]).includes(k)) continue;
    params[k] = v;
    recordKey(params, k, keyPosOf(raw, k) ?? { key: loc, value: loc });
  }
  const hasKeywords = INHERITABLE_KEYWORDS.some((k) => k !== 'vars' && f.has(k));
  checkKeywordTemplates(raw, () => false, loc);
  return checkedName({ name, loc: f.valueLoc(nameKey), params, tasksFrom: undefined, entry: hasKeywords ? { ...inherit, vars: {} } : undefined, dedup: true });
}

function checkedName(req: RoleRequest): RoleRequest {
  if (isTemplated(req.name)) {
    fail('K8SBM_IMPORT_TEMPLATED', `role "${req.name}" depends on variables`, req.loc,
      'roles: and dependencies are loaded before the play runs; use include_role for a role chosen by variables');
  }
  return req;
}

/** `dir/main.yml` (or .yaml), or `dir/<from>` for tasks_from; undefined when there is none. */
function roleFile(path: string, dir: string, from?: string): string | undefined {
  const base = from ?? 'main';
  const names = /\.ya?ml$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, base];
  return names.map((n) => join(path, dir, n)).find((f) => existsSync(f) && statSync(f).isFile());
}

interface RoleMeta {
  readonly dependencies: readonly unknown[];
  readonly allowDuplicates: boolean;
  readonly specs: Readonly<Record<string, Raw>>;
}

function readMeta(path: string, hooks: ItemHooks): RoleMeta {
  const file = roleFile(path, 'meta');
  const data = file ? hooks.readYaml(file) : null;
  if (data !== null && !isMapping(data)) fail('K8SBM_ROLE_META_INVALID', `meta/main.yml must hold a mapping, got ${describeType(data)}`, { file: file!, line: 1, col: 1 }, 'write dependencies:, allow_duplicates: ... at the top level');
  const f = new Fields(data ?? {}, `role ${basename(path)} meta`, { file: file ?? path, line: 1, col: 1 });
  const specFile = roleFile(path, 'meta', 'argument_specs');
  const specs = specFile ? readArgumentSpecs(hooks.readYaml(specFile), specFile) : file ? readArgumentSpecs(data, file) : {};
  return { dependencies: f.list('dependencies') ?? [], allowDuplicates: f.bool('allow_duplicates') ?? false, specs };
}

function varsLayer(path: string, name: string, dir: 'defaults' | 'vars', hooks: ItemHooks): VarLayer {
  const level = dir === 'defaults' ? 'role_defaults' : 'role_vars';
  const file = roleFile(path, dir);
  if (!file) return { level, name: `role ${name} ${dir}`, vars: {} };
  const data = hooks.readYaml(file, true) ?? {};
  if (!isMapping(data)) {
    fail('K8SBM_VARS_FILE_INVALID', `${dir}/${basename(file)} of role ${name} must hold a mapping, got ${describeType(data)}`, locOf(data) ?? { file, line: 1, col: 1 }, 'write `name: value` pairs at the top level');
  }
  checkVarsTemplates(data, { file, line: 1, col: 1 });
  return { level, name: `role ${name} ${dir}/${basename(file)}`, vars: data, loc: { file, line: 1, col: 1 } };
}

type Building = { -readonly [K in keyof RoleInstance]: RoleInstance[K] };

/**
 * Load a role: dependencies first (each once per play unless allow_duplicates), then its own
 * tasks and handlers. Returns undefined when dedup finds the same role already loaded.
 */
export function buildRole(req: RoleRequest, scope: ParseScope, hooks: RoleHooks, near?: string, outerKey = ''): RoleInstance | undefined {
  const path = locateRole(req.name, req.loc, hooks.roleSearchDirs(scope, near), scope.play.playbookDir);
  const name = basename(path);
  const key = roleChainKey(name);
  checkCycle(scope.chain, key, req.loc);
  const meta = readMeta(path, hooks);
  // Keywords of the entry (and of enclosing entries: dependencies run inside them) are part of the
  // identity, so a role listed once with `when: a` and once with `when: b` runs in both places.
  const entryKey = req.entry ? `${outerKey}|${stableJson(req.entry)}` : outerKey;
  const dedupKey = [path, req.tasksFrom ?? '', stableJson(req.params), entryKey].join('\u0000');
  if (req.dedup && !meta.allowDuplicates && scope.play.seenRoles.has(dedupKey)) return undefined;

  const defaults = varsLayer(path, name, 'defaults', hooks);
  const vars = varsLayer(path, name, 'vars', hooks);
  const entryPoint = req.tasksFrom ? basename(req.tasksFrom).replace(/\.ya?ml$/, '') : 'main';
  const spec = meta.specs[entryPoint];
  if (spec) {
    for (const values of [req.params, defaults.vars as Raw, vars.vars as Raw]) checkRoleValues(spec, values, { role: name, fallback: req.loc });
  }
  const chain = [...scope.chain, key];
  const deps: RoleInstance[] = [];
  meta.dependencies.forEach((d, i) => {
    const at = keyPosOf(meta.dependencies, i)?.value ?? req.loc;
    const dep = buildRole(parseRoleEntry(d, at, `dependency of role ${name}`), { ...scope, chain }, hooks, dirname(path), entryKey);
    if (dep) deps.push(dep);
  });

  const inst: Building = { name, path, loc: req.loc, defaults, vars, params: req.params, tasks: [], handlers: [], dependencies: deps, entry: req.entry, argumentSpec: spec };
  const tasksFile = roleFile(path, 'tasks', req.tasksFrom);
  if (req.tasksFrom && !tasksFile) {
    fail('K8SBM_FILE_NOT_FOUND', `role ${name} has no tasks file "${req.tasksFrom}"`, req.loc, `tasks_from names a file in ${join(path, 'tasks')}`);
  }
  const sink: Task[] = [];
  const inner = (file: string): ParseScope => ({ file, role: inst, chain: [...chain, file], handlers: false, play: scope.play, handlerSink: sink });
  if (tasksFile) inst.tasks = parseItemList(asList(hooks.readYaml(tasksFile) ?? [], tasksFile), inner(tasksFile), hooks);
  const handlersFile = roleFile(path, 'handlers');
  const handlers = handlersFile ? parseHandlerList(asList(hooks.readYaml(handlersFile) ?? [], handlersFile), inner(handlersFile), hooks) : [];
  inst.handlers = [...handlers, ...sink].map((h) => (req.entry ? foldIntoHandler(h, req.entry) : h));
  if (req.dedup) scope.play.seenRoles.set(dedupKey, inst);
  return inst;
}
