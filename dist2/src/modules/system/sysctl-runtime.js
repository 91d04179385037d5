import { normalizeSysctlValue, sysctlKeyPath } from '../../facts/sysctl.js';
import { splitTagged } from '../../facts/system-files.js';
import { K8sbmError } from '../../source/errors.js';
/**
 * Setting running values: the keys that change, and only those, written to /proc/sys in one
 * exec (what `sysctl -w` does, without needing procps on the host), each read back so a value
 * the kernel silently adjusts is caught now instead of showing up as a change on every run.
 *
 *   sh -c WRITE_SCRIPT k8sbm-sysctl KEY PATH VALUE ...
 */
export const SYSCTL_WRITE_SCRIPT = `fail=0
while [ $# -ge 3 ]; do
  k=$1 p=/proc/sys/$2 v=$3; shift 3
  if ! err=$( { printf '%s\\n' "$v" > "$p"; } 2>&1 ); then
    printf 'k8sbm-sysctl: the kernel refused %s = %s: %s\\n' "$k" "$v" "\${err##*: }" >&2
    fail=1
    continue
  fi
  if got=$(cat -- "$p" 2>/dev/null); then printf '@@k8sbm value %s\\n%s\\n' "$k" "$got"; fi
done
exit $fail
`;
export function sysctlWriteAction(changes) {
    return {
        kind: 'exec',
        argv: ['sh', '-c', SYSCTL_WRITE_SCRIPT, 'k8sbm-sysctl-set', ...changes.flatMap(([k, v]) => [k, sysctlKeyPath(k), v])],
    };
}
/** The key/value pairs a write action sets (its argv, read back). */
export function writtenSettings(argv) {
    const out = [];
    for (let i = 4; i + 2 < argv.length; i += 3)
        out.push([argv[i], argv[i + 2]]);
    return out;
}
/**
 * Throws when a value read back after writing is not the value written (the kernel clamps or
 * rewrites some): the next run would otherwise report a change forever.
 */
export function checkReadBack(stdout, written, host) {
    const got = new Map();
    for (const s of splitTagged(stdout))
        if (s.tag === 'value')
            got.set(s.args[0] ?? '', normalizeSysctlValue(s.body));
    const off = written.filter(([k, v]) => got.has(k) && got.get(k) !== normalizeSysctlValue(v));
    if (off.length === 0)
        return;
    throw new K8sbmError('K8SBM_SYSCTL_ADJUSTED', off.map(([k, v]) => `${k}: wrote "${v}", the kernel reports "${got.get(k)}"`).join('; '), {
        subject: `host ${host}`,
        hint: 'the kernel adjusted the value (out of range, rounded or reformatted): use the value it reports, so the task converges',
    });
}
//# sourceMappingURL=sysctl-runtime.js.map