import { Type } from '../../schema/type.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  msg: Type.Optional(Type.String({ description: 'Why the host fails.' })),
}, { additionalProperties: false });

/** Fails the host on purpose (usually under `when`). */
export const fail = defineModule({
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
