import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { applyWriteFile, destFact, planWriteFile, WRITE_FILE_PARAMS } from './file-write.js';
import { FilePath } from '../../schema/formats.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  content: Type.Optional(Type.String({ description: 'The file content, written as is.' })),
  src: Type.Optional(Type.String({ description: "A controller file, looked up in the role's files/ then the playbook's files/." })),
  dest: Type.String({ minLength: 1, description: 'Remote path; a trailing / (or an existing directory) means "into this directory" with src.' }),
  ...WRITE_FILE_PARAMS,
}, {
  additionalProperties: false,
  oneOf: [{ required: ['content'] }, { required: ['src'] }],
  if: { required: ['content'] },
  then: {
    properties: { dest: FilePath() },
    errorMessage: 'dest {value} names a directory, but content is written to one file',
    errorHint: 'with content, dest is the file itself (e.g. /etc/app/app.conf); "into a directory" works with src',
  },
});

export const copy = defineModule({
  name: 'copy',
  changesOnlyItsEffects: true,
  doc: {
    summary: 'Writes a file on the host from inline content or a controller file, with mode, owner and group, replacing it atomically.',
    check: 'full',
    diff: 'content and state',
    example: `- name: containerd configuration
  copy:
    src: containerd/config.toml
    dest: /etc/containerd/config.toml
    mode: "0644"
    backup: true

- name: a sudo rule, checked before it goes live
  copy:
    content: "ops ALL=(ALL) NOPASSWD: ALL\\n"
    dest: /etc/sudoers.d/ops
    mode: "0440"
    validate: visudo -cf %s
`,
    notes: [
      'One exec when the file is up to date (compared by sha256); a change is one upload that sets content, owner, group and mode together, or chown/chmod when only those differ.',
      'The new content goes to a temporary file beside dest, validate runs against it, then it is moved into place.',
      'Binary and large (over 256 KiB) files are compared by sha256; the diff says so instead of printing bytes.',
    ],
  },
  // Content given inline is the whole file: two tasks that write the same file differently are refused.
  owns: (p) => (p.content !== undefined && !p.dest.endsWith('/') ? [{ resource: `file ${p.dest}`, value: createHash('sha256').update(p.content).digest('hex') }] : []),
  schema,
  async plan(ctx, p) {
    let content: Buffer;
    let srcPath: string | undefined;
    if (p.src !== undefined) {
      srcPath = ctx.findLocal('files', p.src);
      try {
        content = await ctx.readLocal(srcPath);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EISDIR') {
          return { kind: 'fail', msg: `src ${p.src} is a directory: copy takes one file (use one copy task per file, or template/loop)` };
        }
        throw e;
      }
    } else {
      content = Buffer.from(p.content ?? '', 'utf8');
    }
    let dest = normalizeFilePath(p.dest);
    let st = await ctx.fact(destFact(ctx), dest);
    if (p.dest.endsWith('/') || (st.exists && st.type === 'directory')) {
      if (p.src === undefined) return { kind: 'fail', msg: `dest ${p.dest} is a directory: with content, dest must be a file path` };
      if (!st.exists) return { kind: 'fail', msg: `directory ${dest} does not exist (create it first with the file module, state: directory)` };
      dest = posix.join(dest, posix.basename(p.src));
      st = await ctx.fact(destFact(ctx), dest);
    }
    return planWriteFile(ctx, {
      dest,
      content,
      attrs: { mode: p.mode, owner: p.owner, group: p.group },
      backup: p.backup,
      validate: p.validate,
      force: p.force,
      result: srcPath === undefined ? undefined : { src: p.src },
    }, st);
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
