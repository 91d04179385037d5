import { groupFact, userFact } from '../../facts/accounts.js';
import { decideUserCreation, decideUserRemoval, decideUserUpdate, normalizeGroupsParam, } from './user-decide.js';
import { userSchema } from './user-params.js';
import { defineModule } from '../types.js';
export const user = defineModule({
    name: 'user',
    doc: {
        summary: 'Makes a local user account exist as described (uid, groups, shell, home, password hash, lock), or not exist (useradd, usermod, userdel).',
        check: 'full',
        diff: 'state',
        example: `- name: deploy account
  user:
    name: deploy
    uid: 4200
    groups: [docker, k8s-operators]
    shell: /bin/bash
    comment: Deploy robot
    password: "{{ deploy_password_hash }}"
  become: true

- name: former admin
  user:
    name: olduser
    state: absent
    remove: true
  become: true
`,
        notes: [
            'One exec when nothing changes (passwd entry, shadow status, memberships and the group table in one script); one more for useradd/usermod/userdel.',
            'The password hash never leaves the controller in a readable place: the host reports only a SHA-256 of its current hash, and the new one goes to chpasswd -e on stdin.',
            'In check mode later tasks see the predicted account: an authorized_key for a user created in the same run plans instead of failing.',
            'Reading /etc/shadow needs root: password and password_lock need become: true.',
        ],
    },
    schema: userSchema,
    secretParams: ['password'],
    async plan(ctx, p) {
        const f = await ctx.fact(userFact, p.name);
        if ((p.state ?? 'present') === 'absent')
            return decideUserRemoval(p, f);
        const resolved = await resolveGroups(ctx, p, f);
        if ('missing' in resolved) {
            const [first, ...rest] = resolved.missing;
            const what = rest.length ? `groups ${resolved.missing.join(', ')} do not exist` : `group ${first} does not exist`;
            return { kind: 'fail', msg: `${what} (create ${rest.length ? 'them' : 'it'} first with the group module)` };
        }
        return f.account.exists ? decideUserUpdate(p, f, resolved) : decideUserCreation(p, f, resolved);
    },
});
/**
 * The group params as names on this host. A group missing from the user fact's table may have
 * been created by an earlier task in check mode: only then is the group fact consulted (the
 * engine answers it from the predictions), so a real run never pays a second exec.
 */
async function resolveGroups(ctx, p, f) {
    const missing = [];
    const resolve = async (ref) => {
        const numeric = typeof ref === 'number' || /^\d+$/.test(ref);
        const hit = numeric ? f.groups.find((g) => g.gid === Number(ref)) : f.groups.find((g) => g.name === ref);
        if (hit)
            return { name: hit.name, gid: hit.gid };
        if (ctx.check && !numeric) {
            const predicted = await ctx.fact(groupFact, String(ref));
            if (predicted.exists)
                return { name: String(ref), gid: predicted.gid };
        }
        missing.push(String(ref));
        return undefined;
    };
    const primary = p.group === undefined ? undefined : await resolve(p.group);
    const list = normalizeGroupsParam(p.groups);
    const supplementary = [];
    for (const ref of list ?? []) {
        const g = await resolve(ref);
        if (g && !supplementary.includes(g.name))
            supplementary.push(g.name);
    }
    if (missing.length)
        return { missing };
    return { primary, supplementary: list === undefined ? undefined : supplementary };
}
//# sourceMappingURL=user.js.map