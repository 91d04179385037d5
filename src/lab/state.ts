import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import type { SshdLogLevel } from './render.js';

/**
 * The lab directory and its state file. The state file is written before anything is created
 * (phase "starting") and again when every node answers (phase "up"), so `down` and `status`
 * always know at least the lab's names. A resize rewrites it (still "up") with the new nodes.
 */

export interface LabPaths {
  readonly dir: string;
  readonly inventory: string;
  /** group_vars/all.yml beside the inventory: the inventory contract's values for the lab. */
  readonly groupVars: string;
  readonly sshConfig: string;
  readonly knownHosts: string;
  readonly key: string;
  readonly publicKey: string;
  readonly state: string;
  readonly nodesDir: string;
  /** The lab's Kubernetes package repository, built once and copied into every node (lab-packages.ts). */
  readonly aptCache: string;
}

export function labPaths(dir: string): LabPaths {
  return {
    dir,
    inventory: join(dir, 'hosts'),
    groupVars: join(dir, 'group_vars'),
    sshConfig: join(dir, 'ssh_config'),
    knownHosts: join(dir, 'known_hosts'),
    key: join(dir, 'id_ed25519'),
    publicKey: join(dir, 'id_ed25519.pub'),
    state: join(dir, 'state.json'),
    nodesDir: join(dir, 'nodes'),
    aptCache: join(dir, 'apt'),
  };
}

/** Mount point of a node's private tmpfs (empty as seen from the machine) and its log. */
export function nodeScratchDir(paths: LabPaths, node: string): string { return join(paths.nodesDir, node); }
export function nodeLogFile(paths: LabPaths, node: string): string { return join(paths.nodesDir, `${node}.log`); }

export interface LabNodeState {
  readonly name: string;
  readonly address: string;
  readonly group: 'control_plane' | 'workers';
  readonly netns: string;
  readonly veth: string;
  /** The node's sshd, PID 1 of the node's PID namespace, as the machine numbers it. */
  readonly pid?: number | undefined;
  /** The `unshare` process that forked it (it waits for the node and exits with it). */
  readonly launcherPid?: number | undefined;
  readonly hostKey?: string | undefined;
}

export interface LabState {
  readonly version: 1;
  readonly name: string;
  readonly id: string;
  readonly dir: string;
  readonly phase: 'starting' | 'up';
  readonly bridge: string;
  readonly subnet?: string | undefined;
  readonly gateway?: string | undefined;
  readonly createdAt: string;
  /** sshd LogLevel the lab's nodes were started with (absent: sshd's own); nodes added later get the same. */
  readonly sshdLogLevel?: SshdLogLevel | undefined;
  readonly nodes: readonly LabNodeState[];
}

export function readLabState(paths: LabPaths): LabState | undefined {
  let text: string;
  try { text = readFileSync(paths.state, 'utf8'); } catch { return undefined; }
  try {
    const s = JSON.parse(text) as LabState;
    if (s.version !== 1 || !Array.isArray(s.nodes)) throw new Error('unknown layout');
    return s;
  } catch (e) {
    throw new K8sbmError('K8SBM_LAB_STATE_INVALID', `the lab state file ${paths.state} cannot be read: ${(e as Error).message}`, {
      hint: 'remove the lab with `k8sbm lab down` (it also finds a lab by its directory alone)',
    });
  }
}

export function writeLabState(paths: LabPaths, state: LabState): void {
  mkdirSync(paths.dir, { recursive: true });
  writeFileAtomic(paths.state, `${JSON.stringify(state, null, 2)}\n`, 0o644);
}

/** Readers never see half a file: write beside, then rename. */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}
