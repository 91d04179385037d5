import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import pLimit from 'p-limit';
import { teardownLab } from './down.js';
import { isNodeProcess, type Lab, labFromState, type LabRef, resolveLab } from './lab.js';
import { DEFAULT_LAB_NODES, type LabNames, type LabSubnet, netnsName, nodeAddress, nodeGroup, nodeName, validateNodeCount, vethName } from './names.js';
import { claimSubnet, createBridge, createNodeLink, netnsPath, tool, type Tools } from './network.js';
import { nodeLaunchArgv } from './node-init.js';
import { childPidOf, launchNode, type LaunchedNode, readNodeHostKey, sshBanner, waitForSsh } from './node.js';
import { LAB_SUDO_PASSWORD, renderEtcHosts, type SshdLogLevel, renderInventory, renderKnownHosts, renderSshConfig, renderSshdConfig, renderSudoers } from './render.js';
import { type LabNodeState, type LabPaths, type LabState, nodeLogFile, nodeScratchDir, readLabState, writeFileAtomic, writeLabState } from './state.js';
import { checkLabPrerequisites, mustRun } from './system.js';

export interface LabUpOptions extends LabRef {
  /** Default 3. */
  readonly nodes?: number | undefined;
  /** Start fresh nodes even when the lab is up and healthy. */
  readonly recreate?: boolean | undefined;
  /** Nodes being set up at once (default 16). */
  readonly parallel?: number | undefined;
  /** Bound on the whole start-up (default 30 s plus 0.5 s per node). */
  readonly timeoutMs?: number | undefined;
  /** sshd LogLevel of every node (default INFO); VERBOSE logs each session a node runs. */
  readonly sshdLogLevel?: SshdLogLevel | undefined;
  /** Called as each node answers. */
  readonly onNodeReady?: ((node: string, ready: number, total: number) => void) | undefined;
}

export interface LabUpResult {
  readonly lab: Lab;
  /** The lab was already up with this many healthy nodes and was left as it was. */
  readonly reused: boolean;
  readonly elapsedMs: number;
}

/**
 * Brings a lab up. An existing lab of the same directory with the same node count whose every
 * node still answers is kept as it is (`reused`); anything else there (another node count, a
 * dead node, a half-up lab, or `recreate`) is torn down first and made anew.
 */
export async function labUp(opts: LabUpOptions = {}): Promise<LabUpResult> {
  const t0 = Date.now();
  const tools = checkLabPrerequisites();
  const count = validateNodeCount(opts.nodes ?? DEFAULT_LAB_NODES);
  const { name, paths, names } = resolveLab(opts);

  const existing = readLabStateOrUndefined(paths);
  if (existing && !opts.recreate && existing.name === name && existing.phase === 'up' && existing.nodes.length === count && await isHealthy(existing)) {
    return { lab: labFromState(existing, paths), reused: true, elapsedMs: Date.now() - t0 };
  }
  await teardownLab(tools, paths, names, existing);

  try {
    const lab = await buildLab(tools, name, count, paths, names, opts);
    return { lab, reused: false, elapsedMs: Date.now() - t0 };
  } catch (e) {
    // A lab that failed to come up is removed whole; the error carries the node's log tail.
    await teardownLab(tools, paths, names, readLabStateOrUndefined(paths)).catch(() => undefined);
    throw e;
  }
}

function readLabStateOrUndefined(paths: LabPaths): LabState | undefined {
  try { return readLabState(paths); } catch { return undefined; }
}

async function isHealthy(state: LabState): Promise<boolean> {
  const checks = await Promise.all(state.nodes.map(async (n) => isNodeProcess(n) && !!(await sshBanner(n.address, 22, 2000))));
  return checks.every(Boolean);
}

