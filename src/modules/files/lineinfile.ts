import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { PythonRegex, StringEnum } from '../../schema/formats.js';
import { applyWriteFile } from './file-write.js';
import { EDIT_SCHEMA_OPTIONS, EDIT_WRITE_PARAMS, EDITED_FILE_PARAMS, planTextEdit } from './file-text.js';
import { editLines } from './lineinfile-edit.js';
import { defineModule, type Plan } from '../types.js';

const schema = Type.Object({
  ...EDITED_FILE_PARAMS,
  line: Type.Optional(Type.String({ description: 'The line to ensure (state=present) or remove (state=absent without regexp).' })),
  regexp: Type.Optional(PythonRegex({ description: 'Python-style regular expression searched in every line; the last match is replaced (or removed).' })),
  state: Type.Optional(StringEnum(['present', 'absent'], { default: 'present', description: 'present: the line is in the file; absent: lines equal to line (or matching regexp) are removed.' })),
  insertafter: Type.Optional(PythonRegex({ description: 'EOF, BOF or a regular expression: where a new line goes (after the last matching line).' })),
  insertbefore: Type.Optional(PythonRegex({ description: 'BOF or a regular expression: where a new line goes (before the last matching line).' })),
  backrefs: Type.Optional(Type.Boolean({ default: false, description: 'line may use \\1 or \\g<name> from regexp; a file without a match is left alone.' })),
  firstmatch: Type.Optional(Type.Boolean({ default: false, description: 'Use the first matching line instead of the last.' })),
  ...EDIT_WRITE_PARAMS,
}, {
  ...EDIT_SCHEMA_OPTIONS,
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  then: { anyOf: [{ required: ['regexp'] }, { required: ['line'] }] },
  else: { required: ['line'] },
  allOf: [{ if: { properties: { backrefs: { const: true } }, required: ['backrefs'] }, then: { required: ['regexp'] } }],
});

export const lineinfile = defineModule({
  name: 'lineinfile',
  changesOnlyItsEffects: true,
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
    return planTextEdit(ctx, path, p, { module: 'lineinfile', removing: state === 'absent', what: 'line' }, (text) => editLines(text, {
      state, line: p.line, regexp: p.regexp, insertafter: p.insertafter, insertbefore: p.insertbefore,
      backrefs: p.backrefs, firstmatch: p.firstmatch,
    }));
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
