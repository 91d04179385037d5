import type { SchemaOptions, Static, TInteger, TString } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { groupFact, type GroupState } from '../../facts/accounts.js';
import { type Explained, StringEnum } from '../../schema/formats.js';
import { defineModule, type ExecAction, type Plan } from '../types.js';

type Options = SchemaOptions & Explained;

/** Names useradd and groupadd accept everywhere: no leading digit or dash, no colon or space. */
export const AccountName = (o: Options = {}): TString => Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_.-]*[$]?$',
  maxLength: 32,
  errorHint: 'letters, digits, "_", "." and "-", starting with a letter or "_" (a machine account may end with "$"); at most 32 characters',
  ...o,
});

/** A uid or gid. */
export const AccountId = (o: Options = {}): TInteger => Type.Integer({ minimum: 0, maximum: 4294967294, ...o });

const schema = Type.Object({
  name: AccountName({ description: 'The group name (letters, digits, _ . -; at most 32 characters).' }),
  gid: Type.Optional(AccountId({ description: 'The numeric group id; an existing group with another gid is renumbered (groupmod -g). Unset: the host picks one.' })),
  system: Type.Optional(Type.Boolean({ default: false, description: 'Create a system group (groupadd -r: a gid from the system range). Has no effect on an existing group.' })),
  state: Type.Optional(StringEnum(['present', 'absent'], {
    default: 'present',
    description: 'present: the group exists; absent: it is removed (groupdel, which refuses a group that is some user\'s primary group).',
  })),
}, { additionalProperties: false });

export type GroupParams = Static<typeof schema>;

export const group = defineModule({
  name: 'group',
  doc: {
    summary: 'Makes a local group exist with a given gid, or not exist (groupadd, groupmod, groupdel).',
    check: 'full',
    diff: 'state',
    example: `- name: operators group
  group:
    name: k8s-operators
    gid: 4100
  become: true

- name: retire an old group
  group:
    name: legacy-admins
    state: absent
  become: true
`,
    notes: [
      'One exec (getent group) when nothing changes; one more for groupadd, groupmod or groupdel.',
      'In check mode a later user task that names the group sees it as created.',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const st = await ctx.fact(groupFact, p.name);
    return decideGroup(p, st);
  },
});

/** Pure: the change that makes the group match `p`. */
export function decideGroup(p: GroupParams, st: GroupState): Plan {
  const state = p.state ?? 'present';
  const subject = `group ${p.name}`;
  const effect = (value: GroupState) => [{ fact: groupFact.name, key: groupFact.key(p.name), value }];
  const before = st.exists ? { state: 'present', gid: st.gid } : { state: 'absent' };
  if (state === 'absent') {
    if (!st.exists) return { kind: 'ok', reason: `group ${p.name} does not exist`, result: { name: p.name, state } };
    return {
      kind: 'change',
      summary: `remove group ${p.name} (gid ${st.gid ?? '?'})`,
      diffs: [{ kind: 'state', subject, before, after: { state: 'absent' } }],
      actions: [exec(['groupdel', p.name])],
      effects: effect({ exists: false }),
      result: { name: p.name, state },
    };
  }
  const result = { name: p.name, state, gid: p.gid ?? st.gid, system: p.system === true };
  if (!st.exists) {
    const args = [...(p.gid !== undefined ? ['-g', String(p.gid)] : []), ...(p.system ? ['-r'] : [])];
    return {
      kind: 'change',
      summary: `create group ${p.name} (${p.gid !== undefined ? `gid ${p.gid}` : p.system ? 'system gid' : 'next free gid'})`,
      diffs: [{ kind: 'state', subject, before, after: { state: 'present', ...(p.gid !== undefined ? { gid: p.gid } : {}) } }],
      actions: [exec(['groupadd', ...args, p.name])],
      effects: effect({ exists: true, gid: p.gid, members: [] }),
      result,
    };
  }
  if (p.gid !== undefined && st.gid !== p.gid) {
    return {
      kind: 'change',
      summary: `group ${p.name}: gid ${st.gid ?? '?'} -> ${p.gid}`,
      diffs: [{ kind: 'state', subject, before: { gid: st.gid }, after: { gid: p.gid } }],
      actions: [exec(['groupmod', '-g', String(p.gid), p.name])],
      effects: effect({ ...st, gid: p.gid }),
      result,
    };
  }
  return { kind: 'ok', reason: `group ${p.name} exists (gid ${st.gid ?? '?'})`, result };
}

function exec(argv: string[]): ExecAction {
  return { kind: 'exec', argv };
}
