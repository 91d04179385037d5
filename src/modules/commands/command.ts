import { splitShellWords } from '../../transport/quote.js';
import { applyCommand, COMMAND_OPTION_SCHEMAS, planCommand, type CommandOptions } from './command-run.js';
import { toShellLine } from '../../transport/quote.js';
import { defineModule, type JsonSchema } from '../types.js';


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
  doc: {
    summary: 'Runs a program on the host without a shell; it reports changed every time it runs, unless creates/removes say it is done.',
    check: 'partial',
    diff: 'none',
    example: `- name: initialise the control plane once
  command: kubeadm init --config /etc/kubernetes/kubeadm.yaml
  args:
    creates: /etc/kubernetes/admin.conf

- name: read the kubelet version
  command:
    argv: [kubelet, --version]
  register: kubelet_version
  changed_when: false
  check_mode: false
`,
    notes: [
      'No pipes, redirections or $VARS: the words reach the program as written (use shell for those).',
      'Check mode skips the command unless creates/removes decide it; check_mode: false runs a read-only command anyway.',
      'Registers rc, stdout, stderr, stdout_lines and stderr_lines; a non-zero exit fails the task with what the exit code usually means and the tail of stderr.',
    ],
  },
  schema,
  freeForm: 'cmd',
  async plan(ctx, p) {
    let argv: readonly string[];
    try {
      argv = p.argv ?? splitShellWords(p.cmd ?? '');
    } catch (e) {
      return { kind: 'fail', msg: (e as Error).message };
    }
    if (argv.length === 0) return { kind: 'fail', msg: 'the command is empty' };
    return planCommand(ctx, { argv, cmd: argv, display: toShellLine(argv) }, p);
  },
  apply: (ctx, plan) => applyCommand(ctx, plan),
});
