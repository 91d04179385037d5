import { defineModule, type JsonSchema } from './types.js';

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
  schema,
  freeForm: 'msg',
  controllerOnly: true,
  async plan(_ctx, p) {
    return { kind: 'fail', msg: p.msg ?? 'Failed as requested from task' };
  },
});
