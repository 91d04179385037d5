import pLimit from 'p-limit';
import type { AnyModule, ChangePlan, Plan } from '../modules/types.js';
import { ActionFailed } from '../modules/types.js';
import type { Task } from '../playbook/model.js';
import type { TaskResultEvent, TaskStatus } from '../report/events.js';
import { coerceParams } from '../schema/coerce.js';
import { validateParams } from '../schema/params.js';
import { K8sbmError } from '../source/errors.js';
import { evalCondition, extendVars, markData, markDataKey, renderValue } from '../template/index.js';
import { UnreachableError } from '../transport/connection.js';
import { assertNever } from '../util/assert-never.js';
import { revealSecrets } from '../util/secret.js';
import { reachKeyOf, type FactBatch } from './fact-batch.js';
import { discoverReads } from './fact-lookahead.js';
import { carryOut, makePlanContext, taskTimeout, type ContextInputs } from './context.js';
import { describeError, describeFailure } from './failure.js';
import { type PlayEnv, reachFor, taskDisplayName } from './play-env.js';
import { enterScope, type HostRuntime, type Scope } from './runtime.js';
import { varsFor } from './host-vars.js';
import { maskSecretParams } from './secret-scan.js';
import { notifiedHandlerIds } from './handler-journal.js';

const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

interface Outcome {
  status: TaskStatus;
  msg: string;
  result: Record<string, unknown>;
  detail?: string[];
  code?: string | undefined;
  hint?: string | undefined;
  diffs?: ChangePlan['diffs'];
  meta?: string;
  predicted?: boolean;
  /** Variables the task set on the host (set_fact and the like), so run_once can hand them on. */
  setVars?: Record<string, unknown>;
}

/** Run one task on a set of hosts in parallel (linear strategy step), emitting events. */
export async function runTask(env: PlayEnv, task: Task, scope: Scope, hosts: readonly HostRuntime[], handler = false): Promise<{ meta: string; hosts: HostRuntime[] }[]> {
  const active = hosts.filter((h) => !h.failed && !h.unreachable && !h.ended);
  if (active.length === 0) return [];
  const taskScope = enterScope(scope, task, { asBlockVars: false });
  const runOnce = taskScope.runOnce === true;
  const targets = runOnce ? active.slice(0, 1) : active;
  // Its secret params are masked before its name (which may show them) is rendered.
  for (const h of targets) maskSecretParams(env, task, taskScope, h);
  const name = taskDisplayName(env, task, active[0]!, taskScope);
  env.emit({ event: 'task_start', task: name, module: task.module, file: task.loc.file, line: task.loc.line, hosts: targets.map((h) => h.name), handler });
  const started = env.now();
  const limit = pLimit(Math.max(1, env.forks));
  const metaHosts = new Map<string, HostRuntime[]>();
  const setByFirst: Record<string, unknown> = {};
  await Promise.all(targets.map((h, i) => limit(async () => {
    const { meta, setVars } = await runTaskOnHost(env, task, taskScope, h, name);
    if (meta) metaHosts.set(meta, [...(metaHosts.get(meta) ?? []), h]);
    if (i === 0) Object.assign(setByFirst, setVars);
  })));
  if (runOnce) {
    // run_once: the one result stands for every host (register and the variables it set included).
    const first = targets[0]!;
    for (const h of active.slice(1)) {
      if (task.register && first.setVars[task.register] !== undefined) {
        h.setVars[task.register] = first.setVars[task.register];
        markDataKey(h.setVars, task.register);
      }
      for (const [k, v] of Object.entries(setByFirst)) { h.setVars[k] = v; markDataKey(h.setVars, k); }
    }
  }
  env.recordDuration(name, task.loc, env.now() - started);
  // meta applies to the whole batch when run_once (or when every host asked for it).
  return [...metaHosts].map(([meta, hs]) => ({ meta, hosts: runOnce ? active : hs }));
}

