import type { Play, Task } from '../playbook/model.js';
import { K8sbmError } from '../source/errors.js';
import { formatLoc } from '../source/loc.js';
import type { OwnedSetting } from '../modules/types.js';
import { paramsBeforePlay } from './before-play.js';
import type { PlayEnv } from './play-env.js';
import type { HostRuntime, Scope } from './runtime.js';
import { tasksOfPlay } from './secret-scan.js';

/**
 * Settings owned once. Two tasks of one run that set the same setting on a host (a sysctl key, a
 * whole file) to different values are refused before the play runs, with both places: letting
 * file order decide (the later task silently wins, and the earlier one reports a change on every
 * run) is what Ansible and Kubespray do. Before each play, every task whose module declares what
 * it owns is rendered for each host, its `when` evaluated, its loop items expanded; what cannot be
 * known yet (a value registered later, a condition on one) is left out. The settings stay
 * recorded on the host for the rest of the run, so a later play cannot set them differently
 * either. The same value twice is fine.
 */
export function checkOwnedOnce(env: PlayEnv, play: Play, hosts: readonly HostRuntime[]): void {
  const tasks = tasksOfPlay(play, (t) => env.modules[t.module]?.owns !== undefined);
  if (!tasks.length) return;
  for (const h of hosts) {
    for (const { task, scope } of tasks) {
      for (const s of settingsOf(env, task, scope, h)) {
        const prior = h.owned.get(s.resource);
        const name = task.name ?? task.module;
        if (!prior) {
          h.owned.set(s.resource, { value: s.value, task: name, loc: task.loc });
          continue;
        }
        if (prior.value === s.value || (prior.loc.file === task.loc.file && prior.loc.line === task.loc.line)) continue;
        throw new K8sbmError('K8SBM_SETTING_CONFLICT', `${s.resource} is set twice on ${h.name}, differently: ${show(s.resource, s.value)} by task "${name}" here, ${show(s.resource, prior.value)} by task "${prior.task}" at ${formatLoc(prior.loc)}`, {
          loc: task.loc,
          hint: 'a setting has one owner in a run: remove one of the tasks, or give both the same value (one variable both use)',
        });
      }
    }
  }
}

function show(resource: string, value: string | null): string {
  if (value === null) return 'removed';
  // A file's value is a hash of its content: say "one content" and "another" rather than hashes.
  return resource.startsWith('file ') ? `content ${value.slice(0, 12)}` : JSON.stringify(value);
}

function settingsOf(env: PlayEnv, task: Task, scope: Scope, h: HostRuntime): OwnedSetting[] {
  const module = env.modules[task.module]!;
  const out: OwnedSetting[] = [];
  for (const params of paramsBeforePlay(env, task, scope, h)) {
    try {
      out.push(...module.owns!(params));
    } catch {
      // Not known before the play runs: its own run decides, as for any task.
    }
  }
  return out;
}
