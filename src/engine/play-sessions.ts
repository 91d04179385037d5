import type { Play } from '../playbook/model.js';
import { isK8sbmError } from '../source/errors.js';
import { handlerNames } from './handler-journal.js';
import { varsFor } from './host-vars.js';
import { describeError } from './failure.js';
import { isActive } from './items.js';
import { connectionSpecOf, toBool, type PlayEnv } from './play-env.js';
import { enterScope, playScope, type HostRuntime } from './runtime.js';
import { fileAnswers, planReads, reachKeyOf } from './fact-batch.js';
import { discoverReads, type Ahead } from './fact-lookahead.js';
import type { SessionRider } from './host-session.js';

/**
 * Where a play meets the hosts' sessions (see host-session.ts): it opens them as it starts, so
 * their first round trip runs beside fact gathering; it waits for them before its first task,
 * failing the hosts another run holds; and it takes up the handlers earlier runs left pending.
 */

/** The task name a refused host fails under. */
export const LOCK_TASK = 'run lock';

/**
 * Opens the sessions of the batch's hosts not opened yet. Hosts reached with the local connection
 * take no lease and keep no journal: the workstation runs many k8sbm processes (other projects,
 * tests), which a lease there would tie together.
 */
export function openSessions(env: PlayEnv, batch: readonly HostRuntime[], riders: ReadonlyMap<string, SessionRider> = new Map()): Map<string, unknown> {
  const problems = new Map<string, unknown>();
  const sessions = env.sessions;
  if (!sessions) return problems;
  for (const h of batch) {
    if (!isActive(h) || sessions.has(h.name)) continue;
    try {
      const vars = varsFor(env.pvc, h, undefined);
      const spec = connectionSpecOf(h.name, vars);
      if (spec.kind === 'local') continue;
      // The lease is root's when the host's connection becomes root: then every login that
      // becomes root on the host shares it.
      const become = sessionBecome(vars);
      sessions.open({ host: h.name, connection: () => env.connections.get(spec), become }, riders.get(h.name));
    } catch (e) {
      if (!isK8sbmError(e)) throw e;
      problems.set(h.name, e);
    }
  }
  return problems;
}

function sessionBecome(vars: Readonly<Record<string, unknown>>): { user: string; method: 'sudo' } | undefined {
  return toBool(vars.ansible_become) ? { user: 'root', method: 'sudo' } : undefined;
}

/** Where the play's first tasks are, for the facts read along with the session (undefined: not known before it runs). */
function firstAhead(play: Play): Ahead | undefined {
  const scope = playScope(play);
  if (play.preTasks.length) return { items: play.preTasks, from: 0, scope, after: undefined };
  const role = play.roles[0];
  if (!role) return { items: play.tasks, from: 0, scope, after: undefined };
  if (role.dependencies.length) return undefined;
  const entered = role.entry ? enterScope(scope, role.entry) : scope;
  return { items: role.tasks, from: 0, scope: enterScope(entered, { when: [], tags: [], vars: {} }, { role }), after: undefined };
}

/**
 * The facts the play's first tasks will read on each host whose session is not open yet: read in
 * the session's own first exec, as they are read with the same privilege (fact-batch.ts).
 */
export async function sessionRiders(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): Promise<Map<string, SessionRider>> {
  const riders = new Map<string, SessionRider>();
  const sessions = env.sessions;
  const ahead = firstAhead(play);
  if (!sessions || !env.readAhead || !ahead) return riders;
  await Promise.all(batch.map(async (h) => {
    if (!isActive(h) || sessions.has(h.name)) return;
    try {
      const vars = varsFor(env.pvc, h, undefined);
      if (connectionSpecOf(h.name, vars).kind === 'local') return;
      const reachKey = reachKeyOf({ become: sessionBecome(vars), env: undefined });
      h.ahead = ahead;
      const reads = await discoverReads(env, h, reachKey);
      if (reads.length === 0) return;
      const plan = planReads(reads);
      riders.set(h.name, { argvs: plan.argvs, accept: (results) => fileAnswers(h.factCache, reachKey, reads, plan.answers(results)) });
    } catch (e) {
      // The session reports what is wrong with the host; the riders are only a head start.
      if (!isK8sbmError(e)) throw e;
    }
  }));
  return riders;
}

/** Before the play's first task: a host whose lease is refused fails here, before it changes anything. */
export async function settleSessions(env: PlayEnv, play: Play, batch: readonly HostRuntime[], problems: ReadonlyMap<string, unknown>): Promise<void> {
  const sessions = env.sessions;
  if (!sessions) return;
  await Promise.all(batch.map(async (h) => {
    if (!isActive(h)) return;
    const problem = problems.get(h.name);
    const refused = problem !== undefined && !env.check ? problem : await sessions.settle(h.name);
    if (refused === undefined) return;
    h.failed = true;
    h.counts.failed++;
    const r = describeError(refused, play.loc, env.pvc.verbosity);
    env.emit({ event: 'task_result', host: h.name, task: LOCK_TASK, module: 'lock', file: play.loc.file, line: play.loc.line, status: 'failed', msg: r.msg, durationMs: 0, detail: r.detail, code: r.code, hint: r.hint });
    env.recordFailure(h.name, LOCK_TASK, play.loc, r.msg);
  }));
}

/**
 * At the end of a play, before its last handlers run: handlers an earlier run notified on a host
 * and never ran are notified again, when this play defines them.
 */
export function takeUpPendingHandlers(env: PlayEnv, batch: readonly HostRuntime[]): void {
  const sessions = env.sessions;
  if (!sessions) return;
  const defined = new Set(env.handlers.flatMap(handlerNames));
  for (const h of batch) {
    if (!isActive(h)) continue;
    for (const e of sessions.pending(h.name)) {
      if (!defined.has(e.handler)) continue;
      sessions.claim(h.name, e);
      h.notified.add(e.handler);
      env.emit({
        event: 'warning',
        msg: `${h.name}: handler "${e.handler}" is pending from an earlier run (run id ${e.run}, ${e.at}${e.by ? `, by ${e.by}` : ''}): it ${env.check ? 'would run' : 'runs'} at the end of this play`,
      });
    }
  }
}