async function runTaskOnHost(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime, name: string): Promise<{ meta: string | undefined; setVars: Record<string, unknown> | undefined }> {
  const module = env.modules[task.module];
  const base = (): Record<string, unknown> => varsFor(env.pvc, h, scope, task.vars);
  let outcome: Outcome;
  let meta: string | undefined;
  let looped = false;
  const started = env.now();
  const counter = { execs: 0 };
  try {
    if (!module) throw new K8sbmError('K8SBM_UNKNOWN_MODULE', `unknown module "${task.module}"`, { loc: task.moduleLoc });
    const vars = base();
    if (task.loop !== undefined) {
      const rendered = renderValue(task.loop, vars, task.loc);
      // with_items flattens one level, as Ansible does; loop does not.
      const items = task.loopFlatten && Array.isArray(rendered) ? rendered.flatMap((x) => (Array.isArray(x) ? x : [x])) : rendered;
      if (!Array.isArray(items)) {
        throw new K8sbmError('K8SBM_LOOP_NOT_LIST', `loop must be a list, got ${typeof items}`, {
          loc: task.loc, hint: 'give a YAML list, or a single "{{ var }}" that holds a list',
        });
      }
      outcome = await runLoop(env, task, scope, h, module, vars, items, name, counter, base);
      looped = true;
    } else {
      outcome = await runOne(env, task, scope, h, module, vars, counter);
      meta = outcome.meta;
    }
  } catch (e) {
    outcome = failureOutcome(e, h, task, env.pvc.verbosity);
  }
  // The handlers this change notifies are journaled on the host before the run moves on, so a
  // run that fails later still leaves them to the next run. That exec is the engine's, not the
  // module's: the task's `execs` leave it out, the recap's count per host has it.
  if (outcome.status === 'changed' && !outcome.predicted && task.notify.length && env.sessions) {
    await env.sessions.notify(h.name, notifiedHandlerIds(env.handlers, task.notify));
  }
  finish(env, task, scope, h, name, outcome, env.now() - started, counter.execs, undefined, true, !looped);
  return { meta: outcome.status === 'ok' ? meta : undefined, setVars: outcome.setVars };
}

/**
 * `relayer` gives the task's variables afresh: an item that set variables (set_fact) is seen by the
 * next item, at set_fact's precedence, as in Ansible (`acc: "{{ acc | default([]) + [item] }}"`).
 */
async function runLoop(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime, module: AnyModule, vars: Record<string, unknown>, items: unknown[], name: string, counter: { execs: number }, relayer: () => Record<string, unknown>): Promise<Outcome> {
  const lc = task.loopControl;
  const loopVar = lc?.loopVar ?? 'item';
  const results: Record<string, unknown>[] = [];
  const statuses: TaskStatus[] = [];
  const setVars: Record<string, unknown> = {};
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const extra: Record<string, unknown> = { [loopVar]: item };
    // The loop's list was rendered already: an item is data, never a template again.
    markDataKey(extra, loopVar);
    markData(item);
    if (lc?.indexVar) extra[lc.indexVar] = i;
    if (lc?.extended) extra.ansible_loop = { index: i + 1, index0: i, first: i === 0, last: i === items.length - 1, length: items.length, revindex: items.length - i, revindex0: items.length - i - 1, allitems: items };
    const itemVars = extendVars(vars, extra);
    const label = lc?.label !== undefined ? String(renderValue(lc.label, itemVars, task.loc)) : itemLabel(item);
    const started = env.now();
    const before = counter.execs;
    let o: Outcome;
    try {
      o = await runOne(env, task, scope, h, module, itemVars, counter);
    } catch (e) {
      o = failureOutcome(e, h, task, env.pvc.verbosity);
    }
    results.push({ ...o.result, [loopVar]: item, ansible_loop_var: loopVar });
    Object.assign(setVars, o.setVars);
    if (o.setVars && Object.keys(o.setVars).length) vars = relayer();
    statuses.push(o.status);
    finish(env, task, scope, h, name, o, env.now() - started, counter.execs - before, label, false);
    if (o.status === 'unreachable') break;
  }
  const status: TaskStatus = statuses.includes('unreachable') ? 'unreachable'
    : statuses.includes('failed') ? 'failed'
    : statuses.includes('changed') ? 'changed'
    : statuses.length > 0 && statuses.every((s) => s === 'skipped') ? 'skipped' : statuses.length === 0 ? 'skipped' : 'ok';
  const msg = status === 'failed' ? 'one or more items failed' : statuses.length === 0 ? 'no items to loop over' : `${statuses.length} items`;
  return { status, msg, result: { results, changed: status === 'changed', failed: status === 'failed', skipped: status === 'skipped', msg }, setVars };
}

