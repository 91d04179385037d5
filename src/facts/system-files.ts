import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { ExecResult } from '../transport/connection.js';
import { CONTENT_LIMIT, FILE_FACT_SCRIPT, FILE_FACTS_SCRIPT, normalizeFilePath, parseFileFactOutput, splitFileFacts, type FileState } from './file.js';
import { FactChangedError, FactParseError, factCommandFailed, readInParts, type FactDef, type FactPart } from './types.js';

/**
 * Shared by the fact families of the system modules (sysctl, kmod, mount, hostname). Each reads
 * the kernel's state AND the config files its decision needs in one exec: its script prints
 * tagged sections (`@@k8sbm TAG ARG...` lines, which no base64 or /proc line can look like), and
 * reads files with the file fact's own script, run as a child, so a file is seen exactly as the
 * file fact sees it (stat, owner, content).
 *
 *   sh -c SCRIPT k8sbm-NAME FILE_FACT_SCRIPT FAMILY_ARGS... @@files PATH...
 */

export const TAG = '@@k8sbm';
export const FILES_SEPARATOR = '@@files';

/** A config file as the system facts carry it: the file fact's state, content as text (JSON-friendly). */
export interface HostFile extends Omit<FileState, 'content' | 'sha256' | 'existingAncestor'> {
  /** UTF-8 content of a readable regular file up to the file fact's content limit. */
  readonly text?: string | undefined;
  /** The content is not UTF-8 text. */
  readonly binary?: boolean | undefined;
}

/**
 * The common head of every system fact script: `$1` is the file fact's one-path script, `$2` its
 * many-path script and `$3` that script's token; `read_files` prints one `files` section with
 * every path's answer, after the family's own sections. The many-path script reads all the
 * paths with a stat, a sha256sum and a base64 in all (a config file cost those three and a
 * new sh each before); it runs in a subshell (a fork, not a new sh), and the parent folders are
 * cut from the paths by the shell (paths come normalized: no trailing or doubled slashes).
 */
export const READ_FILES_SH = `k8sbm_file_script=$1 k8sbm_files_script=$2 k8sbm_files_tok=$3; shift 3
read_files() {
  [ $# -gt 0 ] || return 0
  k8sbm_n=$#
  for k8sbm_f do
    case $k8sbm_f in */*) k8sbm_fd=\${k8sbm_f%/*}; k8sbm_fd=\${k8sbm_fd:-/};; *) k8sbm_fd=.;; esac
    set -- "$@" "$k8sbm_f" "$k8sbm_fd"
  done
  shift $k8sbm_n
  printf '${TAG} files\\n'
  (set -- "$k8sbm_files_tok" content "$k8sbm_file_script" "$@"; eval "$k8sbm_files_script")
  printf '\\n${TAG} files-rc %s\\n' "$?"
}
`;

/**
 * The many-path script's token: it separates the paths' answers, so a host cannot forge it; one
 * per process (a fact's command stays the same through a run, so its read-ahead answer is found).
 */
const FILES_TOKEN = `k8sbm-files-${randomBytes(12).toString('hex')}`;

/** argv of a system fact: the family's script, its own args, then the files to read. */
export function systemFactArgv(name: string, script: string, args: readonly string[], files: readonly string[]): string[] {
  return ['sh', '-c', READ_FILES_SH + script, `k8sbm-${name}`, FILE_FACT_SCRIPT, FILE_FACTS_SCRIPT, FILES_TOKEN, ...args, FILES_SEPARATOR, ...files.map(normalizeFilePath)];
}

export interface Section {
  readonly tag: string;
  readonly args: readonly string[];
  /** The lines between this marker and the next, joined with "\n". */
  readonly body: string;
}

/**
 * A system fact: host-wide (key ""), one exec, read a piece at a time. Its files, and the parts
 * named here, accumulate as tasks ask for more; in check mode a prediction that lacks some of
 * them costs a read of just those (FactDef.partial).
 */
export function systemFact<Q extends { readonly files: readonly string[] }, F extends { readonly files: Readonly<Record<string, HostFile>> }>(
  name: string, argv: (q: Q) => readonly string[], parse: (res: ExecResult, q: Q) => F, ...parts: readonly FactPart<Q, F>[]
): FactDef<Q, F> {
  const files = { query: 'files', fact: 'files', nameOf: normalizeFilePath } as unknown as FactPart<Q, F>;
  return { name, key: () => '', argv, parse, partial: readInParts(...parts, files) };
}

/**
 * The sections of a system fact's output, its family's own tag first; when the script failed,
 * the fact error "cannot read WHAT" with what its stderr says.
 */
export function systemFactSections(res: ExecResult, family: string, what: string): Section[] {
  const sections = splitTagged(res.stdout);
  if (res.code !== 0 || sections[0]?.tag !== family) throw factCommandFailed(family, `cannot read ${what}`, res);
  return sections;
}

