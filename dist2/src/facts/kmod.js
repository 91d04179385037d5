import { parseFileSections, systemFact, systemFactArgv, systemFactSections } from './system-files.js';
import { FactParseError } from './types.js';
/** The kernel's spelling of a module name: '-' and '_' are the same to it, /proc/modules shows '_'. */
export function kernelModuleName(name) {
    return name.replace(/-/g, '_');
}
// A built-in module with parameters has /sys/module/NAME without initstate (loaded ones have it);
// modules.builtin lists the rest by file name, where the name may be spelled with dashes.
const KMOD_SCRIPT = `echo '@@k8sbm kmod 1'
if [ -r /proc/modules ]; then echo '@@k8sbm modules'; cat /proc/modules; else echo '@@k8sbm no-modules'; fi
mp=$(command -v modprobe 2>/dev/null) || mp=
for c in /usr/sbin/modprobe /sbin/modprobe; do [ -n "$mp" ] || { [ -x "$c" ] && mp=$c; }; done
printf '@@k8sbm modprobe %s\\n' "$mp"
list=/lib/modules/$(uname -r)/modules.builtin
while [ $# -gt 0 ] && [ "$1" != @@files ]; do
  u=$1 d=$2; shift 2
  b=0
  if [ -e "/sys/module/$u/initstate" ]; then b=0
  elif [ -d "/sys/module/$u" ]; then b=1
  elif [ -r "$list" ]; then
    while IFS= read -r l; do case $l in */"$u".ko|*/"$d".ko) b=1; break ;; esac; done < "$list"
  fi
  printf '@@k8sbm builtin %s %s\\n' "$u" "$b"
done
shift
read_files "$@"
`;
export function kmodFactArgv(q) {
    const args = q.names.flatMap((n) => [kernelModuleName(n), n.replace(/_/g, '-')]);
    return systemFactArgv('kmod', KMOD_SCRIPT, args, q.files);
}
/** Pure: /proc/modules text -> loaded modules. */
export function parseProcModules(text) {
    const out = {};
    for (const line of text.split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f.length < 4 || f[0] === '')
            continue;
        const refcount = Number(f[2]);
        if (!Number.isInteger(refcount))
            throw new FactParseError('kmod', `cannot read /proc/modules line: ${line}`);
        out[f[0]] = { refcount, usedBy: f[3] === '-' ? [] : f[3].split(',').filter(Boolean) };
    }
    return out;
}
export function parseKmodFactOutput(res, q) {
    const sections = systemFactSections(res, 'kmod', 'kernel modules');
    let loadable = false;
    let loaded = {};
    let modprobe = null;
    const builtin = {};
    for (const s of sections) {
        if (s.tag === 'modules') {
            loadable = true;
            loaded = parseProcModules(s.body);
        }
        else if (s.tag === 'modprobe') {
            modprobe = s.args.join(' ') || null;
        }
        else if (s.tag === 'builtin') {
            builtin[s.args[0] ?? ''] = s.args[1] === '1';
        }
    }
    for (const n of q.names) {
        if (!(kernelModuleName(n) in builtin))
            throw new FactParseError('kmod', `no answer for ${n}`);
    }
    return { loadable, modprobe, loaded, builtin, files: parseFileSections(sections, q.files, res.stderr) };
}
// What is loaded comes whole with every read: a prediction of it is kept, never refreshed.
export const kmodFact = systemFact('kmod', kmodFactArgv, parseKmodFactOutput, { query: 'names', fact: 'builtin', nameOf: kernelModuleName });
//# sourceMappingURL=kmod.js.map