import { randomBytes } from 'node:crypto';
import { ActionFailed, type Action } from '../contract/actions.js';
import { assertNever } from '../util/assert-never.js';
import type { BecomeSpec, Connection, ExecRequest, ExecResult } from './connection.js';

/**
 * The fixed script behind every upload. User data (paths, modes, owners, the validate command)
 * arrives only as positional parameters, so nothing a playbook says is ever parsed as script text:
 *
 *   sh -c UPLOAD_SCRIPT k8sbm-upload DEST MODE OWNER GROUP VALIDATE BACKUP RAND READBACK [CONTENT]
 *
 * (the content on stdin, or, from the host shell when it is short text, as the last argument).
 *
 * The content lands in a temp file next to DEST (same filesystem, so the final `mv` is an atomic
 * rename), gets the existing file's owner and mode (or the umask default for a new file), then
 * the requested owner/group/mode, is validated, and only then replaces DEST. Any failure removes
 * the temp file. The validate command is the user's own command line: `%s` becomes "$1" and the
 * temp path is passed as that parameter, so even odd paths are never spliced into its text.
 */
export const UPLOAD_SCRIPT = `dest=$1 mode=$2 owner=$3 group=$4 validate=$5 backup=$6 rand=$7
tmp=
cleanup() { if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { printf 'k8sbm-upload: %s\\n' "$1" >&2; exit "\${2:-1}"; }
case $dest in
  */*) dir=\${dest%/*}; [ -n "$dir" ] || dir=/ ;;
  *) dir=. ;;
esac
if [ -d "$dest" ] && [ ! -L "$dest" ]; then fail "$dest is a directory"; fi
[ -d "$dir" ] || fail "directory $dir does not exist"
# The temporary file beside dest: named with the workstation's random suffix and created by the
# shell itself, exclusively (noclobber), with no program started. A mode in digits without
# execute or special bits is given at creation through the umask (no chmod later); any other
# file starts as 0600, as mktemp's would, so content is never readable by more than it will be.
case $mode in [0-7][0-7][0-7]|[0-7][0-7][0-7][0-7]) m=$(( 0$mode )) ;; *) m= ;; esac
t=$dir/.\${dest##*/}.k8sbm-$rand modeset= u=077
if [ -n "$m" ] && [ $(( m & ~0666 )) -eq 0 ]; then
  u=$(( 0777 & ~m )); u=$(( u / 64 ))$(( u / 8 % 8 ))$(( u % 8 )) modeset=1
fi
(umask "$u"; set -C; true > "$t") || fail "cannot create a temporary file in $dir"
tmp=$t
# The content: on stdin, or (from the host shell, when short text) as a ninth argument, written
# by the shell's own printf: no program started to read it.
if [ $# -ge 9 ]; then printf '%s' "$9" > "$tmp" || fail "cannot write $tmp"
else cat > "$tmp" || fail "cannot write $tmp"; fi
# What the new file keeps of the old one (or the default mode): only what is not set below anyway
# (a mode in digits replaces every bit; owner and group both given replace both).
case $mode in [0-7]*) keepmode= ;; *) keepmode=1 ;; esac
if [ -n "$owner" ] && [ -n "$group" ]; then keepowner=; else keepowner=1; fi
if [ ! -L "$dest" ] && [ -f "$dest" ]; then
  # GNU cp copies both in one program; elsewhere (or when it fails) stat, chown and chmod do.
  if [ -n "$keepmode$keepowner" ] && ! cp --attributes-only --preserve="\${keepmode:+mode}\${keepmode:+\${keepowner:+,}}\${keepowner:+ownership}" -- "$dest" "$tmp" 2>/dev/null; then
    cur=$(stat -c '%a %u:%g' -- "$dest") || fail "cannot stat $dest"
    if [ -n "$keepowner" ]; then chown -- "\${cur#* }" "$tmp" || fail "cannot keep the owner of $dest"; fi
    if [ -n "$keepmode" ]; then chmod -- "\${cur%% *}" "$tmp" || fail "cannot keep the mode of $dest"; fi
  fi
elif [ -n "$keepmode" ]; then
  u=$(umask)
  chmod -- "$(printf '%o' $(( 0666 & ~0$u )))" "$tmp" || fail "cannot set the default mode"
fi
if [ -n "$owner" ] || [ -n "$group" ]; then
  chown -- "$owner\${group:+:$group}" "$tmp" || fail "cannot set owner/group $owner:$group"
fi
if [ -n "$mode" ] && [ -z "$modeset" ]; then chmod -- "$mode" "$tmp" || fail "cannot set mode $mode"; fi
if [ -n "$validate" ]; then
  rest=$validate cmd=
  case $rest in *%s*) ;; *) fail "the validate command must contain %s: $validate" ;; esac
  while :; do
    case $rest in
      *%s*)
        pre=\${rest%%"%s"*} post=\${rest#*"%s"}
        case $pre in
          *\\') case $post in \\'*) pre=\${pre%?} post=\${post#?} ;; esac ;;
          *\\") case $post in \\"*) pre=\${pre%?} post=\${post#?} ;; esac ;;
        esac
        cmd=$cmd$pre'"$1"' rest=$post ;;
      *) cmd=$cmd$rest; break ;;
    esac
  done
  out=$(sh -c "$cmd" k8sbm-validate "$tmp" 2>&1) || {
    rc=$?
    printf '%s\\n' "$out" >&2
    fail "validation failed (exit $rc): $validate" "$rc"
  }
fi
if [ -n "$backup" ] && [ ! -L "$dest" ] && [ -f "$dest" ]; then
  b=$dest.$(date +%Y%m%dT%H%M%S)~
  cp -p -- "$dest" "$b" || fail "cannot back up $dest to $b"
  printf 'backup=%s\\n' "$b"
fi
mv -f -- "$tmp" "$dest" || fail "cannot move the new file into place at $dest"
tmp=
if [ -n "$8" ]; then
  printf '\\n%s\\n' "$8"
  stat -c '%f %u %g %s %U:%G' -- "$dest" && { [ -r "$dest" ] || echo readable=0; }
fi
`;

