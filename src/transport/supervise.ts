/**
 * The wrapper every command runs in on a host, so that it never outlives k8sbm: killed by
 * SIGKILL, its workstation cut off, or stopped on purpose (a second Ctrl-C, SIGTERM), the
 * command stops too, with all of its process group. Plain POSIX sh, in the same exec as the
 * command (no round trip of its own):
 *
 *   sh -c SUPERVISE_ENTRY k8sbm SUPERVISE_SCRIPT SUPERVISE_WATCH STDIN_BYTES LINE
 *
 * - The command gets a process group of its own, and a session where it can: sshd and the local
 *   transport start the shell as a session leader already, sudo's use_pty as a group leader in
 *   its own session; otherwise `setsid`. Without setsid the command stays in the group sshd or
 *   sudo made for this one exec.
 * - The channel's stdin stays open for as long as the command runs. k8sbm writes the request's
 *   stdin (STDIN_BYTES of it) and a newline after it, then nothing: the end of the channel's
 *   stdin means that k8sbm went away, or asks for the command to stop. sshd closes it when the
 *   channel or the connection closes, whoever closed it (sshd sends no SIGHUP without a pty).
 * - A watcher (SUPERVISE_WATCH, `k8sbm-watch` in ps) reads that end. Still running then, the
 *   command's whole session gets SIGTERM, and SIGKILL a second later, from the watcher, which
 *   runs as the user the command runs as (inside sudo). Ended already, nothing is touched: what
 *   it left behind on purpose (`nohup ... &`) stays.
 * - The payload goes to the command through a pipe, read exactly (`head -c`; where head has no
 *   -c and says so, `dd bs=1`);
 *   when the channel ends before the newline that follows it, the payload is cut short, and the
 *   command is stopped before it sees the end of its input (an upload never installs half a
 *   file). A command that never reads a payload larger than a pipe holds and never ends is not
 *   stopped: the pipe stays full and the watcher never starts.
 * - Exit status: without a payload the shell execs the command, so sshd and sudo report its own
 *   exit code or signal. With one, the shell waits for it and can only see 128+N: N is raised
 *   again for HUP, INT, KILL, PIPE, ALRM and TERM, so a killed command still reads as killed
 *   (and one that exits 143 by itself reads as killed by SIGTERM).
 *
 * Details the scripts depend on: the watcher is started from a subshell that ends at once, so it
 * is never the command's child (a program waiting for all its children would wait for it); with
 * a payload, the shell's own stderr goes to /dev/null during the pipeline (sh reports a job killed
 * by a signal there, "Terminated") while the command keeps the channel's; the side that feeds the
 * payload ignores SIGTERM while the watcher stops the command, so the pipe stays open and the
 * command never reads an end of input; the watcher holds no descriptor of the channel's output,
 * so it never keeps a channel open; it checks the command is still there by its pid, which
 * cannot be reused meanwhile, since the watcher is in that pid's process group.
 */

/** Runs SUPERVISE_SCRIPT as a group leader: in place when this shell already is one, else under setsid. */
export const SUPERVISE_ENTRY = `kill -s 0 -- -$$ 2>/dev/null || ! command -v setsid >/dev/null 2>&1 || exec setsid sh -c "$1" k8sbm "$@"
eval "$1"`;

/** $1 this script, $2 the watcher's script, $3 the payload's length in bytes, $4 the command line. */
export const SUPERVISE_SCRIPT = `exec 3<&0 </dev/null
if [ "$3" -gt 0 ]; then
  exec 4>&2 2>/dev/null
  { { head -c "$3" || [ $? -gt 128 ] || dd bs=1 count="$3"; } <&3
    if IFS= read -r _ <&3; then sh -c "$2" k8sbm-watch $$ <&3 >/dev/null &
    else trap '' TERM; sh -c "$2" k8sbm-watch $$ </dev/null >/dev/null; fi
  } 4>&- | { exec 3<&- 2>&4 4>&-; eval "$4"; }
  r=$?
  case $r in 129) s=HUP;; 130) s=INT;; 137) s=KILL;; 141) s=PIPE;; 142) s=ALRM;; 143) s=TERM;; *) exit "$r";; esac
  kill -s "$s" $$
  exit "$r"
fi
( sh -c "$2" k8sbm-watch $$ <&3 >/dev/null 2>&1 & )
exec 3<&-
eval "$4"`;

/** $1 the command's pid (the leader of its group). */
export const SUPERVISE_WATCH = `trap '' TERM
while read -r _; do :; done
kill -s 0 "$1" 2>/dev/null || exit 0
kill -s TERM 0; pkill -TERM -s 0
sleep 1
pkill -KILL -s 0; kill -s KILL 0`;

/** `$0` of the supervising shell: sh's own messages start with it ("k8sbm: 1: cd: can't cd to /x"). */
export const SUPERVISE_NAME = 'k8sbm';

/** What follows the payload on the channel: its arrival tells a whole payload from one cut short. */
export const PAYLOAD_END = '\n';

/**
 * Shell words that are builtins only (no program of that name on a Debian system): a command
 * line starting with one runs in the shell, not through `exec`.
 */
const SHELL_ONLY = new Set([
  ':', '.', 'alias', 'bg', 'break', 'cd', 'command', 'continue', 'eval', 'exec', 'exit', 'export', 'fc', 'fg',
  'getopts', 'hash', 'jobs', 'local', 'read', 'readonly', 'return', 'set', 'shift', 'source', 'times', 'trap',
  'type', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/** Whether the shell may replace itself with this program (so its exit status is the program's own). */
export function canExec(program: string): boolean {
  return !SHELL_ONLY.has(program);
}

/** The argv (to be quoted as one shell line) that runs `line` under the supervisor. */
export function supervisedArgv(line: string, stdinBytes: number, opts: { announce?: string | undefined } = {}): string[] {
  const entry = opts.announce === undefined ? SUPERVISE_ENTRY : `${opts.announce}\n${SUPERVISE_ENTRY}`;
  return ['sh', '-c', entry, SUPERVISE_NAME, SUPERVISE_SCRIPT, SUPERVISE_WATCH, String(stdinBytes), line];
}

/** The length in bytes of a request's stdin, as the transport writes it (strings as UTF-8). */
export function payloadBytes(stdin: string | Buffer | undefined): number {
  if (stdin === undefined) return 0;
  return typeof stdin === 'string' ? Buffer.byteLength(stdin, 'utf8') : stdin.length;
}
