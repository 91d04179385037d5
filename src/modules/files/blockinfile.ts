import { normalizeFilePath } from '../../facts/file.js';
import { checkMarkers, DEFAULT_MARKER, editBlock, markerLines } from './blockinfile-edit.js';
import {
  checkModeParam, describeAttrs, GROUP_SCHEMA, MODE_SCHEMA, OWNER_SCHEMA, planAttributes, type AttrParams,
} from './file-attrs.js';
import { applyWriteFile, planWriteFile, VALIDATE_SCHEMA } from './file-write.js';
import { badRegexMessage, readTextToEdit } from './file-text.js';
import { defineModule, type JsonSchema, type Plan } from '../types.js';

export interface BlockinfileParams {
  readonly path?: string;
  readonly dest?: string;
  readonly name?: string;
  readonly block?: string;
  readonly state?: 'present' | 'absent';
  readonly marker?: string;
  readonly marker_begin?: string;
  readonly marker_end?: string;
  readonly insertafter?: string;
  readonly insertbefore?: string;
  readonly prepend_newline?: boolean;
  readonly append_newline?: boolean;
  readonly create?: boolean;
  readonly backup?: boolean;
  readonly validate?: string;
  readonly mode?: string;
  readonly owner?: string | number;
  readonly group?: string | number;
}

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
  properties: {
    path: { type: 'string', minLength: 1, description: 'The file to edit.' },
    dest: { type: 'string', minLength: 1, description: 'Alias of path.' },
    name: { type: 'string', minLength: 1, description: 'Alias of path.' },
    block: {
      type: 'string',
      default: '',
      description: 'The text between the markers (a newline is added at its end when missing). Empty with state=present removes the block.',
    },
    state: { enum: ['present', 'absent'], default: 'present', description: 'present: the block is there as given; absent: the block and its markers are removed.' },
    marker: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_MARKER,
      description: "The marker line template; {mark} becomes marker_begin or marker_end. Keep Ansible's default to manage blocks Ansible wrote; use the file's comment syntax (e.g. \"// {mark} k8sbm\").",
    },
    marker_begin: { type: 'string', default: 'BEGIN', description: 'What {mark} becomes in the first marker line.' },
    marker_end: { type: 'string', default: 'END', description: 'What {mark} becomes in the last marker line.' },
    insertafter: { type: 'string', description: 'EOF (the default) or a regular expression: a new block goes after the last matching line (at EOF when none matches).' },
    insertbefore: { type: 'string', description: 'BOF or a regular expression: a new block goes before the last matching line (at EOF when none matches). Not with insertafter.' },
    prepend_newline: { type: 'boolean', default: false, description: 'Keep a blank line before the block (unless it starts the file).' },
    append_newline: { type: 'boolean', default: false, description: 'Keep a blank line after the block (unless it ends the file).' },
    create: { type: 'boolean', default: false, description: 'Create the file when it does not exist.' },
    backup: { type: 'boolean', default: false, description: 'Keep the previous file as PATH.YYYYmmddTHHMMSS~.' },
    validate: VALIDATE_SCHEMA,
    mode: MODE_SCHEMA,
    owner: OWNER_SCHEMA,
    group: GROUP_SCHEMA,
  },
};

export const blockinfile = defineModule<BlockinfileParams>({
  name: 'blockinfile',
  doc: {
    summary: 'Keeps a multi-line block of text between two marker lines in a file: inserted, updated in place, or removed.',
    check: 'full',
    diff: 'content and state',
    example: `- name: static name resolution for the API endpoint
  blockinfile:
    path: /etc/hosts
    block: |
      10.0.0.10 api.k8s.local
      10.0.0.11 cp1.k8s.local
    marker: "# {mark} k8sbm api endpoint"
    insertafter: "^127\\\\.0\\\\.1\\\\.1"

- name: the same block gone
  blockinfile:
    path: /etc/hosts
    marker: "# {mark} k8sbm api endpoint"
    state: absent
`,
    notes: [
      'Markers are Ansible\'s (`# BEGIN ANSIBLE MANAGED BLOCK` / `# END ANSIBLE MANAGED BLOCK` by default), so blocks written by Ansible are recognised and managed in place.',
      'Use a different marker per block when a file holds several blocks.',
      'One exec when nothing changes (files up to 256 KiB; larger files cost one more read); a change uploads the new file atomically (validate runs first).',
      'state=absent on a missing file is a no-op (Ansible fails unless create is set).',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const path = normalizeFilePath(p.path ?? p.dest ?? p.name ?? '');
    const state = p.state ?? 'present';
    const modeError = checkModeParam(p.mode);
    if (modeError) return { kind: 'fail', msg: modeError };
    const { begin, end } = markerLines(p.marker ?? DEFAULT_MARKER, p.marker_begin ?? 'BEGIN', p.marker_end ?? 'END');
    const markerError = checkMarkers(begin, end);
    if (markerError) return { kind: 'fail', msg: markerError };
    // Checked here rather than in the schema: a schema `not` only says "must NOT be valid".
    if (p.insertafter !== undefined && p.insertbefore !== undefined) {
      return { kind: 'fail', msg: 'insertafter and insertbefore exclude each other: give one of them' };
    }
    const regexError = badRegexMessage([['insertafter', p.insertafter], ['insertbefore', p.insertbefore]] as const);
    if (regexError) return { kind: 'fail', msg: regexError };
    const attrs: AttrParams = { mode: p.mode, owner: p.owner, group: p.group };
    const read = await readTextToEdit(ctx, path, { module: 'blockinfile', removing: state === 'absent', create: p.create, what: 'block' });
    if ('plan' in read) return read.plan;
    const { st, text } = read;
    const edit = editBlock(text, {
      state, block: p.block ?? '', begin, end, insertafter: p.insertafter, insertbefore: p.insertbefore,
      prependNewline: p.prepend_newline, appendNewline: p.append_newline,
    });
    if (edit.msg === '' && st.exists) {
      return planAttributes(path, st, attrs, `${path}: ${edit.reason} (${describeAttrs(st, {})})`);
    }
    const plan = await planWriteFile(ctx, {
      dest: path,
      content: Buffer.from(edit.text, 'utf8'),
      attrs,
      backup: p.backup,
      validate: p.validate,
      what: `${path}: ${edit.msg || 'file created'}`,
    }, st);
    return plan.kind === 'change' ? { ...plan, result: { ...plan.result, msg: edit.msg || 'file created' } } : plan;
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
