import { dirname, isAbsolute, resolve } from 'node:path';
import type { Block, IncludeRole, IncludeTasks, Item, RoleInstance, Task } from '../playbook/model.js';
import { checkRoleArguments } from '../playbook/index.js';
import { evalCondition, renderValue } from '../template/index.js';
import { assertNever } from '../util/assert-never.js';
import { isK8sbmError } from '../source/errors.js';
import { describeError } from './failure.js';
import { varsFor } from './host-vars.js';
import type { PlayEnv } from './play-env.js';
import { enterScope, type HostRuntime, type Scope } from './runtime.js';
import { shouldRunByTags } from './tags.js';
import { runTask } from './task.js';
import { withCommitConfirmed } from './commit-confirmed.js';
import type { Ahead } from './fact-lookahead.js';

export function isActive(h: HostRuntime): boolean {
  return !h.failed && !h.unreachable && !h.ended;
}

/**
 * Linear strategy: every host finishes an item before any host starts the next. Blocks send the
 * hosts that failed inside them to `rescue`, and everyone who entered to `always`.
 */
export async function runItems(env: PlayEnv, items: readonly Item[], scope: Scope, hosts: readonly HostRuntime[], chain: readonly string[] = [], after?: Ahead): Promise<void> {
  for (let at = 0; at < items.length; at++) {
    const item = items[at]!;
    if (env.signal?.aborted) return;
    if (!hosts.some(isActive)) return;
    // Where each host stands: the tasks from here on are those whose facts a batch reads ahead.
    const here: Ahead = { items, from: at, scope, after };
    for (const h of hosts) h.ahead = here;
    const next: Ahead = { items, from: at + 1, scope, after };
    switch (item.kind) {
      case 'task': await runTaskItem(env, item, scope, hosts); break;
      case 'block': await runBlock(env, item, scope, hosts, chain, next); break;
      case 'include_tasks': await runIncludeTasks(env, item, scope, hosts, chain, next); break;
      case 'include_role': await runIncludeRole(env, item, scope, hosts, chain, next); break;
      default: assertNever(item, 'item');
    }
  }
}

async function runTaskItem(env: PlayEnv, task: Task, scope: Scope, hosts: readonly HostRuntime[]): Promise<void> {
  const tags = task.tags.length ? [...new Set([...scope.tags, ...task.tags])] : scope.tags;
  if (!shouldRunByTags(tags, env.tags)) return;
  if (env.startAt.value !== undefined) {
    if (!matchesStartAt(env.startAt.value, task.name, scope.role)) return;
    env.startAt.value = undefined;
  }
  const before = new Set(hosts.filter((h) => h.failed).map((h) => h.name));
  const metas = await runTask(env, task, scope, hosts);
  for (const { meta, hosts: mh } of metas) await runMeta(env, meta, mh, hosts);
  const fatal = (task.anyErrorsFatal ?? scope.anyErrorsFatal) === true;
  if (fatal && hosts.some((h) => h.failed && !before.has(h.name))) {
    for (const h of hosts) if (isActive(h)) h.ended = true;
    env.emit({ event: 'warning', msg: `any_errors_fatal: "${task.name ?? task.module}" failed, ending the play for every host`, file: task.loc.file, line: task.loc.line });
  }
}

function matchesStartAt(wanted: string, name: string | undefined, role: RoleInstance | undefined): boolean {
  if (!name) return false;
  return name === wanted || (role !== undefined && `${role.name} : ${name}` === wanted);
}

async function runMeta(env: PlayEnv, meta: string, asked: readonly HostRuntime[], batch: readonly HostRuntime[]): Promise<void> {
  switch (meta) {
    case 'flush_handlers': await flushHandlers(env, batch); break;
    case 'end_play': for (const h of batch) h.ended = true; break;
    case 'end_host': for (const h of asked) h.ended = true; break;
    case 'clear_facts': for (const h of asked) h.facts = undefined; break;
    default: break; // noop
  }
}

