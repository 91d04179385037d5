/**
 * The scripts behind a host's run lock (its lease) and its handler journal. Each is a constant
 * passed as argv ['sh', '-c', SCRIPT, NAME, ARGS...]: what the controller sends (the lease's
 * text, a path it was told, a run id) arrives only as positional parameters, never as script text.
 *
 * Where they live on the node is decided on the node, by who runs the script:
 * - root (the login is root, or the host's `ansible_become` is on): the lease is
 *   /run/k8sbm/lock (a tmpfs: a reboot frees it) and the journal /var/lib/k8sbm/handlers (kept
 *   across reboots: a reboot restarts services, but does not redo what other handlers do);
 * - any other login: both under ${XDG_STATE_HOME:-~/.local/state}/k8sbm/MACHINE-ID/ (the machine
 *   id keeps nodes apart when home directories are shared). Such a run also respects a root
 *   lease it can see in /run/k8sbm.
 * A first argument that is not empty replaces all of that with BASE/run/lock,
 * BASE/lib/handlers and BASE/root/lock (the tests' sandbox).
 */

// Kept readable on purpose: this text runs on every host a run changes, and a reviewer audits it.
// - The lease is written whole into a temp file and linked into place: link(2) fails when the
//   lease exists, so two runs cannot both take it, and a reader never sees half a lease.
// - Its mtime is the heartbeat; ages are taken with the node's clock, so the controller's
//   clock does not matter.
const PATHS = `
LC_ALL=C; export LC_ALL
umask 077
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) || boot=
if [ -n "$base" ]; then
  lockdir=$base/run jdir=$base/lib other=$base/root/lock dmode=0700
elif [ "$(id -u)" = 0 ]; then
  lockdir=/run/k8sbm jdir=/var/lib/k8sbm other= dmode=0755
else
  mid=$(cat /etc/machine-id 2>/dev/null) || mid=
  [ -n "$mid" ] || mid=$(uname -n)
  lockdir=\${XDG_STATE_HOME:-$HOME/.local/state}/k8sbm/$mid
  jdir=$lockdir other=/run/k8sbm/lock dmode=0700
fi
lock=$lockdir/lock journal=$jdir/handlers
printf 'path.lock=%s\\npath.journal=%s\\nboot=%s\\n' "$lock" "$journal" "$boot"
describe() {
  mt=$(stat -c %Y -- "$1" 2>/dev/null) || return 1
  if [ -r "$1" ]; then text=$(cat -- "$1" 2>/dev/null) || return 1; else text=unreadable=1; fi
  printf 'lease=held\\nheld=%s\\nage=%s\\n' "$1" $(( $(date +%s) - mt ))
  printf '%s\\n' "$text" | sed -e 's/^/lease./'
}
`;

/**
 * sh -c SESSION_SCRIPT k8sbm-session MODE BASE LEASE_TEXT
 *
 * The first round trip of a run on a host. MODE `take` takes the lease (or describes the one
 * held), `peek` (check mode, plan) only describes it and writes nothing. Both print the handler
 * journal. Output: `key=value` lines, `lease.KEY=VALUE` for the lease held, `journal:LINE` for
 * each line of the journal.
 */
export const SESSION_SCRIPT = `mode=$1 base=$2 body=$3
${PATHS}
take() {
  if [ -n "$other" ] && describe "$other"; then return; fi
  mkdir -p -m "$dmode" -- "$lockdir" 2>/dev/null || { echo "lease=error cannot create the directory $lockdir"; return; }
  tmp=$(mktemp "$lockdir/.lock.XXXXXX" 2>/dev/null) || { echo "lease=error cannot write in $lockdir"; return; }
  if ! printf '%s\\nstarted=%s\\nboot=%s\\n' "$body" "$(date +%s)" "$boot" > "$tmp"; then
    rm -f -- "$tmp"; echo "lease=error cannot write $tmp"; return
  fi
  n=0
  while [ $n -lt 5 ]; do
    if ln -- "$tmp" "$lock" 2>/dev/null; then rm -f -- "$tmp"; echo lease=taken; return; fi
    if describe "$lock"; then rm -f -- "$tmp"; return; fi
    n=$((n + 1))
  done
  rm -f -- "$tmp"
  echo "lease=error cannot create $lock"
}
peek() {
  if [ -n "$other" ] && describe "$other"; then return; fi
  describe "$lock" || echo lease=free
}
case $mode in
  take) take ;;
  *) peek ;;
esac
if [ -f "$journal" ]; then
  if [ -r "$journal" ]; then sed -e 's/^/journal:/' -- "$journal"; else echo journal=unreadable; fi
fi
`;

/**
 * sh -c BEAT_SCRIPT k8sbm-beat LOCK RUN: the heartbeat, a touch of the lease while it is this
 * run's. Prints beat=ok, or beat=lost when the lease is gone or someone else's.
 */
export const BEAT_SCRIPT = `if grep -qxF -- "run=$2" "$1" 2>/dev/null && touch -c -- "$1"; then echo beat=ok; else echo beat=lost; fi
`;

/**
 * sh -c RELEASE_SCRIPT k8sbm-release LOCK RUN: removes the lease if it is run RUN's (an empty
 * RUN: whoever's it is, for a lease that names no run). Prints release=done or release=lost.
 */
export const RELEASE_SCRIPT = `if [ -e "$1" ] && { [ -z "$2" ] || grep -qxF -- "run=$2" "$1" 2>/dev/null; } && rm -f -- "$1"; then echo release=done; else echo release=lost; fi
`;

/**
 * sh -c JOURNAL_SCRIPT k8sbm-journal FILE, the journal's new text on stdin: replaces it
 * atomically (temp file and rename), or removes it when the text is empty.
 */
export const JOURNAL_SCRIPT = `f=$1 tmp=
umask 077
cleanup() { if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi; }
trap cleanup EXIT
text=$(cat) || exit 1
if [ -z "$text" ]; then rm -f -- "$f"; exit; fi
d=\${f%/*}
mkdir -p -- "$d" || exit 1
tmp=$(mktemp "$d/.handlers.XXXXXX") || { tmp=; exit 1; }
printf '%s\\n' "$text" > "$tmp" && mv -f -- "$tmp" "$f" && tmp=
`;

export type SessionMode = 'take' | 'peek';

export function sessionArgv(mode: SessionMode, leaseText: string, base = ''): string[] {
  return ['sh', '-c', SESSION_SCRIPT, 'k8sbm-session', mode, base, leaseText];
}

export function beatArgv(lock: string, run: string): string[] {
  return ['sh', '-c', BEAT_SCRIPT, 'k8sbm-beat', lock, run];
}

export function releaseArgv(lock: string, run: string): string[] {
  return ['sh', '-c', RELEASE_SCRIPT, 'k8sbm-release', lock, run];
}

export function journalArgv(file: string): string[] {
  return ['sh', '-c', JOURNAL_SCRIPT, 'k8sbm-journal', file];
}
