import { type LabRef, isNodeProcess, resolveLab } from './lab.js';
import { findLabLeftovers } from './network.js';
import { sshBanner } from './node.js';
import { type LabPaths, readLabState } from './state.js';
import { checkLabPrerequisites } from './system.js';

export interface LabNodeStatus {
  readonly name: string;
  readonly address: string;
  readonly group: 'control_plane' | 'workers';
  readonly pid: number | undefined;
  /** Its PID 1 is alive and lives in the node's network namespace. */
  readonly running: boolean;
  /** Its sshd answered with a banner on port 22 just now. */
  readonly sshd: boolean;
}

/**
 * absent: nothing of the lab exists. partial: something exists but the lab never finished
 * coming up (or its state file is gone). degraded: it came up, but a node no longer answers.
 */
export type LabCondition = 'absent' | 'partial' | 'up' | 'degraded';

export interface LabStatus {
  readonly name: string;
  readonly dir: string;
  readonly condition: LabCondition;
  readonly bridge: string;
  readonly subnet: string | undefined;
  readonly createdAt: string | undefined;
  readonly nodes: readonly LabNodeStatus[];
  readonly files: LabPaths | undefined;
}

export async function labStatus(ref: LabRef): Promise<LabStatus> {
  const tools = checkLabPrerequisites();
  const { name, paths, names } = resolveLab(ref);
  const state = readLabState(paths);
  const nodes: LabNodeStatus[] = await Promise.all((state?.nodes ?? []).map(async (n) => {
    const running = isNodeProcess(n);
    return { name: n.name, address: n.address, group: n.group, pid: n.pid, running, sshd: running && !!(await sshBanner(n.address, 22, 2000)) };
  }));
  let condition: LabCondition;
  if (state?.phase === 'up') condition = nodes.every((n) => n.running && n.sshd) ? 'up' : 'degraded';
  else {
    const left = await findLabLeftovers(tools, names);
    condition = state || left.bridge || left.netns.length || left.links.length ? 'partial' : 'absent';
  }
  return {
    name: state?.name ?? name, dir: paths.dir, condition, bridge: names.bridge, subnet: state?.subnet, createdAt: state?.createdAt,
    nodes, files: state?.phase === 'up' ? paths : undefined,
  };
}