async function runBlock(env: PlayEnv, block: Block, outer: Scope, hosts: readonly HostRuntime[], chain: readonly string[], after: Ahead): Promise<void> {
  const scope = enterScope(outer, block, { role: block.role });
  const entered = hosts.filter(isActive);
  if (entered.length === 0) return;
  await withCommitConfirmed(env, block, scope, entered, (hs) => runItems(env, block.block, scope, hs, chain, after));
  const failedInBlock = entered.filter((h) => h.failed && !h.unreachable);
  if (block.rescue.length && failedInBlock.length) {
    for (const h of failedInBlock) { h.failed = false; h.counts.rescued++; h.counts.failed--; }
    env.forgetFailures(failedInBlock.map((h) => h.name));
    await runItems(env, block.rescue, scope, failedInBlock, chain, after);
  }
  if (block.always.length) {
    // `always` runs for failed hosts too; their failure stands afterwards.
    const stillFailed = entered.filter((h) => h.failed && !h.unreachable);
    for (const h of stillFailed) h.failed = false;
    await runItems(env, block.always, scope, entered.filter((h) => !h.unreachable && !h.ended), chain, after);
    for (const h of stillFailed) h.failed = true;
  }
}

/** Group hosts by a per-host value (an include's file name), keeping host order. */
function groupBy<T>(hosts: readonly HostRuntime[], key: (h: HostRuntime) => T | undefined, id: (t: T) => string): { value: T; hosts: HostRuntime[] }[] {
  const groups = new Map<string, { value: T; hosts: HostRuntime[] }>();
  for (const h of hosts) {
    const v = key(h);
    if (v === undefined) continue;
    const k = id(v);
    const g = groups.get(k);
    if (g) g.hosts.push(h); else groups.set(k, { value: v, hosts: [h] });
  }
  return [...groups.values()];
}

/**
 * Evaluate a dynamic include's `when` and templated target per host; failures to do so fail
 * that host with the error (as a task would).
 */
function perHost<T>(env: PlayEnv, inc: IncludeTasks | IncludeRole, scope: Scope, hosts: readonly HostRuntime[], target: (vars: Record<string, unknown>) => T): (h: HostRuntime) => T | undefined {
  return (h) => {
    try {
      const vars = varsFor(env.pvc, h, scope, inc.vars);
      if (scope.when.length && !evalCondition(scope.when, vars, inc.loc)) {
        h.counts.skipped++;
        return undefined;
      }
      return target(vars);
    } catch (e) {
      failHost(env, h, inc, e);
      return undefined;
    }
  };
}

function failHost(env: PlayEnv, h: HostRuntime, inc: Pick<IncludeTasks | IncludeRole, 'kind' | 'name' | 'loc'>, e: unknown): void {
  if (!isK8sbmError(e)) throw e;
  h.failed = true;
  h.counts.failed++;
  const name = inc.name ?? inc.kind;
  const r = describeError(e, inc.loc, env.pvc.verbosity);
  env.emit({ event: 'task_result', host: h.name, task: name, module: inc.kind, file: inc.loc.file, line: inc.loc.line, status: 'failed', msg: r.msg, detail: r.detail, code: r.code, hint: r.hint, durationMs: 0 });
  env.recordFailure(h.name, name, inc.loc, r.msg);
}

async function runIncludeTasks(env: PlayEnv, inc: IncludeTasks, outer: Scope, hosts: readonly HostRuntime[], chain: readonly string[], after: Ahead): Promise<void> {
  const tags = [...new Set([...outer.tags, ...inc.tags])];
  if (!shouldRunByTags(tags, env.tags)) return;
  const scope = enterScope(outer, { ...inc, vars: {} }, { role: inc.role, includeParams: inc.vars });
  const active = hosts.filter(isActive);
  const pick = perHost(env, inc, scope, active, (vars) => {
    const f = String(renderValue(inc.file, vars, inc.loc));
    return isAbsolute(f) ? f : resolve(inc.baseDir, f);
  });
  for (const g of groupBy(active, pick, (f) => f)) {
    let items: readonly Item[];
    try {
      items = env.loader.loadTasksFile(g.value, { loc: inc.loc, role: inc.role, chain });
    } catch (e) {
      for (const h of g.hosts) failHost(env, h, inc, e);
      continue;
    }
    // Ansible counts a loaded include_tasks as an ok task of each host (an include_role it does not).
    for (const h of g.hosts) h.counts.ok++;
    // Tags and conditions of the include decide whether it runs, not its tasks (Ansible semantics).
    const inner: Scope = { ...scope, when: [], tags: [] };
    await runItems(env, items, inner, g.hosts, [...chain, g.value], after);
  }
}

