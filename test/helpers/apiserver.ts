/**
 * The kube-apiserver TEST DOUBLE (test/doubles/kube-apiserver) on lab nodes: started on the API
 * port of each node given (the repository is readable from the nodes, which see the machine's
 * files under their own layer), ready when its pid file is written; made to fail and healed
 * through its fail file.
 */
import { join } from 'node:path';
import { labSsh, type TestLab } from './lab.js';
import { repoRoot } from './paths.js';

export const API_DOUBLE = join(repoRoot, 'test', 'doubles', 'kube-apiserver');
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
