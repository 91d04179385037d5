import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CONTENT_LIMIT, fileContentFact, fileFact, formatModeBits, type FileState } from '../../facts/file.js';
import { parseUploadOutput } from '../../transport/actions.js';
import { Type } from '../../schema/type.js';
import { ValidateCommand } from '../../schema/formats.js';
import { explicitSymbolicMode, isAbsoluteMode, resolveMode } from '../../util/file-mode.js';
import { ATTR_PARAMS, decideAttributes, describeAttrs, type AttrParams } from './file-attrs.js';
import type { Action, ApplyContext, ChangePlan, Diff, Effect, Plan, PlanContext } from '../types.js';

/** Shared by the modules that write a whole file: copy, template, lineinfile, blockinfile. */

/** Params every module that writes a whole file shares (copy, template). */
export const WRITE_FILE_PARAMS = {
  ...ATTR_PARAMS,
  backup: Type.Optional(Type.Boolean({ default: false, description: 'Keep the previous file as DEST.YYYYmmddTHHMMSS~.' })),
  validate: Type.Optional(ValidateCommand()),
  force: Type.Optional(Type.Boolean({ default: true, description: 'false: only create dest when it does not exist.' })),
};

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a buffer, or undefined when it is not printable text. */
export function asText(data: Buffer): string | undefined {
  if (data.includes(0)) return undefined;
  try {
    return utf8.decode(data);
  } catch {
    return undefined;
  }
}

/**
 * A text diff of a file's content. Binary or large content is replaced by a note, so a diff
 * never carries megabytes or raw bytes into a terminal. `beforeSize` covers a file whose
 * content the fact did not fetch (larger than CONTENT_LIMIT).
 */
export function contentDiff(subject: string, before: Buffer | null | undefined, after: Buffer | null, beforeSize?: number): Diff {
  const size = (b: Buffer | null | undefined, n?: number): string =>
    b === null ? 'absent' : sizeText(b?.length ?? n ?? 0);
  const tooLarge = (b: Buffer | null | undefined): boolean =>
    b === undefined || (b !== null && b.length > CONTENT_LIMIT);
  const binary = (b: Buffer | null | undefined): boolean => b != null && asText(b) === undefined;
  const what = tooLarge(before) || tooLarge(after) ? 'large file' : binary(before) || binary(after) ? 'binary file' : undefined;
  if (what) {
    const note = `${what}, ${size(before, beforeSize)} -> ${size(after)}`;
    return { kind: 'text', subject, before: before === null ? null : `(${note})`, after: after === null ? null : `(${note})`, note };
  }
  return { kind: 'text', subject, before: before == null ? null : asText(before)!, after: after === null ? null : asText(after)! };
}

/** Predicted state of a regular file after a write. */
export function predictWrittenFile(content: Buffer, prev: FileState | undefined, mode: string | undefined, attrs: AttrParams): FileState {
  const owner = attrs.owner === undefined ? undefined : String(attrs.owner);
  const group = attrs.group === undefined ? undefined : String(attrs.group);
  const keep = prev?.exists && prev.type === 'file';
  return {
    exists: true,
    parentIsDir: true,
    type: 'file',
    mode,
    owner: owner === undefined ? (keep ? prev.owner : undefined) : /^\d+$/.test(owner) ? undefined : owner,
    uid: owner === undefined ? (keep ? prev.uid : undefined) : /^\d+$/.test(owner) ? Number(owner) : undefined,
    group: group === undefined ? (keep ? prev.group : undefined) : /^\d+$/.test(group) ? undefined : group,
    gid: group === undefined ? (keep ? prev.gid : undefined) : /^\d+$/.test(group) ? Number(group) : undefined,
    size: content.length,
    sha256: sha256Hex(content),
    readable: true,
    content: content.length <= CONTENT_LIMIT ? content : undefined,
  };
}

/**
 * Why a new file at `path` cannot be created, or undefined when its directory is there. The
 * path's own fact already says whether the parent exists; only when it says no is the parent
 * looked up, so that in check mode an earlier task's predicted directory counts.
 */
export async function missingParentMessage(ctx: PlanContext, path: string, st: FileState): Promise<string | undefined> {
  if (st.parentIsDir) return undefined;
  const dir = posix.dirname(path);
  const parent = await ctx.fact(fileFact, dir);
  if (parent.exists && parent.type === 'directory') return undefined;
  return parent.exists
    ? `cannot create ${path}: ${dir} exists but is not a directory`
    : `cannot create ${path}: directory ${dir} does not exist (create it first with the file module, state: directory)`;
}

export interface WriteRequest {
  readonly dest: string;
  readonly content: Buffer;
  readonly attrs: AttrParams;
  readonly backup?: boolean | undefined;
  readonly validate?: string | undefined;
  /** false: leave an existing file alone (copy's force: no). */
  readonly force?: boolean | undefined;
  /** Replaces "update DEST (size -> size)" in the summary of a content change. */
  readonly what?: string | undefined;
  /** Extra data for register (e.g. src). */
  readonly result?: Record<string, unknown> | undefined;
}

/**
 * The file fact a write plan reads its destination with: with the content when diffs are shown
 * (the diff needs it, and it comes in the same read), the hash alone otherwise.
 */
export function destFact(ctx: PlanContext): typeof fileFact {
  return ctx.diff ? fileContentFact : fileFact;
}

/**
 * A regular file's state with its content when a diff will show it and the state at hand has
 * none (a check-mode prediction, a read without it): one more read, only where the file differs.
 */
