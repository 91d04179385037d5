/**
 * The scripts behind commit-confirmed blocks (docs/commit-confirmed.md). Each is a constant run as
 * argv ['sh', '-c', SCRIPT, NAME, ARGS...]: paths, ids and the operator's restore lines arrive only
 * as positional parameters or as file content, never as script text.
 *
 * The confirmation and the rollback race for one thing: `mkdir DIR/decided`. Whoever makes it
 * wins; the other does nothing. So a confirmation that arrives as the timer fires cannot leave a
 * half-restored node, and a rollback cannot undo a change the run has already confirmed.
 */

/** Confirmation snapshots live under this directory, one folder per armed block. */
export const CONFIRM_BASE = '/var/lib/k8sbm/confirm';

/**
 * `link_sig NAME`: what a link is, beyond its addresses: a bond's mode and settings, a VLAN's id
 * and parent, a bridge. When it differs at rollback, the change recreated the link differently.
 */
const LINK_SIG_FN = `link_sig() {
  n=/sys/class/net/$1
  if [ -d "$n/bonding" ]; then
    printf 'bond:%s' "$(cat "$n/bonding/mode" "$n/bonding/lacp_rate" "$n/bonding/xmit_hash_policy" "$n/bonding/miimon" 2>/dev/null | tr -s ' \\n' ',,')"
  elif [ -d "$n/bridge" ]; then printf bridge
  elif [ -e "/proc/net/vlan/$1" ]; then
    printf 'vlan:%s' "$(ip -d -o link show dev "$1" | sed -n 's/^[0-9]*: [^@:]*@\\([^:]*\\):.* vlan protocol \\([^ ]*\\) id \\([0-9]*\\).*/\\1,\\2,\\3/p')"
  else printf other
  fi
}
`;

/**
 * sh DIR/restore DIR: puts the snapshot back, runs the restore lines, writes DIR/rolled-back.
 * Each file comes back byte-exact with its mode, owner and times (cp -a into a temporary name,
 * then rename); a file that did not exist before is removed.
 */
export const RESTORE_SCRIPT = `dir=$1
mkdir -- "$dir/decided" 2>/dev/null || exit 0
exec >>"$dir/log" 2>&1
${LINK_SIG_FN}
while read -r key p; do
  if [ "$key" = - ]; then
    rm -f -- "$p"
  else
    cp -a -- "$dir/$key" "$p.k8sbm-rollback" && mv -f -- "$p.k8sbm-rollback" "$p"
  fi
done < "$dir/files"
if [ -f "$dir/globs" ]; then
  cut -d' ' -f2- "$dir/files" > "$dir/known"
  while read -r g; do
    for p in $g; do
      [ -e "$p" ] || [ -L "$p" ] || continue
      grep -qxF -- "$p" "$dir/known" || { rm -f -- "$p"; echo "removed $p (not there before)"; }
    done
  done < "$dir/globs"
fi
if [ -f "$dir/links" ]; then
  # Links the change created go first (a VLAN on a new bond before the bond).
  while read -r k l rest; do
    if [ "$k" = absent ] && [ -e "/sys/class/net/$l" ]; then ip link delete dev "$l"; echo "link $l deleted (the change created it): exit $?"; fi
  done < "$dir/links"
  skip=' '
  while read -r k l a b c; do
    case "$k" in
      link)
        if [ ! -e "/sys/class/net/$l" ]; then echo "link $l is gone: left to the restore lines"; skip="$skip$l "; continue; fi
        if [ "$(link_sig "$l")" != "$c" ]; then
          ip link delete dev "$l"; echo "link $l was recreated differently ($(link_sig "$l") for $c): deleted, for the restore lines to bring back: exit $?"; skip="$skip$l "; continue
        fi
        ip link set dev "$l" mtu "$a"
        ip addr flush dev "$l" scope global
        for f in -4 -6; do ip "$f" route flush dev "$l" proto boot; ip "$f" route flush dev "$l" proto static; done 2>/dev/null
        if [ "$b" = 1 ]; then ip link set dev "$l" up; fi
        echo "link $l: mtu $a, addresses and routes put back" ;;
      addr) case "$skip" in *" $l "*) ;; *) ip addr add "$b" dev "$l" || echo "address $b on $l: exit $?" ;; esac ;;
      route) case "$skip" in *" $l "*) ;; *) ip "$a" route replace $c dev "$l" proto "$b" || echo "route $c on $l: exit $?" ;; esac ;;
    esac
  done < "$dir/links"
fi
if [ -f "$dir/nft.ruleset" ]; then
  { echo 'flush ruleset'; cat "$dir/nft.ruleset"; } | nft -f -
  echo "nft ruleset exit $?"
fi
if [ -f "$dir/nft.tables" ]; then
  while read -r fam name key; do
    { echo "table $fam $name"; echo "delete table $fam $name"; [ "$key" = - ] || cat "$dir/$key"; } | nft -f -
    echo "nft table $fam $name exit $?"
  done < "$dir/nft.tables"
fi
sh "$dir/restore-lines"
echo "restore lines exit $?"
date +%s > "$dir/rolled-back"
`;

