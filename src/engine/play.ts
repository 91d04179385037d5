import { existsSync } from 'node:fs';
import pLimit from 'p-limit';
import { isAbsolute, resolve } from 'node:path';
import { selectHosts, type Inventory } from '../inventory/index.js';
import type { Play, RoleInstance, Task } from '../playbook/model.js';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import { readYamlFile } from '../vault/yaml.js';
import { maskSecretParamsOfPlay } from './secret-scan.js';
import { checkOwnedOnce } from './owned-once.js';
import { hasPreflightTasks, runPreflight } from './preflight.js';
import { renderValue } from '../template/index.js';
import type { VarLayer } from '../vars/layers.js';
import { mergeLayers } from '../vars/scope.js';
import { computeBatches, exceedsFailPercentage } from './batches.js';
import { type PlayVarsContext, varsFor } from './host-vars.js';
import { describeError } from './failure.js';
import { flushHandlers, runItems, runRole } from './items.js';
import type { PlayEnv } from './play-env.js';
import { newHostRuntime, playScope, type HostRuntime, type Scope } from './runtime.js';
import { runTask } from './task.js';
import { openSessions, sessionRiders, settleSessions, takeUpPendingHandlers } from './play-sessions.js';
import type { RunContext } from './run.js';
import { GATHER_FACTS_MODULE } from '../modules/index.js';
import { listPlayTasks } from './listing.js';
import type { TagFilter } from './tags.js';
import type { GateStop } from '../report/events.js';
import { type BatchPlace, type GateFailure, runGates } from './gates.js';

const IMPLICIT_LOCALHOST = ['localhost', '127.0.0.1'];

/**
 * Hosts a play targets: its pattern (templated with extra vars), narrowed by --limit. As in
 * Ansible, `localhost` is implicit when the inventory does not name it.
 */
export function playHostsFor(inventory: Inventory, play: Play, extraVars: readonly VarLayer[], limit: string | undefined): { hosts: string[]; warnings: string[] } {
  const pattern = String(renderValue(play.hosts, mergeLayers(extraVars), play.loc));
  const implicit = IMPLICIT_LOCALHOST.includes(pattern.trim()) && !inventory.hosts.has(pattern.trim());
  const sel = implicit ? { hosts: [pattern.trim()], warnings: [] } : placed(() => selectHosts(inventory, pattern), { loc: play.loc });
  let hosts = sel.hosts;
  const warnings = [...sel.warnings];
  if (limit) {
    const lim = placed(() => selectHosts(inventory, limit), { prefix: '--limit: ' });
    warnings.push(...lim.warnings);
    const set = new Set(lim.hosts);
    hosts = hosts.filter((h) => set.has(h));
  }
  return { hosts, warnings };
}

/** A pattern error has no place of its own: it is the play's `hosts:` (or the command line's --limit). */
function placed<T>(fn: () => T, where: { loc?: Loc; prefix?: string }): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof K8sbmError) || e.loc) throw e;
    throw new K8sbmError(e.code, `${where.prefix ?? ''}${e.message}`, { loc: where.loc, hint: e.hint, details: e.details });
  }
}

function playHosts(rc: RunContext, play: Play): string[] {
  const { hosts, warnings } = playHostsFor(rc.opts.inventory, play, rc.opts.extraVars, rc.opts.limit);
  for (const w of warnings) rc.emit({ event: 'warning', msg: w, file: play.loc.file, line: play.loc.line });
  return hosts;
}

export async function runPlay(rc: RunContext, play: Play): Promise<{ aborted: boolean }> {
  const names = playHosts(rc, play);
  if (names.length > 0 && deselectedByTags(play, rc.opts.tags)) {
    rc.emit({ event: 'play_start', play: play.name, hosts: names, file: play.loc.file, line: play.loc.line, skipped: 'tags' });
    return { aborted: false };
  }
  rc.emit({ event: 'play_start', play: play.name, hosts: names, file: play.loc.file, line: play.loc.line });
  if (names.length === 0) return { aborted: false };
  for (const n of names) if (!rc.hosts.has(n)) rc.hosts.set(n, newHostRuntime(n));
  const runtimes = names.map((n) => rc.hosts.get(n)!);
  for (const h of runtimes) { h.ended = false; h.targeted = true; }
  const batches = computeBatches(names, serialOf(play, rc.opts.extraVars), play.loc);
  for (const [i, batchNames] of batches.entries()) {
    const batch = runtimes.filter((h) => batchNames.includes(h.name) && !h.unreachable && !h.failed);
    if (batch.length === 0) continue;
    const env = makeEnv(rc, play, names, batchNames);
    await loadVarsFiles(env, play, batch);
    maskSecretParamsOfPlay(env, play, batch);
    checkOwnedOnce(env, play, batch);
    const gate = await runBatch(env, play, batch, { index: i + 1, count: batches.length });
    if (gate) {
      // A failing gate stops the rollout whatever max_fail_percentage allows: no later batch starts.
      const later = batches.slice(i + 1).flat();
      const untouched = gate.phase === 'before' ? [...batchNames, ...later] : later;
      const stop: GateStop = { ...gate, untouched };
      rc.recordStop(stop);
      rc.emit({ event: 'warning', msg: describeStop(stop), file: gate.file, line: gate.line });
      return { aborted: true };
    }
    const failed = batch.filter((h) => h.failed || h.unreachable).length;
    if (failed === batch.length || exceedsFailPercentage(failed, batch.length, play.maxFailPercentage)) {
      if (batches.length > 1 || play.maxFailPercentage !== undefined) {
        rc.emit({ event: 'warning', msg: `play "${play.name}" stopped: ${failed} of ${batch.length} hosts of the batch failed`, file: play.loc.file, line: play.loc.line });
      }
      return { aborted: true };
    }
    if (rc.opts.signal?.aborted) return { aborted: true };
  }
  return { aborted: false };
}

