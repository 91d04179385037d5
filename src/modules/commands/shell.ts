import { Type } from '../../schema/type.js';
import { applyCommand, COMMAND_OPTION_PARAMS, planCommand } from './command-run.js';
import { defineModule } from '../types.js';

const schema = Type.Object({
  cmd: Type.String({ minLength: 1, description: 'A shell script: pipes, redirections and variables work.' }),
  executable: Type.Optional(Type.String({ minLength: 1, default: '/bin/sh', description: 'The shell that runs cmd (as EXECUTABLE -c CMD).' })),
  ...COMMAND_OPTION_PARAMS,
}, { additionalProperties: false });

/** Runs a script through a shell on the host; the script is the user's, passed as one argument. */
export const shell = defineModule({
  name: 'shell',
  doc: {
    summary: 'Runs a script through a shell on the host (pipes, redirections, variables); it reports changed every time it runs, unless creates/removes say it is done.',
    check: 'partial',
    diff: 'none',
    example: `- name: hold the Kubernetes packages
  shell: apt-mark hold kubelet kubeadm kubectl && apt-mark showhold > /var/lib/k8sbm-held
  args:
    creates: /var/lib/k8sbm-held

- name: count the pods on the node
  shell: crictl pods -q | wc -l
  register: pods
  changed_when: false
  check_mode: false
`,
    notes: [
      'The script goes to EXECUTABLE -c as one argument: k8sbm never re-quotes it.',
      'Check mode does not run the script: where it would run (creates/removes do not say it is done) the plan shows it as a change, so plan counts it; the registered result then has no rc or output, and a changed_when or failed_when that needs them is not judged. check_mode: false runs a read-only script anyway.',
    ],
  },
  schema,
  freeForm: 'cmd',
  async plan(ctx, p) {
    const argv = [p.executable ?? '/bin/sh', '-c', p.cmd];
    const firstLine = p.cmd.split('\n', 1)[0]!;
    const display = firstLine.length > 120 || p.cmd.includes('\n') ? `${firstLine.slice(0, 117)}...` : firstLine;
    return planCommand(ctx, { argv, cmd: p.cmd, display }, p);
  },
  apply: (ctx, plan) => applyCommand(ctx, plan),
});
