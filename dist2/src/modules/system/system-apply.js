import { K8sbmError } from '../../source/errors.js';
import { assertNever } from '../../util/assert-never.js';
import { ActionFailed } from '../types.js';
/**
 * Shared by the system modules (modprobe, hostname): one exec that writes and removes small
 * config files atomically and runs commands, in the order given, so a change that touches
 * several files and the kernel still costs a single round trip. User data (paths, content, the
 * commands' arguments) arrives only as positional parameters:
 *
 *   sh -c OPS_SCRIPT k8sbm-apply  write PATH TEXT | remove PATH | run N PROGRAM ARG...  ...
 *
 * A written file lands in a temp file next to it (same filesystem: the final mv is an atomic
 * rename), keeps the mode and owner of the file it replaces (0644 when new), and its directory
 * is created when missing. The first failure stops everything after it.
 */
export const OPS_SCRIPT = `tmp=
cleanup() { if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi; }
trap cleanup EXIT
fail() { printf 'k8sbm: %s\\n' "$1" >&2; exit 1; }
# Runs the first N of the remaining arguments as a command: the rest are rotated away in this
# function's own frame, so the caller's arguments stay as they are.
run_first() {
  _n=$1; shift
  _rest=$(($# - _n)) _i=0
  while [ "$_i" -lt "$_n" ]; do _a=$1; shift; set -- "$@" "$_a"; _i=$((_i + 1)); done
  shift "$_rest"
  "$@"
}
while [ $# -gt 0 ]; do
  case $1 in
    write)
      p=$2 text=$3; shift 3
      d=\${p%/*}; [ -n "$d" ] || d=/
      [ -d "$d" ] || mkdir -p -- "$d" || fail "cannot create directory $d"
      tmp=$(mktemp "$d/.\${p##*/}.k8sbm-XXXXXX") || { tmp=; fail "cannot create a temporary file in $d"; }
      printf '%s' "$text" > "$tmp" || fail "cannot write $tmp"
      if [ -f "$p" ] && [ ! -L "$p" ]; then
        cur=$(stat -c '%a %u:%g' -- "$p") || fail "cannot stat $p"
        chown -- "\${cur#* }" "$tmp" || fail "cannot keep the owner of $p"
        chmod -- "\${cur%% *}" "$tmp" || fail "cannot keep the mode of $p"
      else
        chmod 0644 "$tmp" || fail "cannot set the mode of $tmp"
      fi
      mv -f -- "$tmp" "$p" || fail "cannot move the new file into place at $p"
      tmp= ;;
    remove)
      rm -f -- "$2" || fail "cannot remove $2"
      shift 2 ;;
    run)
      n=$2; shift 2
      run_first "$n" "$@" || fail "$1 failed (exit $?)"
      shift "$n" ;;
    *) fail "unknown operation $1" ;;
  esac
done
`;
/** The single exec that performs the operations in order. */
export function systemOpsAction(ops) {
    const args = [];
    for (const o of ops) {
        switch (o.op) {
            case 'write':
                args.push('write', o.path, o.text);
                break;
            case 'remove':
                args.push('remove', o.path);
                break;
            case 'run':
                args.push('run', String(o.argv.length), ...o.argv);
                break;
            default: assertNever(o, 'system op');
        }
    }
    return { kind: 'exec', argv: ['sh', '-c', OPS_SCRIPT, 'k8sbm-apply', ...args] };
}
/** The operations a systemOpsAction carries (for tests and summaries). */
export function systemOpsOf(argv) {
    const ops = [];
    for (let i = 4; i < argv.length;) {
        const op = argv[i];
        if (op === 'write') {
            ops.push({ op, path: argv[i + 1], text: argv[i + 2] });
            i += 3;
        }
        else if (op === 'remove') {
            ops.push({ op, path: argv[i + 1] });
            i += 2;
        }
        else if (op === 'run') {
            const n = Number(argv[i + 1]);
            ops.push({ op, argv: argv.slice(i + 2, i + 2 + n) });
            i += 2 + n;
        }
        else {
            throw new Error(`not a system ops argv at ${i}: ${op}`);
        }
    }
    return ops;
}
/**
 * Runs one action of a system module. A failure of one of our fixed scripts becomes a
 * K8sbmError carrying the script's own message (its stderr), not the script's text.
 */
export async function runSystemAction(ctx, action, code, hint) {
    try {
        return await ctx.run(action);
    }
    catch (e) {
        if (!(e instanceof ActionFailed) || action.kind !== 'exec' || action.argv[0] !== 'sh')
            throw e;
        const lines = e.result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
        const own = lines.filter((l) => l.startsWith('k8sbm'));
        const msg = (own.length ? own : lines).slice(-3).join('; ') || `exit code ${e.result.code ?? e.result.signal}`;
        throw new K8sbmError(code, msg.replace(/^k8sbm[-a-z]*: /, ''), {
            loc: ctx.loc,
            subject: `host ${ctx.host}`,
            details: lines.filter((l) => !own.includes(l)).slice(-5),
            hint,
        });
    }
}
//# sourceMappingURL=system-apply.js.map