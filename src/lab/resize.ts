import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { ensureLabAptRepo } from './lab-packages.js';
import { removeNodes } from './down.js';
import { type LabNames, subnetAt, subnetIndexOf } from './names.js';
import type { Tools } from './network.js';
import { editEtcHosts } from './render.js';
import { planNodes, startNodes, type StartNodesOptions, writeLabFiles } from './start.js';
import type { LabNodeState, LabPaths, LabState } from './state.js';

/**
 * A running lab changes size without a rebuild: new nodes are started beside the running ones,
 * or the highest nodes are removed. The nodes that stay keep their processes and their files;
 * only the lab's own lines in their /etc/hosts follow the change.
 */

/** Adds nodes up to `count`; a node that fails to start takes the other new ones with it. */
export async function growLab(tools: Tools, paths: LabPaths, names: LabNames, state: LabState, count: number, opts: Omit<StartNodesOptions, 'sshdLogLevel' | 'aptRepo'>): Promise<LabState> {
  const index = subnetIndexOf(state.subnet ?? '');
  if (index === undefined) {
    throw new K8sbmError('K8SBM_LAB_STATE_INVALID', `the lab state file ${paths.state} names no lab subnet (${state.subnet ?? 'none'})`, { hint: 'remove the lab with `k8sbm lab down`, then bring it up again' });
  }
  const subnet = subnetAt(index);
  const added = planNodes(names, subnet, state.nodes.length + 1, count);
  const all = [...state.nodes, ...added];
  // Leftovers of an earlier resize that did not finish would stand in the new nodes' way.
  await removeNodes(tools, paths, added);
  let started: LabNodeState[];
  try {
    const authorizedKey = readFileSync(paths.publicKey, 'utf8').trim();
    started = await startNodes(tools, paths, state.bridge, subnet, added, all, authorizedKey, { ...opts, sshdLogLevel: state.sshdLogLevel, aptRepo: (await ensureLabAptRepo(paths.aptCache)).dir });
  } catch (e) {
    await removeNodes(tools, paths, added).catch(() => undefined);
    throw e;
  }
  editRunningEtcHosts(state.nodes, added, []);
  const grown: LabState = { ...state, nodes: [...state.nodes, ...started] };
  writeLabFiles(paths, grown);
  return grown;
}

/**
 * Removes the nodes above `count`. The lab's files stop naming them first: should the removal
 * be cut short, what is left is unknown to the lab's users and found again by name (`lab down`,
 * or the next resize).
 */
export async function shrinkLab(tools: Tools, paths: LabPaths, state: LabState, count: number): Promise<LabState> {
  const kept = state.nodes.slice(0, count);
  const removed = state.nodes.slice(count);
  const shrunk: LabState = { ...state, nodes: kept };
  writeLabFiles(paths, shrunk);
  await removeNodes(tools, paths, removed);
  editRunningEtcHosts(kept, [], removed);
  return shrunk;
}

/** Through each running node's root, as the node itself sees its /etc/hosts. */
function editRunningEtcHosts(nodes: readonly LabNodeState[], add: readonly LabNodeState[], remove: readonly LabNodeState[]): void {
  for (const n of nodes) {
    const file = join(`/proc/${n.pid}/root`, 'etc/hosts');
    const before = readFileSync(file, 'utf8');
    const after = editEtcHosts(before, add, remove);
    // In place, not renamed over: the node may have bind-mounted its own file there.
    if (after !== before) writeFileSync(file, after);
  }
}
