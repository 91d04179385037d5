import { aptSourceFact, type AptSourceQuery, type AptSourceState } from '../../facts/apt.js';
import { fileFact, type FileState } from '../../facts/file.js';
import { filesAction, type FileOp } from './apt_repository-files.js';
import { KeyFormatError, dearmorKeys, isArmored, keyringBytes } from './apt_repository-key.js';
import {
  SourceError, filenameFromUri, listParam, parseSourceLine, renderDeb822, renderSourceLine, withSignedBy,
} from './apt_repository-source.js';
import { contentDiff, predictWrittenFile, sha256Hex, sizeText } from '../files/file-write.js';
import { aptUpdateAction } from './package-apt.js';
import { defineModule, type Action, type Diff, type Effect, type JsonSchema, type Plan, type PlanContext } from '../types.js';

export interface AptRepositoryParams {
  readonly repo?: string;
  readonly name?: string;
  readonly uris?: string | readonly string[];
  readonly suites?: string | readonly string[];
  readonly components?: string | readonly string[];
  readonly architectures?: string | readonly string[];
  readonly filename?: string;
  readonly signed_by?: string;
  readonly key_url?: string;
  readonly key_content?: string;
  readonly state?: 'present' | 'absent';
  readonly update_cache?: boolean;
  readonly lock_timeout?: number;
}

const WORDS: JsonSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', pattern: '^\\S+$' } }] };
const FILE_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['repo'] }, { required: ['uris', 'suites'] }, { required: ['filename'] }, { required: ['name'] }],
  properties: {
    repo: { type: 'string', description: 'A one-line source: "deb [arch=amd64] https://example.org/debian bookworm main". Written to NAME.list.' },
    name: { type: 'string', pattern: FILE_NAME, description: 'Names the source: the file (NAME.list or NAME.sources) and the keyring (/etc/apt/keyrings/NAME.gpg).' },
    uris: { ...WORDS, description: 'deb822 (NAME.sources): the repository URI(s).' },
    suites: { ...WORDS, description: 'deb822: suite(s) ("bookworm"), or a flat repository path ending in / ("/").' },
    components: { ...WORDS, description: 'deb822: components ("main contrib"); none for a flat repository.' },
    architectures: { ...WORDS, description: 'deb822: only these architectures ("amd64 arm64").' },
    filename: { type: 'string', pattern: FILE_NAME, description: 'File name in /etc/apt/sources.list.d, without .list/.sources (default: name, or one made from the URI).' },
    signed_by: { type: 'string', pattern: '^/', description: 'Keyring the source trusts (signed-by). With key_url/key_content the key is written there.' },
    key_url: { type: 'string', pattern: '^(https?|ftp|file)://', description: 'Fetch the signing key on the host (curl or wget); armored keys are dearmored.' },
    key_content: { type: 'string', description: 'The signing key itself, ASCII-armored ("-----BEGIN PGP PUBLIC KEY BLOCK-----").' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'absent removes the list file (and the keyring, when key_url/key_content name one).' },
    update_cache: { type: 'boolean', default: true, description: 'After a change, refresh the package lists: only this source\'s when it was added or changed.' },
    lock_timeout: { type: 'integer', minimum: 0, default: 300, description: 'Seconds to wait for another apt to release the lists lock.' },
  },
};

interface Layout {
  readonly listPath: string;
  /** Where the key goes, when this task manages one (key_url/key_content). */
  readonly managedKeyring?: string | undefined;
  /** The list file's text (present only). */
  readonly content?: Buffer | undefined;
}

const SOURCES_DIR = '/etc/apt/sources.list.d';

/** Where things go and what the list says; a string is the reason the params do not add up. */
function layoutOf(p: AptRepositoryParams, state: 'present' | 'absent'): Layout | string {
  const managed = p.key_url !== undefined || p.key_content !== undefined;
  if (p.repo !== undefined) {
    let src = parseSourceLine(p.repo);
    const base = p.filename?.replace(/\.list$/, '') ?? p.name ?? filenameFromUri(src.uri);
    const inLine = src.options.find(([k]) => k === 'signed-by')?.[1];
    const keyring = p.signed_by ?? inLine ?? (managed ? `/etc/apt/keyrings/${p.name ?? base}.gpg` : undefined);
    src = withSignedBy(src, keyring);
    return { listPath: `${SOURCES_DIR}/${base}.list`, managedKeyring: managed ? keyring : undefined, content: Buffer.from(renderSourceLine(src)) };
  }
  const uris = listParam(p.uris);
  if (uris.length === 0) {
    if (state === 'present') return 'state: present needs repo (a one-line source) or uris and suites (deb822)';
    const base = p.filename?.replace(/\.(list|sources)$/, '') ?? p.name!;
    const ext = p.filename?.endsWith('.list') ? 'list' : 'sources';
    return { listPath: `${SOURCES_DIR}/${base}.${ext}`, managedKeyring: managed ? p.signed_by ?? `/etc/apt/keyrings/${p.name ?? base}.gpg` : undefined };
  }
  const base = p.filename?.replace(/\.sources$/, '') ?? p.name ?? filenameFromUri(uris[0]!);
  const keyring = p.signed_by ?? (managed ? `/etc/apt/keyrings/${p.name ?? base}.gpg` : undefined);
  const content = renderDeb822({
    types: ['deb'], uris, suites: listParam(p.suites), components: listParam(p.components),
    architectures: listParam(p.architectures), signedBy: keyring,
  });
  return { listPath: `${SOURCES_DIR}/${base}.sources`, managedKeyring: managed ? keyring : undefined, content: Buffer.from(content) };
}

