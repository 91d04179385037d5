import { fileContentFact, type FileState } from '../../facts/file.js';
import { asText, missingParentMessage, planWriteFile } from './file-write.js';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { ValidateCommand } from '../../schema/formats.js';
import { ATTR_PARAMS, describeAttrs, planAttributes, type AttrParams } from './file-attrs.js';
import type { Plan, PlanContext } from '../types.js';

/** The file an editing module (lineinfile, blockinfile) changes: path, or its aliases. */
export const EDITED_FILE_PARAMS = {
  path: Type.Optional(Type.String({ minLength: 1, description: 'The file to edit.' })),
  dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
};

/** How an editing module writes the file back. */
export const EDIT_WRITE_PARAMS = {
  create: Type.Optional(Type.Boolean({ default: false, description: 'Create the file when it does not exist.' })),
  backup: Type.Optional(Type.Boolean({ default: false, description: 'Keep the previous file as PATH.YYYYmmddTHHMMSS~.' })),
  validate: Type.Optional(ValidateCommand()),
  ...ATTR_PARAMS,
};

const EditWriteSchema = Type.Object(EDIT_WRITE_PARAMS);
export type EditWriteParams = Readonly<Static<typeof EditWriteSchema>>;

/** Schema options both editing modules share: one of the path aliases, one insertion point. */
export const EDIT_SCHEMA_OPTIONS = {
  additionalProperties: false,
  anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
  not: { required: ['insertafter', 'insertbefore'] },
};

interface TextToEdit {
  readonly st: FileState;
  readonly text: string;
}

/** What an editing module's pure decision makes of a file's text. */
export interface TextEdit {
  readonly text: string;
  /** What changed ("line added", "2 line(s) removed", "block updated"); empty when nothing did. */
  readonly msg: string;
  /** Why nothing changed, when nothing did. */
  readonly reason: string;
}

/**
 * The plan of an editing module (lineinfile, blockinfile): the file's text, edited by `edit`, is
 * written (validated, atomically) when it changed; when it did not, only the attributes asked
 * for are put right.
 */
export async function planTextEdit(
  ctx: PlanContext, path: string, p: EditWriteParams,
  o: { readonly module: string; readonly removing: boolean; readonly what: string },
  edit: (text: string) => TextEdit,
): Promise<Plan> {
  const attrs: AttrParams = { mode: p.mode, owner: p.owner, group: p.group };
  const read = await readTextToEdit(ctx, path, { ...o, create: p.create });
  if ('plan' in read) return read.plan;
  const { st, text } = read;
  const e = edit(text);
  if (e.msg === '' && st.exists) return planAttributes(path, st, attrs, `${path}: ${e.reason} (${describeAttrs(st, {})})`);
  const msg = e.msg || 'file created';
  const content = Buffer.from(e.text, 'utf8');
  const plan = await planWriteFile(ctx, { dest: path, content, attrs, backup: p.backup, validate: p.validate, what: `${path}: ${msg}` }, st);
  return plan.kind === 'change' ? { ...plan, result: { ...plan.result, msg } } : plan;
}

/**
 * The current text of a file an editing module (lineinfile, blockinfile) changes, or the plan
 * that ends the task when there is nothing to edit: a missing file (ok when removing, created
 * when asked), something that is not a readable UTF-8 text file.
 */
async function readTextToEdit(
  ctx: PlanContext, path: string,
  o: { readonly module: string; readonly removing: boolean; readonly create: boolean | undefined; readonly what: string },
): Promise<TextToEdit | { readonly plan: Plan }> {
  const st = await ctx.fact(fileContentFact, path);
  if (st.exists && st.type !== 'file') {
    return { plan: { kind: 'fail', msg: `${path} is not a regular file (it is a ${st.type}); ${o.module} edits files only` } };
  }
  if (!st.exists) {
    if (o.removing) return { plan: { kind: 'ok', reason: `${path} does not exist, so no ${o.what} to remove`, result: { path } } };
    if (!o.create) return { plan: { kind: 'fail', msg: `${path} does not exist; set create: true to create it` } };
    const missing = await missingParentMessage(ctx, path, st);
    if (missing) return { plan: { kind: 'fail', msg: missing } };
    return { st, text: '' };
  }
  if (st.readable === false) return { plan: { kind: 'fail', msg: `cannot read ${path} (permission denied?); run the task with become: true` } };
  // Files above the fact's content limit cost one more round trip.
  const data = st.content ?? Buffer.from((await ctx.probe(['cat', '--', path])).stdout, 'utf8');
  const decoded = asText(data);
  // Text read through a probe arrives decoded already: replacement characters mean it was not UTF-8.
  if (decoded === undefined || (st.content === undefined && decoded.includes('\uFFFD'))) {
    return { plan: { kind: 'fail', msg: `${path} is not a UTF-8 text file; ${o.module} edits text only` } };
  }
  return { st, text: decoded };
}
