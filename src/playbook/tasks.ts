import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { type Loc, keyPosOf, locOf } from '../source/loc.js';
import { isTemplated } from '../schema/coerce.js';
import { assertNever } from '../util/assert-never.js';
import { Fields, type Raw, describeType, fail, isMapping } from './fields.js';
import { foldInheritable, foldIntoHandler, readInheritable, readLoop } from './inherit.js';
import { readCommitConfirmed } from './commit-confirmed.js';
import {
  BLOCK_KEYWORDS, IMPORT_KEYWORDS, INCLUDE_KEYWORDS, LOOP_KEYWORDS, ROLE_INCLUDE_PARAMS, SPECIAL_TASK_KEYS,
  type SpecialTaskKey, stripFqcn,
} from '../schema/playbook-keywords.js';
import type { Block, IncludeRole, IncludeTasks, Inheritable, Item, RoleInstance, Task } from './model.js';
import { type ModuleRegistry, parseModuleTask, taskSubject } from './module-task.js';
import { type ParseScope, checkCycle, roleChainKey } from './scope.js';
import { checkKeywordTemplates } from './template-check.js';

/** What parsing a task list needs from the loader: modules, files, roles. */
export interface ItemHooks {
  readonly modules: ModuleRegistry;
  /** The parsed YAML of a file (cached by the loader). */
  readYaml(file: string, vars?: boolean): unknown;
  /** Load a role for import_role (not deduplicated). */
  importRole(req: { name: string; loc: Loc; params: Raw; tasksFrom: string | undefined; entryRaw: Raw | undefined }, scope: ParseScope): RoleInstance;
  /** Find a role's folder; throws K8SBM_ROLE_NOT_FOUND. */
  locateRole(name: string, loc: Loc, scope: ParseScope): string;
}

function specialKeys(raw: Raw): { key: string; kind: SpecialTaskKey }[] {
  const out: { key: string; kind: SpecialTaskKey }[] = [];
  for (const key of Object.keys(raw)) {
    const bare = stripFqcn(key);
    if ((SPECIAL_TASK_KEYS as readonly string[]).includes(bare)) out.push({ key, kind: bare as SpecialTaskKey });
  }
  return out;
}

function entryOf(list: readonly unknown[], i: number, what: string, fallback: Loc): Raw {
  const raw = list[i];
  if (isMapping(raw)) return raw;
  fail('K8SBM_TASK_INVALID', `each ${what} must be a mapping, got ${describeType(raw)}`, keyPosOf(list, i)?.value ?? locOf(list) ?? fallback,
    `start the ${what} with "- name: ..." and put its module and keywords under it`);
}

export function parseItemList(list: readonly unknown[], scope: ParseScope, hooks: ItemHooks): Item[] {
  const fallback = locOf(list) ?? { file: scope.file, line: 1, col: 1 };
  return list.map((_, i) => parseItem(entryOf(list, i, 'task', fallback), scope, hooks, fallback));
}

export function parseItem(raw: Raw, scope: ParseScope, hooks: ItemHooks, fallback: Loc): Item {
  const special = specialKeys(raw);
  if (special.length > 1) {
    fail('K8SBM_KEYWORD_CONFLICT', `"${special[0]!.key}" and "${special[1]!.key}" cannot be in one entry`, keyPosOf(raw, special[1]!.key)?.key ?? fallback,
      'make them two entries of the list', taskSubject(raw));
  }
  const item = parseEntry(raw, special[0], scope, hooks, fallback);
  // The entry's own keywords (module params are the module's task: see parseModuleTask).
  checkKeywordTemplates(raw, (k) => ITEM_LIST_KEYS.has(k) || k === 'args' || Object.hasOwn(hooks.modules, stripFqcn(k)), fallback);
  return item;
}

const ITEM_LIST_KEYS = new Set(['block', 'rescue', 'always']);

