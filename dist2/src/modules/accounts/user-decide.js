import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { authorizedKeysFact } from '../../facts/authorized_keys.js';
import { groupFact, userFact, } from '../../facts/accounts.js';
// The hash reaches chpasswd on stdin, never in argv: it stays out of `ps`, logs and failure
// messages. The account command runs first, from the positional parameters.
export const THEN_SET_PASSWORD = '"$@" && exec chpasswd -e';
// Ansible creates a missing home of an existing user: skeleton files, owned by the user.
export const MAKE_HOME = 'mkdir -p -- "$1" && { [ ! -d /etc/skel ] || cp -a /etc/skel/. "$1"/; } && chown -R -- "$2:" "$1"';
export function sha256Text(text) {
    return createHash('sha256').update(text, 'utf8').digest('hex');
}
/** "a,b" or [a, b] -> [a, b]; `[]` and "" mean no supplementary groups. */
export function normalizeGroupsParam(groups) {
    if (groups === undefined)
        return undefined;
    const list = typeof groups === 'string' ? groups.split(',') : [...groups];
    return list.map((g) => (typeof g === 'string' ? g.trim() : g)).filter((g) => g !== '');
}
const exec = (argv, extra = {}) => ({ kind: 'exec', argv, ...extra });
function withPassword(argv, name, field) {
    const stdin = `${name}:${field}\n`;
    return argv === undefined ? exec(['chpasswd', '-e'], { stdin }) : exec(['sh', '-c', THEN_SET_PASSWORD, 'k8sbm-user', ...argv], { stdin });
}
function userEffects(p, f, account, groups) {
    return [{ fact: userFact.name, key: userFact.key(p.name), value: { ...f, account, groups } }];
}
/** What register sees: Ansible's names, and never the password. */
export function userResult(p, a, state) {
    if (state === 'absent')
        return { name: p.name, state, ...(p.remove ? { remove: true } : {}) };
    return {
        name: p.name, state, uid: a.uid, group: a.gid, groups: (a.groups ?? []).join(','), home: a.home, shell: a.shell,
        comment: a.comment, system: p.system === true, create_home: p.create_home !== false,
        ...(p.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
    };
}
function passwordWord(pw) {
    if (pw === undefined)
        return '(unknown)';
    return `${pw.set ? '(hash set)' : '(no password)'}${pw.locked ? ', locked' : ''}`;
}
/** The group table after `user` joins `add` and leaves `remove`. */
function withMemberships(groups, user, add, remove) {
    return groups.map((g) => {
        if (add.includes(g.name) && !g.members.includes(user))
            return { ...g, members: [...g.members, user] };
        if (remove.includes(g.name) && g.members.includes(user))
            return { ...g, members: g.members.filter((m) => m !== user) };
        return g;
    });
}
export function decideUserCreation(p, f, r) {
    const d = f.defaults;
    const ownGroup = f.groups.find((g) => g.name === p.name);
    // A group already named after the user becomes its primary group (useradd would refuse to make
    // it again); Ansible's -N would put the user in the default group instead, which surprises.
    const primary = r.primary
        ?? (ownGroup ? { name: ownGroup.name, gid: ownGroup.gid } : undefined);
    const makesOwnGroup = primary === undefined && d.userGroups;
    const defaultGroup = primary === undefined && !d.userGroups ? f.groups.find((g) => g.gid === d.gid) : undefined;
    const supplementary = (r.supplementary ?? []).filter((g) => g !== (primary?.name ?? p.name));
    const home = p.home ?? posix.join(d.homeBase, p.name);
    const shell = p.shell ?? d.shell;
    const createHome = p.create_home !== false;
    const argv = [
        'useradd',
        ...(p.uid !== undefined ? ['-u', String(p.uid)] : []),
        ...(primary ? ['-g', primary.name] : []),
        ...(supplementary.length ? ['-G', supplementary.join(',')] : []),
        ...(p.shell !== undefined ? ['-s', p.shell] : []),
        ...(p.home !== undefined ? ['-d', p.home] : []),
        ...(p.comment !== undefined ? ['-c', p.comment] : []),
        ...(p.system ? ['-r'] : []),
        createHome ? '-m' : '-M',
        p.name,
    ];
    const bare = p.password?.replace(/^!+/, '');
    const lock = p.password_lock === true || (p.password?.startsWith('!') ?? false);
    const action = bare !== undefined ? withPassword(argv, p.name, `${lock ? '!' : ''}${bare}`) : exec(argv);
    const account = {
        exists: true,
        uid: p.uid,
        gid: primary?.gid ?? defaultGroup?.gid ?? (makesOwnGroup ? undefined : d.gid),
        group: primary?.name ?? defaultGroup?.name ?? (makesOwnGroup ? p.name : undefined),
        groups: [...supplementary].sort(),
        comment: p.comment ?? '',
        home,
        shell,
        homeExists: createHome,
        // useradd leaves "!" (or "!!"): a locked account without a password until one is set.
        password: bare !== undefined
            ? { locked: lock, set: bare !== '' && bare !== '*', sha256: sha256Text(bare) }
            : { locked: true, set: false, sha256: sha256Text('') },
    };
    let groups = withMemberships(f.groups, p.name, supplementary, []);
    const effects = [];
    if (makesOwnGroup) {
        groups = [...groups, { name: p.name, members: [] }];
        effects.push({ fact: groupFact.name, key: groupFact.key(p.name), value: { exists: true, members: [] } });
    }
    effects.push(...userEffects(p, f, account, groups));
    const after = {
        state: 'present',
        ...(p.uid !== undefined ? { uid: p.uid } : {}),
        group: account.group ?? account.gid ?? '(default)',
        groups: account.groups,
        home,
        shell,
        comment: account.comment,
        password: bare !== undefined ? `(hash set)${lock ? ', locked' : ''}` : '(no password), locked',
    };
    const details = [
        p.uid !== undefined ? `uid ${p.uid}` : p.system ? 'system uid' : undefined,
        `group ${account.group ?? account.gid}`,
        supplementary.length ? `groups ${[...supplementary].sort().join(',')}` : undefined,
        `home ${home}${createHome ? '' : ' (not created)'}`,
        `shell ${shell}`,
        bare !== undefined ? 'password set' : undefined,
    ].filter(Boolean);
    return {
        kind: 'change',
        summary: `create user ${p.name} (${details.join(', ')})`,
        diffs: [{ kind: 'state', subject: `user ${p.name}`, before: { state: 'absent' }, after }],
        actions: [action],
        effects,
        result: userResult(p, account, 'present'),
    };
}
export function decideUserUpdate(p, f, r) {
    const a = f.account;
    const flags = [];
    const before = {};
    const after = {};
    const changes = [];
    let next = a;
    let groups = f.groups;
    const note = (field, from, to, text) => {
        before[field] = from;
        after[field] = to;
        changes.push(text);
    };
    if (p.uid !== undefined && a.uid !== p.uid) {
        flags.push('-u', String(p.uid));
        note('uid', a.uid, p.uid, `uid ${a.uid} -> ${p.uid}`);
        next = { ...next, uid: p.uid };
    }
    const primary = r.primary;
    if (primary && (primary.gid !== undefined ? a.gid !== primary.gid : a.group !== primary.name)) {
        flags.push('-g', primary.name);
        note('group', a.group ?? a.gid, primary.name, `group ${a.group ?? a.gid} -> ${primary.name}`);
        next = { ...next, gid: primary.gid, group: primary.name };
    }
    if (r.supplementary !== undefined) {
        const current = a.groups ?? [];
        const want = [...new Set(r.supplementary)].filter((g) => g !== next.group).sort();
        const add = want.filter((g) => !current.includes(g));
        const drop = p.append ? [] : current.filter((g) => !want.includes(g));
        if (add.length || drop.length) {
            if (p.append)
                flags.push('-a', '-G', add.join(','));
            else
                flags.push('-G', want.join(','));
            const text = [...add.map((g) => `+${g}`), ...drop.map((g) => `-${g}`)].join(' ');
            const result = p.append ? [...new Set([...current, ...add])].sort() : want;
            note('groups', current, result, `groups ${text}`);
            next = { ...next, groups: result };
            groups = withMemberships(groups, p.name, add, drop);
        }
    }
    for (const [field, flag, want] of [['shell', '-s', p.shell], ['home', '-d', p.home], ['comment', '-c', p.comment]]) {
        const cur = a[field];
        if (want !== undefined && cur !== want) {
            flags.push(flag, want);
            note(field, cur, want, `${field} ${cur === '' ? '""' : cur} -> ${want === '' ? '""' : want}`);
            next = { ...next, [field]: want };
        }
    }
    let passwordField;
    const needsShadow = (p.password !== undefined && p.update_password !== 'on_create') || p.password_lock !== undefined;
    if (needsShadow && a.password === undefined) {
        return { kind: 'fail', msg: `cannot read /etc/shadow to compare the password of ${p.name}: run the task with become: true` };
    }
    const pw = a.password;
    if (pw && p.password !== undefined && p.update_password !== 'on_create') {
        const bare = p.password.replace(/^!+/, '');
        if (sha256Text(bare) !== pw.sha256) {
            // As Ansible: a new hash unlocks the account unless password_lock asks for a lock.
            const lock = p.password_lock === true || p.password.startsWith('!');
            passwordField = `${lock ? '!' : ''}${bare}`;
            note('password', passwordWord(pw), `(new hash)${lock ? ', locked' : ''}`, 'password changed');
            next = { ...next, password: { locked: lock, set: bare !== '' && bare !== '*', sha256: sha256Text(bare) } };
        }
    }
    if (pw && passwordField === undefined && p.password_lock !== undefined && pw.locked !== p.password_lock) {
        if (!p.password_lock && !pw.set) {
            return { kind: 'fail', msg: `cannot unlock ${p.name}: it has no password hash to unlock (give password: a crypted hash)` };
        }
        flags.push(p.password_lock ? '-L' : '-U');
        note('password', passwordWord(pw), passwordWord({ ...pw, locked: p.password_lock }), p.password_lock ? 'password locked' : 'password unlocked');
        next = { ...next, password: { ...pw, locked: p.password_lock } };
    }
    const actions = [];
    const argv = flags.length ? ['usermod', ...flags, p.name] : undefined;
    if (passwordField !== undefined)
        actions.push(withPassword(argv, p.name, passwordField));
    else if (argv)
        actions.push(exec(argv));
    if (p.create_home !== false && a.homeExists === false && next.home === a.home && a.home !== undefined) {
        actions.push(exec(['sh', '-c', MAKE_HOME, 'k8sbm-user', a.home, p.name]));
        note('home_directory', 'absent', 'created', `create home ${a.home}`);
        next = { ...next, homeExists: true };
    }
    if (actions.length === 0) {
        const pwText = pw ? `, password ${pw.set ? 'set' : 'not set'}${pw.locked ? ', locked' : ''}` : '';
        return {
            kind: 'ok',
            reason: `user ${p.name} is up to date (uid ${a.uid}, group ${a.group ?? a.gid}, groups ${(a.groups ?? []).join(',') || 'none'}, ` +
                `home ${a.home}, shell ${a.shell}${pwText})`,
            result: userResult(p, a, 'present'),
        };
    }
    return {
        kind: 'change',
        summary: `user ${p.name}: ${changes.join(', ')}`,
        diffs: [{ kind: 'state', subject: `user ${p.name}`, before, after }],
        actions,
        effects: userEffects(p, f, next, groups),
        result: userResult(p, next, 'present'),
    };
}
export function decideUserRemoval(p, f) {
    const a = f.account;
    if (!a.exists)
        return { kind: 'ok', reason: `user ${p.name} does not exist`, result: userResult(p, a, 'absent') };
    // userdel drops the user's own group when nobody else is in it (USERGROUPS_ENAB).
    const own = f.groups.find((g) => g.name === p.name && g.gid === a.gid && g.members.every((m) => m === p.name));
    const dropsOwnGroup = f.defaults.userGroups && own !== undefined;
    const groups = withMemberships(f.groups, p.name, [], f.groups.map((g) => g.name)).filter((g) => !(dropsOwnGroup && g === own));
    const effects = [
        { fact: userFact.name, key: userFact.key(p.name), value: { ...f, account: { exists: false }, groups } },
        { fact: authorizedKeysFact.name, key: authorizedKeysFact.key({ user: p.name }), value: { userExists: false } },
    ];
    if (dropsOwnGroup)
        effects.unshift({ fact: groupFact.name, key: groupFact.key(p.name), value: { exists: false } });
    // Older shadow-utils exit 12 when -r finds no home: nothing left to remove is not a failure.
    const okCodes = p.remove && a.homeExists === false ? [0, 12] : undefined;
    return {
        kind: 'change',
        summary: `remove user ${p.name} (uid ${a.uid})${p.remove ? ` and its home ${a.home}` : ''}`,
        diffs: [{
                kind: 'state', subject: `user ${p.name}`,
                before: { state: 'present', uid: a.uid, home: a.home },
                after: { state: 'absent', ...(p.remove ? { home: 'removed' } : {}) },
            }],
        actions: [exec(['userdel', ...(p.remove ? ['-r'] : []), p.name], okCodes ? { okCodes } : {})],
        effects,
        result: userResult(p, a, 'absent'),
    };
}
//# sourceMappingURL=user-decide.js.map