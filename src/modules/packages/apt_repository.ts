import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { aptSourceFact, type AptSourceQuery, type AptSourceState } from '../../facts/apt.js';
import { fileFact, type FileState } from '../../facts/file.js';
import { filesAction, type FileOp } from './apt_repository-files.js';
import { KeyFormatError, dearmorKeys, isArmored, keyringBytes } from './apt_repository-key.js';
import {
  checkSuite, filenameFromUri, listParam, type OneLineSource, parseSourceLine, renderDeb822, renderSourceLine, SourceError, withSignedBy,
} from './apt_repository-source.js';
import { contentDiff, predictWrittenFile, sha256Hex, sizeText } from '../files/file-write.js';
import { aptUpdateAction } from './package-apt.js';
import { AbsolutePath, DownloadUrl, Seconds, StringEnum } from '../../schema/formats.js';
import { defineModule, type Action, type Diff, type Effect, type ParamRule, type Plan, type PlanContext } from '../types.js';

/** "main contrib" or [main, contrib]; `some`: at least one word. */
const Words = (param: string, description: string, some = false) => Type.Union([
  Type.String(some ? { pattern: '\\S' } : {}),
  Type.Array(Type.String({ pattern: '^\\S+$' }), some ? { minItems: 1 } : {}),
], {
  description,
  errorMessage: `${param} must be ${some ? 'one or more words' : 'words'}, as one string or a list, got {value}`,
  errorHint: 'words separated by blanks in one string, or a YAML list of words',
});
/** A file name in /etc/apt/sources.list.d (and /etc/apt/keyrings). */
const FileName = (description: string) => Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description,
  errorHint: 'letters, digits, ".", "_" and "-", starting with a letter or digit: a file name, not a path',
});

const schema = Type.Object({
  repo: Type.Optional(Type.String({ description: 'A one-line source: "deb [arch=amd64] https://example.org/debian bookworm main". Written to NAME.list.' })),
  name: Type.Optional(FileName('Names the source: the file (NAME.list or NAME.sources) and the keyring (/etc/apt/keyrings/NAME.gpg).')),
  uris: Type.Optional(Words('uris', 'deb822 (NAME.sources): the repository URI(s).', true)),
  suites: Type.Optional(Words('suites', 'deb822: suite(s) ("bookworm"), or a flat repository path ending in / ("/").', true)),
  components: Type.Optional(Words('components', 'deb822: components ("main contrib"); none for a flat repository.')),
  architectures: Type.Optional(Words('architectures', 'deb822: only these architectures ("amd64 arm64").')),
  filename: Type.Optional(FileName('File name in /etc/apt/sources.list.d, without .list/.sources (default: name, or one made from the URI).')),
  signed_by: Type.Optional(AbsolutePath({ description: 'Keyring the source trusts (signed-by). With key_url/key_content the key is written there.' })),
  key_url: Type.Optional(DownloadUrl({ description: 'Fetch the signing key on the host (curl or wget); armored keys are dearmored.' })),
  key_content: Type.Optional(Type.String({ description: 'The signing key itself, ASCII-armored ("-----BEGIN PGP PUBLIC KEY BLOCK-----").' })),
  state: Type.Optional(StringEnum(['present', 'absent'], { default: 'present', description: 'absent removes the list file (and the keyring, when key_url/key_content name one).' })),
  update_cache: Type.Optional(Type.Boolean({ default: true, description: 'After a change, refresh the package lists: only this source\'s when it was added or changed.' })),
  lock_timeout: Type.Optional(Seconds({ default: 300, description: 'Seconds to wait for another apt to release the lists lock.' })),
}, {
  additionalProperties: false,
  anyOf: [{ required: ['repo'] }, { required: ['uris', 'suites'] }, { required: ['filename'] }, { required: ['name'] }],
  allOf: [
    { not: { required: ['repo', 'uris'] } },
    { not: { required: ['key_url', 'key_content'] } },
    {
      if: { properties: { state: { const: 'absent' } }, required: ['state'] },
      then: {},
      else: {
        anyOf: [{ required: ['repo'] }, { required: ['uris', 'suites'] }],
        errorMessage: 'state: present needs the source itself: repo (a one-line source) or uris and suites (deb822)',
        errorHint: 'add repo: "deb https://... SUITE COMPONENT", or uris: and suites:; name alone is enough only for state: absent',
      },
    },
  ],
});

