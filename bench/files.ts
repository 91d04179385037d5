import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What the scenario leaves on a node, to check that every tool leaves the same: each path the
 * playbook manages (a task's `path`/`dest`, a `creates` guard's file) and the folders they are
 * in, read through the node's root as the machine sees it (`/proc/PID/root`), never by logging in.
 * Per path: its type, mode, owner and group, and its content's SHA-256 (files), target (links) or
 * entry names (folders: a tool's leftover temporary or backup file shows there).
 * Times are left out: they differ from run to run by nature.
 */

export interface FileEntry {
  readonly type: 'file' | 'dir' | 'link' | 'other' | 'absent';
  /** Permission bits in octal, e.g. "0644" (setuid/setgid/sticky included). */
  readonly mode?: string | undefined;
  /** "uid:gid" */
  readonly owner?: string | undefined;
  readonly sha256?: string | undefined;
  readonly target?: string | undefined;
  readonly entries?: readonly string[] | undefined;
}

/** Path on the node -> what is there. */
export type FileSnapshot = Readonly<Record<string, FileEntry>>;

const MODULES = ['file', 'template', 'copy', 'lineinfile', 'shell', 'command'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{{ name }}` substitution, enough for the scenario's paths; an unknown name is an error. */
function render(text: string, vars: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`the scenario's path ${text} uses ${name}, which it does not define`);
    return String(vars[name]);
  });
}

/**
 * The paths the scenario's tasks manage on `host`, sorted: each task's `path` or `dest` (every
 * item of a loop), each `creates` file, and every folder above them up to the root.
 */
export function managedPaths(plays: readonly unknown[], host: string): string[] {
  const paths = new Set<string>();
  for (const play of plays) {
    if (!isRecord(play)) continue;
    const vars = { ...(isRecord(play.vars) ? play.vars : {}), inventory_hostname: host };
    for (const task of Array.isArray(play.tasks) ? play.tasks : []) {
      if (!isRecord(task)) continue;
      const items = Array.isArray(task.loop) ? task.loop : [undefined];
      for (const item of items) {
        const v = item === undefined ? vars : { ...vars, item };
        for (const mod of MODULES) {
          const args = task[mod];
          for (const key of ['path', 'dest'] as const) {
            if (isRecord(args) && typeof args[key] === 'string') paths.add(render(args[key], v));
          }
        }
        if (isRecord(task.args) && typeof task.args.creates === 'string') paths.add(render(task.args.creates, v));
      }
    }
  }
  for (const p of [...paths]) {
    for (let d = dirname(p); d !== '/' && d !== '.'; d = dirname(d)) paths.add(d);
  }
  return [...paths].sort();
}

/** What is at `path` under `root` (a node's root as the machine sees it). */
export function readEntry(root: string, path: string): FileEntry {
  const full = join(root, path);
  let st;
  try { st = lstatSync(full); } catch { return { type: 'absent' }; }
  const base = { mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), owner: `${st.uid}:${st.gid}` };
  if (st.isSymbolicLink()) return { type: 'link', ...base, target: readlinkSync(full) };
  if (st.isDirectory()) return { type: 'dir', ...base, entries: readdirSync(full).sort() };
  if (st.isFile()) return { type: 'file', ...base, sha256: createHash('sha256').update(readFileSync(full)).digest('hex') };
  return { type: 'other', ...base };
}

export function snapshotFiles(root: string, paths: readonly string[]): FileSnapshot {
  return Object.fromEntries(paths.map((p) => [p, readEntry(root, p)]));
}

/** One SHA-256 over the whole snapshot (paths sorted): what the results file records. */
export function snapshotDigest(s: FileSnapshot): string {
  return createHash('sha256').update(JSON.stringify(Object.keys(s).sort().map((p) => [p, s[p]]))).digest('hex');
}

function describeEntry(e: FileEntry | undefined): string {
  if (!e || e.type === 'absent') return 'absent';
  return e.type;
}

/**
 * Every difference between two snapshots, one line each, naming both tools:
 * `/etc/issue.net: mode 0644 (k8sbm) vs 0600 (pyinfra)`. Empty when they agree.
 */
export function diffSnapshots(a: FileSnapshot, b: FileSnapshot, aName: string, bName: string): string[] {
  const out: string[] = [];
  const vs = (what: string, x: string, y: string): string => `${what} ${x} (${aName}) vs ${y} (${bName})`;
  for (const path of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[path];
    const y = b[path];
    if (describeEntry(x) !== describeEntry(y)) {
      out.push(`${path}: ${vs('', describeEntry(x), describeEntry(y)).trim()}`);
      continue;
    }
    if (!x || !y || x.type === 'absent') continue;
    const d: string[] = [];
    if (x.mode !== y.mode) d.push(vs('mode', x.mode ?? '?', y.mode ?? '?'));
    if (x.owner !== y.owner) d.push(vs('owner', x.owner ?? '?', y.owner ?? '?'));
    if (x.sha256 !== y.sha256) d.push(vs('content sha256', (x.sha256 ?? '').slice(0, 12), (y.sha256 ?? '').slice(0, 12)));
    if (x.target !== y.target) d.push(vs('target', x.target ?? '?', y.target ?? '?'));
    const xe = x.entries ?? [];
    const ye = y.entries ?? [];
    const onlyX = xe.filter((n) => !ye.includes(n));
    const onlyY = ye.filter((n) => !xe.includes(n));
    if (onlyX.length) d.push(`only with ${aName}: ${onlyX.join(', ')}`);
    if (onlyY.length) d.push(`only with ${bName}: ${onlyY.join(', ')}`);
    if (d.length) out.push(`${path}: ${d.join('; ')}`);
  }
  return out;
}