/** The keyring's bytes, from key_content or the fetched key_url; a string says what is wrong. */
function keyBytesOf(p: AptRepositoryParams, st: AptSourceState): Buffer | string | undefined {
  if (p.key_content !== undefined) {
    if (!isArmored(p.key_content)) return 'key_content must be an ASCII-armored public key ("-----BEGIN PGP PUBLIC KEY BLOCK-----"); use key_url for a binary key';
    return dearmorKeys(p.key_content);
  }
  if (p.key_url !== undefined) {
    const f = st.fetchedKey;
    if (!f || 'error' in f) return `cannot fetch ${p.key_url} on the host: ${f && 'error' in f ? f.error : 'no answer'}`;
    return keyringBytes(Buffer.from(f.base64, 'base64'));
  }
  return undefined;
}

function isCurrent(st: FileState, content: Buffer): boolean {
  return st.exists && st.type === 'file' && st.sha256 === sha256Hex(content) && st.mode === '0644' && (st.uid === undefined || st.uid === 0);
}

/** Keyrings are binary: the diff names their size and checksum instead of their bytes. */
function keyringDiff(path: string, before: FileState, after: Buffer | null): Diff {
  const b = before.exists ? `${sizeText(before.size ?? 0)}, sha256 ${before.sha256?.slice(0, 12) ?? '?'}` : null;
  const a = after ? `${sizeText(after.length)}, sha256 ${sha256Hex(after).slice(0, 12)}` : null;
  return { kind: 'text', subject: path, before: b, after: a, note: `binary keyring: ${b ?? 'absent'} -> ${a ?? 'absent'}` };
}

function describe(st: FileState): string {
  return st.exists ? `${st.mode} ${st.owner ?? st.uid}, ${sizeText(st.size ?? 0)}` : 'absent';
}