function parseEntry(raw: Raw, s: { key: string; kind: SpecialTaskKey } | undefined, scope: ParseScope, hooks: ItemHooks, fallback: Loc): Item {
  if (!s) return parseModuleTask(raw, scope, hooks.modules, fallback);
  if (scope.handlers && s.kind !== 'import_tasks') {
    fail('K8SBM_HANDLER_INVALID', `a handler is one task; "${s.key}" cannot be a handler`, keyPosOf(raw, s.key)?.key ?? fallback,
      'use import_tasks for handlers kept in another file, or notify several handlers', taskSubject(raw));
  }
  switch (s.kind) {
    case 'block': return parseBlock(raw, scope, hooks, fallback);
    case 'import_tasks': return parseImportTasks(raw, s.key, scope, hooks, fallback);
    case 'include_tasks': return parseIncludeTasks(raw, s.key, scope, hooks, fallback);
    case 'import_role': return parseImportRole(raw, s.key, scope, hooks, fallback);
    case 'include_role': return parseIncludeRole(raw, s.key, scope, hooks, fallback);
    default: return assertNever(s.kind, 'task entry kind');
  }
}

/** Handlers: module tasks, or import_tasks of a file of them (flattened, keywords folded in). */
export function parseHandlerList(list: readonly unknown[], scope: ParseScope, hooks: ItemHooks): Task[] {
  const hs: ParseScope = { ...scope, handlers: true };
  const fallback = locOf(list) ?? { file: scope.file, line: 1, col: 1 };
  return list.flatMap((_, i) => flattenHandlers(parseItem(entryOf(list, i, 'handler', fallback), hs, hooks, fallback)));
}

function flattenHandlers(item: Item, outer?: Inheritable): Task[] {
  if (item.kind === 'task') return [outer ? foldIntoHandler(item, outer) : item];
  if (item.kind !== 'block') return [];
  const here = outer ? foldInheritable(outer, item) : item;
  return item.block.flatMap((i) => flattenHandlers(i, here));
}

function moduleHint(hooks: ItemHooks): (key: string) => string | undefined {
  return (key) => (Object.hasOwn(hooks.modules, stripFqcn(key)) ? `a block cannot also run a module; move ${key}: into a task under block:` : undefined);
}

function parseBlock(raw: Raw, scope: ParseScope, hooks: ItemHooks, fallback: Loc): Block {
  const f = new Fields(raw, typeof raw.name === 'string' ? `block "${raw.name}"` : 'block', fallback);
  f.checkKeys([...BLOCK_KEYWORDS, ...Object.keys(raw).filter((k) => stripFqcn(k) === 'block')], 'block keyword', moduleHint(hooks));
  const blockKey = Object.keys(raw).find((k) => stripFqcn(k) === 'block')!;
  const list = (key: string): Item[] => parseItemList(f.list(key) ?? [], scope, hooks);
  return {
    kind: 'block',
    name: f.string('name'),
    loc: f.loc,
    ...readInheritable(f),
    commitConfirmed: readCommitConfirmed(f),
    block: list(blockKey),
    rescue: list('rescue'),
    always: list('always'),
    role: scope.role,
  };
}

/** Folders a relative tasks file is looked up in: the including file's, then the role's tasks/. */
function taskFileDirs(scope: { file: string; role: RoleInstance | undefined }): string[] {
  return [...new Set([dirname(scope.file), ...(scope.role ? [resolve(scope.role.path, 'tasks')] : [])])];
}

/** Find a file named by import_tasks/include_tasks; `dir` is the folder it was found from. */
export function findTaskFile(name: string, loc: Loc, scope: { file: string; role: RoleInstance | undefined }, subject: string): { file: string; dir: string } {
  const dirs = isAbsolute(name) ? [dirname(name)] : taskFileDirs(scope);
  for (const dir of dirs) {
    const file = resolve(dir, name);
    if (existsSync(file)) return { file, dir };
  }
  throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `tasks file "${name}" not found`, {
    loc, subject,
    details: dirs.map((d) => `looked for ${resolve(d, name)}`),
    hint: 'paths are relative to the file that names them (or to the role\'s tasks/ folder)',
  });
}

