import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { checkMarkers, DEFAULT_MARKER, editBlock, markerLines } from './blockinfile-edit.js';
import { PythonRegex, StringEnum } from '../../schema/formats.js';
import { applyWriteFile } from './file-write.js';
import { EDIT_SCHEMA_OPTIONS, EDIT_WRITE_PARAMS, EDITED_FILE_PARAMS, planTextEdit } from './file-text.js';
import { defineModule, type Plan } from '../types.js';

const MARKER_PARAMS = ['marker', 'marker_begin', 'marker_end'] as const;

const schema = Type.Object({
  ...EDITED_FILE_PARAMS,
  block: Type.Optional(Type.String({
    default: '',
    description: 'The text between the markers (a newline is added at its end when missing). Empty with state=present removes the block.',
  })),
  state: Type.Optional(StringEnum(['present', 'absent'], { default: 'present', description: 'present: the block is there as given; absent: the block and its markers are removed.' })),
  marker: Type.Optional(Type.String({
    minLength: 1,
    default: DEFAULT_MARKER,
    description: "The marker line template; {mark} becomes marker_begin or marker_end. Keep Ansible's default to manage blocks Ansible wrote; use the file's comment syntax (e.g. \"// {mark} k8sbm\").",
  })),
  marker_begin: Type.Optional(Type.String({ default: 'BEGIN', description: 'What {mark} becomes in the first marker line.' })),
  marker_end: Type.Optional(Type.String({ default: 'END', description: 'What {mark} becomes in the last marker line.' })),
  insertafter: Type.Optional(PythonRegex({ description: 'EOF (the default) or a regular expression: a new block goes after the last matching line (at EOF when none matches).' })),
  insertbefore: Type.Optional(PythonRegex({ description: 'BOF or a regular expression: a new block goes before the last matching line (at EOF when none matches). Not with insertafter.' })),
  prepend_newline: Type.Optional(Type.Boolean({ default: false, description: 'Keep a blank line before the block (unless it starts the file).' })),
  append_newline: Type.Optional(Type.Boolean({ default: false, description: 'Keep a blank line after the block (unless it ends the file).' })),
  ...EDIT_WRITE_PARAMS,
}, {
  ...EDIT_SCHEMA_OPTIONS,
});

type BlockinfileParams = Static<typeof schema>;

function markersOf(p: BlockinfileParams): { begin: string; end: string } {
  return markerLines(p.marker ?? DEFAULT_MARKER, p.marker_begin ?? 'BEGIN', p.marker_end ?? 'END');
}

export const blockinfile = defineModule({
  name: 'blockinfile',
  changesOnlyItsEffects: true,
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
  rules: [{
    params: MARKER_PARAMS,
    check(p) {
      const { begin, end } = markersOf(p);
      const problem = checkMarkers(begin, end);
      return problem && { ...problem, param: MARKER_PARAMS.find((k) => p[k] !== undefined) };
    },
  }],
  async plan(ctx, p): Promise<Plan> {
    const path = normalizeFilePath(p.path ?? p.dest ?? p.name ?? '');
    const state = p.state ?? 'present';
    const { begin, end } = markersOf(p);
    return planTextEdit(ctx, path, p, { module: 'blockinfile', removing: state === 'absent', what: 'block' }, (text) => editBlock(text, {
      state, block: p.block ?? '', begin, end, insertafter: p.insertafter, insertbefore: p.insertbefore,
      prependNewline: p.prepend_newline, appendNewline: p.append_newline,
    }));
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
