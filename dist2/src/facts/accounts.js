import { FactParseError, factCommandFailed } from './types.js';
// One exec: passwd entry, shadow status (as root), home, useradd's defaults and the group table.
// The password hash is reduced to its SHA-256 on the host: the hash never crosses the wire.
// getent exits 2 for "no such entry"; anything else is a real failure.
const USER_FACT_SCRIPT = `u=$1
echo k8sbm-user 1
useradd -D 2>/dev/null | sed 's/^/default /'
sed -n 's/^[[:space:]]*USERGROUPS_ENAB[[:space:]][[:space:]]*\\([A-Za-z]*\\).*/usergroups \\1/p' /etc/login.defs 2>/dev/null
if ent=$(getent passwd -- "$u"); then
  printf 'passwd %s\\n' "$ent"
  home=$(printf '%s\\n' "$ent" | cut -d: -f6)
  if [ -d "$home" ]; then echo home 1; else echo home 0; fi
  if [ "$(id -u)" = 0 ] && sh=$(getent shadow -- "$u"); then
    pw=\${sh#*:} locked=0 set=1
    pw=\${pw%%:*}
    case $pw in '!'*) locked=1 ;; esac
    while :; do case $pw in '!'*) pw=\${pw#?} ;; *) break ;; esac; done
    case $pw in ''|'*') set=0 ;; esac
    sum=$(printf '%s' "$pw" | sha256sum) || exit 1
    printf 'shadow %s %s %s\\n' "$locked" "$set" "\${sum%% *}"
  fi
else
  rc=$?; [ "$rc" -eq 2 ] || exit "$rc"
fi
getent group | sed 's/^/group /'
`;
export function userFactArgv(name) {
    return ['sh', '-c', USER_FACT_SCRIPT, 'k8sbm-user', name];
}
function failure(fact, what, res) {
    return factCommandFailed(fact, `cannot read ${what}`, res);
}
/** "name:x:gid:a,b" -> GroupEntry. */
export function parseGroupLine(line) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === '' || !/^\d+$/.test(f[2]))
        return undefined;
    return { name: f[0], gid: Number(f[2]), members: f[3].split(',').filter((m) => m !== '') };
}
/** Pure: the output of the user fact script -> UserFactState. */
export function parseUserFactOutput(res, name) {
    if (res.code !== 0)
        throw failure('user', `account ${name}`, res);
    const lines = res.stdout.split('\n');
    const start = lines.indexOf('k8sbm-user 1');
    if (start < 0)
        throw new FactParseError('user', `unexpected output for ${name}: ${res.stdout.slice(0, 200)}`);
    const defaults = new Map();
    const groups = [];
    let userGroups = true;
    let passwd;
    let homeExists;
    let password;
    for (const line of lines.slice(start + 1)) {
        const sp = line.indexOf(' ');
        if (sp < 0)
            continue;
        const tag = line.slice(0, sp);
        const rest = line.slice(sp + 1);
        if (tag === 'default') {
            const eq = rest.indexOf('=');
            if (eq > 0)
                defaults.set(rest.slice(0, eq), rest.slice(eq + 1));
        }
        else if (tag === 'usergroups')
            userGroups = rest.toLowerCase() === 'yes';
        else if (tag === 'passwd')
            passwd = rest;
        else if (tag === 'home')
            homeExists = rest === '1';
        else if (tag === 'shadow') {
            const m = /^([01]) ([01]) ([0-9a-f]{64})$/.exec(rest);
            if (!m)
                throw new FactParseError('user', `cannot read the shadow line for ${name}`);
            password = { locked: m[1] === '1', set: m[2] === '1', sha256: m[3] };
        }
        else if (tag === 'group') {
            const g = parseGroupLine(rest);
            if (g)
                groups.push(g);
        }
    }
    const gidDefault = defaults.get('GROUP');
    const userDefaults = {
        homeBase: defaults.get('HOME') || '/home',
        shell: defaults.get('SHELL') || '/bin/sh',
        userGroups,
        gid: gidDefault !== undefined && /^\d+$/.test(gidDefault) ? Number(gidDefault) : undefined,
    };
    if (passwd === undefined)
        return { account: { exists: false }, groups, defaults: userDefaults };
    const f = passwd.split(':');
    if (f.length !== 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) {
        throw new FactParseError('user', `cannot read the passwd entry of ${name}: ${passwd}`);
    }
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    const account = {
        exists: true,
        uid,
        gid,
        group: groups.find((g) => g.gid === gid)?.name,
        groups: membershipsOf(f[0], gid, groups),
        comment: f[4],
        home: f[5],
        shell: f[6],
        homeExists,
        password,
    };
    return { account, groups, defaults: userDefaults };
}
/** Groups listing `user` as a member, the primary group left out, sorted. */
export function membershipsOf(user, primaryGid, groups) {
    return groups.filter((g) => g.members.includes(user) && (g.gid === undefined || g.gid !== primaryGid)).map((g) => g.name).sort();
}
export const userFact = {
    name: 'user',
    key: (name) => name,
    argv: userFactArgv,
    parse: parseUserFactOutput,
};
/** Pure: `getent group -- NAME` -> GroupState (exit 2: no such group). */
export function parseGroupFactOutput(res, name) {
    if (res.code === 2)
        return { exists: false };
    if (res.code !== 0)
        throw failure('group', `group ${name}`, res);
    const entry = res.stdout.split('\n').map(parseGroupLine).find((g) => g !== undefined && g.name === name);
    if (!entry)
        throw new FactParseError('group', `unexpected output for ${name}: ${res.stdout.slice(0, 200)}`);
    return { exists: true, gid: entry.gid, members: entry.members };
}
export const groupFact = {
    name: 'group',
    key: (name) => name,
    argv: (name) => ['getent', 'group', '--', name],
    parse: parseGroupFactOutput,
};
//# sourceMappingURL=accounts.js.map