/**
 * The play's `serial`, a templated entry rendered with the play's vars and the extra vars (as
 * Ansible does: no host's variables, since batches are made before any host is looked at), so a
 * rollout's batch size can be a variable: `serial: "{{ upgrade_workers_serial | default('20%') }}"`.
 */
export function serialOf(play: Play, extraVars: readonly VarLayer[]): (number | string)[] {
  if (!play.serial.some((s) => typeof s === 'string' && s.includes('{{'))) return [...play.serial];
  const vars = mergeLayers([{ level: 'play_vars', name: 'play vars', vars: play.vars }, ...extraVars]);
  return play.serial.map((s) => {
    if (typeof s !== 'string' || !s.includes('{{')) return s;
    const v = renderValue(s, vars, play.loc);
    return typeof v === 'number' ? v : String(v);
  });
}

/**
 * A play with tasks of which --tags/--skip-tags select none, and no gates, has nothing to do:
 * it is passed over without connecting or gathering facts (a role test's `-t ROLE` on site.yml
 * would otherwise gather facts once per play and per serial batch). Ansible gathers them anyway
 * (its fact task is tagged `always`); facts a later play needs are gathered by that play. A play
 * without any task (the "gather facts of all hosts" idiom) still runs, whatever the tags.
 */
export function deselectedByTags(play: Play, tags: TagFilter): boolean {
  if (tags.only.length === 0 && tags.skip.length === 0) return false;
  if ((play.gates?.before.length ?? 0) + (play.gates?.after.length ?? 0) > 0) return false;
  return listPlayTasks(play, tags).length === 0 && listPlayTasks(play, { only: [], skip: [] }).length > 0;
}

/** One line for humans: which batch, which gate, on which host, why, and who was not touched. */
export function describeStop(s: GateStop): string {
  const on = s.delegatedTo !== undefined && s.delegatedTo !== s.host ? `${s.host} (checked on ${s.delegatedTo})` : s.host;
  const left = s.untouched.length ? `; not started on: ${s.untouched.join(', ')}` : '; no batch was left';
  return `rollout stopped ${s.phase} batch ${s.batch}/${s.batches} of play "${s.play}": gate "${s.name}" failed on ${on}: ${s.msg}${left}`;
}

export function makeEnv(rc: RunContext, play: Play, playHostNames: string[], batch: string[]): PlayEnv {
  const handlers: Task[] = [...play.handlers];
  const seenRoles = new Set<RoleInstance>();
  const addHandlers = (role: RoleInstance): void => {
    if (seenRoles.has(role)) return;
    seenRoles.add(role);
    for (const d of role.dependencies) addHandlers(d);
    handlers.push(...role.handlers);
  };
  for (const r of play.roles) addHandlers(r);
  const varsFiles = new Map<string, VarLayer[]>();
  const pvc: PlayVarsContext = {
    inventory: rc.opts.inventory, playbookDir: rc.playbookDir, play, playHosts: playHostNames, batch,
    hosts: rc.hosts, varsFiles, extraVars: rc.opts.extraVars, check: rc.opts.check, diff: rc.opts.diff, verbosity: rc.opts.verbosity ?? 0,
  };
  return {
    pvc, modules: rc.opts.modules, emit: rc.emit, now: rc.now, sleep: rc.sleep,
    forks: Math.min(rc.opts.forks ?? Math.min(batch.length, 50), 50) || 1,
    readAhead: rc.opts.readAhead ?? process.env.K8SBM_READ_AHEAD !== '0',
    check: rc.opts.check, diff: rc.opts.diff, connections: rc.connections, sessions: rc.sessions, allHosts: rc.hosts, secrets: rc.secrets,
    recordDuration: rc.recordDuration, recordFailure: rc.recordFailure, forgetFailures: rc.forgetFailures,
    loader: rc.opts.loader, tags: rc.opts.tags, startAt: rc.startAt, signal: rc.opts.signal,
    handlers, handlerScope: playScope(play), addHandlers,
  };
}

