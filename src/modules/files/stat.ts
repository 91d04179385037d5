import { Type } from '../../schema/type.js';
import { posix } from 'node:path';
import { fileFact, normalizeFilePath, type FileState } from '../../facts/file.js';
import { followLinks } from './file-attrs.js';
import { sizeText } from './file-write.js';
import { StringEnum } from '../../schema/formats.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  path: Type.String({ minLength: 1, description: 'The path to describe (a symlink itself unless follow is set).' }),
  get_checksum: Type.Optional(Type.Boolean({ default: true, description: 'Include checksum (SHA-256) for regular files.' })),
  checksum_algorithm: Type.Optional(StringEnum(['sha256'], { default: 'sha256', description: 'Only SHA-256 is computed.' })),
  follow: Type.Optional(Type.Boolean({ default: false, description: 'Describe the target of a symlink instead of the link.' })),
}, { additionalProperties: false });

/** The register shape, named like Ansible's stat so playbooks can read `st.stat.exists`. */
export function statResult(path: string, st: FileState, getChecksum: boolean): Record<string, unknown> {
  if (!st.exists) return { exists: false };
  const out: Record<string, unknown> = {
    exists: true,
    path,
    isdir: st.type === 'directory',
    isreg: st.type === 'file',
    islnk: st.type === 'link',
    mode: st.mode,
    pw_name: st.owner,
    gr_name: st.group,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
  };
  if (st.type === 'file') out.readable = st.readable !== false;
  if (st.type === 'link') {
    out.lnk_target = st.linkTarget;
    out.lnk_source = normalizeFilePath(posix.resolve(posix.dirname(path), st.linkTarget ?? ''));
  }
  if (getChecksum && st.type === 'file' && st.sha256 !== undefined) out.checksum = st.sha256;
  return out;
}

function describe(path: string, st: FileState): string {
  if (!st.exists) return `${path} does not exist`;
  const who = `${st.owner ?? st.uid ?? '?'}:${st.group ?? st.gid ?? '?'}`;
  if (st.type === 'link') return `${path} is a link to ${st.linkTarget}`;
  const what = st.type === 'file' ? `a file (${sizeText(st.size ?? 0)}, ` : st.type === 'directory' ? 'a directory (' : 'a special file (';
  return `${path} is ${what}${st.mode} ${who})`;
}

export const stat = defineModule({
  name: 'stat',
  doc: {
    summary: 'Reads the state of a path into a registered variable: stat.exists, isdir, isreg, islnk, mode, pw_name, size, checksum, ...',
    check: 'full',
    diff: 'none',
    example: `- name: is the node joined?
  stat:
    path: /etc/kubernetes/kubelet.conf
  register: kubelet_conf

- name: join once
  command: kubeadm join --config /etc/kubernetes/join.yaml
  when: not kubelet_conf.stat.exists
`,
    notes: [
      "One exec; never changes anything. checksum is SHA-256 (Ansible's default is SHA-1).",
      'In check mode it sees what earlier tasks would have done.',
    ],
  },
  schema,
  async plan(ctx, p) {
    const path = normalizeFilePath(p.path);
    const st0 = await ctx.fact(fileFact, path);
    const { path: target, st } = p.follow ? await followLinks(ctx, path, st0) : { path, st: st0 };
    const reason = target === path ? describe(path, st) : `${describe(target, st)} (followed from ${path})`;
    return { kind: 'ok', reason, result: { stat: statResult(path, st, p.get_checksum !== false) } };
  },
});