function itemLabel(item: unknown): string {
  if (item === null || typeof item !== 'object') return String(item);
  const s = JSON.stringify(item);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * One execution of a task (one loop item) on a host. With `timeout:`, every command gets what is
 * left of the time (the transports stop it, and its process group, on the node); whatever fails
 * once the time is up fails as K8SBM_TASK_TIMEOUT.
 */
async function runOne(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime, module: AnyModule, vars: Record<string, unknown>, counter: { execs: number }): Promise<Outcome> {
  const deadline = scope.timeout === undefined ? undefined : { at: Date.now() + scope.timeout * 1000, seconds: scope.timeout };
  const late = (): boolean => deadline !== undefined && Date.now() >= deadline.at;
  try {
    const o = await runOneTimed(env, task, scope, h, module, vars, counter, deadline);
    if (o.status === 'failed' && late()) throw taskTimeout(deadline!.seconds);
    return o;
  } catch (e) {
    if (late() && !(e instanceof K8sbmError && e.code === 'K8SBM_TASK_TIMEOUT')) throw taskTimeout(deadline!.seconds);
    throw e;
  }
}

async function runOneTimed(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime, module: AnyModule, vars: Record<string, unknown>, counter: { execs: number }, deadline: ContextInputs['deadline']): Promise<Outcome> {
  if (scope.when.length && !evalCondition(scope.when, vars, task.loc)) {
    const cond = scope.when.filter((c) => c !== true).map(String).join(' and ');
    return { status: 'skipped', msg: `conditional result was false: ${cond}`, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: cond } };
  }
  // Modules get plain text; every secret they were handed is remembered so output masks it.
  const revealed = new Set<string>();
  const rendered = revealSecrets(renderValue(task.args, vars, task.moduleLoc), revealed) as Record<string, unknown>;
  // Rendered text such as "yes" or "10" becomes the boolean or number the schema asks for.
  const params = coerceParams(module, rendered);
  // Params a module declares secret (passwords, tokens) are masked wherever they would show.
  for (const name of module.secretParams ?? []) {
    const v = params[name];
    if (typeof v === 'string' && v !== '') revealed.add(v);
  }
  for (const v of revealed) env.secrets.add(v);
  const secrets = { seen: revealed.size > 0, sink: env.secrets };
  validateParams(module, params, { loc: task.moduleLoc, subject: `task "${task.name ?? task.module}" (${task.module})` }, { allowTemplates: false });
  const check = scope.checkMode ?? env.check;
  const diff = scope.diff ?? env.diff;
  const reach = reachFor(env, h, scope, vars);
  const reachKey = reachKeyOf(reach.reach);
  const batch: FactBatch | undefined = env.readAhead && reach.factHost === h
    ? { cache: h.factCache, reachKey, used: new Set<string>(), discover: () => discoverReads(env, h, reachKey) }
    : undefined;
  const inputs: ContextInputs = { host: h, factHost: reach.factHost, reach: reach.reach, vars, check, diff, loc: task.loc, role: scope.role, playbookDir: env.pvc.playbookDir, counter, deadline, secrets, batch };
  const retries = task.until ? task.retries ?? 3 : 0;
  let attempt = 0;
  try {
    return await tryUntil();
  } finally {
    // A task that waited for the host to change by itself: what was read before it may be old news.
    if (attempt > 0 || module.waits) reach.factHost.factCache.clear();
  }
  async function tryUntil(): Promise<Outcome> {
    for (;;) {
      const plan: Plan = await module.plan(makePlanContext(inputs), params);
      let o: Outcome;
      try {
        o = await realise(plan, module, params, inputs);
      } catch (e) {
        // A command's exit code is for failed_when to judge (`failed_when: false` keeps any code),
        // and a failed attempt under `until` is retried, as in Ansible (`until: result.rc == 0`).
        if (!(e instanceof ActionFailed) || (!task.failedWhen && !task.until)) throw e;
        o = failureOutcome(e, h, task, env.pvc.verbosity);
      }
      o = applyOverrides(task, vars, o);
      if (!task.until || o.status === 'skipped' || o.status === 'unreachable') return o;
      // Without register the result is `result` here, as for changed_when and failed_when.
      const untilVars = extendVars(vars, { [task.register ?? 'result']: markData(o.result) });
      if (o.status !== 'failed' && evalCondition(task.until, untilVars, task.loc)) return { ...o, result: { ...o.result, attempts: attempt + 1 } };
      if (attempt >= retries) {
        if (o.status === 'failed') return { ...o, msg: retries > 0 ? `${o.msg} (after ${retries + 1} attempts)` : o.msg, result: { ...o.result, attempts: attempt + 1 } };
        const cond = task.until.filter((c) => c !== true).map(String).join(' and ');
        const attempts = retries > 0 ? `retries exhausted (${retries + 1} attempts): ` : '';
        return { ...o, status: 'failed', msg: `${attempts}until condition still false${cond ? `: ${cond}` : ''}`, detail: o.detail ?? outputTail(o.result), result: { ...o.result, attempts: attempt + 1, failed: true } };
      }
      attempt++;
      await env.sleep((task.delay ?? 5) * 1000);
    }
  }
}