/** vars_files: templated per host; a list entry means "the first of these that exists". */
export async function loadVarsFiles(env: PlayEnv, play: Play, hosts: readonly HostRuntime[]): Promise<void> {
  if (play.varsFiles.length === 0) return;
  const cache = new Map<string, unknown>();
  const map = env.pvc.varsFiles as Map<string, VarLayer[]>;
  for (const h of hosts) {
    const layers: VarLayer[] = [];
    try {
      for (const entry of play.varsFiles) {
        const vars = varsFor(env.pvc, h, undefined);
        const candidates = (Array.isArray(entry) ? entry : [entry]).map((f) => {
          const p = String(renderValue(f, vars, play.loc));
          return isAbsolute(p) ? p : resolve(play.baseDir, p);
        });
        const file = candidates.find((c) => cache.has(c) || existsSyncSafe(c));
        if (!file) {
          throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `vars file not found: ${candidates.join(', ')}`, {
            loc: play.loc, hint: 'vars_files paths are relative to the playbook; a list entry takes the first that exists',
          });
        }
        if (!cache.has(file)) cache.set(file, readYamlFile(file, { vars: true }) ?? {});
        const data = cache.get(file);
        if (data === null || typeof data !== 'object' || Array.isArray(data)) {
          throw new K8sbmError('K8SBM_VARS_FILE_INVALID', `vars file must hold a mapping: ${file}`, { loc: { file, line: 1, col: 1 }, hint: 'write `name: value` pairs at the top level' });
        }
        layers.push({ level: 'play_vars_files', name: file, vars: data as Record<string, unknown>, loc: { file, line: 1, col: 1 } });
        map.set(h.name, [...layers]);
      }
    } catch (e) {
      if (!(e instanceof K8sbmError)) throw e;
      h.failed = true;
      h.counts.failed++;
      const r = describeError(e, play.loc, env.pvc.verbosity);
      env.emit({ event: 'task_result', host: h.name, task: 'vars_files', module: 'vars_files', file: play.loc.file, line: play.loc.line, status: 'failed', msg: r.msg, durationMs: 0, detail: r.detail, code: r.code, hint: r.hint });
      env.recordFailure(h.name, 'vars_files', play.loc, r.msg);
    }
  }
}

function existsSyncSafe(p: string): boolean {
  try { return existsSync(p); } catch { return false; }
}

const GATHER: Omit<Task, 'loc' | 'moduleLoc'> = {
  kind: 'task', name: 'Gathering Facts', module: GATHER_FACTS_MODULE, args: {}, when: [], tags: ['always'], vars: {}, notify: [], listen: [],
};

/**
 * One batch: facts, design checks, before-gates, the play's sections, after-gates. A failing
 * before-gate leaves the batch's tasks unrun; the failing gate is returned to stop the rollout.
 */
async function runBatch(env: PlayEnv, play: Play, batch: readonly HostRuntime[], place: BatchPlace): Promise<GateFailure | undefined> {
  const free = play.strategy === 'free';
  const limit = pLimit(env.forks);
  const gated = (play.gates?.before.length ?? 0) + (play.gates?.after.length ?? 0) > 0;
  if (free && !gated && !hasPreflightTasks(env, play)) {
    // free: each host runs through the play at its own pace (forks hosts at a time).
    await Promise.all(batch.map((h) => limit(() => runSections(env, play, [h]))));
    return undefined;
  }
  // Design checks and gates look at the batch as a whole: with free, every host gathers its facts first.
  if (free) await Promise.all(batch.map((h) => limit(() => openPlay(env, play, [h]))));
  else await openPlay(env, play, batch);
  runPreflight(env, play, batch);
  const before = await runGates(env, play, 'before', batch, place);
  if (before) return before;
  if (free) await Promise.all(batch.map((h) => limit(() => playSections(env, play, [h]))));
  else await playSections(env, play, batch);
  return runGates(env, play, 'after', batch, place);
}

async function runSections(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): Promise<void> {
  await openPlay(env, play, batch);
  runPreflight(env, play, batch);
  await playSections(env, play, batch);
}

/** Facts and sessions: what a play reads of its hosts before its first task. */
async function openPlay(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): Promise<void> {
  const scope: Scope = playScope(play);
  // The hosts' first round trip (lease, journal) goes out beside fact gathering, read-only as
  // that is; no task that may change a host starts before it is answered.
  const problems = openSessions(env, batch, await sessionRiders(env, play, batch));
  if (play.gatherFacts) {
    const gather: Task = { ...GATHER, loc: play.loc, moduleLoc: play.loc };
    await runTask(env, gather, { ...scope, when: [], checkMode: false }, batch);
  }
  await settleSessions(env, play, batch, problems);
}

async function playSections(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): Promise<void> {
  const scope: Scope = playScope(play);
  await runItems(env, play.preTasks, scope, batch);
  await flushHandlers(env, batch);
  for (const role of play.roles) await runRole(env, role, scope, batch);
  await runItems(env, play.tasks, scope, batch);
  await flushHandlers(env, batch);
  await runItems(env, play.postTasks, scope, batch);
  takeUpPendingHandlers(env, batch);
  await flushHandlers(env, batch);
}
