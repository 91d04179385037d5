import { posix } from 'node:path';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { userFact } from '../../facts/accounts.js';
import { authorizedKeysFact, type AuthorizedKeysArg, type AuthorizedKeysState } from '../../facts/authorized_keys.js';
import { fileFact } from '../../facts/file.js';
import { StringEnum } from '../../schema/formats.js';
import { AccountName } from './group.js';
import { editAuthorizedKeys, parseWantedKeys, shortKey, type KeyEdit, type KeyLine } from './authorized_key-lines.js';
import { contentDiff, predictWrittenFile } from '../files/file-write.js';
import { defineModule, type Action, type Diff, type Effect, type Plan, type PlanContext } from '../types.js';

const schema = Type.Object({
  user: AccountName({ description: 'The account whose authorized_keys file is managed; it must exist (or be created by an earlier user task).' }),
  key: Type.String({
    description: 'One public key per line ("[options] TYPE BASE64 [comment]", as in authorized_keys), e.g. "{{ lookup(\'file\', \'id_ed25519.pub\') }}". ' +
      'Blank lines and # comments are skipped. Keys are told apart by their base64 body.',
  }),
  state: Type.Optional(StringEnum(['present', 'absent'], {
    default: 'present',
    description: 'present: the keys are in the file, with these options and comments; absent: no line carries them.',
  })),
  exclusive: Type.Optional(Type.Boolean({
    default: false,
    description: 'With state: present, remove every other line of the file (other keys, comments, blank lines).',
  })),
  key_options: Type.Optional(Type.String({ description: 'Options for every key, replacing the keys\' own, e.g. \'no-port-forwarding,from="10.0.0.0/8"\'.' })),
  comment: Type.Optional(Type.String({ description: 'Comment for every key, replacing the keys\' own.' })),
  path: Type.Optional(Type.String({
    pattern: '^(/|~/)',
    description: 'The keys file: absolute, or ~/... from the user\'s home. Default: ~/.ssh/authorized_keys of the user (its home from the passwd database).',
    errorHint: 'a path from / ("/etc/ssh/authorized_keys/deploy") or from the user\'s home ("~/.ssh/authorized_keys")',
  })),
  manage_dir: Type.Optional(Type.Boolean({
    default: true,
    description: 'Create the file\'s directory (mode 0700, owned by the user) and correct its owner and mode. Set false with a shared path such as /etc/ssh/authorized_keys/%u.',
  })),
}, { additionalProperties: false });

export type AuthorizedKeyParams = Static<typeof schema>;

export const authorized_key = defineModule({
  name: 'authorized_key',
  doc: {
    summary: 'Makes SSH public keys present in (or absent from) a user\'s authorized_keys file, which is kept 0600 and owned by the user.',
    check: 'full',
    diff: 'content and state',
    example: `- name: operator key
  authorized_key:
    user: deploy
    key: "{{ lookup('file', 'keys/deploy.pub') }}"
  become: true

- name: only these keys, from the bastion only
  authorized_key:
    user: root
    key: |
      ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@bastion
    key_options: 'from="10.0.0.0/8",no-agent-forwarding'
    exclusive: true
  become: true
`,
    notes: [
      'One exec (the user\'s home and ids, the directory and the file with its content) when nothing changes; a change adds one upload, plus one install -d when the directory is created or corrected.',
      'As Ansible: a key whose type, options or comment differ is rewritten; comments and other lines stay unless exclusive.',
      'In check mode a user created by an earlier task is taken from the prediction, with its new home.',
    ],
  },
  schema,
  rules: [{
    params: ['key', 'state', 'exclusive'],
    check(p) {
      const wanted = parseWantedKeys(p.key);
      if (wanted.invalid.length) {
        const lines = wanted.invalid.length === 1 ? `line ${wanted.invalid[0]} is not a public key` : `lines ${wanted.invalid.join(', ')} are not public keys`;
        return {
          message: `key: ${lines}`,
          hint: 'one public key per line, as in authorized_keys: "[options] TYPE BASE64 [comment]", e.g. "ssh-ed25519 AAAA... me@host" (the .pub file, never the private key)',
        };
      }
      if (wanted.keys.length > 0 || ((p.state ?? 'present') === 'present' && p.exclusive)) return undefined;
      return {
        message: 'key holds no public key (only blank lines or # comments)',
        hint: 'give at least one public key; only state: present with exclusive: true takes none (it empties the file)',
      };
    },
  }],
  async plan(ctx, p): Promise<Plan> {
    const state = p.state ?? 'present';
    // The rule has read the keys once already: every line is a key or skipped, and some key is given where one is needed.
    const wanted = parseWantedKeys(p.key, p.key_options, p.comment);
    const arg: AuthorizedKeysArg = { user: p.user, path: p.path };
    let st = await ctx.fact(authorizedKeysFact, arg);
    if (!st.userExists) {
      if (state === 'absent') return { kind: 'ok', reason: `user ${p.user} does not exist: it has no keys to remove`, result: resultOf(p, st.path) };
      st = await predictedUser(ctx, p, st);
      if (!st.userExists) return { kind: 'fail', msg: `user ${p.user} does not exist (create it first with the user module)` };
    }
    return decideAuthorizedKey(p, arg, st, wanted.keys);
  },
});

