/**
 * sh -c NETCFG_APPLY k8sbm-netcfg-apply RENDERER WAIT DOWNS DELETES UPS CLEANUP, the files on stdin
 * as lines `W PATH MODE BASE64` (write) and `R PATH` (remove).
 *
 * DOWNS, DELETES and UPS are link names separated by spaces (names are checked by the module's
 * schema: no blanks, no shell characters); CLEANUP is lines of `ip` arguments (`addr del
 * 10.0.0.5/24 dev eth0`) for what a daemon would leave behind.
 *
 * The files are staged beside nothing live and checked by the renderer's own tool first (ifupdown:
 * `ifup --no-act` on the staged file; netplan: `netplan generate` into a scratch root holding the
 * node's other netplan files). Then a worker in a session of its own (setsid) makes the change:
 * ifupdown takes the changed links down with the OLD configuration (`ifdown`, which knows what
 * it set up), then every renderer deletes the links to recreate, puts the files in place, brings
 * the links up (ifup / networkctl reload + reconfigure / netplan apply), sets DOWNS down with ip
 * for networkd and netplan (NICs they no longer configure, which they leave up) and runs CLEANUP.
 * The worker survives this SSH session: a change that moves the address the session arrived at
 * cannot cut its own work short.
 *
 * WAIT=wait: wait for the worker (up to 120 s) and exit with its status, its log on stderr.
 * WAIT=detach: return once the worker started (the session is about to lose its address); the
 * commit-confirmed probe reads the outcome from STATE.rc over a new connection.
 */
export const NETCFG_STATE = '/var/lib/k8sbm/network/applied';

export const NETCFG_APPLY = `renderer=$1 wait=$2 downs=$3 deletes=$4 ups=$5 cleanup=$6
state=${NETCFG_STATE}
umask 077
mkdir -p -m 0700 /var/lib/k8sbm/network || exit 1
w=$(mktemp -d /var/lib/k8sbm/network/apply.XXXXXX) || exit 1
: > "$w/install"
i=0
while read -r op path mode b64; do
  case "$op" in
    W) i=$((i + 1))
       printf '%s' "$b64" | base64 -d > "$w/f$i" && chmod "$mode" "$w/f$i" || { echo "cannot stage $path" >&2; rm -rf -- "$w"; exit 1; }
       printf 'f%s %s\\n' "$i" "$path" >> "$w/install" ;;
    R) printf -- '- %s\\n' "$path" >> "$w/install" ;;
  esac
done
staged() { sed -n "s|^\\\\(f[0-9]*\\\\) $1\\$|$w/\\\\1|p" "$w/install"; }
case "$renderer" in
  ifupdown)
    f=$(staged /etc/network/interfaces.d/k8sbm)
    if [ -n "$f" ]; then
      mkdir -p "$w/state"
      if ! out=$(ifup --no-act --force --state-dir="$w/state" -i "$f" -a 2>&1); then
        printf 'ifup --no-act refuses the configuration:\\n%s\\n' "$out" | sed "s|$f|/etc/network/interfaces.d/k8sbm|g" >&2; rm -rf -- "$w"; exit 2
      fi
    fi ;;
  netplan)
    mkdir -p "$w/root/etc/netplan"
    # The node's netplan files as they will be: ours new, or as it is, or gone.
    for o in /etc/netplan/*.yaml; do
      [ -f "$o" ] && cp -p -- "$o" "$w/root/etc/netplan/"
    done
    f=$(staged /etc/netplan/60-k8sbm.yaml)
    [ -n "$f" ] && cp -p -- "$f" "$w/root/etc/netplan/60-k8sbm.yaml"
    if grep -qx -- '- /etc/netplan/60-k8sbm.yaml' "$w/install"; then rm -f -- "$w/root/etc/netplan/60-k8sbm.yaml"; fi
    if ! out=$(netplan generate --root-dir "$w/root" 2>&1); then
      printf 'netplan generate refuses the configuration:\\n%s\\n' "$out" >&2; rm -rf -- "$w"; exit 2
    fi ;;
esac
cat > "$w/worker" <<'WORKER'
w=$1 renderer=$2 downs=$3 deletes=$4 ups=$5 cleanup=$6 state=$7 wait=$8
rc=0
step() { echo "+ $*"; "$@" || { r=$?; echo "exit $r"; rc=$r; }; }
if [ "$renderer" = ifupdown ]; then
  for l in $downs; do step ifdown --force "$l"; done
  for l in $ups; do [ -e "/sys/class/net/$l" ] && ip addr flush dev "$l" scope global; done
fi
for l in $deletes; do [ -e "/sys/class/net/$l" ] && step ip link delete dev "$l"; done
while read -r key p; do
  if [ "$key" = - ]; then rm -f -- "$p"; echo "removed $p"
  else (umask 022 && mkdir -p -- "\${p%/*}") && mv -f -- "$w/$key" "$p" && echo "wrote $p"
  fi
done < "$w/install"
case "$renderer" in
  ifupdown) for l in $ups; do step ifup --force "$l"; done ;;
  networkd) step networkctl reload; [ -n "$ups" ] && step networkctl reconfigure $ups ;;
  netplan) step netplan generate; step netplan apply ;;
esac
if [ "$renderer" != ifupdown ]; then
  for l in $downs; do [ -e "/sys/class/net/$l" ] && step ip link set dev "$l" down; done
fi
printf '%s\\n' "$cleanup" | while read -r line; do [ -n "$line" ] && ip $line && echo "+ ip $line"; done
cp "$w/log" "$state.log" 2>/dev/null
echo "$rc" > "$state.rc.tmp" && mv -f "$state.rc.tmp" "$state.rc"
echo "$rc" > "$w/rc"
# Detached, nobody reads the staging folder after this: its outcome is in $state.rc and .log.
if [ "$wait" = detach ]; then rm -rf -- "$w"; fi
WORKER
rm -f -- "$state.rc" "$state.log"
setsid sh "$w/worker" "$w" "$renderer" "$downs" "$deletes" "$ups" "$cleanup" "$state" "$wait" </dev/null >"$w/log" 2>&1 &
if [ "$wait" = detach ]; then echo detached; exit 0; fi
n=0
while [ ! -e "$w/rc" ] && [ "$n" -lt 1200 ]; do sleep 0.1 2>/dev/null || sleep 1; n=$((n + 1)); done
if [ ! -e "$w/rc" ]; then echo "the change did not finish in 120 s: see $w/log" >&2; exit 4; fi
rc=$(cat "$w/rc")
cat "$w/log" >&2
rm -rf -- "$w"
exit "$rc"
`;

/** The commit-confirmed probe line that waits for the worker and fails with its log when it failed. */
export const NETCFG_CONFIRM_PROBE = `i=0; while [ ! -e ${NETCFG_STATE}.rc ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done; ` +
  `rc=$(cat ${NETCFG_STATE}.rc 2>/dev/null || echo missing); [ "$rc" = 0 ] || { tail -n 5 ${NETCFG_STATE}.log 2>/dev/null; echo "the network change ended with $rc"; exit 1; }`;
