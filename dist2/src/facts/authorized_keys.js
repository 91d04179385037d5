import { posix } from 'node:path';
import { formatModeBits } from './file.js';
import { FactParseError, factCommandFailed } from './types.js';
// The user's name and the path arrive as positional parameters. An explicit absolute path is
// inspected even without the user, so check mode can plan for a user an earlier task creates.
const AUTHORIZED_KEYS_SCRIPT = `u=$1 p=$2
echo k8sbm-authorized-keys 1
if ent=$(getent passwd -- "$u"); then
  printf 'passwd %s\\n' "$ent"
  home=$(printf '%s\\n' "$ent" | cut -d: -f6)
  case $p in '') p=$home/.ssh/authorized_keys ;; '~/'*) p=$home/\${p#??} ;; esac
else
  rc=$?; [ "$rc" -eq 2 ] || exit "$rc"
  echo nouser
  case $p in ''|'~/'*) exit 0 ;; esac
fi
printf 'path %s\\n' "$p"
d=$(dirname -- "$p")
if [ -d "$d" ]; then printf 'dir %s\\n' "$(stat -L -c '%a %u %g' -- "$d")"
elif [ -e "$d" ] || [ -L "$d" ]; then echo dir notdir
elif [ -d "$(dirname -- "$d")" ]; then echo dir absent 1
else echo dir absent 0
fi
if [ -d "$d" ] && [ ! -x "$d" ]; then echo file unknown; exit 0; fi
[ -L "$p" ] && echo link
if [ -f "$p" ]; then
  printf 'file %s\\n' "$(stat -L -c '%a %u %g' -- "$p")"
  [ -r "$p" ] || { echo unreadable; exit 0; }
  echo content
  base64 < "$p"
elif [ -e "$p" ]; then echo file other
else echo file absent
fi
`;
export function authorizedKeysKey(arg) {
    return arg.path === undefined ? arg.user : `${arg.user} ${arg.path}`;
}
export function authorizedKeysArgv(arg) {
    return ['sh', '-c', AUTHORIZED_KEYS_SCRIPT, 'k8sbm-authorized-keys', arg.user, arg.path ?? ''];
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
function statFields(text, what) {
    const m = /^([0-7]{1,4}) (\d+) (\d+)$/.exec(text);
    if (!m)
        throw new FactParseError('authorized_keys', `cannot read the stat line of ${what}: ${text}`);
    return { mode: formatModeBits(parseInt(m[1], 8)), uid: Number(m[2]), gid: Number(m[3]) };
}
/** Pure: the output of the fact script -> AuthorizedKeysState. */
export function parseAuthorizedKeysOutput(res, arg) {
    const subject = `authorized keys of ${arg.user}`;
    if (res.code !== 0) {
        throw factCommandFailed('authorized_keys', `cannot read the ${subject}`, res);
    }
    const lines = res.stdout.split('\n');
    const start = lines.indexOf('k8sbm-authorized-keys 1');
    if (start < 0)
        throw new FactParseError('authorized_keys', `unexpected output for the ${subject}: ${res.stdout.slice(0, 200)}`);
    let out = { userExists: false };
    let link = false;
    let file;
    for (let i = start + 1; i < lines.length; i++) {
        const line = lines[i];
        const sp = line.indexOf(' ');
        const tag = sp < 0 ? line : line.slice(0, sp);
        const rest = sp < 0 ? '' : line.slice(sp + 1);
        if (tag === 'passwd') {
            const f = rest.split(':');
            if (f.length !== 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) {
                throw new FactParseError('authorized_keys', `cannot read the passwd entry of ${arg.user}: ${rest}`);
            }
            out = { ...out, userExists: true, uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
        }
        else if (tag === 'path')
            out.path = posix.normalize(rest);
        else if (tag === 'dir') {
            if (rest === 'notdir')
                out.dir = { state: 'notdir' };
            else if (rest.startsWith('absent'))
                out.dir = { state: 'absent', parentExists: rest === 'absent 1' };
            else
                out.dir = { state: 'directory', ...statFields(rest, 'its directory') };
        }
        else if (tag === 'link')
            link = true;
        else if (tag === 'file') {
            if (rest === 'absent' || rest === 'other' || rest === 'unknown')
                file = { state: rest };
            else
                file = { state: 'file', ...statFields(rest, 'the file'), readable: true };
        }
        else if (tag === 'unreadable' && file)
            file.readable = false;
        else if (tag === 'content' && file) {
            const data = Buffer.from(lines.slice(i + 1).join(''), 'base64');
            try {
                file.content = utf8.decode(data);
            }
            catch {
                throw new FactParseError('authorized_keys', `${out.path ?? 'the file'} is not text (UTF-8)`);
            }
            break;
        }
    }
    if (file)
        out.file = link ? { ...file, link } : file;
    return out;
}
export const authorizedKeysFact = {
    name: 'authorized_keys',
    key: authorizedKeysKey,
    argv: authorizedKeysArgv,
    parse: parseAuthorizedKeysOutput,
};
//# sourceMappingURL=authorized_keys.js.map