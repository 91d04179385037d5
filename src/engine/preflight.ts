import type { Inventory } from '../inventory/index.js';
import type { Play, Task } from '../playbook/model.js';
import type { PreflightFinding, PreflightInstance } from '../modules/types.js';
import { validateParams } from '../schema/params.js';
import { K8sbmError } from '../source/errors.js';
import { formatLoc, recordKey, recordNode, type Loc } from '../source/loc.js';
import type { VarLayer } from '../vars/layers.js';
import { paramsBeforePlay } from './before-play.js';
import { layersFor } from './host-vars.js';
import { isActive } from './items.js';
import { placeOfParam } from './param-place.js';
import type { PlayEnv } from './play-env.js';
import type { HostRuntime, Scope } from './runtime.js';
import { tasksOfPlay } from './secret-scan.js';
import { shouldRunByTags } from './tags.js';

/**
 * Design checks before the play's first task (ModuleDefinition.preflight). Once per batch, after
 * facts are gathered: every task of the play whose module checks designs is rendered for each
 * host still in the play, the other batches' too (as owned-once does: `when`, loops; what is not
 * known yet is left out), and the module sees all hosts' instances at once, so it can compare
 * hosts. A finding names a param path; the engine turns it into the place the operator edits
 * (param-place.ts), the inventory's line when the param is a variable. Warnings are shown and the
 * play goes on; errors stop the run before any task runs on any host (K8SBM_DESIGN_INVALID),
 * every one of them listed.
 */
export function hasPreflightTasks(env: PlayEnv, play: Play): boolean {
  return checkedTasks(env, play).length > 0;
}

export function runPreflight(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): void {
  const { errors, warnings } = preflightFindings(env, play, batch);
  for (const w of warnings) env.emit({ event: 'warning', msg: `${w.host}: ${w.msg} (${formatLoc(w.loc)}); ${w.hint}`, file: w.loc.file, line: w.loc.line });
  if (!errors.length) return;
  const first = errors[0]!;
  throw new K8sbmError('K8SBM_DESIGN_INVALID', errors.map((e) => `${e.host}: ${e.msg} (${formatLoc(e.loc)})`).join('\n'), {
    loc: first.loc,
    hint: first.hint,
    subject: `task "${first.task.name ?? first.task.module}" (${first.task.module}) at ${formatLoc(first.task.loc)}: nothing was sent`,
    secrets: [...env.secrets],
  });
}

/**
 * The findings of the play's design checks for a batch, placed and masked, each said once:
 * errors about any host of the play, warnings about the batch's own hosts. `k8sbm graph` calls it
 * with every host of the play as the batch and no facts (it never connects).
 */
export function preflightFindings(env: PlayEnv, play: Play, batch: readonly HostRuntime[]): { errors: PlacedFinding[]; warnings: PlacedFinding[] } {
  const errors: PlacedFinding[] = [];
  const warnings: PlacedFinding[] = [];
  const tasks = checkedTasks(env, play);
  if (!tasks.length) return { errors, warnings };
  // The play's other hosts are checked with the batch (serial: a later batch's host with its
  // facts still unknown, an earlier one as it is now), so an address two batches share stops the
  // run at the first; a warning is said in its host's own batch.
  const inBatch = new Set(batch.filter(isActive).map((h) => h.name));
  const hosts = env.pvc.playHosts.map((n) => env.allHosts.get(n)).filter((h): h is HostRuntime =>
    h !== undefined && (inBatch.has(h.name) || (!env.pvc.batch.includes(h.name) && !h.failed && !h.unreachable)));
  // A task in a loop gives a host one instance per item: the same finding is said once.
  const said = new Set<string>();
  const groups = groupsLayer(env.pvc.inventory);
  for (const { task, scope } of tasks) {
    const module = env.modules[task.module]!;
    const instances: PreflightInstance<Record<string, unknown>>[] = [];
    for (const h of hosts) {
      for (const params of paramsBeforePlay(env, task, scope, h)) {
        // Params the schema refuses are the task's own error when it runs, not a design finding.
        try {
          validateParams(module, params, { loc: task.moduleLoc, subject: task.module }, { allowTemplates: false });
        } catch {
          continue;
        }
        instances.push({ host: h.name, params, facts: h.facts });
      }
    }
    if (!instances.length) continue;
    for (const f of module.preflight!(instances)) {
      if (f.level !== 'error' && !inBatch.has(f.host)) continue;
      const h = env.allHosts.get(f.host);
      const loc = h ? placeOfParam(task, [groups, ...layersFor(env.pvc, h, scope, task.vars)], f.path) : task.loc;
      const placed: PlacedFinding = { ...f, msg: mask(f.msg, env.secrets), hint: mask(f.hint, env.secrets), loc, task };
      const key = `${f.level}\0${f.host}\0${placed.msg}\0${formatLoc(loc)}`;
      if (said.has(key)) continue;
      said.add(key);
      (f.level === 'error' ? errors : warnings).push(placed);
    }
  }
  return { errors, warnings };
}

/** A finding with the place the operator edits and the task that found it. */
export interface PlacedFinding extends PreflightFinding {
  readonly loc: Loc;
  readonly task: Task;
}

function checkedTasks(env: PlayEnv, play: Play): { task: Task; scope: Scope }[] {
  return tasksOfPlay(play, (t) => env.modules[t.module]?.preflight !== undefined)
    .filter(({ scope }) => shouldRunByTags(scope.tags, env.tags));
}

/**
 * `groups` (a magic variable, in no layer) with the inventory's places, so a finding about a group
 * (`{{ groups }}` at ['groups', 'etcd']) points at the group's line, and one about a member at the
 * host's line. Lowest of all layers: a variable of that name the operator sets wins.
 */
function groupsLayer(inventory: Inventory): VarLayer {
  const groups: Record<string, string[]> = {};
  const vars = { groups };
  const at = [...inventory.groups.values()].find((g) => g.loc && g.loc.line > 0)?.loc;
  if (at) {
    recordNode(vars, at);
    recordKey(vars, 'groups', { key: at, value: at });
    recordNode(groups, at);
  }
  for (const g of inventory.groups.values()) {
    const hosts = inventory.hostsOfGroup(g);
    const names = hosts.map((h) => h.name);
    groups[g.name] = names;
    if (!g.loc || g.loc.line === 0) continue;
    recordKey(groups, g.name, { key: g.loc, value: g.loc });
    recordNode(names, g.loc);
    hosts.forEach((h, i) => { if (h.loc) recordKey(names, i, { key: h.loc, value: h.loc }); });
  }
  return { level: 'role_defaults', name: 'inventory groups', vars };
}

function mask(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}
