import { posix } from 'node:path';
import { fileFact, formatModeBits, normalizeFilePath, type FileState } from '../../facts/file.js';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { FileMode, NameOrId } from '../../schema/formats.js';
import { isOctalMode, resolveMode } from '../../util/file-mode.js';
import type { ExecAction, Plan, PlanContext } from '../types.js';

/** Params every module that sets file attributes shares (copy, template, file, lineinfile, blockinfile). */
export const ATTR_PARAMS = {
  mode: Type.Optional(FileMode()),
  owner: Type.Optional(NameOrId({ description: 'User name or numeric uid.' })),
  group: Type.Optional(NameOrId({ description: 'Group name or numeric gid.' })),
};

const AttrSchema = Type.Object(ATTR_PARAMS);
export type AttrParams = Readonly<Static<typeof AttrSchema>>;

/** chmod argument for a mode that is known exactly. Directories get a fifth digit: GNU chmod
 * otherwise keeps a directory's setuid/setgid bits when given four. */
export function chmodArg(bits: number, isDir: boolean): string {
  return isDir ? `0${formatModeBits(bits)}` : formatModeBits(bits);
}

export function idMatches(spec: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(spec) ? id === Number(spec) : name === spec;
}

export interface AttrDecision {
  /** chown/chgrp before chmod: chown can clear setuid/setgid bits. */
  readonly actions: readonly ExecAction[];
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  /** "mode 0600 -> 0644" */
  readonly changes: readonly string[];
  /** What the fact will say afterwards (merge over the current state). */
  readonly predicted: Partial<FileState>;
}

/**
 * Owner, group and mode changes for an existing path, as chown/chmod argv. `link` acts on a
 * symlink itself (chown -h; links have no mode of their own on Linux).
 */
export function decideAttributes(path: string, st: FileState, want: AttrParams, opts: { link?: boolean } = {}): AttrDecision {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const changes: string[] = [];
  const predicted: { -readonly [K in keyof FileState]?: FileState[K] } = {};
  const actions: ExecAction[] = [];
  const owner = want.owner === undefined ? undefined : String(want.owner);
  const group = want.group === undefined ? undefined : String(want.group);
  const ownerChange = owner !== undefined && !idMatches(owner, st.owner, st.uid);
  const groupChange = group !== undefined && !idMatches(group, st.group, st.gid);
  if (ownerChange) {
    before.owner = st.owner ?? st.uid;
    after.owner = owner;
    changes.push(`owner ${st.owner ?? st.uid ?? '?'} -> ${owner}`);
    Object.assign(predicted, /^\d+$/.test(owner) ? { uid: Number(owner), owner: undefined } : { owner, uid: undefined });
  }
  if (groupChange) {
    before.group = st.group ?? st.gid;
    after.group = group;
    changes.push(`group ${st.group ?? st.gid ?? '?'} -> ${group}`);
    Object.assign(predicted, /^\d+$/.test(group) ? { gid: Number(group), group: undefined } : { group, gid: undefined });
  }
  const chown = chownAction(path, ownerChange ? owner : undefined, groupChange ? group : undefined, opts);
  if (chown) actions.push(chown);

  if (typeof want.mode === 'string' && !opts.link) {
    const isDir = st.type === 'directory';
    const current = st.mode === undefined ? undefined : parseInt(st.mode, 8);
    const target = resolveMode(want.mode, current ?? 0, isDir);
    if (current !== target || current === undefined) {
      const next = formatModeBits(target);
      before.mode = st.mode ?? null;
      after.mode = next;
      changes.push(`mode ${st.mode ?? '?'} -> ${next}`);
      predicted.mode = next;
      actions.push({ kind: 'exec', argv: ['chmod', '--', chmodArg(target, isDir), path], light: true });
    }
  }
  return { actions, before, after, changes, predicted };
}

/** chown (or chgrp) argv for the given owner and/or group; undefined when neither is set. */
export function chownAction(
  path: string, owner: string | undefined, group: string | undefined, opts: { link?: boolean; recurse?: boolean } = {},
): ExecAction | undefined {
  const flags = [...(opts.link ? ['-h'] : []), ...(opts.recurse ? ['-R'] : [])];
  if (owner !== undefined) return { kind: 'exec', argv: ['chown', ...flags, '--', group !== undefined ? `${owner}:${group}` : owner, path], light: true };
  if (group !== undefined) return { kind: 'exec', argv: ['chgrp', ...flags, '--', group, path], light: true };
  return undefined;
}

/** "0644 root:root" for summaries, from what was asked and what is there. */
export function describeAttrs(st: FileState | undefined, want: AttrParams, mode?: string): string {
  const m = mode ?? (typeof want.mode === 'string' && isOctalMode(want.mode) ? formatModeBits(parseInt(want.mode, 8)) : st?.mode);
  const o = want.owner !== undefined ? String(want.owner) : st?.owner ?? (st?.uid !== undefined ? String(st.uid) : undefined);
  const g = want.group !== undefined ? String(want.group) : st?.group ?? (st?.gid !== undefined ? String(st.gid) : undefined);
  const parts = [m, o !== undefined || g !== undefined ? `${o ?? ''}:${g ?? ''}` : undefined].filter(Boolean);
  return parts.join(' ');
}

/** Follows a chain of symlinks (a few levels) to the path and state attributes apply to. */
export async function followLinks(ctx: PlanContext, path: string, st: FileState): Promise<{ path: string; st: FileState }> {
  let cur = { path, st };
  for (let i = 0; i < 8 && cur.st.exists && cur.st.type === 'link'; i++) {
    const target = normalizeFilePath(posix.resolve(posix.dirname(cur.path), cur.st.linkTarget ?? ''));
    cur = { path: target, st: await ctx.fact(fileFact, target) };
  }
  return cur;
}

/** Owner/group/mode only; `okReason` explains the no-op. */
export function planAttributes(path: string, st: FileState, attrs: AttrParams, okReason: string, opts: { link?: boolean } = {}): Plan {
  const d = decideAttributes(path, st, attrs, opts);
  if (d.actions.length === 0) return { kind: 'ok', reason: okReason, result: { path, state: stateName(st) } };
  return {
    kind: 'change',
    summary: `${path}: ${d.changes.join(', ')}`,
    diffs: [{ kind: 'state', subject: path, before: d.before, after: d.after }],
    actions: d.actions,
    effects: [{ fact: fileFact.name, key: fileFact.key(path), value: { ...st, ...d.predicted } }],
    result: { path, state: stateName(st) },
  };
}

export function stateName(st: FileState): string {
  return !st.exists ? 'absent' : st.type === 'link' ? 'link' : st.type === 'directory' ? 'directory' : 'file';
}
