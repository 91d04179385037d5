import { parseFileSections, systemFact, systemFactArgv, systemFactSections } from './system-files.js';
import { factCommandFailed } from './types.js';
export const HOSTNAME_FILE = '/etc/hostname';
export const HOSTS_FILE = '/etc/hosts';
const HOSTNAME_SCRIPT = `echo '@@k8sbm hostname 1'
n=$(cat /proc/sys/kernel/hostname 2>/dev/null) || n=$(hostname) || exit 1
printf '@@k8sbm current %s\\n' "$n"
if [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1; then echo '@@k8sbm systemd 1'; else echo '@@k8sbm systemd 0'; fi
while [ $# -gt 0 ] && [ "$1" != @@files ]; do shift; done
shift
read_files "$@"
`;
export function hostnameFactArgv(q) {
    return systemFactArgv('hostname', HOSTNAME_SCRIPT, [], q.files);
}
export function parseHostnameFactOutput(res, q) {
    const sections = systemFactSections(res, 'hostname', 'the host name');
    const current = sections.find((s) => s.tag === 'current');
    if (!current)
        throw factCommandFailed('hostname', 'cannot read the host name', res);
    return {
        current: current.args.join(' '),
        systemd: sections.find((s) => s.tag === 'systemd')?.args[0] === '1',
        files: parseFileSections(sections, q.files, res.stderr),
    };
}
export const hostnameFact = systemFact('hostname', hostnameFactArgv, parseHostnameFactOutput);
//# sourceMappingURL=hostname.js.map