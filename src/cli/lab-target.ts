/**
 * `--lab [NAME]`: the built-in lab's inventory, bringing the lab up first when it is not. A lab
 * that came up half holds nothing to keep and is made anew; one whose node died is refused by
 * `labUp` with the way out, rather than rebuilt under the nodes that still hold their files.
 */
export async function labInventory(name: string): Promise<string> {
  // The lab's code (namespaces, sshd, packages) loads only for runs that use it.
  const { DEFAULT_LAB_NAME, labStatus, labUp } = await import('../lab/index.js');
  const labName = name || DEFAULT_LAB_NAME;
  const status = await labStatus({ name: labName });
  if (status.condition === 'up' && status.files) return status.files.inventory;
  if (status.condition !== 'degraded') process.stderr.write(`lab "${labName}" is ${status.condition}: bringing it up (k8sbm lab down removes it)\n`);
  const { lab } = await labUp({ name: labName, recreate: status.condition === 'partial' });
  process.stderr.write(`lab "${labName}": ${lab.nodes.length} nodes on ${lab.subnet}\n`);
  return lab.files.inventory;
}

