import { FactParseError, factCommandFailed } from '../../facts/types.js';
/**
 * The wait loop that runs ON the node: one exec polls until the condition holds or the deadline
 * passes, so a 300 s wait costs one round trip, not one per poll.
 *
 * The script travels on stdin (`sh -s -- ARGS`): the argv stays short in `ps`, in failure
 * messages and in golden fixtures, and user data still arrives only as positional parameters.
 * Everything runs inside one function called with </dev/null, so no command in it can read the
 * rest of the script as its input.
 *
 *   $1 what (port|path)  $2 host  $3 port  $4 state  $5 path  $6 search_regex (ERE)
 *   $7 timeout s  $8 delay s  $9 sleep s  $10 tool (auto|bash|nc|python3)  $11 connect timeout s
 *
 * Output: `k8sbm-wait_for 1`, then key=value lines: tool, result (ok|timeout|error), elapsed_ms,
 * checks, last (what the last check saw).
 */
export const WAIT_FOR_SCRIPT = `k8sbm_wait_for() {
what=$1 host=$2 port=$3 state=$4 path=$5 regex=$6 timeout=$7 delay=$8 interval=$9 tool=\${10} ctimeout=\${11}
echo 'k8sbm-wait_for 1'
now_ms() {
  t=$(date +%s%N 2>/dev/null)
  case $t in
    ''|*[!0-9]*) echo "$(date +%s)000" ;;
    *) echo "$((t / 1000000))" ;;
  esac
}
oneline() { printf '%s' "$1" | tr '\\n' ' ' | sed 's/  *$//'; }
limited() {
  if command -v timeout >/dev/null 2>&1; then timeout "$lim" "$@"; else "$@"; fi
}
if [ "$what" = port ] && [ "$tool" = auto ]; then
  if command -v bash >/dev/null 2>&1; then tool=bash
  elif command -v nc >/dev/null 2>&1; then tool=nc
  elif command -v python3 >/dev/null 2>&1; then tool=python3
  else echo 'result=error'; echo 'last=no program to open a TCP connection with (bash, nc or python3)'; return 0
  fi
fi
[ "$what" = port ] || tool=test
echo "tool=$tool"
# Returns 0 when the port accepts a connection; sets last to what it saw otherwise.
port_open() {
  case $tool in
    bash) out=$(limited bash -c 'exec 3<>"/dev/tcp/$1/$2"' k8sbm "$host" "$port" 2>&1) ;;
    nc) out=$(limited nc -z -w "$lim" "$host" "$port" 2>&1) ;;
    python3) out=$(limited python3 -c 'import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()
except OSError as e:
    print(e.strerror or e)
    sys.exit(1)' "$host" "$port" "$lim" 2>&1) ;;
    *) out="unknown tool $tool"; return 2 ;;
  esac
  rc=$?
  [ $rc -eq 0 ] && { last=open; return 0; }
  if [ $rc -eq 124 ]; then last="no answer within \${lim}s"
  else
    out=$(printf '%s\\n' "$out" | sed -n '$p')
    last=$(oneline "\${out##*: }")
    [ -n "$last" ] || last="connection failed ($tool exit $rc)"
  fi
  return 1
}
holds() {
  case $what/$state in
    port/started) port_open ;;
    port/stopped) if port_open; then last=open; return 1; fi; return 0 ;;
    path/present)
      if [ ! -e "$path" ]; then last=missing; return 1; fi
      [ -n "$regex" ] || { last=present; return 0; }
      grep -E -q -e "$regex" -- "$path" 2>/dev/null
      case $? in
        0) last=matches; return 0 ;;
        1) last='present, no line matches'; return 1 ;;
        *) last='present, cannot be read'; return 1 ;;
      esac ;;
    path/absent) if [ -e "$path" ]; then last=present; return 1; fi; last=absent; return 0 ;;
    *) last="cannot wait for $what to be $state"; return 2 ;;
  esac
}
start=$(now_ms)
deadline=$((start + timeout * 1000))
[ "$delay" = 0 ] || sleep "$delay"
checks=0 result=timeout last=
while :; do
  t=$(now_ms)
  lim=$(( (deadline - t + 999) / 1000 ))
  [ "$lim" -ge 1 ] || lim=1
  [ "$lim" -le "$ctimeout" ] || lim=$ctimeout
  checks=$((checks + 1))
  holds
  case $? in
    0) result=ok; break ;;
    2) result=error; break ;;
  esac
  [ "$(now_ms)" -lt "$deadline" ] || break
  sleep "$interval"
done
echo "result=$result"
echo "elapsed_ms=$(( $(now_ms) - start ))"
echo "checks=$checks"
printf 'last=%s\\n' "$last"
}
k8sbm_wait_for "$@" </dev/null
`;
/** The probe: `sh -s -- ARGS`, with WAIT_FOR_SCRIPT as its stdin. */
export function waitForArgv(s) {
    return [
        'sh', '-s', '--',
        s.what, s.host, s.port === undefined ? '' : String(s.port), s.state, s.path ?? '', s.searchRegex ?? '',
        String(s.timeout), String(s.delay), String(s.sleep), s.tool ?? 'auto', String(s.connectTimeout),
    ];
}
/** Pure: the script's output -> what happened. */
export function parseWaitForOutput(res) {
    const lines = res.stdout.split('\n');
    const start = lines.indexOf('k8sbm-wait_for 1');
    if (res.code !== 0 || start < 0) {
        throw factCommandFailed('wait_for', `the wait script did not run`, res);
    }
    const f = new Map();
    for (const line of lines.slice(start + 1)) {
        const eq = line.indexOf('=');
        if (eq > 0)
            f.set(line.slice(0, eq), line.slice(eq + 1));
    }
    const result = f.get('result');
    if (result !== 'ok' && result !== 'timeout' && result !== 'error') {
        throw new FactParseError('wait_for', `no result in the wait script's output: ${res.stdout.slice(0, 200)}`);
    }
    return {
        tool: f.get('tool') ?? 'none',
        result,
        elapsedMs: Number(f.get('elapsed_ms') ?? 0),
        checks: Number(f.get('checks') ?? 0),
        last: f.get('last') ?? '',
    };
}
//# sourceMappingURL=wait_for-script.js.map