import { installArgument } from './package-spec.js';
/**
 * dnf's side of the package module: one exec of a fixed script per change, like apt's. Lists
 * arrive one per positional parameter, an entry per line. `dnf install` does not go down in
 * version (it says "already installed" and succeeds), so downgrades use `dnf downgrade`;
 * upgrades to the newest use `dnf upgrade`. Holds are dnf's versionlock plugin.
 *
 *   sh -c DNF_SCRIPT k8sbm-dnf REFRESH INSTALL UPGRADE DOWNGRADE REMOVE LOCK UNLOCK FLAGS
 */
export const DNF_SCRIPT = `refresh=$1 install=$2 upgrade=$3 downgrade=$4 remove=$5 lock=$6 unlock=$7 flags=$8
export LC_ALL=C
nl='
'
set -f
IFS=$nl
r=
if [ "$refresh" = 1 ]; then r=--refresh; fi
need_versionlock() {
  dnf versionlock --help >/dev/null 2>&1 && return 0
  echo 'k8sbm-dnf: hold needs the versionlock plugin (dnf install python3-dnf-plugin-versionlock)' >&2
  exit 1
}
if [ -n "$unlock" ]; then need_versionlock; dnf -y -q versionlock delete $unlock || exit 1; fi
if [ -n "$remove" ]; then dnf -y $flags remove $remove </dev/null || exit 1; fi
if [ -n "$install" ]; then dnf -y $r $flags install $install </dev/null || exit 1; r=; fi
if [ -n "$upgrade" ]; then dnf -y $r $flags upgrade $upgrade </dev/null || exit 1; r=; fi
if [ -n "$downgrade" ]; then dnf -y $r $flags downgrade $downgrade </dev/null || exit 1; r=; fi
if [ -n "$r" ]; then dnf -y makecache --refresh </dev/null || exit 1; fi
if [ -n "$lock" ]; then need_versionlock; dnf -y -q versionlock add $lock || exit 1; fi
exit 0
`;
/** The one exec that carries out a dnf decision. */
export function dnfAction(d, opts) {
    const lines = (xs) => xs.join('\n');
    const flags = [];
    // dnf's name for recommends is weak dependencies.
    if (opts.installRecommends !== undefined)
        flags.push(`--setopt=install_weak_deps=${opts.installRecommends ? 'True' : 'False'}`);
    // A held package that changes version: the lock is lifted for the change and put back after.
    const relock = d.rehold;
    return {
        kind: 'exec',
        argv: [
            'sh', '-c', DNF_SCRIPT, 'k8sbm-dnf',
            d.update ? '1' : '0',
            lines(d.install.map((m) => installArgument(m.spec, 'dnf'))),
            lines(d.upgrade.map((m) => installArgument(m.spec, 'dnf'))),
            lines(d.downgrade.map((m) => installArgument(m.spec, 'dnf'))),
            lines([...d.remove, ...d.purge].map((m) => m.spec.name)),
            lines([...d.hold, ...relock]),
            lines([...d.unhold, ...relock]),
            lines(flags),
        ],
    };
}
//# sourceMappingURL=package-dnf.js.map