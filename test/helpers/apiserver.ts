/**
 * The kube-apiserver TEST DOUBLE (test/doubles/kube-apiserver) on lab nodes: copied into each
 * node's own layer (a node sees the machine's files, but not its /tmp, where a clone of the
 * repository may live), started on the API port, ready when its pid file is written; made to
 * fail and healed through its fail file.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeRootPath } from '../../src/lab/index.js';
import { labSsh, type TestLab } from './lab.js';
import { repoRoot } from './paths.js';

export const API_DOUBLE_SOURCE = join(repoRoot, 'test', 'doubles', 'kube-apiserver');
/** Where it is on a node. */
export const API_DOUBLE = '/usr/local/sbin/kube-apiserver-double';
export const API_DOUBLE_STATE = '/run/kube-apiserver-double';

/** Polls a condition every 200 ms for up to `ms`; returns the milliseconds it took. */
export async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return Date.now() - start;
}

export async function startApiDoubles(lab: TestLab, nodes: readonly string[], port = 6443): Promise<void> {
  for (const n of nodes) {
    copyFileSync(API_DOUBLE_SOURCE, join(nodeRootPath(lab.lab, n), API_DOUBLE));
    const r = await labSsh(lab, n, `setsid python3 ${API_DOUBLE} --port ${port} --name ${n} --state ${API_DOUBLE_STATE} >/dev/null 2>&1 </dev/null &`);
    if (r.code !== 0) throw new Error(`starting the API double on ${n}: ${r.stderr}`);
  }
  for (const n of nodes) await until(async () => (await labSsh(lab, n, ['test', '-s', `${API_DOUBLE_STATE}/pid`])).code === 0, `the API double on ${n}`);
}

/** Makes the node's API double answer /healthz with 500 (true) or 200 again (false). */
export async function failApi(lab: TestLab, node: string, fail: boolean): Promise<void> {
  const r = await labSsh(lab, node, fail ? ['touch', `${API_DOUBLE_STATE}/fail`] : ['rm', '-f', `${API_DOUBLE_STATE}/fail`]);
  if (r.code !== 0) throw new Error(`${fail ? 'failing' : 'healing'} the API double on ${node}: ${r.stderr}`);
}
