import type { TUnsafe } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { valueLocOf } from '../../source/loc.js';
import { defineModule } from '../types.js';

const condition = (): TUnsafe<string | boolean> => Type.Unsafe<string | boolean>({ type: ['string', 'boolean'] });

const schema = Type.Object({
  that: Type.Union([condition(), Type.Array(condition(), { minItems: 1 })], { description: 'Condition(s) that must all be true.' }),
  fail_msg: Type.Optional(Type.String({ description: 'Message when a condition is false.' })),
  msg: Type.Optional(Type.String({ description: 'Alias of fail_msg.' })),
  success_msg: Type.Optional(Type.String({ description: 'Message when all conditions hold.' })),
  quiet: Type.Optional(Type.Boolean({ default: false, description: 'Keep the result short.' })),
}, { additionalProperties: false });

/** Fails the host when a condition is false; conditions are evaluated in order and stop at the first false one. */
export const assert = defineModule({
  name: 'assert',
  doc: {
    summary: 'Fails the host unless every condition holds; conditions are checked in order.',
    check: 'full',
    diff: 'none',
    example: `- assert:
    that:
      - facts.cpu.count >= 2
      - facts.memory.total_mb >= 2048
    fail_msg: a control-plane node needs 2 CPUs and 2 GiB of memory
`,
  },
  schema,
  expressionParams: ['that'],
  controllerOnly: true,
  async plan(ctx, p) {
    const list = Array.isArray(p.that) ? p.that : [p.that];
    for (let i = 0; i < list.length; i++) {
      const cond = list[i] as string | boolean;
      const loc = (Array.isArray(p.that) ? valueLocOf(p.that, i) : valueLocOf(p, 'that')) ?? ctx.loc;
      if (!ctx.evalCondition(cond, loc)) {
        return {
          kind: 'fail',
          msg: p.fail_msg ?? p.msg ?? `Assertion failed: ${String(cond)}`,
          result: { assertion: cond, evaluated_to: false },
        };
      }
    }
    const reason = p.success_msg ?? (list.length === 1 ? 'the assertion holds' : `all ${list.length} assertions hold`);
    return { kind: 'ok', reason, result: p.quiet ? { msg: reason } : { msg: reason, assertions: list } };
  },
});