type AptRepositoryParams = Static<typeof schema>;

/** The params' source line, or the reason it is not one (the repo rule reports it). */
function sourceLineOf(p: AptRepositoryParams): OneLineSource | SourceError | undefined {
  if (p.repo === undefined) return undefined;
  try {
    return parseSourceLine(p.repo);
  } catch (e) {
    if (e instanceof SourceError) return e;
    throw e;
  }
}

/** What the params say that JSON Schema cannot: the source's own syntax, and how its parts fit. */
const rules: readonly ParamRule<AptRepositoryParams>[] = [
  {
    params: ['repo', 'signed_by'],
    check(p) {
      const src = sourceLineOf(p);
      if (src instanceof SourceError) return { message: `repo: ${src.message}`, hint: 'a one-line source: deb [option=value ...] URI SUITE [COMPONENT ...]', param: 'repo' };
      const inLine = src?.options.find(([k]) => k === 'signed-by')?.[1];
      if (inLine === undefined || p.signed_by === undefined || inLine === p.signed_by) return undefined;
      return {
        message: `the repo line says signed-by=${inLine} but signed_by is ${p.signed_by}`,
        hint: 'name the keyring once: in the line or in signed_by',
        param: 'signed_by',
      };
    },
  },
  {
    params: ['repo', 'suites', 'components'],
    check(p) {
      if (p.repo !== undefined) return undefined;
      const components = listParam(p.components);
      for (const suite of listParam(p.suites)) {
        try {
          checkSuite(suite, components);
        } catch (e) {
          if (!(e instanceof SourceError)) throw e;
          return { message: e.message, hint: 'a flat repository ("/" or "stable/") has no components; a dist suite ("bookworm") has at least one', param: suite.endsWith('/') ? 'components' : 'suites' };
        }
      }
      return undefined;
    },
  },
  {
    params: ['key_content'],
    check(p) {
      if (p.key_content === undefined) return undefined;
      if (!isArmored(p.key_content)) {
        return { message: 'key_content is not an ASCII-armored public key', hint: 'paste the key as "-----BEGIN PGP PUBLIC KEY BLOCK-----" ... "-----END PGP PUBLIC KEY BLOCK-----"; for a binary key use key_url' };
      }
      try {
        dearmorKeys(p.key_content);
      } catch (e) {
        if (!(e instanceof KeyFormatError)) throw e;
        return { message: `key_content: ${e.message}`, hint: 'paste the whole armored block again, as its publisher serves it' };
      }
      return undefined;
    },
  },
];

interface Layout {
  readonly listPath: string;
  /** Where the key goes, when this task manages one (key_url/key_content). */
  readonly managedKeyring?: string | undefined;
  /** The list file's text (present only). */
  readonly content?: Buffer | undefined;
}

const SOURCES_DIR = '/etc/apt/sources.list.d';

/** Where things go and what the list says (the params' rules have made sure they add up). */
function layoutOf(p: AptRepositoryParams): Layout {
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
    // Only state: absent gets here (present needs repo or uris: the schema says so).
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

/** The keyring's bytes, from key_content or the key_url as the host fetched it; a string says what went wrong there. */
function keyBytesOf(p: AptRepositoryParams, st: AptSourceState): Buffer | string | undefined {
  if (p.key_content !== undefined) return dearmorKeys(p.key_content);
  if (p.key_url === undefined) return undefined;
  const f = st.fetchedKey;
  if (!f || 'error' in f) return `cannot fetch ${p.key_url} on the host: ${f && 'error' in f ? f.error : 'no answer'}`;
  try {
    return keyringBytes(Buffer.from(f.base64, 'base64'));
  } catch (e) {
    if (e instanceof KeyFormatError) return `${p.key_url}: ${e.message}`;
    throw e;
  }
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
  const { listPath, managedKeyring, content } = layoutOf(p);
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

  const key = keyBytesOf(p, st);
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

export const apt_repository = defineModule({
  name: 'apt_repository',
  schema,
  rules,
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
