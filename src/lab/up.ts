import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import { toShellLine } from '../transport/quote.js';
import { teardownLab } from './down.js';
import { isNodeProcess, type Lab, labFromState, type LabRef, resolveLab } from './lab.js';
import { DEFAULT_LAB_NAME, DEFAULT_LAB_NODES, type LabNames, validateNodeCount } from './names.js';
import { claimSubnet, createBridge, tool, type Tools } from './network.js';
import { sshBanner } from './node.js';
import type { SshdLogLevel } from './render.js';
import { ensureLabAptRepo } from './lab-packages.js';
import { growLab, shrinkLab } from './resize.js';
import { planNodes, startNodes, writeLabFiles } from './start.js';
import { type LabPaths, type LabState, readLabState, writeLabState } from './state.js';
import { checkLabPrerequisites, mustRun } from './system.js';

export interface LabUpOptions extends LabRef {
  /** A new lab: default 3. A lab that is up: default its own count; another count resizes it. */
  readonly nodes?: number | undefined;
  /** Start fresh nodes even when the lab is up and healthy. */
  readonly recreate?: boolean | undefined;
  /** Nodes being set up at once (default 16). */
  readonly parallel?: number | undefined;
  /** Bound on the whole start-up (default 30 s plus 0.5 s per node started). */
  readonly timeoutMs?: number | undefined;
  /** sshd LogLevel of every node (default INFO); VERBOSE logs each session a node runs. */
  readonly sshdLogLevel?: SshdLogLevel | undefined;
  /** Called as each node answers. */
  readonly onNodeReady?: ((node: string, ready: number, total: number) => void) | undefined;
}

export interface LabUpResult {
  readonly lab: Lab;
  /** The lab was already up, healthy and of this size, and was left as it was. */
  readonly reused: boolean;
  /** Nodes a resize started beside the running ones. */
  readonly added: readonly string[];
  /** Nodes a resize removed (the highest ones). */
  readonly removed: readonly string[];
  readonly elapsedMs: number;
}

/**
 * Brings a lab up. A lab that is up keeps its running nodes: asked for the same count it is left
 * as it is (`reused`), for more it gets the missing nodes, for fewer it loses its highest nodes.
 * Whatever would need a rebuild (a dead node, another lab in the directory, another sshd log
 * level) is refused with the way out; `recreate` starts afresh. A lab that never finished coming
 * up holds nothing to keep and is made anew.
 */
export async function labUp(opts: LabUpOptions = {}): Promise<LabUpResult> {
  const t0 = Date.now();
  const tools = checkLabPrerequisites();
  const { name, paths, names } = resolveLab(opts);
  const existing = readLabStateOrUndefined(paths);
  const count = validateNodeCount(opts.nodes ?? existing?.nodes.length ?? DEFAULT_LAB_NODES);
  const result = (state: LabState, change: Partial<LabUpResult>): LabUpResult => ({
    lab: labFromState(state, paths), reused: false, added: [], removed: [], ...change, elapsedMs: Date.now() - t0,
  });

  if (existing?.phase === 'up' && !opts.recreate) {
    await refuseRebuild(existing, name, paths, opts);
    const have = existing.nodes.length;
    if (count === have) return result(existing, { reused: true });
    if (count < have) {
      const shrunk = await shrinkLab(tools, paths, existing, count);
      return result(shrunk, { removed: existing.nodes.slice(count).map((n) => n.name) });
    }
    const grown = await growLab(tools, paths, names, existing, count, {
      parallel: opts.parallel, deadline: Date.now() + (opts.timeoutMs ?? labStartBudgetMs(count - have)), onNodeReady: opts.onNodeReady,
    });
    return result(grown, { added: grown.nodes.slice(have).map((n) => n.name) });
  }

  await teardownLab(tools, paths, names, existing);
  try {
    return result(await buildLab(tools, name, count, paths, names, opts), {});
  } catch (e) {
    // A lab that failed to come up is removed whole; the error carries the node's log tail.
    await teardownLab(tools, paths, names, readLabStateOrUndefined(paths)).catch(() => undefined);
    throw e;
  }
}

function readLabStateOrUndefined(paths: LabPaths): LabState | undefined {
  try { return readLabState(paths); } catch { return undefined; }
}

