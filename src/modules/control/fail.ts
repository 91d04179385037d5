import { defineModule, type JsonSchema } from '../types.js';

export interface FailParams {
  readonly msg?: string;
}

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { msg: { type: 'string', description: 'Why the host fails.' } },
};

/** Fails the host on purpose (usually under `when`). */
export const fail = defineModule<FailParams>({
  name: 'fail',
  doc: {
    summary: 'Fails the host on purpose, usually under when.',
    check: 'full',
    diff: 'none',
    example: `- name: read the active swap
  command: swapon --show --noheadings
  register: swap
  changed_when: false
  check_mode: false

- fail:
    msg: swap is on; kubelet will not start with swap
  when: swap.stdout != ""
`,
  },
  schema,
  freeForm: 'msg',
  controllerOnly: true,
  async plan(_ctx, p) {
    return { kind: 'fail', msg: p.msg ?? 'Failed as requested from task' };
  },
});
