import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { applyWriteFile, destFact, planWriteFile, WRITE_FILE_PARAMS } from './file-write.js';
import { FilePath } from '../../schema/formats.js';
import { defineModule } from '../types.js';
import { assertRenderedSchema, TEMPLATE_SCHEMAS, type TemplateSchemaName } from './template-schema.js';

const schema = Type.Object({
  src: Type.String({ minLength: 1, description: "A template, looked up in the role's templates/ then the playbook's templates/." }),
  dest: FilePath({ description: 'Remote path of the rendered file.' }),
  schema: Type.Optional(Type.Union(Object.keys(TEMPLATE_SCHEMAS).map((k) => Type.Literal(k)), {
    description: "Check the rendered YAML on the controller against a JSON Schema the project keeps (kubeadm: kubeadm's v1beta4 configuration); a wrong field fails the plan at the template's line.",
  })),
  ...WRITE_FILE_PARAMS,
}, { additionalProperties: false });

export const template = defineModule({
  name: 'template',
  changesOnlyItsEffects: true,
  doc: {
    summary: "Renders a controller template (the role's templates/ first) with the task's variables and writes it to the host like copy.",
    check: 'full',
    diff: 'content and state',
    example: `- name: kubelet configuration
  template:
    src: kubelet-config.yaml.j2
    dest: /var/lib/kubelet/config.yaml
    mode: "0644"
  notify: restart kubelet
`,
    notes: [
      'An undefined variable is an error with its place in the template, never an empty string.',
      'Same write path as copy: one exec when up to date, validate before the atomic move.',
    ],
  },
  schema,
  templateFileParams: ['src'],
  async plan(ctx, p) {
    const srcPath = ctx.findLocal('templates', p.src);
    const text = (await ctx.readLocal(srcPath)).toString('utf8');
    const rendered = ctx.renderTemplate(text, srcPath);
    if (p.schema !== undefined) assertRenderedSchema(p.schema as TemplateSchemaName, text, srcPath, rendered);
    const dest = normalizeFilePath(p.dest);
    return planWriteFile(ctx, {
      dest,
      content: Buffer.from(rendered, 'utf8'),
      attrs: { mode: p.mode, owner: p.owner, group: p.group },
      backup: p.backup,
      validate: p.validate,
      force: p.force,
      result: { src: p.src },
    }, await ctx.fact(destFact(ctx), dest));
  },
  apply: (ctx, plan) => applyWriteFile(ctx, plan),
});