/** What only a rebuild could give, refused: the running nodes' files would be lost. */
async function refuseRebuild(state: LabState, name: string, paths: LabPaths, opts: LabUpOptions): Promise<void> {
  const which = [...(name === DEFAULT_LAB_NAME ? [] : ['--name', name]), ...(opts.dir ? ['--dir', opts.dir] : [])];
  const down = toShellLine(['k8sbm', 'lab', 'down', ...which]);
  const recreate = toShellLine(['k8sbm', 'lab', 'up', ...which, '--recreate']);
  const rebuild = (what: string): K8sbmError => new K8sbmError('K8SBM_LAB_REBUILD_NEEDED', `lab "${state.name}" is up; ${what}, which needs every node started afresh`, {
    hint: `its nodes' files would be lost: \`${down}\` first, then bring it up again (or \`${recreate}\`)`,
  });
  if (state.name !== name) throw rebuild(`its directory ${paths.dir} cannot also hold a lab "${name}"`);
  if (opts.sshdLogLevel !== undefined && opts.sshdLogLevel !== state.sshdLogLevel) {
    throw rebuild(`its nodes' sshd logs at ${state.sshdLogLevel ?? 'INFO'}, not ${opts.sshdLogLevel}`);
  }
  const answers = await Promise.all(state.nodes.map(async (n) => isNodeProcess(n) && !!(await sshBanner(n.address, 22, 2000))));
  const dead = state.nodes.filter((_, i) => !answers[i]).map((n) => n.name);
  if (dead.length) {
    throw new K8sbmError('K8SBM_LAB_DEGRADED', `lab "${state.name}" is up, but ${dead.join(', ')} no longer ${dead.length === 1 ? 'answers' : 'answer'}`, {
      hint: `a dead node is not restarted alone: \`${recreate}\` starts every node afresh (the others' files are lost), \`${down}\` removes the lab`,
    });
  }
}

async function buildLab(tools: Tools, name: string, count: number, paths: LabPaths, names: LabNames, opts: LabUpOptions): Promise<LabState> {
  const createdAt = new Date().toISOString();
  const base = { version: 1, name, id: names.id, dir: paths.dir, bridge: names.bridge, createdAt, sshdLogLevel: opts.sshdLogLevel } as const;
  mkdirSync(paths.nodesDir, { recursive: true, mode: 0o755 });
  writeLabState(paths, { ...base, phase: 'starting', nodes: [] });

  // Built while the nodes start; copied into them once they answer.
  const aptRepo = ensureLabAptRepo(paths.aptCache).then((r) => r.dir);
  // Observed from the start: a failed build is reported where the nodes wait for it.
  aptRepo.catch(() => undefined);
  try {
    return await bringUp(tools, name, count, paths, names, opts, base, aptRepo);
  } finally {
    // Settled before the caller removes a lab that failed, so the build writes nothing after.
    await aptRepo.catch(() => undefined);
  }
}

async function bringUp(tools: Tools, name: string, count: number, paths: LabPaths, names: LabNames, opts: LabUpOptions, base: Omit<LabState, 'phase' | 'nodes'>, aptRepo: Promise<string>): Promise<LabState> {
  rmSync(paths.key, { force: true });
  rmSync(paths.publicKey, { force: true });
  await mustRun([tool(tools, 'ssh-keygen'), '-q', '-t', 'ed25519', '-N', '', '-C', `k8sbm-lab-${name}`, '-f', paths.key], 'creating the lab key');
  const authorizedKey = readFileSync(paths.publicKey, 'utf8').trim();

  await createBridge(tools, names);
  const subnet = await claimSubnet(tools, names);
  const planned = planNodes(names, subnet, 1, count);
  const subnetFields = { subnet: subnet.cidr, gateway: subnet.gateway };
  writeLabState(paths, { ...base, ...subnetFields, phase: 'starting', nodes: planned });

  const nodes = await startNodes(tools, paths, names.bridge, subnet, planned, planned, authorizedKey, {
    aptRepo, parallel: opts.parallel, deadline: Date.now() + (opts.timeoutMs ?? labStartBudgetMs(count)), sshdLogLevel: opts.sshdLogLevel, onNodeReady: opts.onNodeReady,
  });
  const state: LabState = { ...base, ...subnetFields, phase: 'up', nodes };
  writeLabFiles(paths, state);
  return state;
}

/**
 * How long starting `nodes` nodes may take before the lab gives up: a minute plus a second a
 * node. Sixty nodes start in about 15 s on an idle 2-core machine, but took over 90 s on one
 * loaded by other labs (its sshd processes start slowly, not wrongly).
 */
export function labStartBudgetMs(nodes: number): number {
  return 60_000 + 1_000 * nodes;
}
