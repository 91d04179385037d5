import { Type } from '../../schema/type.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  cacheable: Type.Optional(Type.Boolean({ default: false, description: 'Accepted for compatibility; facts live for the run.' })),
}, {
  additionalProperties: false,
  patternProperties: {
    '^[A-Za-z_][A-Za-z0-9_]*$': { description: 'A variable to set on the host (any value).' },
  },
  // At least one variable: cacheable alone sets nothing.
  allOf: [{
    minProperties: 1,
    anyOf: [{ minProperties: 2 }, { not: { required: ['cacheable'] } }],
    errorMessage: 'set_fact needs at least one variable',
    errorHint: 'add name: value pairs under set_fact:, e.g. api_port: 6443',
  }],
});

/** Sets host variables for the rest of the run. */
export const set_fact = defineModule({
  name: 'set_fact',
  doc: {
    summary: 'Sets variables on the host for the rest of the run.',
    check: 'full',
    diff: 'none',
    example: `- set_fact:
    api_endpoint: "{{ facts.default_ipv4.address }}:6443"
    pod_cidr: 10.244.0.0/16
`,
    notes: ['Variables set this way outrank inventory and play variables (below -e), as in Ansible.'],
  },
  schema,
  controllerOnly: true,
  async plan(_ctx, p) {
    const vars = Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'cacheable'));
    const names = Object.keys(vars);
    return { kind: 'ok', reason: `set ${names.join(', ')}`, setVars: vars, result: { ansible_facts: vars } };
  },
});