function fileParam(f: Fields, key: string): string {
  const v = f.raw[key];
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (isMapping(v)) {
    const p = new Fields(v, f.subject, f.valueLoc(key));
    p.checkKeys(['file'], `${stripFqcn(key)} param`);
    const file = p.string('file');
    if (file) return file;
  }
  fail('K8SBM_KEYWORD_INVALID', `${key} needs a file name`, f.valueLoc(key), `write ${key}: other-tasks.yml`, f.subject);
}

function loopHint(kind: string): (key: string) => string | undefined {
  return (key) => ((LOOP_KEYWORDS as readonly string[]).includes(key)
    ? `${kind} is resolved before the play runs and cannot loop; use ${kind.replace('import', 'include')}`
    : undefined);
}

function parseImportTasks(raw: Raw, key: string, scope: ParseScope, hooks: ItemHooks, fallback: Loc): Block {
  const f = new Fields(raw, taskSubject(raw, 'import_tasks'), fallback);
  f.checkKeys([key, ...IMPORT_KEYWORDS], 'import_tasks keyword', loopHint('import_tasks'));
  const name = fileParam(f, key);
  if (isTemplated(name)) {
    fail('K8SBM_IMPORT_TEMPLATED', `import_tasks: "${name}" depends on variables`, f.valueLoc(key),
      'an import is read before the play runs; use include_tasks for a file name that depends on variables', f.subject);
  }
  const { file } = findTaskFile(name, f.valueLoc(key), scope, f.subject);
  checkCycle(scope.chain, file, f.valueLoc(key));
  const inner: ParseScope = { ...scope, file, chain: [...scope.chain, file] };
  const data = hooks.readYaml(file);
  const items = data === null ? [] : asList(data, file);
  return {
    kind: 'block',
    name: f.string('name'),
    loc: f.loc,
    ...readInheritable(f),
    block: scope.handlers ? parseHandlerList(items, inner, hooks) : parseItemList(items, inner, hooks),
    rescue: [],
    always: [],
    role: scope.role,
  };
}

/** The top of a tasks file must be a list. */
export function asList(data: unknown, file: string): unknown[] {
  if (Array.isArray(data)) return data;
  fail('K8SBM_NOT_A_LIST', `a tasks file must hold a list of tasks, got ${describeType(data)}`, locOf(data) ?? { file, line: 1, col: 1 },
    'start each task with "- name: ..." at the top level of the file');
}

/**
 * A file or role included by a literal name is known before the run: read it now too, so its
 * params, templates and conditions are checked before the first task (the engine reads it again
 * when a host reaches it). A file or role including itself is left to the run (a guarded
 * recursion is legal there).
 */
function checkIncludedFile(file: string, scope: ParseScope, hooks: ItemHooks): void {
  if (scope.chain.includes(file)) return;
  parseItemList(asList(hooks.readYaml(file) ?? [], file), { ...scope, file, chain: [...scope.chain, file], handlerSink: [] }, hooks);
}

function checkIncludedRole(name: string, tasksFrom: string | undefined, loc: Loc, scope: ParseScope, hooks: ItemHooks): void {
  if (scope.chain.includes(roleChainKey(name))) return;
  const play = { ...scope.play, seenRoles: new Map<string, RoleInstance>() };
  hooks.importRole({ name, loc, params: {}, tasksFrom, entryRaw: undefined }, { ...scope, play, handlerSink: [] });
}

function parseIncludeTasks(raw: Raw, key: string, scope: ParseScope, hooks: ItemHooks, fallback: Loc): IncludeTasks {
  const f = new Fields(raw, taskSubject(raw, 'include_tasks'), fallback);
  f.checkKeys([key, ...INCLUDE_KEYWORDS], 'include_tasks keyword');
  const name = fileParam(f, key);
  const defaultDir = scope.role ? resolve(scope.role.path, 'tasks') : dirname(scope.file);
  // A name without variables can be checked now rather than when some host reaches it.
  const found = isTemplated(name) ? undefined : findTaskFile(name, f.valueLoc(key), scope, f.subject);
  if (found) checkIncludedFile(found.file, scope, hooks);
  const baseDir = found ? found.dir : defaultDir;
  return {
    kind: 'include_tasks',
    name: f.string('name'),
    file: name,
    loc: f.loc,
    baseDir,
    ...readInheritable(f),
    ...readLoop(f),
    role: scope.role,
  };
}

