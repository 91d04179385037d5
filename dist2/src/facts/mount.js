import { parseFileSections, systemFact, systemFactArgv, systemFactSections } from './system-files.js';
import { FactParseError } from './types.js';
const MOUNT_SCRIPT = `echo '@@k8sbm mount 1'
echo '@@k8sbm mountinfo'
cat /proc/self/mountinfo || exit 1
if [ -r /proc/swaps ]; then echo '@@k8sbm swaps'; cat /proc/swaps; fi
while [ $# -gt 0 ] && [ "$1" != @@files ]; do shift; done
shift
read_files "$@"
`;
/** The kernel's escapes in mountinfo, swaps and fstab: \\040 is a space, \\011 a tab, \\012 a newline, \\134 a backslash. */
export function unescapeOctal(s) {
    return s.replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
}
/** Pure: /proc/self/mountinfo -> mounts, in order. */
export function parseMountinfo(text) {
    const out = [];
    for (const line of text.split('\n')) {
        if (line.trim() === '')
            continue;
        const f = line.split(' ');
        const dash = f.indexOf('-', 6);
        if (f.length < 10 || dash < 0 || dash + 2 >= f.length)
            throw new FactParseError('mount', `cannot read mountinfo line: ${line}`);
        out.push({ path: unescapeOctal(f[4]), src: unescapeOctal(f[dash + 2]), fstype: f[dash + 1], opts: f[5], root: unescapeOctal(f[3]) });
    }
    return out;
}
/** Pure: /proc/swaps -> active swap areas. */
export function parseProcSwaps(text) {
    return text.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
        const f = l.trim().split(/\s+/);
        return { file: unescapeOctal(f[0]), type: f[1] ?? '' };
    });
}
export function mountFactArgv(q) {
    return systemFactArgv('mount', MOUNT_SCRIPT, [], q.files);
}
export function parseMountFactOutput(res, q) {
    const sections = systemFactSections(res, 'mount', 'mounts');
    const body = (tag) => sections.find((s) => s.tag === tag)?.body;
    const info = body('mountinfo');
    if (info === undefined)
        throw new FactParseError('mount', 'no mountinfo section');
    const swaps = body('swaps');
    return {
        mounts: parseMountinfo(info),
        swaps: swaps === undefined ? [] : parseProcSwaps(swaps),
        files: parseFileSections(sections, q.files, res.stderr),
    };
}
export const mountFact = systemFact('mount', mountFactArgv, parseMountFactOutput);
/** The mount on top at `path`, if anything is mounted there. */
export function mountAt(f, path) {
    for (let i = f.mounts.length - 1; i >= 0; i--)
        if (f.mounts[i].path === path)
            return f.mounts[i];
    return undefined;
}
//# sourceMappingURL=mount.js.map