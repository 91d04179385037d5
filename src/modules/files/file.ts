import { Type } from '../../schema/type.js';
import { fileFact, normalizeFilePath, type FileState } from '../../facts/file.js';
import { assertNever } from '../../util/assert-never.js';
import { StringEnum } from '../../schema/formats.js';
import {
  ATTR_PARAMS, decideAttributes, describeAttrs, followLinks, planAttributes, stateName, type AttrParams,
} from './file-attrs.js';
import { planDirectory } from './file-directory.js';
import { missingParentMessage, planWriteFile } from './file-write.js';
import { defineModule, type Plan, type PlanContext } from '../types.js';

const STATES = ['file', 'directory', 'absent', 'link', 'touch'] as const;
export type FileStateParam = (typeof STATES)[number];

const PATH_ALIASES = ['path', 'dest', 'name'] as const;

const schema = Type.Object({
  path: Type.Optional(Type.String({ minLength: 1, description: 'The path to manage.' })),
  dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
  state: Type.Optional(StringEnum(STATES, {
    description: 'file: must exist, set attributes; directory: create with parents; absent: remove (recursively); ' +
      'link: symlink to src; touch: create empty or update times. Default: what the path is now, else file.',
  })),
  src: Type.Optional(Type.String({ minLength: 1, description: 'state=link: what the link points to (stored as written).' })),
  ...ATTR_PARAMS,
  recurse: Type.Optional(Type.Boolean({ default: false, description: 'state=directory: apply owner, group and mode to everything inside.' })),
  force: Type.Optional(Type.Boolean({ default: false, description: 'state=link: replace an existing regular file with the link.' })),
  follow: Type.Optional(Type.Boolean({ default: true, description: 'Apply attributes to the target of a symlink rather than the link.' })),
}, {
  additionalProperties: false,
  anyOf: PATH_ALIASES.map((k) => ({ required: [k] })),
  allOf: [
    { if: { properties: { state: { const: 'link' } }, required: ['state'] }, then: { required: ['src'] } },
    {
      if: { required: ['src'] },
      then: {
        properties: { state: { const: 'link' } },
        required: ['state'],
        errorMessage: 'src is only for state: link (what the link points to)',
        errorHint: 'add state: link to make a symlink; to write a file from a controller file, use copy',
      },
    },
    {
      if: { properties: { recurse: { const: true } }, required: ['recurse'] },
      then: {
        properties: { state: { const: 'directory' } },
        required: ['state'],
        errorMessage: 'recurse needs state: directory',
        errorHint: 'add state: directory (recurse applies owner, group and mode to what a directory holds), or drop recurse',
      },
    },
  ],
});

export const file = defineModule({
  name: 'file',
  changesOnlyItsEffects: true,
  doc: {
    summary: 'Makes a path a file, a directory, a symlink, or absent, with mode, owner and group (recursively for directories).',
    check: 'full',
    diff: 'state',
    example: `- name: static pod manifests
  file:
    path: /etc/kubernetes/manifests
    state: directory
    mode: "0755"

- name: no swap file
  file:
    path: /swap.img
    state: absent

- name: kubectl on the PATH
  file:
    src: /opt/kubernetes/bin/kubectl
    dest: /usr/local/bin/kubectl
    state: link
`,
    notes: [
      'state=directory creates missing parents; check mode predicts every directory it would create, so later tasks plan against them.',
      'state=absent removes a directory recursively and refuses /.',
      'One exec when nothing changes (one more per symlink followed).',
    ],
  },
  schema,
  rules: [{
    params: [...PATH_ALIASES, 'state'],
    check(p) {
      const path = normalizeFilePath(p.path ?? p.dest ?? p.name ?? '');
      if (p.state !== 'absent' || (path !== '/' && path !== '.')) return undefined;
      return {
        message: `refusing to remove ${path === '/' ? 'the root directory' : 'the current directory'} (${path})`,
        hint: 'name the path to remove in full, e.g. /var/lib/old-data',
        param: PATH_ALIASES.find((k) => p[k] !== undefined),
      };
    },
  }],
  async plan(ctx, p) {
    const path = normalizeFilePath(p.path ?? p.dest ?? p.name ?? '');
    const attrs: AttrParams = { mode: p.mode, owner: p.owner, group: p.group };
    const st = await ctx.fact(fileFact, path);
    const state: FileStateParam = p.state ?? (st.exists && st.type === 'directory' ? 'directory' : 'file');
    switch (state) {
      case 'file': return planExistingFile(ctx, path, st, attrs, p.follow !== false);
      case 'directory': return planDirectory(ctx, path, st, attrs, { recurse: p.recurse === true, follow: p.follow !== false });
      case 'absent': return planAbsent(path, st);
      case 'link': return planLink(ctx, path, st, attrs, p.src ?? '', p.force === true);
      case 'touch': return planTouch(ctx, path, st, attrs, p.follow !== false);
      default: return assertNever(state, 'file state');
    }
  },
});

