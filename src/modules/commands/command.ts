import { Type } from '../../schema/type.js';
import { splitShellWords, toShellLine } from '../../transport/quote.js';
import { applyCommand, COMMAND_OPTION_PARAMS, planCommand } from './command-run.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  cmd: Type.Optional(Type.String({
    minLength: 1,
    description: 'Program and arguments, split like a shell would but without one: no pipes, redirections or $VARS (use shell for those).',
  })),
  argv: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Program and arguments as a list: nothing is split or interpreted.' })),
  ...COMMAND_OPTION_PARAMS,
}, {
  additionalProperties: false,
  oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
});

/** Runs a program without a shell. Always "changed" when it runs; creates/removes make it idempotent. */
export const command = defineModule({
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
      'Check mode does not run the command: where it would run (creates/removes do not say it is done) the plan shows it as a change, so plan counts it; the registered result then has no rc or output, and a changed_when or failed_when that needs them is not judged. check_mode: false runs a read-only command anyway.',
      'Registers rc, stdout, stderr, stdout_lines and stderr_lines; a non-zero exit fails the task with what the exit code usually means and the tail of stderr.',
    ],
  },
  schema,
  freeForm: 'cmd',
  rules: [{
    params: ['cmd'],
    check(p) {
      if (p.cmd === undefined) return undefined;
      try {
        if (splitShellWords(p.cmd).length > 0) return undefined;
        return { message: 'the command is empty (only blanks)', hint: 'write the program and its arguments, e.g. command: kubeadm version' };
      } catch (e) {
        return { message: (e as Error).message, hint: 'close the quote, or quote the whole value in YAML and use the other quote inside it' };
      }
    },
  }],
  async plan(ctx, p) {
    // The rule above has split cmd once already: here it cannot fail or be empty.
    const argv = p.argv ?? splitShellWords(p.cmd ?? '');
    return planCommand(ctx, { argv, cmd: argv, display: toShellLine(argv) }, p);
  },
  apply: (ctx, plan) => applyCommand(ctx, plan),
});