/** Pure: the tagged sections of a system fact's output, in order. Text before the first tag is dropped. */
export function splitTagged(stdout: string): Section[] {
  const out: Section[] = [];
  let cur: { tag: string; args: string[]; lines: string[] } | undefined;
  const flush = (): void => {
    if (cur) out.push({ tag: cur.tag, args: cur.args, body: cur.lines.join('\n') });
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${TAG} `)) {
      flush();
      const [tag = '', ...args] = line.slice(TAG.length + 1).split(' ');
      cur = { tag, args, lines: [] };
    } else if (cur) {
      cur.lines.push(line);
    }
  }
  flush();
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

export function hostFileFromState(st: FileState): HostFile {
  const { content, sha256: _sha, existingAncestor: _a, ...rest } = st;
  if (content === undefined) return rest;
  const text = decodeText(content);
  return text === undefined ? { ...rest, binary: true } : { ...rest, text };
}

/** The file fact's view of a HostFile (for predictions other modules read in check mode). */
export function hostFileToState(hf: HostFile): FileState {
  const { text, binary: _b, ...rest } = hf;
  if (text === undefined) return rest;
  const content = Buffer.from(text, 'utf8');
  return { ...rest, size: content.length, content, sha256: createHash('sha256').update(content).digest('hex') };
}

/**
 * The `file N` sections of a system fact's output, by path (paths in the order they were asked).
 * A file the script could not inspect throws FactParseError with the file fact's own message.
 */
export function parseFileSections(sections: readonly Section[], paths: readonly string[], stderr: string): Record<string, HostFile> {
  const files: Record<string, HostFile> = {};
  const file = (path: string, res: ExecResult): void => {
    const st = parseFileFactOutput(res, normalizeFilePath(path));
    files[normalizeFilePath(path)] = hostFileFromState(st);
  };
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    if (s.tag === 'files') {
      // Every path at once (READ_FILES_SH): the many-path script's output, cut by its token.
      const rc = sections[i + 1]?.tag === 'files-rc' ? Number(sections[i + 1]!.args[0]) : 1;
      const answers = splitFileFacts({ code: rc, signal: null, stdout: `${s.body}\n`, stderr }, paths.length, FILES_TOKEN, true);
      answers.forEach((res, j) => {
        // A file written while it was read (its content no longer adds up): the fact is read again.
        if (!res) throw new FactChangedError('file', `${paths[j]} changed while it was read`);
        file(paths[j]!, res);
      });
      continue;
    }
    if (s.tag !== 'file') continue;
    // One section per path: the form of earlier versions, kept for captured outputs.
    const path = paths[Number(s.args[0])];
    if (path === undefined) throw new FactParseError('file', `unexpected file section ${s.args[0]}`);
    const rc = sections[i + 1]?.tag === 'file-rc' ? Number(sections[i + 1]!.args[0]) : 1;
    file(path, { code: rc, signal: null, stdout: s.body, stderr });
  }
  for (const p of paths) {
    if (!(normalizeFilePath(p) in files)) throw new FactParseError('file', `no answer for ${p}`);
  }
  return files;
}

/** Text of a config file, '' when it does not exist; or why it cannot be edited as text. */
export function editableText(hf: HostFile, path: string): { text: string } | { error: string } {
  if (!hf.exists) return { text: '' };
  if (hf.type === 'link') return { error: `${path} is a symbolic link to ${hf.linkTarget}: name the file itself, so the link is not replaced by a file` };
  if (hf.type !== 'file') return { error: `${path} is not a regular file (it is a ${hf.type ?? 'special file'})` };
  if (hf.readable === false) return { error: `cannot read ${path} (permission denied?); run the task with become: true` };
  if (hf.binary) return { error: `${path} is not a UTF-8 text file` };
  if (hf.text === undefined) return { error: `${path} is larger than ${CONTENT_LIMIT / 1024} KiB; it is not edited` };
  return { text: hf.text };
}

/**
 * What a file will look like after k8sbm writes `text` into it: an existing file keeps its mode
 * and owner (the writers copy them), a new one gets 0644 (umask 022) and the become user.
 */
export function predictHostFile(prev: HostFile | undefined, text: string): HostFile {
  const keep = prev?.exists === true && prev.type === 'file';
  return {
    exists: true,
    parentIsDir: true,
    type: 'file',
    mode: keep ? prev.mode : '0644',
    ...(keep ? { owner: prev.owner, group: prev.group, uid: prev.uid, gid: prev.gid } : {}),
    size: Buffer.byteLength(text, 'utf8'),
    readable: true,
    text,
  };
}

export const ABSENT_FILE: HostFile = { exists: false, parentIsDir: true };

/** The effect a written (or removed) file has on the file fact, so copy/stat/lineinfile in check mode see it. */
export function fileEffect(path: string, hf: HostFile): { fact: string; key: string; value: FileState } {
  return { fact: 'file', key: normalizeFilePath(path), value: hostFileToState(hf) };
}

/** Directory of a path, as the file fact computes it. */
export function parentOf(path: string): string {
  return posix.dirname(normalizeFilePath(path));
}