/** The last lines of a command's output, to show why a condition on it is false. */
function outputTail(result: Record<string, unknown>): string[] | undefined {
  const lines: string[] = [];
  for (const k of ['stdout', 'stderr'] as const) {
    const v = result[k];
    if (typeof v !== 'string' || v.trim() === '') continue;
    lines.push(`${k}:`, ...v.trimEnd().split('\n').slice(-5).map((l) => `  ${l}`));
  }
  return lines.length ? lines : undefined;
}

async function realise(plan: Plan, module: AnyModule, params: Record<string, unknown>, inputs: ContextInputs): Promise<Outcome> {
  switch (plan.kind) {
    case 'ok': {
      // What set_fact sets was rendered already, and facts come from the host: data from now on.
      if (plan.setVars) for (const [k, v] of Object.entries(plan.setVars)) { inputs.host.setVars[k] = markData(v); markDataKey(inputs.host.setVars, k); }
      if (plan.facts) inputs.factHost.facts = markData({ ...plan.facts });
      return { status: 'ok', msg: plan.reason, result: { changed: false, msg: plan.reason, ...plan.result }, meta: plan.meta, setVars: plan.setVars };
    }
    case 'skip':
      return { status: 'skipped', msg: plan.reason, result: { changed: false, skipped: true, skip_reason: plan.reason } };
    case 'fail':
      return { status: 'failed', msg: plan.msg, result: { changed: false, failed: true, msg: plan.msg, ...plan.result } };
    case 'change': {
      const extra = await carryOut(module, plan, params, inputs);
      const result = { changed: true, msg: plan.summary, ...plan.result, ...(extra ?? {}) };
      // A secret's old value (before a rotation) is not known to mask: show no content at all.
      const diffs = inputs.secrets?.seen ? withoutContent(plan.diffs) : plan.diffs;
      return { status: 'changed', msg: plan.summary, result, diffs, ...(inputs.check ? { predicted: true } : {}) };
    }
    default:
      return assertNever(plan, 'plan');
  }
}

const SECRET_CONTENT = 'content changed: contains secrets (not shown)';

function withoutContent(diffs: ChangePlan['diffs']): ChangePlan['diffs'] {
  return diffs?.map((d) => (d.kind === 'text' && d.before !== d.after
    ? { ...d, before: d.before === null ? null : SECRET_CONTENT, after: d.after === null ? null : SECRET_CONTENT, note: SECRET_CONTENT }
    : d));
}

