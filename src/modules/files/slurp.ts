import { Type } from '../../schema/type.js';
import { fileContentFact, normalizeFilePath } from '../../facts/file.js';
import { followLinks } from './file-attrs.js';
import { sha256Hex, sizeText } from './file-write.js';
import { defineModule, type Plan } from '../types.js';

const schema = Type.Object({
  src: Type.Optional(Type.String({ minLength: 1, description: 'The file on the node to read (symlinks are followed).' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'Alias of src.' })),
}, {
  additionalProperties: false,
  oneOf: [{ required: ['src'] }, { required: ['path'] }],
});

export const slurp = defineModule({
  name: 'slurp',
  doc: {
    summary: 'Reads a file from the node into a registered variable, base64-encoded (`content`, `encoding: base64`).',
    check: 'full',
    diff: 'none',
    example: `- name: read the CA certificate
  slurp:
    src: /etc/kubernetes/pki/ca.crt
  register: ca
  become: true

- name: use it
  debug:
    msg: "{{ ca.content | b64decode }}"
`,
    notes: [
      'One exec for files up to 256 KiB (the file fact carries the content); larger files cost one more read.',
      'In check mode a file an earlier task would write is read from that prediction.',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const path = normalizeFilePath(p.src ?? p.path ?? '');
    const st0 = await ctx.fact(fileContentFact, path);
    const { path: target, st } = await followLinks(ctx, path, st0);
    if (!st.exists) return { kind: 'fail', msg: st0.exists ? `${path} is a dangling link (to ${st0.linkTarget})` : `file not found: ${path}` };
    if (st.type === 'directory') return { kind: 'fail', msg: `${target} is a directory; slurp reads one file` };
    if (st.type !== 'file') return { kind: 'fail', msg: `${target} is not a regular file (device, socket or fifo)` };
    if (st.readable === false) return { kind: 'fail', msg: `cannot read ${target} (permission denied?); run the task with become: true` };
    let data = st.content;
    if (data === undefined) {
      // Above the fact's content limit: one more round trip, bytes kept intact through base64.
      const res = await ctx.probe(['base64', '--', target]);
      if (res.code !== 0) return { kind: 'fail', msg: `cannot read ${target}: ${res.stderr.trim() || `exit code ${res.code}`}` };
      data = Buffer.from(res.stdout.replace(/\s+/g, ''), 'base64');
    }
    return {
      kind: 'ok',
      reason: `read ${target} (${sizeText(data.length)}, sha256 ${sha256Hex(data).slice(0, 12)})`,
      result: { content: data.toString('base64'), encoding: 'base64', source: path },
    };
  },
});
