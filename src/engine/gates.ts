import type { Gate, GatePhase, Play } from '../playbook/model.js';
import type { GatePlace, GateStop, RunEvent, TaskResultEvent } from '../report/events.js';
import { renderValue } from '../template/index.js';
import { varsFor } from './host-vars.js';
import type { PlayEnv } from './play-env.js';
import { type HostRuntime, type Scope, playScope } from './runtime.js';
import { runTask } from './task.js';

/** A batch's place in the play's rollout (1-based). */
export interface BatchPlace {
  readonly index: number;
  readonly count: number;
}

/** What a failing gate says before the engine adds which hosts were left alone. */
export type GateFailure = Omit<GateStop, 'untouched'>;

/**
 * Run the play's gates of one phase on a batch, in order; the first that fails on any host stops
 * there (its later gates do not run) and is returned. Gates are not filtered by --tags, and a
 * play's ignore_errors does not reach them: a gate that can be ignored is not a gate.
 *
 * Check mode: a before-gate declared `read_only` runs as in a run (it reads the live state the
 * batch would start from); the others are shown, not run: an after-gate would check a batch that
 * was only predicted, and a gate not declared read-only might change the host.
 */
export async function runGates(env: PlayEnv, play: Play, phase: GatePhase, batch: readonly HostRuntime[], place: BatchPlace): Promise<GateFailure | undefined> {
  const gates = play.gates?.[phase] ?? [];
  if (gates.length === 0) return undefined;
  const scope: Scope = { ...playScope(play), ignoreErrors: false, anyErrorsFatal: false };
  const check = play.checkMode ?? env.check;
  for (const gate of gates) {
    if (env.signal?.aborted) return undefined;
    const where: GatePlace = { name: gate.name, phase, batch: place.index, batches: place.count };
    const label = `gate ${phase} batch ${place.index}/${place.count}: ${gate.name}`;
    if (check && (phase === 'after' || !gate.readOnly)) {
      showGate(env, gate, label, where, batch, phase === 'after' ? 'the batch was only predicted' : 'the gate is not declared read_only');
      continue;
    }
    let failed: TaskResultEvent | undefined;
    const emit = (e: RunEvent): void => {
      if (e.event !== 'task_result') { env.emit(e); return; }
      const tagged: TaskResultEvent = { ...e, gate: where };
      // A loop item's line is not final; a gate has no loop, so every line is the host's result.
      if ((e.status === 'failed' || e.status === 'unreachable') && failed === undefined) failed = tagged;
      env.emit(tagged);
    };
    await runTask({ ...env, emit }, { ...gate.task, name: label }, scope, batch);
    if (failed) {
      const host = batch.find((h) => h.name === failed!.host);
      return {
        ...where, play: play.name, host: failed.host, delegatedTo: host ? delegateOf(env, gate, scope, host) : undefined,
        msg: failed.msg, code: failed.code, file: gate.loc.file, line: gate.loc.line,
      };
    }
  }
  return undefined;
}

/** Check mode, a gate not run: one skipped line per host saying what would be checked. */
function showGate(env: PlayEnv, gate: Gate, label: string, where: GatePlace, batch: readonly HostRuntime[], why: string): void {
  const hosts = batch.filter((h) => !h.failed && !h.unreachable && !h.ended);
  if (hosts.length === 0) return;
  const shown = gate.task.runOnce ? hosts.slice(0, 1) : hosts;
  const what = gate.that ? gate.that.map(String).join(' and ') : `${gate.task.module} succeeds`;
  const tries = gate.task.retries && gate.task.retries > 0 ? ` (up to ${gate.task.retries + 1} attempts, ${gate.task.delay ?? 5} s apart)` : '';
  env.emit({ event: 'task_start', task: label, module: gate.task.module, file: gate.loc.file, line: gate.loc.line, hosts: shown.map((h) => h.name), handler: false });
  for (const h of shown) {
    h.counts.skipped++;
    env.emit({
      event: 'task_result', host: h.name, task: label, module: gate.task.module, file: gate.loc.file, line: gate.loc.line, status: 'skipped',
      msg: `check mode: not run (${why}); would check: ${what}${tries}`, durationMs: 0, gate: where, predicted: true,
    });
  }
}

function delegateOf(env: PlayEnv, gate: Gate, scope: Scope, h: HostRuntime): string | undefined {
  if (gate.task.delegateTo === undefined) return undefined;
  try {
    return String(renderValue(gate.task.delegateTo, varsFor(env.pvc, h, scope, gate.task.vars), gate.loc));
  } catch {
    return gate.task.delegateTo;
  }
}