/** Check mode only: the user an earlier task would create, with the file as the fact found it. */
async function predictedUser(ctx: PlanContext, p: AuthorizedKeyParams, st: AuthorizedKeysState): Promise<AuthorizedKeysState> {
  if (!ctx.check) return st;
  const { account } = await ctx.fact(userFact, p.user);
  if (!account.exists || account.home === undefined) return st;
  const home = account.home;
  const path = p.path === undefined ? posix.join(home, '.ssh/authorized_keys') : p.path.startsWith('~/') ? posix.join(home, p.path.slice(2)) : posix.normalize(p.path);
  const inHome = p.path === undefined || p.path.startsWith('~/');
  return {
    userExists: true, uid: account.uid, gid: account.gid, home, path,
    dir: inHome ? { state: 'absent', parentExists: account.homeExists === true && posix.dirname(posix.dirname(path)) === home } : st.dir,
    file: inHome ? { state: 'absent' } : st.file,
  };
}

function resultOf(p: AuthorizedKeyParams, path: string | undefined): Record<string, unknown> {
  return {
    user: p.user, key: p.key, key_options: p.key_options ?? null, state: p.state ?? 'present', exclusive: p.exclusive === true,
    manage_dir: p.manage_dir !== false, ...(path !== undefined ? { path } : {}),
  };
}

/** The owner a diff shows: the user's ids, or its name when a check-mode prediction has no uid yet. */
function wantedIds(st: AuthorizedKeysState, user: string): Record<string, unknown> {
  return { uid: st.uid ?? user, ...(st.gid !== undefined ? { gid: st.gid } : {}) };
}

type Ids = { readonly mode?: string | undefined; readonly uid?: number | undefined; readonly gid?: number | undefined };

/** "mode 0755 -> 0700, owner 0:0 -> 4101:4101": only what differs. */
function attrChanges(cur: Ids, mode: string, want: Ids): string {
  const owner = (x: Ids): string => `${x.uid ?? '?'}:${x.gid ?? '?'}`;
  return [
    cur.mode !== mode ? `mode ${cur.mode} -> ${mode}` : undefined,
    owner(cur) !== owner(want) ? `owner ${owner(cur)} -> ${owner(want)}` : undefined,
  ].filter(Boolean).join(', ');
}

function describeEdit(e: KeyEdit, path: string): string[] {
  const keys = (ks: readonly KeyLine[]): string => (ks.length === 1 ? `key ${shortKey(ks[0]!)}` : `${ks.length} keys`);
  return [
    e.added.length ? `add ${keys(e.added)} to ${path}` : undefined,
    e.updated.length ? `rewrite ${keys(e.updated)} (options or comment) in ${path}` : undefined,
    e.removed.length ? `remove ${keys(e.removed)} from ${path}` : undefined,
    e.droppedLines ? `drop ${e.droppedLines} other line${e.droppedLines === 1 ? '' : 's'} (exclusive)` : undefined,
  ].filter((x): x is string => x !== undefined);
}

