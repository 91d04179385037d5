import { join } from 'node:path';
import { pictureOf } from '../graph/index.js';
import { loadInventory } from '../inventory/index.js';
import { modules } from '../modules/index.js';
import { PlaybookLoader } from '../playbook/index.js';

/** `k8sbm graph -i inventories/example` as docs/images/example-cluster.svg holds it (npm run docs). */
export async function exampleClusterSvg(root: string): Promise<string> {
  const inventory = await loadInventory([join(root, 'inventories', 'example')]);
  const loader = new PlaybookLoader({ modules, rolesPath: [join(root, 'roles')] });
  const playbook = loader.loadPlaybook(join(root, 'playbooks', 'site.yml'));
  return (await pictureOf(playbook, { inventory, loader, modules, extraVars: [] })).svg;
}
