import { checkDesign } from '../engine/design-check.js';
import type { Inventory } from '../inventory/index.js';
import type { AnyModule } from '../modules/types.js';
import type { PlaybookLoader } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import type { VarLayer } from '../vars/layers.js';
import { drawCluster } from './draw.js';
import { clusterGraph, type ClusterGraph } from './model.js';

/** The inventory's picture with the playbook's design findings: what `k8sbm graph` writes. */
export async function pictureOf(playbook: Playbook, opts: {
  readonly inventory: Inventory; readonly loader: PlaybookLoader; readonly modules: Readonly<Record<string, AnyModule>>; readonly extraVars: readonly VarLayer[];
}): Promise<{ graph: ClusterGraph; svg: string }> {
  const design = await checkDesign(playbook, opts);
  const graph = clusterGraph(design.vars, design.findings);
  return { graph, svg: await drawCluster(graph) };
}
