import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Lab } from '../src/lab/index.js';
import { nodeLogFile } from '../src/lab/state.js';
import { countSshdSessions, parseProcStatCpuTicks, type SshdSessionCounts } from './parse.js';

/**
 * What the nodes saw during one phase: the sessions each sshd logged and the CPU each node
 * spent, read from the machine's side (the node logs and /proc), never by logging in.
 */

export interface NodeMark {
  readonly logFile: string;
  readonly logOffset: number;
  readonly pid: number;
  readonly cpuTicks: number;
}

export interface NodeUsage {
  readonly sessions: Readonly<Record<string, SshdSessionCounts>>;
  /** CPU seconds of every node's sshd and everything it ran, summed over the nodes. */
  readonly cpuS: number;
  /** Some node still had a session process when we read the CPU (its share is missing). */
  readonly cpuIncomplete: boolean;
}

function cpuTicksOf(pid: number): number {
  const t = parseProcStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return t.self + t.children;
}

export function markNodes(lab: Lab): Record<string, NodeMark> {
  return Object.fromEntries(lab.nodes.map((n) => {
    const logFile = nodeLogFile(lab.files, n.name);
    return [n.name, { logFile, logOffset: statSync(logFile).size, pid: n.pid, cpuTicks: cpuTicksOf(n.pid) }];
  }));
}

function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try { readSync(fd, buf, 0, buf.length, offset); } finally { closeSync(fd); }
  return buf.toString('utf8');
}

function hasChildren(pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim() !== ''; } catch { return false; }
}

/**
 * A connection's sshd process on the node exits a moment after the client leaves; its CPU
 * reaches the node's sshd only when it is reaped. Wait (bounded) for every node to be idle.
 */
export async function waitForIdleNodes(lab: Lab, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    if (!lab.nodes.some((n) => hasChildren(n.pid))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(100, pause * 2);
  }
}

export function nodeUsageSince(marks: Readonly<Record<string, NodeMark>>, clockTicks: number, idle: boolean): NodeUsage {
  const sessions: Record<string, SshdSessionCounts> = {};
  let ticks = 0;
  for (const [node, m] of Object.entries(marks)) {
    sessions[node] = countSshdSessions(readFrom(m.logFile, m.logOffset));
    ticks += cpuTicksOf(m.pid) - m.cpuTicks;
  }
  return { sessions, cpuS: ticks / clockTicks, cpuIncomplete: !idle };
}
