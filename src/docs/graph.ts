import { join } from 'node:path';
import { checkDesign } from '../engine/design-check.js';
import { drawCluster } from '../graph/draw.js';
import { clusterGraph } from '../graph/model.js';
import { loadInventory } from '../inventory/index.js';
import { modules } from '../modules/index.js';
import { PlaybookLoader } from '../playbook/index.js';

/** `k8sbm graph -i inventories/example` as docs/images/example-cluster.svg holds it (npm run docs). */
export async function exampleClusterSvg(root: string): Promise<string> {
  const inventory = await loadInventory([join(root, 'inventories', 'example')]);
  const loader = new PlaybookLoader({ modules, rolesPath: [join(root, 'roles')] });
  const playbook = loader.loadPlaybook(join(root, 'playbooks', 'site.yml'));
  const design = await checkDesign(playbook, { inventory, loader, modules, extraVars: [] });
  return drawCluster(clusterGraph(design.vars, design.findings));
}