/**
 * sh DIR/timer DIR: the rollback timer. It sleeps until DIR/deadline (seconds since the epoch),
 * reads it again (EXTEND_SCRIPT may have pushed it back meanwhile), and once it has passed runs
 * the restore. A deadline that is missing or not a number counts as passed. A TERM (the
 * confirmation) ends it at once, taking its sleep with it.
 */
export const TIMER_SCRIPT = `dir=$1
echo $$ > "$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid"
trap 'kill $s 2>/dev/null; exit 0' TERM
while :; do
  d=$(cat "$dir/deadline" 2>/dev/null) || d=0
  case $d in ''|*[!0-9]*) d=0 ;; esac
  now=$(date +%s)
  [ "$now" -lt "$d" ] || break
  sleep $((d - now)) & s=$!
  wait $s
done
exec sh "$dir/restore" "$dir"
`;

/**
 * sh -c EXTEND_SCRIPT k8sbm-confirm-extend DIR SECONDS: pushes the rollback's deadline to now +
 * SECONDS (rounded up to a whole second, as when armed) while the block still runs (the run's own connection proves nothing about new ones, so
 * this only delays the rollback; it never cancels it). Output: `extended`, or `gone` when the
 * timer has fired or the block was confirmed.
 */
export const EXTEND_SCRIPT = `dir=$1 t=$2
if [ -d "$dir" ] && [ ! -d "$dir/decided" ]; then
  printf '%s\\n' "$(( $(date +%s) + t + 1 ))" > "$dir/deadline.tmp" && mv -f -- "$dir/deadline.tmp" "$dir/deadline" && echo extended
else
  echo gone
fi
`;

/**
 * sh -c ARM_SCRIPT k8sbm-confirm-arm DIR ID SECONDS RESTORE_SCRIPT RESTORE_LINES RUNTIME PATH...
 *
 * RUNTIME is empty or lines of `nft` (snapshot the live ruleset too) and `nft table FAMILY NAME`
 * (snapshot that table; a table that does not exist is deleted again on rollback).
 *
 * Snapshots PATHs into DIR, writes the deadline (now + SECONDS) and arms the rollback: the timer
 * as a transient systemd service where systemd is PID 1, else as a process in a session of its
 * own (setsid), so that neither the end of this SSH channel nor the supervisor's stop of this
 * command's process group reaches it. Output: `timer=systemd` or `timer=process`.
 */
