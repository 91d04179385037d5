import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { type LabNames, type LabSubnet, netnsName, nodeAddress, nodeGroup, nodeName, vethName } from './names.js';
import { installLabAptRepo } from './lab-packages.js';
import { createNodeLink, netnsPath, tool, type Tools } from './network.js';
import { nodeLaunchArgv } from './node-init.js';
import { childPidOf, launchNode, type LaunchedNode, readNodeHostKey, waitForSsh } from './node.js';
import { LAB_SUDO_PASSWORD, renderEtcHosts, renderInventory, renderLabVars, renderKnownHosts, renderSshConfig, renderSshdConfig, renderSudoers, type SshdLogLevel } from './render.js';
import { type LabNodeState, type LabPaths, type LabState, nodeLogFile, nodeScratchDir, writeFileAtomic, writeLabState } from './state.js';

/** Starting nodes of a lab (all of a new lab, or those a resize adds) and writing its files. */

/** Nodes first..last (1-based, inclusive), as they will be named and addressed. */
export function planNodes(names: LabNames, subnet: LabSubnet, first: number, last: number): LabNodeState[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => {
    const i = first + k;
    return { name: nodeName(i), address: nodeAddress(subnet, i), group: nodeGroup(i), netns: netnsName(names, i), veth: vethName(names, i) };
  });
}

export interface StartNodesOptions {
  readonly parallel?: number | undefined;
  readonly deadline: number;
  /** The lab's package repository (ensureLabAptRepo, maybe still being built), copied into each node. */
  readonly aptRepo: string | Promise<string>;
  readonly sshdLogLevel?: SshdLogLevel | undefined;
  readonly onNodeReady?: ((node: string, ready: number, total: number) => void) | undefined;
}

/**
 * Starts `toStart` (planned, not yet existing) on the lab's bridge and waits until each sshd
 * answers. `all` is every node the lab will have, so each new node knows the others by name.
 * The first failure is thrown; what was made of the nodes is left for the caller to remove.
 */
export async function startNodes(tools: Tools, paths: LabPaths, bridge: string, subnet: LabSubnet, toStart: readonly LabNodeState[], all: readonly LabNodeState[], authorizedKey: string, opts: StartNodesOptions): Promise<LabNodeState[]> {
  const limit = pLimit(Math.max(1, opts.parallel ?? 16));
  let ready = 0;
  const link = (n: LabNodeState): Promise<void> => createNodeLink(tools, bridge, n.netns, n.veth, `${n.address}/${subnet.prefix}`);
  // The first `ip netns add` on a machine makes /run/netns a shared mount; only one should try.
  if (toStart[0]) await link(toStart[0]);
  const results = await Promise.allSettled(toStart.map((n, k) => limit(async (): Promise<LabNodeState> => {
    if (k > 0) await link(n);
    const scratch = nodeScratchDir(paths, n.name);
    const logFile = nodeLogFile(paths, n.name);
    mkdirSync(scratch, { recursive: true, mode: 0o755 });
    const launched = launchNodeProcess(tools, n, scratch, logFile, authorizedKey, all, opts.sshdLogLevel);
    await waitForSsh(n.address, { deadline: opts.deadline, exited: launched.exited, node: n.name, logFile });
    const pid = childPidOf(launched.launcherPid);
    if (!pid) throw new Error(`node ${n.name}: its PID 1 is not a child of ${launched.launcherPid}`);
    opts.onNodeReady?.(n.name, ++ready, toStart.length);
    return { ...n, pid, launcherPid: launched.launcherPid, hostKey: readNodeHostKey(pid) };
  })));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const started = results.map((r) => (r as PromiseFulfilledResult<LabNodeState>).value);
  // The package repository (built meanwhile) into each node's own layer, through its root: the
  // lab directory may be under the machine's /tmp, which a node does not see. After every node
  // answers, so the build never holds up a node's start.
  const repo = await opts.aptRepo;
  await Promise.all(started.map((n) => limit(() => installLabAptRepo(repo, `/proc/${n.pid}/root`))));
  return started;
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

/** known_hosts, ssh_config and the inventory for the lab's nodes, then the state (phase up). */
export function writeLabFiles(paths: LabPaths, state: LabState): void {
  const files = { keyFile: paths.key, knownHostsFile: paths.knownHosts };
  writeFileAtomic(paths.knownHosts, renderKnownHosts(state.nodes), 0o644);
  writeFileAtomic(paths.sshConfig, renderSshConfig(state.nodes, files), 0o644);
  writeFileAtomic(paths.inventory, renderInventory(state.name, state.nodes, files), 0o644);
  mkdirSync(paths.groupVars, { recursive: true });
  writeFileAtomic(join(paths.groupVars, 'all.yml'), renderLabVars(state.subnet ?? `${(state.nodes[0]?.address ?? '198.18.0.1').replace(/\.\d+$/, '')}.0/24`, state.gateway), 0o644);
  writeLabState(paths, state);
}
