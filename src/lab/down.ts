import { readFileSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import pLimit from 'p-limit';
import { K8sbmError } from '../source/errors.js';
import { type LabRef, resolveLab } from './lab.js';
import type { LabNames } from './names.js';
import { deleteLink, deleteNetns, findLabLeftovers, netnsPids, type Tools } from './network.js';
import { isProcessAlive } from './node.js';
import { type LabNodeState, type LabPaths, type LabState, nodeLogFile, nodeScratchDir, readLabState } from './state.js';
import { checkLabPrerequisites } from './system.js';

export interface LabDownResult {
  readonly name: string;
  readonly dir: string;
  /** Anything of the lab was found (processes, namespaces, links or files). */
  readonly existed: boolean;
  readonly processes: number;
  readonly netns: number;
  readonly links: number;
  readonly bridge: boolean;
  readonly elapsedMs: number;
}

/** Removes a lab whole, whatever state it is in; a lab that does not exist is not an error. */
export async function labDown(ref: LabRef): Promise<LabDownResult> {
  const t0 = Date.now();
  const tools = checkLabPrerequisites();
  const { name, paths, names } = resolveLab(ref);
  const state = readLabStateLenient(paths);
  const r = await teardownLab(tools, paths, names, state);
  return { name, dir: paths.dir, ...r, elapsedMs: Date.now() - t0 };
}

function readLabStateLenient(paths: LabPaths): LabState | undefined {
  try { return readLabState(paths); } catch { return undefined; }
}

/**
 * A launcher's command line names its node's scratch directory, which only this lab uses: any
 * node's of the lab (`nodes` absent), or one of the given nodes'.
 */
function isLabLauncher(pid: number, paths: LabPaths, nodes?: readonly string[]): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const ours = nodes ? (a: string) => nodes.some((n) => a === nodeScratchDir(paths, n)) : (a: string) => a.startsWith(paths.nodesDir + sep);
    return basename(args[0] ?? '') === 'unshare' && args.some(ours);
  } catch {
    return false;
  }
}

function kill(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
}

/**
 * Order matters: processes first (a node's mounts live in its private mount namespace and go
 * with its last process), then the host ends of the veth pairs (which takes the node ends along
 * at once, instead of whenever the kernel frees the namespace), the namespaces, the bridge, and
 * last the files.
 */
export async function teardownLab(tools: Tools, paths: LabPaths, names: LabNames, state: LabState | undefined): Promise<Omit<LabDownResult, 'name' | 'dir' | 'elapsedMs'>> {
  const left = await findLabLeftovers(tools, names);
  const limit = pLimit(16);
  // Launchers whose namespace file is already gone are found through the state file.
  const recorded = (state?.nodes ?? []).flatMap((n) => (n.launcherPid ? [n.launcherPid] : []));
  const processes = await stopProcesses(tools, left.netns, recorded, (p) => isLabLauncher(p, paths), `lab "${state?.name ?? paths.dir}"`);

  await Promise.all(left.links.map((l) => limit(() => deleteLink(tools, l))));
  await Promise.all(left.netns.map((ns) => limit(() => deleteNetns(tools, ns))));
  if (left.bridge) await deleteLink(tools, names.bridge);

  const hadFiles = removeLabFiles(paths);
  return {
    existed: hadFiles || processes > 0 || left.netns.length > 0 || left.links.length > 0 || left.bridge,
    processes, netns: left.netns.length, links: left.links.length, bridge: left.bridge,
  };
}

/**
 * Removes some nodes of a lab (those a shrink drops, or the leftovers of a resize that did not
 * finish) and leaves every other node, the bridge and the lab's files as they are.
 */
