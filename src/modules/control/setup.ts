import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { hostFacts } from '../../facts/host.js';
import { defineModule } from '../types.js';
import type { Plan, PlanContext } from '../types.js';

const schema = Type.Object({
  filter: Type.Optional(Type.String({ description: 'glob on top-level fact names' })),
}, { additionalProperties: false });

type SetupParams = Static<typeof schema>;

/** fnmatch-style glob (* ? [abc] [!a-z]) as an anchored RegExp; a bad class matches literally. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The facts whose top-level names match `filter` (all of them without one). */
export function filterFacts(facts: Readonly<Record<string, unknown>>, filter: string | undefined): Record<string, unknown> {
  if (filter === undefined || filter === '' || filter === '*') return { ...facts };
  const re = globToRegExp(filter);
  return Object.fromEntries(Object.entries(facts).filter(([name]) => re.test(name)));
}

async function plan(ctx: PlanContext, params: SetupParams): Promise<Plan> {
  const all = await ctx.fact(hostFacts, undefined);
  const facts = filterFacts(all as unknown as Record<string, unknown>, params.filter);
  const n = Object.keys(facts).length;
  return { kind: 'ok', reason: `gathered ${n} fact${n === 1 ? '' : 's'}`, result: { facts }, facts };
}

export const setup = defineModule({
  name: 'setup',
  doc: {
    summary: "Gathers the host's facts in one exec, optionally only those whose top-level names match a glob.",
    check: 'full',
    diff: 'none',
    example: `- name: refresh the address facts after the bond came up
  setup:
    filter: "default_ipv*"
`,
  },
  schema,
  plan,
});