async function plan(ctx: PlanContext, p: AptRepositoryParams): Promise<Plan> {
  const state = p.state ?? 'present';
  if (p.repo !== undefined && p.uris !== undefined) return { kind: 'fail', msg: 'repo (one-line) and uris (deb822) describe the same thing twice: use one of them' };
  if (p.key_url !== undefined && p.key_content !== undefined) return { kind: 'fail', msg: 'key_url and key_content both give the key: use one of them' };
  let layout: Layout | string;
  try {
    layout = layoutOf(p, state);
  } catch (e) {
    if (e instanceof SourceError) return { kind: 'fail', msg: e.message };
    throw e;
  }
  if (typeof layout === 'string') return { kind: 'fail', msg: layout };
  const { listPath, managedKeyring, content } = layout;
  const query: AptSourceQuery = { list: listPath, keyring: managedKeyring, keyUrl: state === 'present' ? p.key_url : undefined };
  const st = await ctx.fact(aptSourceFact, query);
  const result = { filename: listPath, ...(managedKeyring ? { keyring: managedKeyring } : {}) };
  const lock = p.lock_timeout ?? 300;

  if (state === 'absent') {
    const gone = [st.list, st.keyring].map((s, i) => ({ s, path: i === 0 ? listPath : managedKeyring })).filter((x) => x.path && x.s?.exists);
    if (gone.length === 0) return { kind: 'ok', reason: `${listPath} is absent${managedKeyring ? ` and so is ${managedKeyring}` : ''}`, result };
    const actions: Action[] = [filesAction(gone.map((x) => ({ op: 'remove', path: x.path! })))];
    // The source's lists go away with a full refresh (apt cleans lists no source names).
    if (p.update_cache !== false) actions.push(aptUpdateAction(lock));
    return {
      kind: 'change',
      summary: `remove ${gone.map((x) => x.path).join(' and ')}${p.update_cache !== false ? ', refresh package lists' : ''}`,
      diffs: gone.map((x) => (x.path === listPath ? contentDiff(listPath, Buffer.from(st.listText ?? ''), null) : keyringDiff(x.path!, x.s!, null))),
      actions,
      effects: [
        ...gone.map((x) => ({ fact: fileFact.name, key: fileFact.key(x.path!), value: { exists: false, parentIsDir: true } satisfies FileState })),
        { fact: aptSourceFact.name, key: aptSourceFact.key(query), value: { list: { exists: false, parentIsDir: true }, ...(managedKeyring ? { keyring: { exists: false, parentIsDir: true } } : {}) } },
      ],
      result,
    };
  }

  let key: Buffer | string | undefined;
  try {
    key = keyBytesOf(p, st);
  } catch (e) {
    if (e instanceof KeyFormatError) return { kind: 'fail', msg: `${p.key_url ?? 'key_content'}: ${e.message}` };
    throw e;
  }
  if (typeof key === 'string') return { kind: 'fail', msg: key, result };
  for (const [path, s] of [[listPath, st.list], [managedKeyring, st.keyring]] as const) {
    if (path && s?.exists && s.type !== 'file') return { kind: 'fail', msg: `${path} exists and is not a regular file`, result };
    if (path && s?.exists && s.readable === false) return { kind: 'fail', msg: `cannot read ${path} to compare it (permission denied?); run the task with become: true`, result };
  }

  const ops: FileOp[] = [];
  const diffs: Diff[] = [];
  const effects: Effect[] = [];
  const predicted: { -readonly [K in keyof AptSourceState]: AptSourceState[K] } = { ...st };
  const write = (path: string, before: FileState, data: Buffer, slot: 'list' | 'keyring'): void => {
    if (isCurrent(before, data)) return;
    ops.push({ op: 'write', path, content: data });
    if (before.exists && before.sha256 === sha256Hex(data)) {
      diffs.push({ kind: 'state', subject: path, before: { mode: before.mode, owner: before.owner ?? before.uid }, after: { mode: '0644', owner: 'root' } });
    } else if (slot === 'keyring') {
      diffs.push(keyringDiff(path, before, data));
    } else {
      diffs.push(contentDiff(path, before.exists ? Buffer.from(st.listText ?? '') : null, data, before.size));
    }
    const next = predictWrittenFile(data, before, '0644', { owner: 'root', group: 'root' });
    effects.push({ fact: fileFact.name, key: fileFact.key(path), value: next });
    const { content: _bytes, ...plain } = next;
    predicted[slot] = plain;
    if (slot === 'list') predicted.listText = data.toString('utf8');
  };
  // The key first: a source that names a keyring apt cannot read fails every refresh.
  if (managedKeyring && key) write(managedKeyring, st.keyring ?? { exists: false }, key, 'keyring');
  write(listPath, st.list, content!, 'list');

  if (ops.length === 0) {
    const keyNote = managedKeyring ? `; ${managedKeyring} holds the key (sha256 ${sha256Hex(key!).slice(0, 12)})` : '';
    return { kind: 'ok', reason: `${listPath} is up to date (${describe(st.list)})${keyNote}`, result };
  }
  const actions: Action[] = [filesAction(ops)];
  if (p.update_cache !== false) {
    actions.push(aptUpdateAction(lock, ['-o', `Dir::Etc::sourcelist=${listPath}`, '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0']));
  }
  effects.push({ fact: aptSourceFact.name, key: aptSourceFact.key(query), value: { ...st, ...predicted } satisfies AptSourceState });
  const verbs = ops.map((o) => `${(o.op === 'write' && (o.path === listPath ? st.list : st.keyring)?.exists) ? 'update' : 'add'} ${o.path}`);
  return {
    kind: 'change',
    summary: `${verbs.join(', ')}${p.update_cache !== false ? ', refresh its package lists' : ''}`,
    diffs,
    actions,
    effects,
    result: { ...result, cache_updated: p.update_cache !== false },
  };
}

export const apt_repository = defineModule<AptRepositoryParams>({
  name: 'apt_repository',
  schema,
  doc: {
    summary: 'Makes an apt source present (one-line .list or deb822 .sources) with its signing key in its own keyring, or absent.',
    check: 'full',
    diff: 'content',
    example: `- name: Kubernetes packages, signed by their own key (no apt-key)
  apt_repository:
    name: kubernetes
    uris: https://pkgs.k8s.io/core:/stable:/v1.31/deb/
    suites: /
    key_url: https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key
- name: a one-line source with a key shipped in the role
  apt_repository:
    repo: deb [arch=amd64] https://download.docker.com/linux/debian bookworm stable
    name: docker
    key_content: "{{ docker_gpg_key }}"
`,
    notes: [
      'One exec reads the list file, the keyring and (key_url) the key as served now; a change writes key and list atomically in one exec and refreshes only this source in one more.',
      'Keys are dearmored on the controller (no gpg needed on the host) and written to /etc/apt/keyrings/NAME.gpg, which the source names with signed-by: the apt_key way without the global trust.',
      'It manages its own file: a duplicate of the same source in another file is not looked for.',
    ],
  },
  plan,
});