async function planExistingFile(ctx: PlanContext, path: string, st0: FileState, attrs: AttrParams, follow: boolean): Promise<Plan> {
  if (!st0.exists) {
    return {
      kind: 'fail',
      msg: `${path} does not exist: state=file only changes attributes; use state: touch to create an empty file, or copy/template to write one`,
    };
  }
  if (st0.type === 'link' && !follow) return planAttributes(path, st0, attrs, `${path} is a link with the requested owner/group`, { link: true });
  const { path: target, st } = await followLinks(ctx, path, st0);
  if (!st.exists) return { kind: 'fail', msg: `${path} is a dangling link (to ${st0.linkTarget})` };
  if (st.type === 'directory') return { kind: 'fail', msg: `${target} is a directory, not a file (use state: directory)` };
  return planAttributes(target, st, attrs, `${target} is already a file with ${describeAttrs(st, {})}`);
}

function planAbsent(path: string, st: FileState): Plan {
  if (!st.exists) return { kind: 'ok', reason: `${path} is already absent`, result: { path, state: 'absent' } };
  const isDir = st.type === 'directory';
  return {
    kind: 'change',
    summary: `remove ${path}${isDir ? ' (directory, recursively)' : ''}`,
    diffs: [{ kind: 'state', subject: path, before: { state: stateName(st) }, after: { state: 'absent' } }],
    actions: [{ kind: 'exec', argv: isDir ? ['rm', '-rf', '--', path] : ['rm', '-f', '--', path], light: true }],
    effects: [{ fact: fileFact.name, key: fileFact.key(path), value: { exists: false, parentIsDir: true } satisfies FileState }],
    result: { path, state: 'absent' },
  };
}

async function planLink(ctx: PlanContext, path: string, st: FileState, attrs: AttrParams, src: string, force: boolean): Promise<Plan> {
  if (st.exists && st.type === 'link' && st.linkTarget === src) {
    return planAttributes(path, st, attrs, `${path} already links to ${src}`, { link: true });
  }
  if (st.exists && st.type === 'directory') {
    return { kind: 'fail', msg: `${path} is a directory; remove it first (state: absent) to put a link there` };
  }
  if (st.exists && st.type !== 'link' && !force) {
    const what = st.type === 'file' ? 'regular file' : 'special file';
    return { kind: 'fail', msg: `refusing to replace ${path} (a ${what}) with a link; set force: true to do it` };
  }
  if (!st.exists) {
    const missing = await missingParentMessage(ctx, path, st);
    if (missing) return { kind: 'fail', msg: missing };
  }
  const linked: FileState = { exists: true, parentIsDir: true, type: 'link', linkTarget: src, mode: '0777' };
  const d = decideAttributes(path, linked, attrs, { link: true });
  const summary = !st.exists ? `link ${path} -> ${src}`
    : st.type === 'link' ? `relink ${path}: ${st.linkTarget} -> ${src}` : `replace ${path} with a link to ${src}`;
  return {
    kind: 'change',
    summary,
    diffs: [{
      kind: 'state', subject: path,
      before: st.exists ? { state: stateName(st), ...(st.type === 'link' ? { src: st.linkTarget } : {}) } : { state: 'absent' },
      after: { state: 'link', src, ...d.after },
    }],
    actions: [{ kind: 'exec', argv: ['ln', '-sfn', '--', src, path], light: true }, ...d.actions],
    effects: [{ fact: fileFact.name, key: fileFact.key(path), value: { ...linked, ...d.predicted } }],
    result: { path, state: 'link', src },
  };
}

async function planTouch(ctx: PlanContext, path: string, st0: FileState, attrs: AttrParams, follow: boolean): Promise<Plan> {
  if (!st0.exists) {
    const plan = await planWriteFile(ctx, { dest: path, content: Buffer.alloc(0), attrs }, st0);
    return plan.kind === 'change' ? { ...plan, result: { path, state: 'file' } } : plan;
  }
  const { path: target, st } = follow ? await followLinks(ctx, path, st0) : { path, st: st0 };
  const d = decideAttributes(target, st, attrs, { link: st.type === 'link' });
  return {
    kind: 'change',
    summary: [`touch ${target}`, ...d.changes].join(', '),
    diffs: d.changes.length ? [{ kind: 'state', subject: target, before: d.before, after: d.after }] : [],
    actions: [{ kind: 'exec', argv: ['touch', ...(st.type === 'link' ? ['-h'] : []), '--', target], light: true }, ...d.actions],
    effects: [{ fact: fileFact.name, key: fileFact.key(target), value: { ...st, ...d.predicted } }],
    result: { path, state: stateName(st) },
  };
}