function applyOverrides(task: Task, vars: Record<string, unknown>, o: Outcome): Outcome {
  if (o.status === 'skipped' || o.status === 'unreachable') return o;
  const withResult = extendVars(vars, { [task.register ?? 'result']: markData(o.result) });
  // A command check mode did not run has no rc or output: a condition that needs them cannot be
  // judged, and the plan shows what the command would do when it runs (a change, no failure).
  const unrun = o.predicted === true && (task.module === 'command' || task.module === 'shell');
  const judge = (cond: NonNullable<Task['changedWhen']>, unjudged: boolean): boolean => {
    if (!unrun) return evalCondition(cond, withResult, task.loc);
    try { return evalCondition(cond, withResult, task.loc); } catch { return unjudged; }
  };
  let out = o;
  if (task.changedWhen && o.status !== 'failed') {
    const changed = judge(task.changedWhen, true);
    out = { ...out, status: changed ? 'changed' : 'ok', result: { ...out.result, changed } };
  }
  if (task.failedWhen) {
    const failed = judge(task.failedWhen, false);
    if (failed) out = { ...out, status: 'failed', msg: `failed_when condition is true: ${task.failedWhen.map(String).join(' and ')}`, result: { ...out.result, failed: true } };
    else if (out.status === 'failed') out = { ...out, status: out.result.changed ? 'changed' : 'ok', result: { ...out.result, failed: false } };
  }
  return out;
}

function failureOutcome(e: unknown, h: HostRuntime, task: Task, verbosity: number): Outcome {
  if (e instanceof ActionFailed) {
    const d = describeFailure(e);
    const registered = e.registered ?? { rc: e.result.code, stdout: e.result.stdout, stderr: e.result.stderr };
    return { status: 'failed', msg: d.msg, detail: d.detail, result: { ...registered, failed: true, msg: d.msg, changed: false } };
  }
  const r = describeError(e, task.loc, verbosity);
  const base = { msg: r.msg, detail: r.detail, code: r.code, hint: r.hint };
  if (e instanceof UnreachableError) {
    h.unreachable = true;
    return { status: 'unreachable', ...base, result: { unreachable: true, msg: e.reason, changed: false } };
  }
  return { status: 'failed', ...base, result: { failed: true, msg: e instanceof Error ? e.message : String(e), changed: false } };
}

function finish(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime, name: string, o: Outcome, durationMs: number, execs: number, item: string | undefined, final: boolean, emitFinal = true): void {
  const noLog = scope.noLog === true;
  const ignored = o.status === 'failed' && scope.ignoreErrors === true;
  const ev: TaskResultEvent = {
    event: 'task_result', host: h.name, task: name, module: task.module, file: task.loc.file, line: task.loc.line,
    status: o.status, msg: noLog && o.status !== 'skipped' ? NO_LOG_MSG : o.msg, durationMs, execs,
    ...(o.diffs && (scope.diff ?? env.diff) && !noLog ? { diff: o.diffs } : {}),
    ...(item !== undefined ? { item: noLog ? '(hidden)' : item } : {}),
    ...(o.detail && !noLog ? { detail: o.detail } : {}),
    ...(o.code !== undefined ? { code: o.code } : {}),
    ...(o.hint !== undefined && !noLog ? { hint: o.hint } : {}),
    ...(ignored ? { ignored: true } : {}),
    ...(o.predicted ? { predicted: true } : {}),
  };
  // Loop items get their own lines; the task's aggregate is counted once, not shown again.
  if (!final || emitFinal) env.emit(ev);
  if (!final) return;
  // Counted as Ansible counts (see HostCounts): a changed task and an ignored failure are ok too.
  const c = h.counts;
  switch (o.status) {
    case 'ok': c.ok++; break;
    case 'changed': c.ok++; c.changed++; break;
    case 'skipped': c.skipped++; break;
    case 'unreachable': c.unreachable++; env.recordFailure(h.name, name, task.loc, `unreachable: ${o.msg}`); break;
    case 'failed':
      if (ignored) { c.ok++; c.ignored++; }
      else { c.failed++; h.failed = true; env.recordFailure(h.name, name, task.loc, o.msg); }
      break;
    default: assertNever(o.status, 'status');
  }
  // no_log hides output, not data: the registered result stays whole for later tasks.
  if (task.register) {
    h.setVars[task.register] = markData(o.result);
    markDataKey(h.setVars, task.register);
  }
  if (o.status === 'changed') for (const n of task.notify) h.notified.add(n);
}

