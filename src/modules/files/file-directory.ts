import { fileFact, formatModeBits, type FileState } from '../../facts/file.js';
import { explicitSymbolicMode, isAbsoluteMode, isOctalMode, resolveMode } from '../../util/file-mode.js';
import {
  chmodArg, chownAction, decideAttributes, describeAttrs, followLinks, idMatches, planAttributes, type AttrParams,
} from './file-attrs.js';
import { posix } from 'node:path';
import type { Diff, ExecAction, Plan, PlanContext } from '../types.js';

/** file state=directory: create (with parents) or fix attributes, optionally recursively. */
export async function planDirectory(
  ctx: PlanContext, path: string, st0: FileState, attrs: AttrParams, opts: { recurse: boolean; follow: boolean },
): Promise<Plan> {
  if (!st0.exists) return planNewDirectory(path, attrs, st0.existingAncestor);
  const { path: target, st } = opts.follow ? await followLinks(ctx, path, st0) : { path, st: st0 };
  if (!st.exists) return { kind: 'fail', msg: `${path} is a dangling link (to ${st0.linkTarget}), not a directory` };
  if (st.type !== 'directory') {
    return { kind: 'fail', msg: `${target} exists and is not a directory (it is a ${st.type === 'file' ? 'regular file' : st.type})` };
  }
  const okReason = `${target} is already a directory with ${describeAttrs(st, {})}`;
  const wantsAttrs = attrs.mode !== undefined || attrs.owner !== undefined || attrs.group !== undefined;
  if (!opts.recurse || !wantsAttrs) return planAttributes(target, st, attrs, okReason);
  return planRecursive(ctx, target, st, attrs, okReason);
}

function planNewDirectory(path: string, attrs: AttrParams, existingAncestor: string | undefined): Plan {
  const mode = attrs.mode;
  const mkdir = ['mkdir', '-p'];
  const actions: ExecAction[] = [];
  // mkdir -m takes a mode that does not depend on the old one; a relative one ("g+s") is
  // applied after, on top of the umask default (predicted as 0755).
  const exact = mode === undefined || isAbsoluteMode(mode);
  const predicted = formatModeBits(mode === undefined ? 0o755 : resolveMode(mode, 0o755, true));
  if (mode !== undefined && exact) mkdir.push('-m', predicted);
  actions.push({ kind: 'exec', argv: [...mkdir, '--', path], light: true });
  const owner = attrs.owner === undefined ? undefined : String(attrs.owner);
  const group = attrs.group === undefined ? undefined : String(attrs.group);
  const chown = chownAction(path, owner, group);
  if (chown) actions.push(chown);
  if (mode !== undefined && !exact) actions.push({ kind: 'exec', argv: ['chmod', '--', explicitSymbolicMode(mode), path], light: true });
  const value: FileState = {
    exists: true, parentIsDir: true, type: 'directory', mode: predicted,
    ...(owner === undefined ? {} : /^\d+$/.test(owner) ? { uid: Number(owner) } : { owner }),
    ...(group === undefined ? {} : /^\d+$/.test(group) ? { gid: Number(group) } : { group }),
  };
  return {
    kind: 'change',
    summary: `create directory ${path} (${describeAttrs(undefined, attrs, predicted)})`,
    diffs: [{
      kind: 'state', subject: path, before: { state: 'absent' },
      after: { state: 'directory', mode: predicted, ...(owner ? { owner } : {}), ...(group ? { group } : {}) },
    }],
    actions,
    effects: [
      ...createdAncestors(path, existingAncestor).map((p) => ({ fact: fileFact.name, key: fileFact.key(p), value: { exists: true, parentIsDir: true, type: 'directory', mode: '0755' } satisfies FileState })),
      { fact: fileFact.name, key: fileFact.key(path), value },
    ],
    result: { path, state: 'directory' },
  };
}

/** Directories `mkdir -p path` creates above `path`: those below the nearest existing ancestor. */
export function createdAncestors(path: string, existingAncestor: string | undefined): string[] {
  if (existingAncestor === undefined) return [];
  const out: string[] = [];
  for (let p = posix.dirname(path); p !== existingAncestor && p !== '/' && p !== '.' && p.length > existingAncestor.length; p = posix.dirname(p)) out.unshift(p);
  return out;
}