async function runIncludeRole(env: PlayEnv, inc: IncludeRole, outer: Scope, hosts: readonly HostRuntime[], chain: readonly string[], after: Ahead): Promise<void> {
  const tags = [...new Set([...outer.tags, ...inc.tags])];
  if (!shouldRunByTags(tags, env.tags)) return;
  const scope = enterScope(outer, { ...inc, vars: {} });
  const active = hosts.filter(isActive);
  const pick = perHost(env, inc, scope, active, (vars) => String(renderValue(inc.role, vars, inc.loc)));
  for (const g of groupBy(active, pick, (r) => r)) {
    let role: RoleInstance;
    try {
      role = env.loader.loadRole(g.value, { loc: inc.loc, params: inc.vars, tasksFrom: inc.tasksFrom, chain });
    } catch (e) {
      for (const h of g.hosts) failHost(env, h, inc, e);
      continue;
    }
    env.addHandlers(role);
    await runRole(env, role, { ...scope, when: [], tags: [] }, g.hosts, [...chain, `role:${role.name}`], after);
  }
}

/** A role: its dependencies first, then its tasks, with the role's vars and files in scope. */
export async function runRole(env: PlayEnv, role: RoleInstance, outer: Scope, hosts: readonly HostRuntime[], chain: readonly string[] = [], after?: Ahead): Promise<void> {
  const entered = role.entry ? enterScope(outer, role.entry) : outer;
  for (const dep of role.dependencies) await runRole(env, dep, entered, hosts, chain);
  const scope = enterScope(entered, { when: [], tags: [], vars: {} }, { role });
  // Required role options may come from the inventory: check them per host as the role starts.
  const ready = hosts.filter(isActive).filter((h) => {
    try {
      const vars = varsFor(env.pvc, h, scope);
      checkRoleArguments(role, vars, role.loc);
      // Ansible runs the check as the role's first task ("Validating arguments against arg spec"),
      // under the role's `when`, and counts it so.
      if (role.argumentSpec) {
        if (scope.when.length && !evalCondition(scope.when, vars, role.loc)) h.counts.skipped++;
        else h.counts.ok++;
      }
      return true;
    } catch (e) {
      failHost(env, h, { kind: 'include_role', name: `${role.name} : argument check`, loc: role.loc }, e);
      return false;
    }
  });
  await runItems(env, role.tasks, scope, ready, chain, after);
}

/** Run notified handlers, in definition order, once per host, then forget the notifications. */
export async function flushHandlers(env: PlayEnv, hosts: readonly HostRuntime[]): Promise<void> {
  for (const handler of env.handlers) {
    const names = [handler.name ?? '', ...handler.listen].filter(Boolean);
    const roleName = handler.role ? `${handler.role.name} : ${handler.name ?? ''}` : undefined;
    if (roleName) names.push(roleName);
    const notified = hosts.filter((h) => isActive(h) && names.some((n) => h.notified.has(n)));
    if (notified.length === 0) continue;
    // A listen topic stays until the end: every handler listening to it runs (Ansible's `listen`).
    for (const h of notified) for (const n of names) if (!handler.listen.includes(n)) h.notified.delete(n);
    const scope = enterScope(env.handlerScope, { when: [], tags: [], vars: {} }, { role: handler.role });
    const metas = await runTask(env, handler, scope, notified, true);
    if (env.sessions) {
      // Ran (a failure ignore_errors let pass included): off the host's journal.
      const answers = new Set(names);
      for (const h of notified) if (!h.failed && !h.unreachable) env.sessions.handled(h.name, answers);
    }
    for (const { meta, hosts: mh } of metas) if (meta !== 'flush_handlers') await runMeta(env, meta, mh, hosts);
  }
  await env.sessions?.flushJournal(hosts.map((h) => h.name));
  const known = new Set(env.handlers.flatMap((t) => [t.name ?? '', ...t.listen, ...(t.role ? [`${t.role.name} : ${t.name ?? ''}`] : [])]));
  for (const h of hosts) {
    // A failed host's notifications are dropped (Ansible does not run its handlers either).
    for (const n of h.notified) {
      if (!known.has(n)) env.emit({ event: 'warning', msg: `${h.name}: notified handler "${n}" does not exist in this play` });
    }
    h.notified.clear();
  }
}

export function baseDirOf(file: string): string {
  return dirname(file);
}
