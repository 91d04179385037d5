import { DEFAULT_LAB_NAME, labStatus, labUp } from '../lab/index.js';

/** `--lab [NAME]`: the built-in lab's inventory, bringing the lab up first when it is not. */
export async function labInventory(name: string): Promise<string> {
  const labName = name || DEFAULT_LAB_NAME;
  const status = await labStatus({ name: labName });
  if (status.condition === 'up' && status.files) return status.files.inventory;
  process.stderr.write(`lab "${labName}" is ${status.condition}: bringing it up (k8sbm lab down removes it)\n`);
  const { lab } = await labUp({ name: labName, recreate: status.condition !== 'absent' });
  process.stderr.write(`lab "${labName}": ${lab.nodes.length} nodes on ${lab.subnet}\n`);
  return lab.files.inventory;
}