function roleParams(f: Fields, key: string): { name: string; tasksFrom: string | undefined; loc: Loc } {
  const v = f.raw[key];
  if (!isMapping(v)) {
    fail('K8SBM_KEYWORD_INVALID', `${key} must be a mapping with the role's name`, f.valueLoc(key), `write ${key}: {name: myrole}`, f.subject);
  }
  const p = new Fields(v, f.subject, f.valueLoc(key));
  p.checkKeys(ROLE_INCLUDE_PARAMS, `${stripFqcn(key)} param`, (k) => (k === 'vars' ? `put vars: beside ${key}:, not under it` : undefined));
  const name = p.string('name');
  if (!name) fail('K8SBM_KEYWORD_INVALID', `${key} needs name: (the role to run)`, f.valueLoc(key), `write ${key}: {name: myrole}`, f.subject);
  return { name, tasksFrom: p.string('tasks_from'), loc: p.has('name') ? p.valueLoc('name') : f.valueLoc(key) };
}

function parseImportRole(raw: Raw, key: string, scope: ParseScope, hooks: ItemHooks, fallback: Loc): Block {
  const f = new Fields(raw, taskSubject(raw, 'import_role'), fallback);
  f.checkKeys([key, ...IMPORT_KEYWORDS], 'import_role keyword', loopHint('import_role'));
  const { name, tasksFrom, loc } = roleParams(f, key);
  if (isTemplated(name)) {
    fail('K8SBM_IMPORT_TEMPLATED', `import_role: "${name}" depends on variables`, loc,
      'an import is read before the play runs; use include_role for a role chosen by variables', f.subject);
  }
  const inherit = readInheritable(f);
  // As for include_role, the task's vars are the role's params (argument specs check them).
  const role = hooks.importRole({ name, loc, params: inherit.vars, tasksFrom, entryRaw: f.mapping('vars') }, scope);
  const own = { ...inherit, vars: {} };
  for (const r of [role, ...allDependencies(role)]) scope.handlerSink.push(...r.handlers.map((h) => foldIntoHandler(h, own)));
  return { kind: 'block', name: f.string('name'), loc: f.loc, ...own, block: roleItems(role), rescue: [], always: [], role };
}

function allDependencies(role: RoleInstance): RoleInstance[] {
  return role.dependencies.flatMap((d) => [d, ...allDependencies(d)]);
}

/** A statically imported role as items: each dependency as a block of its own, then its tasks. */
export function roleItems(role: RoleInstance): Item[] {
  return [
    ...role.dependencies.map((d): Block => ({
      kind: 'block', name: undefined, loc: d.loc, ...(d.entry ?? { when: [], tags: [] }), vars: {},
      block: roleItems(d), rescue: [], always: [], role: d,
    })),
    ...role.tasks,
  ];
}

function parseIncludeRole(raw: Raw, key: string, scope: ParseScope, hooks: ItemHooks, fallback: Loc): IncludeRole {
  const f = new Fields(raw, taskSubject(raw, 'include_role'), fallback);
  f.checkKeys([key, ...INCLUDE_KEYWORDS], 'include_role keyword');
  const { name, tasksFrom, loc } = roleParams(f, key);
  if (!isTemplated(name)) {
    hooks.locateRole(name, loc, scope);
    checkIncludedRole(name, tasksFrom, loc, scope, hooks);
  }
  return {
    kind: 'include_role',
    name: f.string('name'),
    role: name,
    tasksFrom,
    loc: f.loc,
    ...readInheritable(f),
    ...readLoop(f),
    parentRole: scope.role,
  };
}