async function buildLab(tools: Tools, name: string, count: number, paths: LabPaths, names: LabNames, opts: LabUpOptions): Promise<Lab> {
  const createdAt = new Date().toISOString();
  const base = { version: 1, name, id: names.id, dir: paths.dir, bridge: names.bridge, createdAt } as const;
  mkdirSync(paths.nodesDir, { recursive: true, mode: 0o755 });
  writeLabState(paths, { ...base, phase: 'starting', nodes: [] });

  rmSync(paths.key, { force: true });
  rmSync(paths.publicKey, { force: true });
  await mustRun([tool(tools, 'ssh-keygen'), '-q', '-t', 'ed25519', '-N', '', '-C', `k8sbm-lab-${name}`, '-f', paths.key], 'creating the lab key');
  const authorizedKey = readFileSync(paths.publicKey, 'utf8').trim();

  await createBridge(tools, names);
  const subnet = await claimSubnet(tools, names);
  const planned = planNodes(names, subnet, count);
  const subnetFields = { subnet: subnet.cidr, gateway: subnet.gateway };
  writeLabState(paths, { ...base, ...subnetFields, phase: 'starting', nodes: planned });

  const limit = pLimit(Math.max(1, opts.parallel ?? 16));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000 + 500 * count);
  let ready = 0;
  const link = (n: LabNodeState): Promise<void> => createNodeLink(tools, names.bridge, n.netns, n.veth, `${n.address}/${subnet.prefix}`);
  // The first `ip netns add` on a machine makes /run/netns a shared mount; only one should try.
  await link(planned[0]!);
  const results = await Promise.allSettled(planned.map((n, k) => limit(async (): Promise<LabNodeState> => {
    if (k > 0) await link(n);
    const scratch = nodeScratchDir(paths, n.name);
    const logFile = nodeLogFile(paths, n.name);
    mkdirSync(scratch, { recursive: true, mode: 0o755 });
    const launched = launchNodeProcess(tools, n, scratch, logFile, authorizedKey, planned, opts.sshdLogLevel);
    await waitForSsh(n.address, { deadline, exited: launched.exited, node: n.name, logFile });
    const pid = childPidOf(launched.launcherPid);
    if (!pid) throw new Error(`node ${n.name}: its PID 1 is not a child of ${launched.launcherPid}`);
    opts.onNodeReady?.(n.name, ++ready, count);
    return { ...n, pid, launcherPid: launched.launcherPid, hostKey: readNodeHostKey(pid) };
  })));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const nodes = results.map((r) => (r as PromiseFulfilledResult<LabNodeState>).value);

  const files = { keyFile: paths.key, knownHostsFile: paths.knownHosts };
  writeFileAtomic(paths.knownHosts, renderKnownHosts(nodes), 0o644);
  writeFileAtomic(paths.sshConfig, renderSshConfig(nodes, files), 0o644);
  writeFileAtomic(paths.inventory, renderInventory(name, nodes, files), 0o644);
  const state: LabState = { ...base, ...subnetFields, phase: 'up', nodes };
  writeLabState(paths, state);
  return labFromState(state, paths);
}

function planNodes(names: LabNames, subnet: LabSubnet, count: number): LabNodeState[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + 1;
    return { name: nodeName(i), address: nodeAddress(subnet, i), group: nodeGroup(i), netns: netnsName(names, i), veth: vethName(names, i) };
  });
}

function launchNodeProcess(tools: Tools, n: LabNodeState, scratch: string, logFile: string, authorizedKey: string, all: readonly LabNodeState[], logLevel: SshdLogLevel | undefined): LaunchedNode {
  const argv = nodeLaunchArgv({ nsenter: tool(tools, 'nsenter'), unshare: tool(tools, 'unshare') }, {
    name: n.name,
    netnsPath: netnsPath(n.netns),
    scratchDir: scratch,
    authorizedKey,
    sshdConfig: renderSshdConfig(n.address, { logLevel }),
    sudoers: renderSudoers(),
    etcHosts: renderEtcHosts(n, all),
    password: LAB_SUDO_PASSWORD,
    machineId: randomBytes(16).toString('hex'),
  });
  return launchNode(argv, logFile);
}
