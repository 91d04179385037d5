import { checkHostPattern } from '../inventory/patterns.js';
import { K8sbmError, didYouMean } from '../source/errors.js';
import { type Loc, keyPosOf } from '../source/loc.js';
import { isTemplated } from '../schema/coerce.js';
import { Fields, type Raw, fail } from './fields.js';
import { readInheritable } from './inherit.js';
import { PLAY_KEYWORDS, TASK_KEYWORDS, stripFqcn } from '../schema/playbook-keywords.js';
import type { Play, RoleInstance, Task } from './model.js';
import { type RoleHooks, buildRole, parseRoleEntry } from './roles.js';
import type { ParseScope, PlayState } from './scope.js';
import { checkKeywordTemplates } from './template-check.js';
import { parseHandlerList, parseItemList } from './tasks.js';
import { readGates } from './gates.js';

const STRATEGIES = ['linear', 'free'] as const;

function playHint(hooks: RoleHooks): (key: string) => string | undefined {
  return (key) => {
    if (key === 'when') return 'a play has no `when`; put the condition on its tasks, a block, or an import_playbook';
    if ((TASK_KEYWORDS as readonly string[]).includes(key) || Object.hasOwn(hooks.modules, stripFqcn(key))) {
      return didYouMean(key, PLAY_KEYWORDS) ?? `"${key}" belongs to a task; put the task under tasks:`;
    }
    return undefined;
  };
}

/** hosts: a pattern string, or a list of patterns (joined with ",", as Ansible does). */
function readHosts(f: Fields): string {
  const v = f.raw.hosts;
  const parts = Array.isArray(v) ? v : [v];
  if (v === undefined || v === null || parts.length === 0 || parts.some((p) => (typeof p !== 'string' && typeof p !== 'number') || String(p).trim() === '')) {
    fail('K8SBM_PLAY_NO_HOSTS', v === undefined ? 'this play has no hosts' : 'hosts must be a pattern or a list of patterns', f.has('hosts') ? f.valueLoc('hosts') : f.loc,
      'add hosts: with a group or host pattern, e.g. hosts: control_plane (or hosts: all)', f.subject);
  }
  const pattern = parts.map((p) => String(p).trim()).join(',');
  // A pattern written out is checked now: a bad one stops the run before an earlier play's tasks.
  if (!isTemplated(pattern)) {
    try {
      checkHostPattern(pattern);
    } catch (e) {
      if (!(e instanceof K8sbmError)) throw e;
      fail(e.code, e.message, f.valueLoc('hosts'), e.hint ?? '', f.subject);
    }
  }
  return pattern;
}

/** serial: 3, "30%", or a list of them (the last repeats). */
function readSerial(f: Fields): (number | string)[] {
  const v = f.raw.serial;
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const loc = Array.isArray(v) ? keyPosOf(v, i)?.value ?? f.valueLoc('serial') : f.valueLoc('serial');
    if (typeof item === 'number' && Number.isInteger(item) && item > 0) return item;
    if (typeof item === 'string') {
      const s = item.trim();
      if (/^\d+$/.test(s) && Number(s) > 0) return Number(s);
      if (/^\d+(\.\d+)?%$/.test(s) && Number(s.slice(0, -1)) > 0 && Number(s.slice(0, -1)) <= 100) return s;
      if (isTemplated(s)) return s;
    }
    fail('K8SBM_KEYWORD_INVALID', `serial must be a positive number or a percentage, got ${JSON.stringify(item)}`, loc,
      'write serial: 1, serial: "30%", or a list such as [1, 5, "50%"]', f.subject);
  });
}

function readVarsFiles(f: Fields): (string | string[])[] {
  const v = f.raw.vars_files;
  if (v === undefined || v === null) return [];
  const items = typeof v === 'string' ? [v] : f.list('vars_files') ?? [];
  return items.map((item) => {
    if (typeof item === 'string') return item;
    if (Array.isArray(item) && item.length > 0 && item.every((x) => typeof x === 'string')) return item as string[];
    return fail('K8SBM_KEYWORD_INVALID', 'each vars_files entry must be a file name, or a list of file names (the first found is used)', f.valueLoc('vars_files'),
      'write vars_files:\n  - vars/common.yml', f.subject);
  });
}

export interface PlayContext {
  /** Absolute path of the playbook file the play is written in (or the label of one made as data). */
  readonly file: string;
  /** Where the play's relative paths start: the playbook's folder. */
  readonly dir: string;
  readonly chain: readonly string[];
  readonly hooks: RoleHooks;
  readonly fallback: Loc;
}

const PLAY_ITEM_KEYS = new Set(['pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles', 'gates']);

export function parsePlay(raw: Raw, ctx: PlayContext): Play {
  const pre = new Fields(raw, 'play', ctx.fallback);
  const named = typeof raw.name === 'string' ? raw.name : undefined;
  const f = new Fields(raw, named !== undefined ? `play "${named}"` : 'play', pre.loc);
  f.checkKeys(PLAY_KEYWORDS, 'play keyword', playHint(ctx.hooks));
  const hosts = readHosts(f);
  const state: PlayState = { playbookDir: ctx.dir, seenRoles: new Map(), seenTemplates: new Set() };
  const sink: Task[] = [];
  const scope: ParseScope = { file: ctx.file, role: undefined, chain: ctx.chain, handlers: false, play: state, handlerSink: sink };
  const items = (key: string) => parseItemList(f.list(key) ?? [], scope, ctx.hooks);

  const roleList = f.list('roles') ?? [];
  const roles: RoleInstance[] = [];
  roleList.forEach((entry, i) => {
    const at = keyPosOf(roleList, i)?.value ?? f.valueLoc('roles');
    const role = buildRole(parseRoleEntry(entry, at, 'a roles: entry'), scope, ctx.hooks);
    if (role) roles.push(role);
  });
  const preTasks = items('pre_tasks');
  const tasks = items('tasks');
  const postTasks = items('post_tasks');
  const handlers = parseHandlerList(f.list('handlers') ?? [], scope, ctx.hooks);
  const strategy = f.string('strategy') ?? 'linear';
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    fail('K8SBM_KEYWORD_INVALID', `strategy "${strategy}" is not supported`, f.valueLoc('strategy'),
      didYouMean(strategy, STRATEGIES) ?? `use one of ${STRATEGIES.join(', ')}`, f.subject);
  }
  checkKeywordTemplates(raw, (k) => PLAY_ITEM_KEYS.has(k), f.loc);
  return {
    name: f.string('name') ?? hosts,
    hosts,
    loc: f.loc,
    ...readInheritable(f),
    varsFiles: readVarsFiles(f),
    baseDir: ctx.dir,
    roles,
    preTasks,
    tasks,
    postTasks,
    handlers: [...handlers, ...sink],
    gatherFacts: f.bool('gather_facts') ?? true,
    serial: readSerial(f),
    maxFailPercentage: f.number('max_fail_percentage', { min: 0, max: 100 }),
    strategy: strategy as Play['strategy'],
    gates: readGates(f, scope, ctx.hooks.modules),
  };
}