export async function contentForDiff(ctx: PlanContext, path: string, st: FileState): Promise<FileState> {
  if (!ctx.diff || st.content !== undefined || st.type !== 'file' || st.readable === false || (st.size ?? 0) > CONTENT_LIMIT) return st;
  const full = await ctx.fact(fileContentFact, path);
  return full.sha256 === st.sha256 ? full : st;
}

/** The plan that makes `dest` hold exactly `content` with the requested attributes. */
export async function planWriteFile(ctx: PlanContext, req: WriteRequest, known?: FileState): Promise<Plan> {
  const { dest, content, attrs } = req;
  const st = known ?? (await ctx.fact(destFact(ctx), dest));
  const mode = attrs.mode;
  const result = { dest, ...req.result };
  const upload = (uploadMode: string | undefined): Action => ({
    kind: 'upload', dest, content, mode: uploadMode,
    owner: attrs.owner === undefined ? undefined : String(attrs.owner),
    group: attrs.group === undefined ? undefined : String(attrs.group),
    validate: req.validate, backup: req.backup,
  });
  const effect = (predictedMode: string | undefined): Effect[] => [
    { fact: fileFact.name, key: fileFact.key(dest), value: predictWrittenFile(content, st, predictedMode, attrs) },
  ];

  if (st.exists && st.type === 'directory') return { kind: 'fail', msg: `${dest} is a directory, not a file` };
  if (st.exists && st.type === 'other') return { kind: 'fail', msg: `${dest} exists and is not a regular file (device, socket or fifo)` };

  if (!st.exists || st.type === 'link') {
    if (!st.exists) {
      const missing = await missingParentMessage(ctx, dest, st);
      if (missing) return { kind: 'fail', msg: missing };
    } else if (req.force === false) {
      return { kind: 'ok', reason: `${dest} exists (a link) and force is false`, result };
    }
    // A new file starts from the umask default: exact modes are known now, relative ones
    // ("u+x") are applied by chmod on the host; the prediction assumes umask 022.
    const exact = mode === undefined || isAbsoluteMode(mode);
    const predicted = formatModeBits(mode === undefined ? 0o644 : resolveMode(mode, 0o644, false));
    const verb = st.exists ? `replace link ${dest} -> ${st.linkTarget} with a file` : `create ${dest}`;
    const diffs: Diff[] = [contentDiff(dest, null, content)];
    if (st.exists) diffs.unshift({ kind: 'state', subject: dest, before: { state: 'link', src: st.linkTarget }, after: { state: 'file' } });
    return {
      kind: 'change',
      summary: `${verb} (${describeAttrs(undefined, attrs, mode === undefined ? undefined : predicted) || 'default mode'}, ${sizeText(content.length)})`,
      diffs,
      actions: [upload(mode === undefined ? undefined : exact ? predicted : explicitSymbolicMode(mode))],
      effects: effect(mode === undefined || exact ? predicted : undefined),
      result: { ...result, checksum: sha256Hex(content), size: content.length },
    };
  }

  if (req.force === false) return { kind: 'ok', reason: `${dest} exists and force is false`, result };
  if (st.sha256 === undefined || st.readable === false) {
    return { kind: 'fail', msg: `cannot read ${dest} to compare it (permission denied?); run the task with become: true` };
  }
  const current = parseInt(st.mode ?? '0644', 8);
  const attrDecision = decideAttributes(dest, st, attrs);
  const nextMode = mode === undefined ? st.mode : formatModeBits(resolveMode(mode, current, false));
  const checksum = sha256Hex(content);
  if (checksum === st.sha256) {
    if (attrDecision.actions.length === 0) {
      return {
        kind: 'ok',
        reason: `${dest} is up to date (sha256 ${checksum.slice(0, 12)}, ${describeAttrs(st, {})})`,
        result: { ...result, checksum, size: content.length, mode: st.mode, owner: st.owner, group: st.group },
      };
    }
    return {
      kind: 'change',
      summary: `${dest}: ${attrDecision.changes.join(', ')}`,
      diffs: [{ kind: 'state', subject: dest, before: attrDecision.before, after: attrDecision.after }],
      actions: attrDecision.actions,
      effects: [{ fact: fileFact.name, key: fileFact.key(dest), value: { ...st, ...attrDecision.predicted } }],
      result: { ...result, checksum, size: content.length },
    };
  }
  const diffs: Diff[] = [contentDiff(dest, (await contentForDiff(ctx, dest, st)).content, content, st.size)];
  if (attrDecision.changes.length) diffs.push({ kind: 'state', subject: dest, before: attrDecision.before, after: attrDecision.after });
  return {
    kind: 'change',
    summary: [req.what ?? `update ${dest} (${sizeText(st.size ?? 0)} -> ${sizeText(content.length)})`, ...attrDecision.changes].join(', '),
    diffs,
    actions: [upload(mode === undefined ? undefined : nextMode)],
    effects: effect(nextMode),
    result: { ...result, checksum, size: content.length },
  };
}

/** Runs the plan's actions and reports the backup the upload made, for register. */
export async function applyWriteFile(ctx: ApplyContext, plan: ChangePlan): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const action of plan.actions) {
    const res = await ctx.run(action);
    if (action.kind === 'upload') {
      const { backupFile } = parseUploadOutput(res.stdout);
      if (backupFile !== undefined) out.backup_file = backupFile;
    }
  }
  return out;
}
