import { Type } from '../../schema/type.js';
import { isK8sbmError } from '../../source/errors.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  msg: Type.Optional(Type.Unknown({ description: 'What to print: text or any value (default "Hello world!").' })),
  var: Type.Optional(Type.String({ minLength: 1, description: 'A variable name or expression whose value is printed.' })),
  verbosity: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Only print at this -v level or above.' })),
}, {
  additionalProperties: false,
  not: { required: ['msg', 'var'] },
});

export function formatDebugValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? 'undefined';
}

/** Prints a message or a value. The run's -v level is read from `ansible_verbosity`. */
export const debug = defineModule({
  name: 'debug',
  doc: {
    summary: 'Prints a message, or the value of a variable or expression.',
    check: 'full',
    diff: 'none',
    example: `- debug:
    msg: "{{ inventory_hostname }} runs {{ facts.os.distribution }} {{ facts.os.version }}"

- debug:
    var: facts.default_ipv4.address
    verbosity: 1
`,
  },
  schema,
  expressionParams: ['var'],
  controllerOnly: true,
  async plan(ctx, p) {
    const level = typeof ctx.vars.ansible_verbosity === 'number' ? ctx.vars.ansible_verbosity : 0;
    if ((p.verbosity ?? 0) > level) return { kind: 'skip', reason: `verbosity threshold not met (needs -${'v'.repeat(p.verbosity ?? 0)})` };
    if (p.var !== undefined) {
      let value: unknown;
      try {
        value = ctx.evaluate(p.var, ctx.loc);
      } catch (e) {
        // An undefined variable is what debug is often used to find out; say so, like Ansible.
        if (isK8sbmError(e) && /UNDEFINED/.test(e.code)) value = 'VARIABLE IS NOT DEFINED!';
        else throw e;
      }
      if (value === undefined) value = 'VARIABLE IS NOT DEFINED!';
      return { kind: 'ok', reason: `${p.var}: ${formatDebugValue(value)}`, result: { [p.var]: value } };
    }
    const msg = p.msg === undefined ? 'Hello world!' : p.msg;
    return { kind: 'ok', reason: formatDebugValue(msg), result: { msg } };
  },
});
