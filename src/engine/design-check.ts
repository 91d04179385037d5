import type { Inventory } from '../inventory/index.js';
import type { AnyModule } from '../modules/types.js';
import type { PlaybookLoader } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import { K8sbmError } from '../source/errors.js';
import type { VarLayer } from '../vars/layers.js';
import { varsFor } from './host-vars.js';
import { ConnectionPool } from './play-env.js';
import { loadVarsFiles, makeEnv, playHostsFor } from './play.js';
import { preflightFindings, type PlacedFinding } from './preflight.js';
import { maskSecretParamsOfPlay } from './secret-scan.js';
import type { RunContext } from './run.js';
import { newHostRuntime, type HostRuntime } from './runtime.js';

export interface DesignCheckOptions {
  readonly inventory: Inventory;
  readonly loader: PlaybookLoader;
  readonly modules: Readonly<Record<string, AnyModule>>;
  readonly extraVars: readonly VarLayer[];
  readonly secrets?: Set<string> | undefined;
}

export interface DesignCheck {
  /** Every play's design findings, errors first, each said once. */
  readonly findings: readonly PlacedFinding[];
  /** Each inventory host's variables as the playbook's first play sees them (no facts). */
  readonly vars: ReadonlyMap<string, Record<string, unknown>>;
}

/**
 * The playbook's design checks (preflight.ts) on the controller alone: every play's checked tasks
 * rendered for all of its hosts as one batch, with no facts, since nothing connects; a check that
 * needs a host's facts has nothing to look at and says nothing. What `k8sbm graph` draws.
 */
export async function checkDesign(playbook: Playbook, opts: DesignCheckOptions): Promise<DesignCheck> {
  const hosts = new Map<string, HostRuntime>();
  const rc: RunContext = {
    opts: { inventory: opts.inventory, loader: opts.loader, modules: opts.modules, connect: noConnection, emit: () => undefined, check: true, diff: false, tags: { only: [], skip: [] }, extraVars: opts.extraVars },
    playbookDir: playbook.dir,
    hosts,
    connections: new ConnectionPool(noConnection),
    sessions: undefined,
    emit: () => undefined,
    now: () => 0,
    sleep: () => Promise.resolve(),
    startAt: { value: undefined },
    secrets: opts.secrets ?? new Set(),
    recordDuration: () => undefined,
    recordFailure: () => undefined,
    forgetFailures: () => undefined,
    recordStop: () => undefined,
  };
  const errors: PlacedFinding[] = [];
  const warnings: PlacedFinding[] = [];
  const said = new Set<string>();
  const vars = new Map<string, Record<string, unknown>>();
  for (const play of playbook.plays) {
    const names = playHostsFor(opts.inventory, play, opts.extraVars, undefined).hosts;
    if (!names.length) continue;
    for (const n of names) if (!hosts.has(n)) hosts.set(n, newHostRuntime(n));
    const batch = names.map((n) => hosts.get(n)!);
    const env = makeEnv(rc, play, names, names);
    await loadVarsFiles(env, play, batch);
    // Secret params (a BGP password) are masked in what a finding says, as in a run.
    maskSecretParamsOfPlay(env, play, batch);
    for (const h of batch) {
      if (vars.has(h.name) || !opts.inventory.hosts.has(h.name)) continue;
      try { vars.set(h.name, varsFor(env.pvc, h, undefined)); } catch { /* a variable that cannot be rendered: drawn without it */ }
    }
    const found = preflightFindings(env, play, batch.filter((h) => !h.failed));
    for (const f of [...found.errors, ...found.warnings]) {
      const key = `${f.level}\0${f.host}\0${f.msg}`;
      if (said.has(key)) continue;
      said.add(key);
      (f.level === 'error' ? errors : warnings).push(f);
    }
  }
  return { findings: [...errors, ...warnings], vars };
}

function noConnection(): never {
  throw new K8sbmError('K8SBM_INTERNAL', 'the design check connected to a host', { hint: 'a design check runs on the controller alone; report this as a bug' });
}