/** `$0` of the upload script: shows up in `ps` and in sh's own error messages. */
export const UPLOAD_NAME = 'k8sbm-upload';

/**
 * The uploaded file's `stat` line right after it is in place, in the same exec, after a line
 * with `marker` (\\n before it): with the content it just wrote, the engine knows the file's new
 * state without reading it again.
 */
export interface ReadBack {
  readonly marker: string;
}

/** The single exec request that performs an action. */
export function actionToExec(action: Action, become?: BecomeSpec, readBack?: ReadBack): ExecRequest {
  switch (action.kind) {
    case 'exec':
      return { argv: action.argv, stdin: action.stdin, cwd: action.cwd, env: action.env, become, ...(action.light ? { light: true } : {}) };
    case 'upload':
      return {
        argv: [
          'sh', '-c', UPLOAD_SCRIPT, UPLOAD_NAME,
          action.dest,
          action.mode ?? '',
          action.owner ?? '',
          action.group ?? '',
          action.validate ?? '',
          action.backup ? '1' : '',
          randomBytes(6).toString('hex'),
          readBack ? readBack.marker : '',
        ],
        stdin: action.content,
        become,
        light: true,
        stdinAsArg: true,
      };
    default:
      return assertNever(action, 'action');
  }
}

/** Runs one action; throws ActionFailed when the exit code is not one the action accepts. */
export async function runAction(conn: Connection, action: Action, become?: BecomeSpec, timeoutMs?: number, readBack?: ReadBack): Promise<ExecResult> {
  const req = actionToExec(action, become, readBack);
  const res = await conn.exec(timeoutMs === undefined ? req : { ...req, timeoutMs });
  const okCodes = action.kind === 'exec' ? action.okCodes ?? [0] : [0];
  if (res.code === null || !okCodes.includes(res.code)) throw new ActionFailed(action, res);
  return res;
}

/** What the upload script reports on stdout (today: the backup it made, if any). */
export function parseUploadOutput(stdout: string): { backupFile?: string } {
  const m = /^backup=(.*)$/m.exec(stdout);
  return m ? { backupFile: m[1] } : {};
}