export const ARM_SCRIPT = `set -e
umask 077
dir=$1 id=$2 t=$3 restore=$4 lines=$5 runtime=$6
shift 6
mkdir -p -m 0700 -- "\${dir%/*}"
mkdir -m 0700 -- "$dir"
${LINK_SIG_FN}
j=0
while read -r what kind fam name; do
  case "$what" in
    links)
      for l in $kind $fam $name; do
        if [ -e "/sys/class/net/$l" ]; then
          up=0
          if ip -o link show dev "$l" | grep -q '[<,]UP[,>]'; then up=1; fi
          printf 'link %s %s %s %s\\n' "$l" "$(cat "/sys/class/net/$l/mtu")" "$up" "$(link_sig "$l")"
          ip -o addr show dev "$l" scope global | awk -v l="$l" '{ print "addr", l, $3, $4 }'
          for f in -4 -6; do for pr in boot static; do
            ip "$f" route show dev "$l" proto "$pr" | while read -r r; do printf 'route %s %s %s %s\\n' "$l" "$f" "$pr" "$r"; done
          done; done
        else
          printf 'absent %s\\n' "$l"
        fi
      done >> "$dir/links"
      continue ;;
    files)
      printf '%s\\n' "$kind" >> "$dir/globs"
      for p in $kind; do
        if [ -e "$p" ] || [ -L "$p" ]; then set -- "$@" "$p"; fi
      done
      continue ;;
  esac
  case "$what $kind" in
    'nft ')
      if ! nft list ruleset > "$dir/nft.ruleset"; then
        echo "nft list ruleset failed: cannot snapshot the ruleset" >&2
        rm -rf -- "$dir"
        exit 5
      fi ;;
    'nft table')
      j=$((j + 1))
      if ! command -v nft >/dev/null 2>&1; then
        echo "nft is not installed: cannot snapshot table $fam $name" >&2
        rm -rf -- "$dir"
        exit 5
      elif nft list table "$fam" "$name" > "$dir/t$j" 2> "$dir/t$j.err"; then
        printf '%s %s t%s\\n' "$fam" "$name" "$j" >> "$dir/nft.tables"
      elif grep -q 'No such file or directory' "$dir/t$j.err"; then
        # Absent now: the rollback deletes it again.
        printf '%s %s -\\n' "$fam" "$name" >> "$dir/nft.tables"
      else
        echo "nft list table $fam $name failed: cannot snapshot the table: $(cat "$dir/t$j.err")" >&2
        rm -rf -- "$dir"
        exit 5
      fi
      rm -f -- "$dir/t$j.err" ;;
  esac
done <<EOF
$runtime
EOF
: > "$dir/files"
i=0
for p in "$@"; do
  i=$((i + 1))
  if [ -d "$p" ] && [ ! -L "$p" ]; then
    echo "$p is a directory: commit_confirmed snapshots files" >&2
    rm -rf -- "$dir"
    exit 3
  fi
  if [ -e "$p" ] || [ -L "$p" ]; then
    cp -a -- "$p" "$dir/f$i"
    printf 'f%s %s\\n' "$i" "$p" >> "$dir/files"
  else
    printf '%s %s\\n' - "$p" >> "$dir/files"
  fi
done
printf '%s\\n' "$restore" > "$dir/restore"
printf '%s\\n' "$lines" > "$dir/restore-lines"
cat > "$dir/timer" <<'K8SBM_TIMER'
${TIMER_SCRIPT}K8SBM_TIMER
# Whole seconds, rounded up: the timer never fires sooner than SECONDS from now.
printf '%s\\n' "$(( $(date +%s) + t + 1 ))" > "$dir/deadline"
if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
  systemd-run --quiet --collect --unit="k8sbm-rollback-$id" --description="k8sbm commit-confirmed rollback $id" /bin/sh "$dir/timer" "$dir"
  kind=systemd
else
  setsid sh -c '. "$1/timer"' k8sbm-rollback "$dir" </dev/null >/dev/null 2>&1 &
  kind=process
fi
n=0
while [ ! -s "$dir/pid" ] && [ "$n" -lt 200 ]; do sleep 0.05 2>/dev/null || sleep 1; n=$((n + 1)); done
[ -s "$dir/pid" ] || { echo "the rollback timer did not start" >&2; exit 4; }
echo "timer=$kind"
`;

/**
 * sh -c CONFIRM_SCRIPT k8sbm-confirm DIR ID [PROBE]: runs the probe lines (when given; a failure
 * prints `probe-failed` and its last output lines, and confirms nothing), then cancels the
 * rollback and removes the snapshot. Output: `confirmed`, or `rolled-back` / `rolling-back` when
 * the timer won the race.
 */
export const CONFIRM_SCRIPT = `dir=$1 id=$2 probe=\${3-}
if [ -n "$probe" ] && ! out=$(sh -ec "$probe" 2>&1 </dev/null); then
  echo probe-failed
  printf '%s\\n' "$out" | tail -n 5
  exit 0
fi
if mkdir -- "$dir/decided" 2>/dev/null; then
  if [ -s "$dir/pid" ]; then kill -TERM "$(cat "$dir/pid")" 2>/dev/null || true; fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop "k8sbm-rollback-$id.service" >/dev/null 2>&1 || true
  fi
  rm -rf -- "$dir"
  echo confirmed
elif [ -f "$dir/rolled-back" ]; then
  echo rolled-back
else
  echo rolling-back
fi
`;

/**
 * sh -c STATUS_SCRIPT k8sbm-confirm-status DIR: after a failed confirmation, whether the node
 * rolled back. Output: `rolled-back` (the snapshot is then removed, the log printed after it),
 * `rolling-back`, `pending` (the timer has not fired) or `missing`.
 */
export const STATUS_SCRIPT = `dir=$1
if [ -f "$dir/rolled-back" ]; then
  echo rolled-back
  cat "$dir/log" 2>/dev/null
  rm -rf -- "$dir"
elif [ -d "$dir/decided" ]; then echo rolling-back
elif [ -d "$dir" ]; then echo pending
else echo missing
fi
`;
