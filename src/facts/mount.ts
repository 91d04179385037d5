import type { ExecResult } from '../transport/connection.js';
import { parseFileSections, systemFact, systemFactArgv, systemFactSections, type HostFile } from './system-files.js';
import { FactParseError } from './types.js';

/**
 * Mounts and swap: /proc/self/mountinfo (this mount namespace's view), /proc/swaps and the
 * fstab file(s), in one exec. Host-wide (key ""): mounts and swaps are always read whole; files
 * accumulate as tasks ask for them.
 */

export interface MountInfo {
  /** Mount point. */
  readonly path: string;
  /** Mount source ("/dev/sda1", "tmpfs", "server:/export"). */
  readonly src: string;
  readonly fstype: string;
  /** Per-mount options ("rw,nosuid,relatime"). */
  readonly opts: string;
  /** Path inside the source filesystem (not "/" for bind mounts). */
  readonly root: string;
}

export interface SwapInfo {
  readonly file: string;
  readonly type: string;
}

export interface MountFacts {
  /** In mount order: the last entry for a path is the one on top. */
  readonly mounts: readonly MountInfo[];
  /** Active swap areas. */
  readonly swaps: readonly SwapInfo[];
  readonly files: Readonly<Record<string, HostFile>>;
}

export interface MountQuery {
  readonly files: readonly string[];
}

const MOUNT_SCRIPT = `echo '@@k8sbm mount 1'
echo '@@k8sbm mountinfo'
cat /proc/self/mountinfo || exit 1
if [ -r /proc/swaps ]; then echo '@@k8sbm swaps'; cat /proc/swaps; fi
while [ $# -gt 0 ] && [ "$1" != @@files ]; do shift; done
shift
read_files "$@"
`;

/** The kernel's escapes in mountinfo, swaps and fstab: \\040 is a space, \\011 a tab, \\012 a newline, \\134 a backslash. */
export function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Pure: /proc/self/mountinfo -> mounts, in order. */
export function parseMountinfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (f.length < 10 || dash < 0 || dash + 2 >= f.length) throw new FactParseError('mount', `cannot read mountinfo line: ${line}`);
    out.push({ path: unescapeOctal(f[4]!), src: unescapeOctal(f[dash + 2]!), fstype: f[dash + 1]!, opts: f[5]!, root: unescapeOctal(f[3]!) });
  }
  return out;
}

/** Pure: /proc/swaps -> active swap areas. */
export function parseProcSwaps(text: string): SwapInfo[] {
  return text.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
    const f = l.trim().split(/\s+/);
    return { file: unescapeOctal(f[0]!), type: f[1] ?? '' };
  });
}

export function mountFactArgv(q: MountQuery): string[] {
  return systemFactArgv('mount', MOUNT_SCRIPT, [], q.files);
}

export function parseMountFactOutput(res: ExecResult, q: MountQuery): MountFacts {
  const sections = systemFactSections(res, 'mount', 'mounts');
  const body = (tag: string): string | undefined => sections.find((s) => s.tag === tag)?.body;
  const info = body('mountinfo');
  if (info === undefined) throw new FactParseError('mount', 'no mountinfo section');
  const swaps = body('swaps');
  return {
    mounts: parseMountinfo(info),
    swaps: swaps === undefined ? [] : parseProcSwaps(swaps),
    files: parseFileSections(sections, q.files, res.stderr),
  };
}

export const mountFact = systemFact('mount', mountFactArgv, parseMountFactOutput);

/** The mount on top at `path`, if anything is mounted there. */
export function mountAt(f: MountFacts, path: string): MountInfo | undefined {
  for (let i = f.mounts.length - 1; i >= 0; i--) if (f.mounts[i]!.path === path) return f.mounts[i];
  return undefined;
}
