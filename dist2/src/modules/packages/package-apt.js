import { installArgument } from './package-spec.js';
/**
 * apt's side of the package module: every change of one task is ONE exec of a fixed script
 * (refresh, release holds, remove, install, hold), so a change costs two round trips with the
 * fact. Package names and flags reach the script only as positional parameters, one list per
 * parameter with one entry per line (names never hold blanks: the schema says so), split with
 * globbing off.
 *
 *   sh -c APT_SCRIPT k8sbm-apt WAIT UPDATE INSTALL REMOVE PURGE HOLD UNHOLD FLAGS [UPDATE_OPTIONS]
 *
 * UPDATE_OPTIONS narrows the refresh (apt_repository refreshes only the source it wrote); only a
 * full refresh touches the update-success stamp that cache_valid_time reads.
 *
 * apt and dpkg run without questions (DEBIAN_FRONTEND=noninteractive, keep changed conffiles,
 * take the maintainer's for untouched ones). A busy package system (unattended-upgrades, cloud
 * init) is waited for, up to WAIT seconds: dpkg's lock through apt's own DPkg::Lock::Timeout,
 * the lists lock of `update` (which has no such option) by retrying. Output goes through a
 * file, not a pipe: a daemon a maintainer script starts keeps its inherited descriptors, and a
 * pipe held open that way would never reach end-of-file.
 */
export const APT_SCRIPT = `wait=$1 update=$2 install=$3 remove=$4 purge=$5 hold=$6 unhold=$7 flags=$8 upd=\${9-}
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C
nl='
'
set -f
IFS=$nl
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
deadline=$(( $(date +%s) + wait ))
run() {
  while :; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -gt 0 ] || left=0
    "$@" -o "DPkg::Lock::Timeout=$left" >"$log" 2>&1 </dev/null
    rc=$?
    if [ "$rc" -eq 0 ]; then cat "$log"; return 0; fi
    if grep -q -e 'Could not get lock' -e 'Unable to acquire' -e 'Unable to lock' "$log" && [ "$(date +%s)" -lt "$deadline" ]; then
      sleep 2
      continue
    fi
    cat "$log" >&2
    printf 'k8sbm-apt: apt-get failed (exit %s)\\n' "$rc" >&2
    exit "$rc"
  done
}
apt_get() {
  run apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
if [ "$update" = 1 ]; then
  apt_get $upd update
  if [ -z "$upd" ]; then mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp; fi
fi
if [ -n "$unhold" ]; then apt-mark unhold $unhold || exit 1; fi
if [ -n "$remove" ]; then apt_get $flags remove $remove; fi
if [ -n "$purge" ]; then apt_get $flags purge $purge; fi
if [ -n "$install" ]; then apt_get $flags install $install; fi
if [ -n "$hold" ]; then apt-mark hold $hold || exit 1; fi
exit 0
`;
/** A refresh of the package lists alone, optionally narrowed by apt options (`-o`, `X=Y` pairs). */
export function aptUpdateAction(lockTimeout, options = []) {
    return { kind: 'exec', argv: ['sh', '-c', APT_SCRIPT, 'k8sbm-apt', String(lockTimeout), '1', '', '', '', '', '', '', options.join('\n')] };
}
/** The one exec that carries out an apt decision. */
export function aptAction(d, opts) {
    const installs = [...d.install, ...d.upgrade, ...d.downgrade].map((m) => installArgument(m.spec, 'apt'));
    const flags = [];
    if (opts.installRecommends === false)
        flags.push('--no-install-recommends');
    if (opts.installRecommends === true)
        flags.push('-o', 'APT::Install-Recommends=true');
    if (d.downgrade.length > 0)
        flags.push('--allow-downgrades');
    if (d.changesHeld)
        flags.push('--allow-change-held-packages');
    const lines = (xs) => xs.join('\n');
    return {
        kind: 'exec',
        argv: [
            'sh', '-c', APT_SCRIPT, 'k8sbm-apt',
            String(opts.lockTimeout),
            d.update ? '1' : '0',
            lines(installs),
            lines(d.remove.map((m) => m.spec.name)),
            lines(d.purge.map((m) => m.spec.name)),
            lines([...d.hold, ...d.rehold]),
            lines(d.unhold),
            lines(flags),
        ],
    };
}
//# sourceMappingURL=package-apt.js.map