import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ExecResult } from '../transport/connection.js';
import { FactChangedError, FactError, FactParseError, factCommandFailed, type FactDef, type ManyReads } from './types.js';

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
  /** Regular files up to CONTENT_LIMIT bytes, when readable and read with fileContentFact (edits, diffs). */
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

// One exec answers everything; the path and its parent arrive as positional parameters, then
// `meta` when the content is not wanted (the plan needs only the hash). `stat -c` is
// GNU/busybox: every Linux node has one of them. The ancestor of a missing path is found with
// the shell's own string operations, not a process per level.
export const FILE_FACT_SCRIPT = `p=$1
echo k8sbm-file 1
if [ -d "$2" ]; then echo parent=1; else echo parent=0; fi
if [ ! -e "$p" ] && [ ! -L "$p" ]; then
  a=$2; while [ ! -e "$a" ] && [ "$a" != / ] && [ "$a" != . ]; do case $a in */*) a=\${a%/*}; a=\${a:-/};; *) a=.;; esac; done
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
[ "$3" != meta ] || exit 0
set -- $info
[ "$4" -le ${CONTENT_LIMIT} ] || exit 0
echo content=
base64 < "$p"
`;

/**
 * Many paths in one script, with a handful of processes whatever their number: one `stat` for
 * every path that exists, one `sha256sum` for every readable regular file, one `cat | base64`
 * for the content asked for (cut back into files by the sizes `stat` gave, in parseFileFacts).
 * Each path's section reads as the one-path script's output would, and is followed by a line
 * `\nTOKEN INDEX CODE`. When the bulk reads do not line up (a path appeared or vanished
 * meanwhile, a `sha256sum` that does not escape odd names), every path is read by the one-path
 * script instead, and the content comes in each section.
 *
 *   sh -c FILE_FACTS_SCRIPT k8sbm-files TOKEN content|meta ONE_PATH_SCRIPT PATH PARENT PATH PARENT ...
 */
