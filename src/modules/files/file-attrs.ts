import { posix } from 'node:path';
import { fileFact, formatModeBits, normalizeFilePath, type FileState } from '../../facts/file.js';
import type { ExecAction, JsonSchema, Plan, PlanContext } from '../types.js';

/** Shared by every module that sets file attributes (copy, template, file, lineinfile). */

export const MODE_SCHEMA: JsonSchema = {
  type: 'string',
  description:
    'Octal ("0644", "644", "2775") or symbolic ("u=rw,g=r,o=r", "u+x", applied to the current mode). ' +
    'A string only: unquoted 0644 is read by YAML as the number 420, so write mode: "0644".',
};
export const OWNER_SCHEMA: JsonSchema = { type: ['string', 'integer'], description: 'User name or numeric uid.' };
export const GROUP_SCHEMA: JsonSchema = { type: ['string', 'integer'], description: 'Group name or numeric gid.' };

export interface AttrParams {
  readonly mode?: unknown;
  readonly owner?: string | number | undefined;
  readonly group?: string | number | undefined;
}

export class ModeError extends Error {}

const OCTAL = /^[0-7]{3,5}$/;
const CLAUSE = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/;

/** Error message for a mode param that is not a usable string, or undefined when it is fine. */
export function checkModeParam(mode: unknown): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') {
    return `mode must be a quoted string such as "0644": YAML read it as the number ${mode}` +
      ` (octal ${mode.toString(8)}), which is almost never what was meant`;
  }
  if (typeof mode !== 'string') return `mode must be a string such as "0644", got ${typeof mode}`;
  try {
    resolveMode(mode, 0o644, false);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function isOctalMode(spec: string): boolean {
  return OCTAL.test(spec);
}

/** chmod's semantics for one mode string against a current mode; symbolic clauses with no `who` mean `a`. */
export function resolveMode(spec: string, current: number, isDir: boolean): number {
  if (OCTAL.test(spec)) {
    const n = parseInt(spec, 8);
    if (n > 0o7777) throw new ModeError(`mode ${spec} is out of range`);
    return n;
  }
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = CLAUSE.exec(clause);
    if (!m) throw new ModeError(`invalid mode "${spec}": expected octal like "0644" or symbolic like "u=rw,g=r,o=r"`);
    const who = m[1] === '' || m[1]!.includes('a') ? 'ugo' : m[1]!;
    const whoMask = (who.includes('u') ? 0o4700 : 0) | (who.includes('g') ? 0o2070 : 0) | (who.includes('o') ? 0o1007 : 0);
    for (const [, op, perms] of m[2]!.matchAll(/([-+=])([ugo]|[rwxXst]*)/g)) {
      const bits = permBits(perms!, who, mode, isDir) & whoMask;
      if (op === '+') mode |= bits;
      else if (op === '-') mode &= ~bits;
      else mode = (mode & ~whoMask) | bits;
    }
  }
  return mode;
}

function permBits(perms: string, who: string, mode: number, isDir: boolean): number {
  if (/^[ugo]$/.test(perms)) {
    // g=u: copy the permission bits of another class.
    const shift = perms === 'u' ? 6 : perms === 'g' ? 3 : 0;
    const rwx = (mode >> shift) & 7;
    return (rwx << 6) | (rwx << 3) | rwx;
  }
  let bits = 0;
  for (const c of perms) {
    if (c === 'r') bits |= 0o444;
    else if (c === 'w') bits |= 0o222;
    else if (c === 'x') bits |= 0o111;
    else if (c === 'X' && (isDir || (mode & 0o111) !== 0)) bits |= 0o111;
    else if (c === 's') bits |= (who.includes('u') ? 0o4000 : 0) | (who.includes('g') ? 0o2000 : 0);
    else if (c === 't') bits |= 0o1000;
  }
  return bits;
}

/** True when the result does not depend on the mode a file had before ("0644", "u=rw,go=r"). */
export function isAbsoluteMode(spec: string): boolean {
  return resolveMode(spec, 0, true) === resolveMode(spec, 0o7777, true)
    && resolveMode(spec, 0, false) === resolveMode(spec, 0o7777, false);
}

/** chmod argument for a mode that is known exactly. Directories get a fifth digit: GNU chmod
 * otherwise keeps a directory's setuid/setgid bits when given four. */
export function chmodArg(bits: number, isDir: boolean): string {
  return isDir ? `0${formatModeBits(bits)}` : formatModeBits(bits);
}

/** A symbolic mode with `who` spelt out, so chmod does not apply the umask to "+x". */
export function explicitSymbolicMode(spec: string): string {
  if (OCTAL.test(spec)) return spec;
  return spec.split(',').map((c) => (/^[-+=]/.test(c) ? `a${c}` : c)).join(',');
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
      actions.push({ kind: 'exec', argv: ['chmod', '--', chmodArg(target, isDir), path] });
    }
  }
  return { actions, before, after, changes, predicted };
}

/** chown (or chgrp) argv for the given owner and/or group; undefined when neither is set. */
export function chownAction(
  path: string, owner: string | undefined, group: string | undefined, opts: { link?: boolean; recurse?: boolean } = {},
): ExecAction | undefined {
  const flags = [...(opts.link ? ['-h'] : []), ...(opts.recurse ? ['-R'] : [])];
  if (owner !== undefined) return { kind: 'exec', argv: ['chown', ...flags, '--', group !== undefined ? `${owner}:${group}` : owner, path] };
  if (group !== undefined) return { kind: 'exec', argv: ['chgrp', ...flags, '--', group, path] };
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
