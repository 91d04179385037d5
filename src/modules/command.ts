import { applyCommand, COMMAND_OPTION_SCHEMAS, planCommand, splitCommandLine, type CommandOptions } from './command-run.js';
import { toShellLine } from '../transport/quote.js';
import { defineModule, type JsonSchema } from './types.js';

export { CommandFailed, describeExit, type ExitDescription } from './command-run.js';

export interface CommandParams extends CommandOptions {
  readonly cmd?: string;
  readonly argv?: readonly string[];
}

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
  properties: {
    cmd: {
      type: 'string',
      minLength: 1,
      description: 'Program and arguments, split like a shell would but without one: no pipes, redirections or $VARS (use shell for those).',
    },
    argv: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Program and arguments as a list: nothing is split or interpreted.' },
    ...COMMAND_OPTION_SCHEMAS,
  },
};

/** Runs a program without a shell. Always "changed" when it runs; creates/removes make it idempotent. */
export const command = defineModule<CommandParams>({
  name: 'command',
  schema,
  freeForm: 'cmd',
  async plan(ctx, p) {
    let argv: readonly string[];
    try {
      argv = p.argv ?? splitCommandLine(p.cmd ?? '');
    } catch (e) {
      return { kind: 'fail', msg: (e as Error).message };
    }
    if (argv.length === 0) return { kind: 'fail', msg: 'the command is empty' };
    return planCommand(ctx, { argv, cmd: argv, display: toShellLine(argv) }, p);
  },
  apply: (ctx, plan) => applyCommand(ctx, plan),
});
