import type { OkPlan } from '../types.js';
import { Type } from '../../schema/type.js';
import { StringEnum } from '../../schema/formats.js';
import { defineModule } from '../types.js';

export type MetaAction = NonNullable<OkPlan['meta']>;

const ACTIONS: Readonly<Record<MetaAction, string>> = {
  flush_handlers: 'run notified handlers now',
  end_play: 'end the play for every host',
  end_host: 'end the play for this host',
  clear_facts: 'forget gathered facts',
  noop: 'do nothing',
};

const schema = Type.Object({
  free_form: StringEnum(Object.keys(ACTIONS) as MetaAction[], { description: 'meta: flush_handlers | end_play | end_host | clear_facts | noop' }),
}, { additionalProperties: false });

/** Instructions for the engine itself; nothing runs on the host. */
export const meta = defineModule({
  name: 'meta',
  doc: {
    summary: 'Instructions for the engine itself: run notified handlers now, end the play (for every host or this one), forget facts, or do nothing.',
    check: 'full',
    diff: 'none',
    example: `- name: restart what changed before the health checks
  meta: flush_handlers
`,
  },
  schema,
  freeForm: 'free_form',
  controllerOnly: true,
  async plan(_ctx, p) {
    return { kind: 'ok', reason: ACTIONS[p.free_form], meta: p.free_form };
  },
});