export const FILE_FACTS_SCRIPT = `tok=$1 want=$2 one=$3; shift 3
n=0
while [ $# -gt 1 ]; do eval "k8sbm_p$n=\\$1 k8sbm_d$n=\\$2"; n=$((n + 1)); shift 2; done
bulk() {
  set --
  i=0
  while [ $i -lt $n ]; do
    eval "p=\\$k8sbm_p$i"
    if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; eval "k8sbm_x$i=1"; else eval "k8sbm_x$i="; fi
    i=$((i + 1))
  done
  e=$# info=
  if [ $e -gt 0 ]; then info=$(stat -c '%f %u %g %s %U:%G' -- "$@" 2>/dev/null) || return 1; fi
  set -f; k8sbm_ifs=$IFS; IFS='
'; set -- $info; IFS=$k8sbm_ifs; set +f
  [ $# -eq $e ] || return 1
  i=0
  while [ $i -lt $n ]; do
    eval "x=\\$k8sbm_x$i"
    if [ -n "$x" ]; then eval "k8sbm_s$i=\\$1"; shift; fi
    i=$((i + 1))
  done
  set --
  i=0
  while [ $i -lt $n ]; do
    eval "x=\\$k8sbm_x$i s=\\$k8sbm_s$i p=\\$k8sbm_p$i"
    eval "k8sbm_r$i="
    if [ -n "$x" ]; then
      case $s in 8???\\ *) if [ -r "$p" ]; then set -- "$@" "$p"; eval "k8sbm_r$i=1"; else eval "k8sbm_r$i=0"; fi;; esac
    fi
    i=$((i + 1))
  done
  h=$# sums=
  if [ $h -gt 0 ]; then sums=$(sha256sum -- "$@" 2>/dev/null) || return 1; fi
  set -f; k8sbm_ifs=$IFS; IFS='
'; set -- $sums; IFS=$k8sbm_ifs; set +f
  [ $# -eq $h ] || return 1
  i=0
  while [ $i -lt $n ]; do
    eval "r=\\$k8sbm_r$i"
    if [ "$r" = 1 ]; then l=\${1#\\\\}; eval "k8sbm_h$i=\\\${l%% *}"; shift; fi
    i=$((i + 1))
  done
}
if bulk; then
  set --
  i=0
  while [ $i -lt $n ]; do
    eval "p=\\$k8sbm_p$i d=\\$k8sbm_d$i x=\\$k8sbm_x$i s=\\$k8sbm_s$i r=\\$k8sbm_r$i h=\\$k8sbm_h$i"
    echo k8sbm-file 1
    if [ -d "$d" ]; then echo parent=1; else echo parent=0; fi
    if [ -z "$x" ]; then
      a=$d; while [ ! -e "$a" ] && [ "$a" != / ] && [ "$a" != . ]; do case $a in */*) a=\${a%/*}; a=\${a:-/};; *) a=.;; esac; done
      if [ -d "$a" ] && [ ! -x "$a" ]; then printf 'denied=%s\\n' "$a"; else echo exists=0; printf 'ancestor=%s\\n' "$a"; fi
    else
      printf 'stat=%s\\n' "$s"
      case $s in a???\\ *) printf 'link=%s\\n' "$(readlink -- "$p")";; esac
      if [ "$r" = 0 ]; then echo readable=0
      elif [ "$r" = 1 ]; then
        printf 'sha256=%s\\n' "$h"
        t=\${s#* }; t=\${t#* }; t=\${t#* }
        if [ "$want" = content ] && [ "\${t%% *}" -le ${CONTENT_LIMIT} ]; then set -- "$@" "$p"; fi
      fi
    fi
    printf '\\n%s %s 0\\n' "$tok" "$i"
    i=$((i + 1))
  done
  if [ "$want" = content ]; then
    printf '%s content\\n' "$tok"
    if [ $# -gt 0 ]; then cat -- "$@" | base64; fi
  fi
else
  i=0
  while [ $i -lt $n ]; do
    eval "p=\\$k8sbm_p$i d=\\$k8sbm_d$i"
    if [ "$want" = content ]; then sh -c "$one" k8sbm-file "$p" "$d"; else sh -c "$one" k8sbm-file "$p" "$d" meta; fi
    printf '\\n%s %s %s\\n' "$tok" "$i" "$?"
    i=$((i + 1))
  done
fi
`;

