import { parseFileSections, systemFact, systemFactArgv, systemFactSections } from './system-files.js';
import { FactParseError } from './types.js';
const SYSCTL_SCRIPT = `echo '@@k8sbm sysctl 1'
while [ $# -gt 0 ] && [ "$1" != @@files ]; do
  k=$1 p=/proc/sys/$2; shift 2
  w=0; [ -w "$p" ] && w=1
  if [ -d "$p" ]; then printf '@@k8sbm dir %s\\n' "$k"
  elif [ ! -e "$p" ]; then printf '@@k8sbm missing %s\\n' "$k"
  elif v=$(cat -- "$p" 2>/dev/null); then printf '@@k8sbm value %s %s\\n%s\\n' "$k" "$w" "$v"
  else printf '@@k8sbm unreadable %s %s\\n' "$k" "$w"
  fi
done
shift
read_files "$@"
`;
/**
 * The dotted name of a key, as sysctl(8) prints it. A key whose first separator is '/' is in
 * path form ("net/ipv4/conf/eth0.100/rp_filter"): sysctl swaps '.' and '/' to read it.
 */
export function sysctlKeyName(key) {
    const first = /[./]/.exec(key)?.[0];
    return first === '/' ? swapSeparators(key) : key;
}
/** The path of a key under /proc/sys ("net.ipv4.conf.eth0/100.rp_filter" -> "net/ipv4/conf/eth0.100/rp_filter"). */
export function sysctlKeyPath(key) {
    return swapSeparators(sysctlKeyName(key));
}
function swapSeparators(key) {
    return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}
/** Values compare as Linux reads them: whitespace-separated fields. */
export function normalizeSysctlValue(value) {
    return value.trim().split(/\s+/).filter(Boolean).join(' ');
}
export function sysctlFactArgv(q) {
    const args = q.keys.flatMap((k) => [sysctlKeyName(k), sysctlKeyPath(k)]);
    return systemFactArgv('sysctl', SYSCTL_SCRIPT, args, q.files);
}
/** Pure: the fact script's output -> the values of the keys asked and the files. */
export function parseSysctlFactOutput(res, q) {
    const sections = systemFactSections(res, 'sysctl', 'kernel parameters');
    const values = {};
    for (const s of sections) {
        const key = s.args[0] ?? '';
        switch (s.tag) {
            case 'missing':
            case 'dir':
                values[key] = null;
                break;
            case 'value':
                values[key] = { value: normalizeSysctlValue(s.body), writable: s.args[1] === '1' };
                break;
            case 'unreadable':
                values[key] = { writable: s.args[1] === '1' };
                break;
            default:
                break;
        }
    }
    for (const k of q.keys) {
        if (!(sysctlKeyName(k) in values))
            throw new FactParseError('sysctl', `no answer for ${k}`);
    }
    return { values, files: parseFileSections(sections, q.files, res.stderr) };
}
export const sysctlFact = systemFact('sysctl', sysctlFactArgv, parseSysctlFactOutput, { query: 'keys', fact: 'values', nameOf: sysctlKeyName });
//# sourceMappingURL=sysctl.js.map