import { posix } from 'node:path';
import { fileFact, normalizeFilePath, type FileState } from '../../facts/file.js';
import { followLinks } from './file-attrs.js';
import { sizeText } from './file-write.js';
import { defineModule, type JsonSchema } from '../types.js';

export interface StatParams {
  readonly path: string;
  readonly get_checksum?: boolean;
  readonly checksum_algorithm?: 'sha256';
  readonly follow?: boolean;
}

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, description: 'The path to describe (a symlink itself unless follow is set).' },
    get_checksum: { type: 'boolean', default: true, description: 'Include checksum (SHA-256) for regular files.' },
    checksum_algorithm: { enum: ['sha256'], default: 'sha256', description: 'Only SHA-256 is computed.' },
    follow: { type: 'boolean', default: false, description: 'Describe the target of a symlink instead of the link.' },
  },
};

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

export const stat = defineModule<StatParams>({
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
