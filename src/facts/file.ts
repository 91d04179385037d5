import { posix } from 'node:path';
import type { ExecResult } from '../transport/connection.js';
import { FactChangedError, FactError, FactParseError, factCommandFailed, type FactDef } from './types.js';

export type FileKind = 'file' | 'directory' | 'link' | 'other';

/**
 * What one path looks like on a host (lstat: a symlink is reported as a link, not followed).
 * Fields other than `exists` are absent when the path does not exist, and may be absent in a
 * check-mode prediction when a module cannot know them (e.g. the owner of a new file).
 */
export interface FileState {
  readonly exists: boolean;
  /** The parent is a directory (links followed). Lets a new file skip a second look-up. */
  readonly parentIsDir?: boolean | undefined;
  readonly type?: FileKind | undefined;
  /** Four octal digits, special bits included: "0644", "2775". */
  readonly mode?: string | undefined;
  /** Absent when the uid has no name on the host. */
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  readonly size?: number | undefined;
  /** Symlinks only: the target as stored in the link. */
  readonly linkTarget?: string | undefined;
  /** Regular files only, when readable. */
  readonly sha256?: string | undefined;
  /** Regular files up to CONTENT_LIMIT bytes, when readable: diffs and edits need no second trip. */
  readonly content?: Buffer | undefined;
  /** False when a regular file exists but cannot be read with the current privileges. */
  readonly readable?: boolean | undefined;
  /**
   * Missing paths only: the nearest ancestor that exists, so `mkdir -p` can predict every
   * directory it will create (check mode sees them all, not just the last one).
   */
  readonly existingAncestor?: string | undefined;
}

/** Files up to this size come back with their content. */
export const CONTENT_LIMIT = 256 * 1024;

// One exec answers everything; the path and its parent arrive as positional parameters.
// `stat -c` is GNU/busybox: every Linux node has one of them.
const FILE_FACT_SCRIPT = `p=$1
echo k8sbm-file 1
if [ -d "$2" ]; then echo parent=1; else echo parent=0; fi
if [ ! -e "$p" ] && [ ! -L "$p" ]; then
  a=$2; while [ ! -e "$a" ] && [ "$a" != / ] && [ "$a" != . ]; do a=$(dirname -- "$a"); done
  if [ -d "$a" ] && [ ! -x "$a" ]; then printf 'denied=%s\\n' "$a"; exit 0; fi
  echo exists=0; printf 'ancestor=%s\\n' "$a"; exit 0
fi
info=$(stat -c '%f %u %g %s %U:%G' -- "$p") || exit 1
printf 'stat=%s\\n' "$info"
if [ -L "$p" ]; then printf 'link=%s\\n' "$(readlink -- "$p")"; exit 0; fi
[ -f "$p" ] || exit 0
[ -r "$p" ] || { echo readable=0; exit 0; }
sum=$(sha256sum < "$p") || exit 1
printf 'sha256=%s\\n' "\${sum%% *}"
set -- $info
[ "$4" -le ${CONTENT_LIMIT} ] || exit 0
echo content=
base64 < "$p"
`;

/** "/etc//foo/" -> "/etc/foo": one spelling per path, so check-mode predictions line up. */
export function normalizeFilePath(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export function fileFactArgv(path: string): string[] {
  const p = normalizeFilePath(path);
  return ['sh', '-c', FILE_FACT_SCRIPT, 'k8sbm-file', p, posix.dirname(p)];
}

const S_IFMT = 0o170000;
const KINDS: Readonly<Record<number, FileKind>> = { 0o100000: 'file', 0o040000: 'directory', 0o120000: 'link' };

/** Pure: the output of the fact script -> FileState; FactError when the host could not say. */
export function parseFileFactOutput(res: ExecResult, path: string): FileState {
  if (res.code !== 0) {
    throw factCommandFailed('file', `cannot inspect ${path}`, res);
  }
  const lines = res.stdout.split('\n');
  const start = lines.indexOf('k8sbm-file 1');
  if (start < 0) throw new FactParseError('file', `unexpected output for ${path}: ${res.stdout.slice(0, 200)}`);
  const fields = new Map<string, string>();
  let content: Buffer | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'content=') {
      content = Buffer.from(lines.slice(i + 1).join(''), 'base64');
      break;
    }
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const parentIsDir = fields.get('parent') === '1';
  const denied = fields.get('denied');
  if (denied !== undefined) {
    // A path below a folder the user may not search looks absent to `test -e`: saying so would
    // be a guess, and a wrong `exists: false` misleads every task that reads it (Ansible fails too).
    throw new FactError('file', 'K8SBM_FACT_UNREADABLE', `cannot inspect ${path}: permission denied (${denied} cannot be searched by the user the task runs as)`);
  }
  if (fields.get('exists') === '0') {
    const ancestor = fields.get('ancestor');
    return ancestor === undefined ? { exists: false, parentIsDir } : { exists: false, parentIsDir, existingAncestor: ancestor };
  }
  const stat = fields.get('stat');
  if (stat === undefined) throw new FactParseError('file', `no stat line for ${path}`);
  const m = /^([0-9a-f]+) (\d+) (\d+) (\d+) ([^:]*):(.*)$/.exec(stat);
  if (!m) throw new FactParseError('file', `cannot read stat line for ${path}: ${stat}`);
  const raw = parseInt(m[1]!, 16);
  const type = KINDS[raw & S_IFMT] ?? 'other';
  const name = (s: string): string | undefined => (s === 'UNKNOWN' || s === '' ? undefined : s);
  const sha256 = fields.get('sha256');
  if (content !== undefined && sha256 !== undefined && content.length !== Number(m[4])) {
    throw new FactChangedError('file', `${path} changed while it was read (${content.length} bytes arrived, its size was ${m[4]})`);
  }
  return {
    exists: true,
    parentIsDir,
    type,
    mode: formatModeBits(raw & 0o7777),
    uid: Number(m[2]),
    gid: Number(m[3]),
    size: Number(m[4]),
    owner: name(m[5]!),
    group: name(m[6]!),
    ...(type === 'link' ? { linkTarget: fields.get('link') ?? '' } : {}),
    ...(type === 'file' ? { readable: fields.get('readable') !== '0', sha256, content } : {}),
  };
}

export function formatModeBits(bits: number): string {
  return (bits & 0o7777).toString(8).padStart(4, '0');
}

export const fileFact: FactDef<string, FileState> = {
  name: 'file',
  key: normalizeFilePath,
  argv: fileFactArgv,
  parse: (res, path) => parseFileFactOutput(res, normalizeFilePath(path)),
};
