import { Type } from '../../schema/type.js';
import { fileContentFact, normalizeFilePath } from '../../facts/file.js';
import { AbsolutePath } from '../../schema/formats.js';
import { K8sbmError } from '../../source/errors.js';
import { fetchDestination, writeFetchedFile } from './fetch-local.js';
import { followLinks } from './file-attrs.js';
import { contentDiff, contentForDiff, sha256Hex, sizeText } from './file-write.js';
import { defineModule, type Diff, type Plan } from '../types.js';

const schema = Type.Object({
  src: AbsolutePath({ description: 'Absolute path of a file on the node (symlinks are followed; directories are refused).' }),
  dest: Type.String({
    minLength: 1,
    description: 'A directory on the controller (relative to the playbook): the file lands in DEST/<inventory_hostname>/<src path>. With flat, the exact local file path (DEST/<basename of src> when it ends in /).',
  }),
  flat: Type.Optional(Type.Boolean({ default: false, description: 'Write to dest itself instead of a per-host tree (give each host its own dest, e.g. with {{ inventory_hostname }}).' })),
  fail_on_missing: Type.Optional(Type.Boolean({ default: true, description: 'Fail when src does not exist on the node; false: report ok with the reason.' })),
  validate_checksum: Type.Optional(Type.Boolean({ default: true, description: 'Check that the bytes received have the sha256 the node reported before writing them.' })),
}, { additionalProperties: false });

/** Local reads: the current copy, or null when there is none yet. */
async function readCurrentCopy(read: (p: string) => Promise<Buffer>, path: string): Promise<Buffer | null | 'directory'> {
  try {
    return await read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') return 'directory';
    throw e;
  }
}

export const fetch = defineModule({
  name: 'fetch',
  doc: {
    summary: 'Copies a file from each node to the controller (the workstation), into a per-host folder or one exact path.',
    check: 'full',
    diff: 'content',
    example: `- name: the cluster's admin kubeconfig, per control-plane node
  fetch:
    src: /etc/kubernetes/admin.conf
    dest: fetched/
  become: true

- name: one kubeconfig per host, flat
  fetch:
    src: /etc/kubernetes/admin.conf
    dest: "kubeconfigs/{{ inventory_hostname }}.conf"
    flat: true
  become: true
`,
    notes: [
      'Never changes the node: "changed" means the local copy was (or, in check mode, would be) written.',
      'The local copy is compared by sha256 with what the node reports: one exec when it is up to date, two when it is written (the read of the file).',
      'The local copy keeps the node file\'s permission bits (a 0600 kubeconfig stays 0600) and is replaced atomically.',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const src = normalizeFilePath(p.src);
    const playbookDir = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : process.cwd();
    const dest = fetchDestination({ src, dest: p.dest, flat: p.flat === true, host: ctx.host, baseDir: playbookDir });
    // With its content: a diff shows it, and the apply needs no download when it came along.
    const st0 = await ctx.fact(fileContentFact, src);
    const { path: target, st } = await followLinks(ctx, src, st0);
    const result = { file: src, dest };
    if (!st.exists) {
      const what = st0.exists ? `${src} is a dangling link (to ${st0.linkTarget})` : `${src} does not exist on ${ctx.host}`;
      return p.fail_on_missing === false ? { kind: 'ok', reason: `${what}; nothing to fetch (fail_on_missing: false)`, result } : { kind: 'fail', msg: what };
    }
    if (st.type === 'directory') return { kind: 'fail', msg: `${target} is a directory; fetch copies one file (fetch each file, or archive the directory first)` };
    if (st.type !== 'file') return { kind: 'fail', msg: `${target} is not a regular file (device, socket or fifo)` };
    if (st.readable === false || st.sha256 === undefined) {
      return { kind: 'fail', msg: `cannot read ${target} (permission denied?); run the task with become: true` };
    }
    const local = await readCurrentCopy((x) => ctx.readLocal(x), dest);
    if (local === 'directory') {
      return { kind: 'fail', msg: `local dest ${dest} is a directory; end dest with / (flat) or drop flat to fetch into it` };
    }
    const remoteSum = st.sha256;
    const mode = st.mode ?? '0600';
    if (local !== null && sha256Hex(local) === remoteSum) {
      return {
        kind: 'ok',
        reason: `${dest} is up to date with ${ctx.host}:${src} (sha256 ${remoteSum.slice(0, 12)})`,
        result: { ...result, checksum: remoteSum, remote_checksum: remoteSum, size: st.size, mode },
      };
    }
    const size = st.size ?? 0;
    const shown = await contentForDiff(ctx, target, st);
    const diff: Diff = shown.content !== undefined
      ? contentDiff(dest, local, shown.content)
      : largeDiff(dest, local, size);
    return {
      kind: 'change',
      summary: `${local === null ? 'fetch' : 'update'} ${dest} from ${ctx.host}:${target} (${sizeText(size)})`,
      diffs: [diff],
      // The one action reads the node's file; apply writes its bytes on the controller.
      actions: [{ kind: 'exec', argv: ['base64', '--', target] }],
      effects: [],
      result: { ...result, checksum: remoteSum, remote_checksum: remoteSum, size, mode },
    };
  },
  async apply(ctx, plan, p) {
    const read = plan.actions[0]!;
    const res = await ctx.run(read);
    const data = Buffer.from(res.stdout.replace(/\s+/g, ''), 'base64');
    const { dest, file, remote_checksum: expected, mode } = plan.result as { dest: string; file: string; remote_checksum: string; mode: string };
    const got = sha256Hex(data);
    if (p.validate_checksum !== false && got !== expected) {
      throw new K8sbmError('K8SBM_FETCH_CHECKSUM', `${ctx.host}:${file} arrived with sha256 ${got.slice(0, 12)}, the node reported ${expected.slice(0, 12)}`, {
        loc: ctx.loc,
        hint: 'the file changed on the node while it was being fetched; run the task again (or set validate_checksum: false for a file that is always changing)',
      });
    }
    await writeFetchedFile(dest, data, parseInt(mode, 8));
    return { checksum: got, size: data.length };
  },
});

/** A file above the fact's content limit: the diff is a note, never megabytes of text. */
function largeDiff(subject: string, local: Buffer | null, remoteSize: number): Diff {
  const note = `large file, ${local === null ? 'absent' : sizeText(local.length)} -> ${sizeText(remoteSize)}`;
  return { kind: 'text', subject, before: local === null ? null : `(${note})`, after: `(${note})`, note };
}