export async function removeNodes(tools: Tools, paths: LabPaths, nodes: readonly Pick<LabNodeState, 'name' | 'netns' | 'veth' | 'launcherPid'>[]): Promise<void> {
  const limit = pLimit(16);
  const recorded = nodes.flatMap((n) => (n.launcherPid ? [n.launcherPid] : []));
  const names = nodes.map((n) => n.name);
  await stopProcesses(tools, nodes.map((n) => n.netns), recorded, (p) => isLabLauncher(p, paths, names), names.join(', '));
  await Promise.all(nodes.map((n) => limit(() => deleteLink(tools, n.veth))));
  await Promise.all(nodes.map((n) => limit(() => deleteNetns(tools, n.netns))));
  for (const n of nodes) {
    // Empty as the machine sees it (the node mounted its tmpfs there in its own namespace).
    try { rmdirSync(nodeScratchDir(paths, n.name)); } catch { /* not there */ }
    rmSync(nodeLogFile(paths, n.name), { force: true });
  }
}

/** Kills every process of these node namespaces and their launchers; how many there were. */
async function stopProcesses(tools: Tools, netns: readonly string[], recorded: readonly number[], isLauncher: (pid: number) => boolean, what: string): Promise<number> {
  const limit = pLimit(16);
  const found = await Promise.all(netns.map((ns) => limit(() => netnsPids(tools, ns))));
  const victims = new Set<number>([...recorded, ...found.flat()].filter((p) => isLauncher(p) || found.some((f) => f.includes(p))));
  const launchers = [...victims].filter(isLauncher);
  const stuck = (): K8sbmError => new K8sbmError('K8SBM_LAB_DOWN_STUCK', `processes of ${what} did not exit after SIGKILL`, {
    hint: `see them with \`ip netns pids NAME\` for each of: ${netns.join(', ')}`,
  });
  // Each node's PID 1 first: its PID namespace dies with it, and its launcher, still there to
  // reap it, exits by itself. Killing launchers first would leave the nodes to the machine's init.
  const inner = [...victims].filter((p) => !launchers.includes(p));
  for (const pid of inner) kill(pid);
  await waitUntil(() => !inner.some((p) => isProcessAlive(p)), 15_000, stuck);
  for (const pid of launchers) if (isProcessAlive(pid)) kill(pid);
  await waitUntil(async () => {
    if (launchers.some((p) => isProcessAlive(p))) return false;
    const still = await Promise.all(netns.map((ns) => limit(() => netnsPids(tools, ns))));
    for (const p of still.flat()) kill(p);
    return still.every((p) => p.length === 0);
  }, 15_000, stuck);
  return victims.size;
}

/**
 * Only the files `lab up` writes: a lab directory given with --dir may hold other things. The
 * node directories are mount points only inside the nodes; a mount seen here would mean the
 * machine's mount table was touched, and then nothing is deleted recursively.
 */
function removeLabFiles(paths: LabPaths): boolean {
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === paths.dir || m.startsWith(paths.dir + sep)));
  if (mounted.length) {
    throw new K8sbmError('K8SBM_LAB_DOWN_STUCK', `something is mounted inside the lab directory: ${mounted.join(', ')}`, { hint: 'unmount it (umount PATH), then run `k8sbm lab down` again' });
  }
  let had = false;
  for (const f of [paths.inventory, paths.groupVars, paths.sshConfig, paths.knownHosts, paths.key, paths.publicKey, paths.state, paths.nodesDir, paths.aptCache]) {
    try { rmSync(f, { recursive: true }); had = true; } catch { /* not there */ }
  }
  for (const f of safeReaddir(paths.dir)) {
    if (f.startsWith('state.json.tmp-')) rmSync(`${paths.dir}${sep}${f}`, { force: true });
  }
  // The default layout is <cwd>/.k8sbm/lab/<name>: empty parents made by `up` go too.
  let dir = paths.dir;
  for (const parent of ['lab', '.k8sbm', undefined]) {
    try { rmdirSync(dir); } catch { break; }
    if (parent === undefined || basename(dirname(dir)) !== parent) break;
    dir = dirname(dir);
  }
  return had;
}

function safeReaddir(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, onTimeout: () => Error): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw onTimeout();
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(100, pause * 2);
  }
}
