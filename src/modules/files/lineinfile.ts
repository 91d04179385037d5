import { normalizeFilePath } from '../../facts/file.js';
import {
  checkModeParam, describeAttrs, GROUP_SCHEMA, MODE_SCHEMA, OWNER_SCHEMA, planAttributes, type AttrParams,
} from './file-attrs.js';
import { applyWriteFile, planWriteFile, VALIDATE_SCHEMA } from './file-write.js';
import { badRegexMessage, readTextToEdit } from './file-text.js';
import { editLines } from './lineinfile-edit.js';
import { defineModule, type JsonSchema, type Plan } from '../types.js';

export interface LineinfileParams {
  readonly path?: string;
  readonly dest?: string;
  readonly name?: string;
  readonly line?: string;
  readonly regexp?: string;
  readonly state?: 'present' | 'absent';
  readonly insertafter?: string;
  readonly insertbefore?: string;
  readonly backrefs?: boolean;
  readonly firstmatch?: boolean;
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
  not: { required: ['insertafter', 'insertbefore'] },
  properties: {
    path: { type: 'string', minLength: 1, description: 'The file to edit.' },
    dest: { type: 'string', minLength: 1, description: 'Alias of path.' },
    name: { type: 'string', minLength: 1, description: 'Alias of path.' },
    line: { type: 'string', description: 'The line to ensure (state=present) or remove (state=absent without regexp).' },
    regexp: { type: 'string', description: 'Python-style regular expression searched in every line; the last match is replaced (or removed).' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'present: the line is in the file; absent: lines equal to line (or matching regexp) are removed.' },
    insertafter: { type: 'string', description: 'EOF, BOF or a regular expression: where a new line goes (after the last matching line).' },
    insertbefore: { type: 'string', description: 'BOF or a regular expression: where a new line goes (before the last matching line).' },
    backrefs: { type: 'boolean', default: false, description: 'line may use \\1 or \\g<name> from regexp; a file without a match is left alone.' },
    firstmatch: { type: 'boolean', default: false, description: 'Use the first matching line instead of the last.' },
    create: { type: 'boolean', default: false, description: 'Create the file when it does not exist.' },
    backup: { type: 'boolean', default: false, description: 'Keep the previous file as PATH.YYYYmmddTHHMMSS~.' },
    validate: VALIDATE_SCHEMA,
    mode: MODE_SCHEMA,
    owner: OWNER_SCHEMA,
    group: GROUP_SCHEMA,
  },
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  then: { anyOf: [{ required: ['regexp'] }, { required: ['line'] }] },
  else: { required: ['line'] },
};

export const lineinfile = defineModule<LineinfileParams>({
  name: 'lineinfile',
  doc: {
    summary: 'Ensures one line of a text file is present (added, or replaced where regexp matches) or absent.',
    check: 'full',
    diff: 'content and state',
    example: `- name: forwarding on at boot
  lineinfile:
    path: /etc/sysctl.d/99-kubernetes.conf
    regexp: '^net\\.ipv4\\.ip_forward'
    line: net.ipv4.ip_forward = 1
    create: true

- name: no swap in fstab
  lineinfile:
    path: /etc/fstab
    regexp: '\\sswap\\s'
    state: absent
`,
    notes: [
      "Ansible's rules: the last match wins (firstmatch: the first); insertafter/insertbefore apply only when regexp matches nothing; backrefs never add a line.",
      'Regular expressions use Python syntax, named groups (?P<name>...) included.',
      'One exec when nothing changes (files up to 256 KiB; larger files cost one more read).',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const path = normalizeFilePath(p.path ?? p.dest ?? p.name ?? '');
    const state = p.state ?? 'present';
    const modeError = checkModeParam(p.mode);
    if (modeError) return { kind: 'fail', msg: modeError };
    if (state === 'present' && p.line === undefined) return { kind: 'fail', msg: 'state=present needs line' };
    if (p.backrefs && p.regexp === undefined) return { kind: 'fail', msg: 'backrefs needs regexp' };
    const regexError = badRegexMessage([['regexp', p.regexp], ['insertafter', p.insertafter], ['insertbefore', p.insertbefore]] as const);
    if (regexError) return { kind: 'fail', msg: regexError };
    const attrs: AttrParams = { mode: p.mode, owner: p.owner, group: p.group };
    const read = await readTextToEdit(ctx, path, { module: 'lineinfile', removing: state === 'absent', create: p.create, what: 'line' });
    if ('plan' in read) return read.plan;
    const { st, text } = read;
    const edit = editLines(text, {
      state, line: p.line, regexp: p.regexp, insertafter: p.insertafter, insertbefore: p.insertbefore,
      backrefs: p.backrefs, firstmatch: p.firstmatch,
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
      what: `${path}: ${edit.msg}`,
    }, st);
    return plan.kind === 'change' ? { ...plan, result: { ...plan.result, msg: edit.msg || 'file created' } } : plan;
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