/** Pure: the plan for a user that exists (or is predicted), from the fact and the parsed keys. */
export function decideAuthorizedKey(p: AuthorizedKeyParams, arg: AuthorizedKeysArg, st: AuthorizedKeysState, wanted: readonly KeyLine[]): Plan {
  const state = p.state ?? 'present';
  const path = st.path ?? '';
  const dir = posix.dirname(path);
  const dirState = st.dir ?? { state: 'absent' };
  const file = st.file ?? { state: 'absent' };
  const result = resultOf(p, path);
  if (dirState.state === 'notdir') return { kind: 'fail', msg: `${dir} exists and is not a directory` };
  if (file.state === 'other') return { kind: 'fail', msg: `${path} exists and is not a regular file` };
  if ((file.state === 'file' && file.readable === false) || file.state === 'unknown') {
    return { kind: 'fail', msg: `cannot read ${path} (permission denied?); run the task with become: true` };
  }
  if (state === 'absent' && file.state === 'absent') return { kind: 'ok', reason: `${path} does not exist: no key to remove`, result };

  const current = file.state === 'file' ? file.content ?? '' : '';
  const edit = editAuthorizedKeys(current, wanted, { state, exclusive: p.exclusive === true });
  const gid = st.gid === undefined ? undefined : String(st.gid);
  const owns = (x: { uid?: number | undefined; gid?: number | undefined }): boolean =>
    (st.uid === undefined || x.uid === st.uid) && (st.gid === undefined || x.gid === st.gid);
  const fileDrift = file.state === 'file' && state === 'present' && (file.mode !== '0600' || !owns(file));
  const write = edit.content !== current || (file.state === 'absent' && state === 'present') || fileDrift;
  const manage = p.manage_dir !== false;
  const dirDrift = dirState.state === 'absent' || (manage && (dirState.mode !== '0700' || !owns(dirState)));
  const changes = describeEdit(edit, path);
  const actions: Action[] = [];
  const diffs: Diff[] = [];
  const effects: Effect[] = [];

  if (dirDrift && (write || (manage && state === 'present'))) {
    if (dirState.state === 'absent' && manage && dirState.parentExists === false) {
      return { kind: 'fail', msg: `cannot create ${dir}: ${posix.dirname(dir)} does not exist (is the home of ${p.user} missing? create_home on the user module makes it)` };
    }
    const before = dirState.state === 'absent' ? { state: 'absent' } : { mode: dirState.mode, uid: dirState.uid, gid: dirState.gid };
    if (manage) {
      actions.push({ kind: 'exec', argv: ['install', '-d', '-m', '0700', '-o', p.user, ...(gid ? ['-g', gid] : []), '--', dir] });
      diffs.push({ kind: 'state', subject: dir, before, after: { state: 'directory', mode: '0700', ...wantedIds(st, p.user) } });
      changes.unshift(dirState.state === 'absent' ? `create ${dir} (0700 ${p.user})` : `${dir}: ${attrChanges(dirState, '0700', st)}`);
    } else {
      actions.push({ kind: 'exec', argv: ['mkdir', '-p', '--', dir] });
      diffs.push({ kind: 'state', subject: dir, before, after: { state: 'directory' } });
      changes.unshift(`create ${dir}`);
    }
  }
  if (write) {
    actions.push({ kind: 'upload', dest: path, content: edit.content, mode: '0600', owner: p.user, group: gid });
    if (edit.content !== current || file.state === 'absent') {
      diffs.push(contentDiff(path, file.state === 'file' ? Buffer.from(current, 'utf8') : null, Buffer.from(edit.content, 'utf8')));
    }
    if (file.state === 'absent' && changes.every((c) => !c.includes(path))) changes.push(`create ${path} (empty)`);
    if (fileDrift) {
      diffs.push({ kind: 'state', subject: path, before: { mode: file.mode, uid: file.uid, gid: file.gid }, after: { mode: '0600', ...wantedIds(st, p.user) } });
      changes.push(`${path}: ${attrChanges(file, '0600', st)}`);
    }
    const content = Buffer.from(edit.content, 'utf8');
    effects.push({ fact: fileFact.name, key: fileFact.key(path), value: predictWrittenFile(content, undefined, '0600', { owner: st.uid ?? p.user, group: st.gid }) });
  }
  if (actions.length === 0) {
    const n = wanted.length;
    const what = n === 1 ? `the key ${shortKey(wanted[0]!)}` : `the ${n} keys`;
    const reason = state === 'absent' ? `${path} does not have ${what}` : `${path} already has ${what}${p.exclusive ? ' and nothing else' : ''}`;
    return { kind: 'ok', reason, result };
  }
  const predicted: AuthorizedKeysState = {
    ...st,
    dir: actions.some((a) => a.kind === 'exec')
      ? { state: 'directory', mode: manage ? '0700' : undefined, uid: manage ? st.uid : undefined, gid: manage ? st.gid : undefined }
      : dirState,
    file: write ? { state: 'file', mode: '0600', uid: st.uid, gid: st.gid, content: edit.content, readable: true } : file,
  };
  effects.unshift({ fact: authorizedKeysFact.name, key: authorizedKeysFact.key(arg), value: predicted });
  return { kind: 'change', summary: changes.join(', '), diffs, actions, effects, result };
}