/** "/etc//foo/" -> "/etc/foo": one spelling per path, so check-mode predictions line up. */
export function normalizeFilePath(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** The file fact's command for one path; `content: false` reads the hash only (no content). */
export function fileFactArgv(path: string, content = true): string[] {
  const p = normalizeFilePath(path);
  return ['sh', '-c', FILE_FACT_SCRIPT, 'k8sbm-file', p, posix.dirname(p), ...(content ? [] : ['meta'])];
}

/** Many paths' file facts in one command (FILE_FACTS_SCRIPT). */
export function fileFactsMany(content: boolean): (paths: readonly string[]) => ManyReads {
  return (paths) => {
    const token = `k8sbm-files-${randomBytes(12).toString('hex')}`;
    const ps = paths.map(normalizeFilePath);
    const argv = ['sh', '-c', FILE_FACTS_SCRIPT, 'k8sbm-files', token, content ? 'content' : 'meta', FILE_FACT_SCRIPT, ...ps.flatMap((p) => [p, posix.dirname(p)])];
    return { argv, split: (res) => splitFileFacts(res, ps.length, token, content) };
  };
}

/**
 * Pure: the output of FILE_FACTS_SCRIPT -> each path's answer as the one-path script gives it.
 * Content read in bulk is cut by the sizes of the stat lines; when it does not add up (a file
 * written meanwhile), the paths that had content are left unanswered (read again on their own).
 */
export function splitFileFacts(res: ExecResult, count: number, token: string, content: boolean): (ExecResult | undefined)[] {
  const none = (): undefined[] => new Array<undefined>(count).fill(undefined);
  if (res.code !== 0 || res.signal !== null) return none();
  const sections: { stdout: string; code: number }[] = [];
  let o = 0;
  for (let i = 0; i < count; i++) {
    const tag = `\n${token} ${i} `;
    const at = res.stdout.indexOf(tag, o);
    if (at < 0) return none();
    const eol = res.stdout.indexOf('\n', at + tag.length);
    const code = Number(res.stdout.slice(at + tag.length, eol < 0 ? undefined : eol));
    if (eol < 0 || !Number.isInteger(code)) return none();
    sections.push({ stdout: res.stdout.slice(o, at), code });
    o = eol + 1;
  }
  const answer = (s: { stdout: string; code: number }, extra = ''): ExecResult =>
    ({ code: s.code, signal: null, stdout: s.stdout + extra, stderr: s.code === 0 ? '' : res.stderr });
  const head = `${token} content\n`;
  if (!content || !res.stdout.startsWith(head, o)) return sections.map((s) => answer(s));
  // Bulk content: the files with a hash and a size within the limit, one after the other.
  const blob = Buffer.from(res.stdout.slice(o + head.length), 'base64');
  const sizes = sections.map((s) => {
    if (!/^sha256=/m.test(s.stdout)) return undefined;
    const m = /^stat=[0-9a-f]+ \d+ \d+ (\d+) /m.exec(s.stdout);
    const size = m ? Number(m[1]) : NaN;
    return size <= CONTENT_LIMIT ? size : undefined;
  });
  const total = sizes.reduce<number>((a, z) => a + (z ?? 0), 0);
  if (total !== blob.length) return sections.map((s, i) => (sizes[i] === undefined ? answer(s) : undefined));
  let at = 0;
  return sections.map((s, i) => {
    const z = sizes[i];
    if (z === undefined) return answer(s);
    const part = blob.subarray(at, at + z);
    at += z;
    return answer(s, `${s.stdout.endsWith('\n') ? '' : '\n'}content=\n${part.toString('base64')}\n`);
  });
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

/**
 * What a path is: type, mode, owner, size, link target, the SHA-256 of a readable regular file;
 * no content (a plan that compares hashes needs none). Plans that edit or show the content read
 * fileContentFact, the same fact with the content of files up to CONTENT_LIMIT.
 */
export const fileFact: FactDef<string, FileState> = {
  name: 'file',
  key: normalizeFilePath,
  argv: (path) => fileFactArgv(path, false),
  parse: (res, path) => parseFileFactOutput(res, normalizeFilePath(path)),
  many: fileFactsMany(false),
};

/** The file fact with the content of regular files up to CONTENT_LIMIT (base64 on the wire). */
export const fileContentFact: FactDef<string, FileState> = {
  name: 'file',
  key: normalizeFilePath,
  argv: (path) => fileFactArgv(path, true),
  parse: (res, path) => parseFileFactOutput(res, normalizeFilePath(path)),
  many: fileFactsMany(true),
};

/**
 * The answer about a missing `path` once the directory `dir` above it was created (with every
 * directory between it and the nearest one that existed): still missing, the new directory now
 * the nearest that exists, the parent a directory when it is `dir` itself. Undefined unless the
 * answer said the path was missing below an ancestor that `dir` lies under (so `dir` is new, and
 * nothing below it exists yet): the caller then reads the path again.
 */
export function missingBelowNewDirectory(res: ExecResult, path: string, dir: string): ExecResult | undefined {
  if (res.code !== 0) return undefined;
  const lines = res.stdout.split('\n');
  if (lines[0] !== 'k8sbm-file 1' || !/^parent=[01]$/.test(lines[1] ?? '') || lines[2] !== 'exists=0') return undefined;
  const ancestor = /^ancestor=(.*)$/.exec(lines[3] ?? '')?.[1];
  if (ancestor === undefined || lines.slice(4).some((l) => l !== '')) return undefined;
  const below = (x: string, y: string): boolean => x !== y && (y === '/' ? x.startsWith('/') : x.startsWith(`${y}/`));
  if (!below(dir, ancestor) || !below(path, dir)) return undefined;
  const parent = posix.dirname(path) === dir ? 1 : 0;
  return { ...res, stdout: `k8sbm-file 1\nparent=${parent}\nexists=0\nancestor=${dir}\n` };
}
