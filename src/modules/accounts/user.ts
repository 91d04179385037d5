import { groupFact, userFact, type UserFactState } from '../../facts/accounts.js';
import { ACCOUNT_NAME_SCHEMA, ID_SCHEMA } from './group.js';
import {
  checkPasswordParam, decideUserCreation, decideUserRemoval, decideUserUpdate, normalizeGroupsParam,
  type ResolvedGroup, type ResolvedGroups, type UserParams,
} from './user-decide.js';
import { defineModule, type JsonSchema, type Plan, type PlanContext } from '../types.js';

export type { UserParams } from './user-decide.js';

const GROUP_REF: JsonSchema = { type: ['string', 'integer'] };
const NO_COLON = '^[^:\\n]*$';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { ...ACCOUNT_NAME_SCHEMA, description: 'The login name (letters, digits, _ . -; at most 32 characters).' },
    uid: { ...ID_SCHEMA, description: 'The numeric user id; an existing user with another uid is renumbered (usermod -u, which also re-owns the home). Unset: the host picks one.' },
    group: { ...GROUP_REF, description: 'Primary group, by name or gid; it must exist (or be created by an earlier group task). Unset: a group named after the user (USERGROUPS_ENAB), as useradd does.' },
    groups: {
      type: ['array', 'string'],
      items: GROUP_REF,
      description: 'Supplementary groups (a list, or one comma-separated string). With append: false the user ends up in exactly these; [] removes it from all of them.',
    },
    append: { type: 'boolean', default: false, description: 'true: add the user to `groups` and leave its other memberships alone.' },
    shell: { type: 'string', minLength: 1, pattern: NO_COLON, description: 'Login shell, e.g. /bin/bash. Unset on a new user: useradd\'s default.' },
    home: { type: 'string', pattern: '^/[^:\\n]*$', description: 'Home directory (absolute). Changing it on an existing user does not move the old one (usermod -d).' },
    create_home: { type: 'boolean', default: true, description: 'Create the home directory from /etc/skel when creating the user, or when an existing user\'s home is missing.' },
    comment: { type: 'string', pattern: NO_COLON, description: 'The GECOS field (full name), e.g. "Jane Doe".' },
    system: { type: 'boolean', default: false, description: 'Create a system account (useradd -r: a uid from the system range). Has no effect on an existing user.' },
    password: {
      type: 'string', pattern: NO_COLON,
      description: 'The crypted password hash for /etc/shadow (e.g. from `openssl passwd -6`), never clear text. Treated as a secret: ' +
        'it is compared on the host by digest, handed to chpasswd on stdin, and never shown in output or diffs.',
    },
    password_lock: { type: 'boolean', description: 'true: lock the password (usermod -L, a "!" before the hash); false: unlock it. Key logins keep working only where sshd uses PAM.' },
    update_password: { enum: ['always', 'on_create'], default: 'always', description: 'on_create: set `password` only when creating the user, never change it later.' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'present: the account exists as described; absent: it is removed (userdel).' },
    remove: { type: 'boolean', default: false, description: 'With state: absent, also remove the home directory and mail spool (userdel -r).' },
  },
};

export const user = defineModule<UserParams>({
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
  schema,
  secretParams: ['password'],
  async plan(ctx, p): Promise<Plan> {
    const f = await ctx.fact(userFact, p.name);
    if ((p.state ?? 'present') === 'absent') return decideUserRemoval(p, f);
    const pwError = checkPasswordParam(p.password);
    if (pwError) return { kind: 'fail', msg: pwError };
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
async function resolveGroups(ctx: PlanContext, p: UserParams, f: UserFactState): Promise<ResolvedGroups | { missing: string[] }> {
  const missing: string[] = [];
  const resolve = async (ref: string | number): Promise<ResolvedGroup | undefined> => {
    const numeric = typeof ref === 'number' || /^\d+$/.test(ref);
    const hit = numeric ? f.groups.find((g) => g.gid === Number(ref)) : f.groups.find((g) => g.name === ref);
    if (hit) return { name: hit.name, gid: hit.gid };
    if (ctx.check && !numeric) {
      const predicted = await ctx.fact(groupFact, String(ref));
      if (predicted.exists) return { name: String(ref), gid: predicted.gid };
    }
    missing.push(String(ref));
    return undefined;
  };
  const primary = p.group === undefined ? undefined : await resolve(p.group);
  const list = normalizeGroupsParam(p.groups);
  const supplementary: string[] = [];
  for (const ref of list ?? []) {
    const g = await resolve(ref);
    if (g && !supplementary.includes(g.name)) supplementary.push(g.name);
  }
  if (missing.length) return { missing };
  return { primary, supplementary: list === undefined ? undefined : supplementary };
}