/** One line of the recursive probe: `%f %u %g %U:%G` of every entry below the directory. */
export interface TreeEntry {
  readonly raw: number;
  readonly uid: number;
  readonly gid: number;
  readonly owner: string | undefined;
  readonly group: string | undefined;
}

export function parseTreeListing(stdout: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]+) (\d+) (\d+) ([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const name = (s: string): string | undefined => (s === 'UNKNOWN' ? undefined : s);
    out.push({ raw: parseInt(m[1]!, 16), uid: Number(m[2]), gid: Number(m[3]), owner: name(m[4]!), group: name(m[5]!) });
  }
  return out;
}

/** How many entries differ in ownership and in mode from what is asked. */
export function countTreeDifferences(entries: readonly TreeEntry[], attrs: AttrParams): { owners: number; modes: number } {
  let owners = 0;
  let modes = 0;
  const owner = attrs.owner === undefined ? undefined : String(attrs.owner);
  const group = attrs.group === undefined ? undefined : String(attrs.group);
  for (const e of entries) {
    if ((owner !== undefined && !idMatches(owner, e.owner, e.uid)) || (group !== undefined && !idMatches(group, e.group, e.gid))) owners++;
    if (attrs.mode !== undefined) {
      const isDir = (e.raw & 0o170000) === 0o040000;
      if (resolveMode(attrs.mode, e.raw & 0o7777, isDir) !== (e.raw & 0o7777)) modes++;
    }
  }
  return { owners, modes };
}

async function planRecursive(ctx: PlanContext, path: string, st: FileState, attrs: AttrParams, okReason: string): Promise<Plan> {
  const top = decideAttributes(path, st, attrs);
  const res = await ctx.probe(['find', path, '-mindepth', '1', '!', '-type', 'l', '-exec', 'stat', '-c', '%f %u %g %U:%G', '{}', '+']);
  // A directory only predicted by an earlier task (check mode) has nothing inside yet.
  const predictedOnly = res.code !== 0 && /No such file/.test(res.stderr);
  if (res.code !== 0 && !predictedOnly) {
    return { kind: 'fail', msg: `cannot list ${path} to apply attributes recursively: ${res.stderr.trim().split('\n').slice(-2).join('; ')}` };
  }
  const inner = countTreeDifferences(predictedOnly ? [] : parseTreeListing(res.stdout), attrs);
  if (inner.owners === 0 && inner.modes === 0) return planAttributes(path, st, attrs, `${okReason}, and so is everything inside`);

  const owner = attrs.owner === undefined ? undefined : String(attrs.owner);
  const group = attrs.group === undefined ? undefined : String(attrs.group);
  const mode = attrs.mode;
  const actions: ExecAction[] = [];
  const topChown = top.actions.filter((a) => a.argv[0] !== 'chmod');
  const topChmod = top.actions.filter((a) => a.argv[0] === 'chmod');
  if (inner.owners > 0) actions.push(chownAction(path, owner, group, { recurse: true })!);
  else actions.push(...topChown);
  if (inner.modes > 0 && mode !== undefined) {
    // Five octal digits so directories lose setuid/setgid bits exactly as files do.
    const arg = isOctalMode(mode) ? chmodArg(parseInt(mode, 8), true) : explicitSymbolicMode(mode);
    actions.push({ kind: 'exec', argv: ['chmod', '-R', '--', arg, path], light: true });
  } else {
    actions.push(...topChmod);
  }
  const changes = [...top.changes];
  if (inner.owners > 0) changes.push(`owner/group of ${inner.owners} entries inside`);
  if (inner.modes > 0) changes.push(`mode of ${inner.modes} entries inside`);
  const diffs: Diff[] = [];
  if (top.changes.length) diffs.push({ kind: 'state', subject: path, before: top.before, after: top.after });
  diffs.push({
    kind: 'state', subject: `${path}/* (recursive)`,
    before: { differing_owner_group: inner.owners, differing_mode: inner.modes },
    after: { ...(owner !== undefined ? { owner } : {}), ...(group !== undefined ? { group } : {}), ...(mode !== undefined ? { mode } : {}) },
  });
  return {
    kind: 'change',
    summary: `${path}: ${changes.join(', ')}`,
    diffs,
    actions,
    effects: [{ fact: fileFact.name, key: fileFact.key(path), value: { ...st, ...top.predicted } }],
    result: { path, state: 'directory' },
  };
}
