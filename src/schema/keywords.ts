import type { JsonSchema } from '../contract/schema.js';
import type {
  BlockKeyword, GateKeyword, PlayKeyword, SpecialTaskKey, TaskKeyword,
} from './playbook-keywords.js';

/**
 * JSON Schema (draft-07) of every playbook keyword, with the descriptions editors show on hover.
 * Typed over the loader's keyword lists: adding a keyword there is a compile error until it is
 * described here.
 */

export type AnyKeyword = PlayKeyword | TaskKeyword | BlockKeyword | SpecialTaskKey | 'import_playbook';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const describe = (description: string, schema: JsonSchema): JsonSchema => ({ description, ...schema });

const BOOL_WORDS = ['yes', 'no', 'true', 'false', 'on', 'off', 'Yes', 'No', 'True', 'False', 'YES', 'NO', 'ON', 'OFF'];

/** Shared pieces, referenced as #/definitions/<name>. */
export const KEYWORD_DEFINITIONS: Readonly<Record<string, JsonSchema>> = {
  template: { type: 'string', pattern: '\\{[{%]', description: 'A template, rendered per host when the task runs.' },
  boolean: { anyOf: [{ type: 'boolean' }, { type: 'string', enum: BOOL_WORDS }] },
  condition: {
    anyOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'array', items: { type: ['string', 'boolean'] } }],
    description: 'An expression without {{ }}, a boolean, or a list of them (all must hold).',
  },
  names: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  tags: { anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }], description: 'Tags to select or skip with --tags / --skip-tags ("a,b" or a list).' },
  vars: { type: ['object', 'null'], description: 'Variables (name: value).' },
  environment: { type: ['object', 'null'], description: 'Environment variables for the commands of the tasks.' },
  loop: { anyOf: [{ type: 'array' }, { type: 'string' }], description: 'A list, or a template that gives one; each element runs the task once as `item`.' },
  taskFile: {
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', properties: { file: { type: 'string' } }, required: ['file'], additionalProperties: false }],
  },
  roleRef: {
    type: 'object',
    properties: { name: { type: 'string', description: 'The role.' }, tasks_from: { type: 'string', description: 'A file of the role\'s tasks/ to run instead of main.yml.' } },
    required: ['name'],
    additionalProperties: false,
  },
  roleEntry: {
    anyOf: [
      { type: 'string', description: 'A role name.' },
      {
        type: 'object',
        properties: {
          role: { type: 'string', description: 'The role.' }, name: { type: 'string', description: 'The role (another spelling of role:).' },
          when: ref('condition'), tags: ref('tags'), vars: describe('Role params.', ref('vars')), become: ref('boolean'), become_user: { type: 'string' },
          environment: ref('environment'), check_mode: ref('boolean'), diff: ref('boolean'), no_log: ref('boolean'), ignore_errors: ref('boolean'),
          any_errors_fatal: ref('boolean'), delegate_to: { type: 'string' }, run_once: ref('boolean'), timeout: ref('timeout'),
        },
        description: 'A role with keywords; any other key is a role param.',
      },
    ],
  },
  timeout: {
    type: 'integer', minimum: 1,
    description: 'Seconds a task (each loop item) may take, its commands and retries together; past it, its commands are killed on the node (their whole process group) and the task fails with K8SBM_TASK_TIMEOUT.',
  },
  loopControl: {
    type: 'object',
    properties: {
      loop_var: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of the loop variable (default item).' },
      index_var: { type: 'string', description: 'Variable holding the 0-based index.' },
      label: { type: ['string', 'number'], description: 'What to show for each element (a template).' },
      pause: { type: 'number', minimum: 0, description: 'Seconds to wait between elements.' },
      extended: ref('boolean'),
    },
    additionalProperties: false,
  },
};

const items = (what: string): JsonSchema => ({ type: ['array', 'null'], items: ref('task'), description: what });

export const KEYWORD_SCHEMAS: Readonly<Record<AnyKeyword, JsonSchema>> = {
  name: { type: ['string', 'number'], description: 'Shown in the output; may hold a template.' },
  hosts: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string' }, minItems: 1 }], description: 'Host pattern: a group, a host, "all", "web:&prod", ...' },
  vars: ref('vars'),
  vars_files: {
    type: 'array',
    items: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
    description: 'YAML files of variables, relative to the playbook; a list entry takes the first that exists.',
  },
  roles: { type: ['array', 'null'], items: ref('roleEntry'), description: 'Roles to run after pre_tasks, before tasks.' },
  pre_tasks: items('Tasks run before the roles.'),
  tasks: items('Tasks run after the roles.'),
  post_tasks: items('Tasks run after tasks.'),
  handlers: { type: ['array', 'null'], items: ref('handler'), description: 'Tasks run once at the end of a section when notified.' },
  become: describe('Run as another user (root unless become_user) through sudo.', ref('boolean')),
  become_user: { type: 'string', description: 'User to become (default root).' },
  gather_facts: describe('Gather host facts before the first task (default true).', ref('boolean')),
  serial: {
    anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string' }, { type: 'array', items: { type: ['integer', 'string'] }, minItems: 1 }],
    description: 'Batch size: a number, a percentage ("30%"), or a list of them (the last repeats).',
  },
  max_fail_percentage: { type: 'number', minimum: 0, maximum: 100, description: 'Stop the play when more than this share of a batch failed.' },
  any_errors_fatal: describe('One failed host ends the play for every host.', ref('boolean')),
  strategy: { enum: ['linear', 'free'], description: 'linear: every host finishes a task before the next; free: hosts run ahead.' },
  tags: ref('tags'),
  environment: ref('environment'),
  check_mode: describe('Always (true) or never (false) run these tasks in check mode.', ref('boolean')),
  diff: describe('Show (or hide) diffs of these tasks.', ref('boolean')),
  no_log: describe('Hide params and results in the output.', ref('boolean')),
  ignore_errors: describe('A failure does not stop the host.', ref('boolean')),
  when: describe('Run only when this holds (expression without {{ }}).', ref('condition')),
  delegate_to: { type: 'string', description: 'Run on this host instead (variables stay the current host\'s).' },
  run_once: describe('Run on the first host of the batch only; the result stands for all.', ref('boolean')),
  timeout: ref('timeout'),
  loop: ref('loop'),
  with_items: describe('Older spelling of loop (nested lists are flattened one level).', ref('loop')),
  with_list: describe('Older spelling of loop.', ref('loop')),
  loop_control: ref('loopControl'),
  register: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Store the result in this variable.' },
  notify: describe('Handlers (names or listen topics) to run if the task changed something.', ref('names')),
  changed_when: describe('Decide "changed" with this condition (the registered result is in scope).', ref('condition')),
  failed_when: describe('Decide "failed" with this condition (the registered result is in scope).', ref('condition')),
  until: describe('Retry the task until this holds.', ref('condition')),
  retries: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\d+$' }], description: 'How many times to retry with until (default 3).' },
  delay: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }], description: 'Seconds between retries (default 5).' },
  args: { type: 'object', description: 'Module params (merged under those written with the module).' },
  listen: describe('Topics this handler also answers to in notify.', ref('names')),
  block: items('Tasks run together; rescue runs if one fails, always runs in any case.'),
  rescue: items('Tasks run when a task of the block failed.'),
  always: items('Tasks run after the block, whatever happened.'),
  commit_confirmed: {
    description: 'Apply the block under a rollback timer armed on the node; confirmed through a new SSH connection, else the node restores its snapshot (K8SBM_COMMIT_ROLLED_BACK).',
    anyOf: [
      { type: 'integer', minimum: 1, description: 'Seconds before the node rolls back.' },
      { type: 'string', pattern: '\\{\\{', description: 'Seconds before the node rolls back, from a variable ("{{ x }}"), rendered per host.' },
      {
        type: 'object',
        properties: {
          timeout: {
            anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '\\{\\{' }],
            description: 'Seconds before the node rolls back (default 60); a template ("{{ x }}") is rendered per host.',
          },
          paths: { type: 'array', items: { type: 'string' }, description: 'Files to snapshot besides those the tasks name (path/dest).' },
          restore: { type: 'array', items: { type: 'string' }, description: 'Shell lines the rollback runs after restoring the files (e.g. reload sshd).' },
          probe: { type: 'array', items: { type: 'string' }, description: 'Shell lines run on the node over the new connection before confirming; a failure leaves the change unconfirmed, so the node rolls back.' },
          runtime: { type: 'array', items: { type: 'string', pattern: '^(nft|nft table (inet|ip|ip6|arp|bridge|netdev) [A-Za-z][A-Za-z0-9_]*|.*\\{\\{.*)$' }, description: 'Live state to snapshot too: nft (the whole ruleset) or nft table FAMILY NAME (that table alone), each put back in one transaction.' },
        },
        additionalProperties: false,
      },
    ],
  },
  import_tasks: describe('Tasks of another file, inserted here before the play runs.', ref('taskFile')),
  include_tasks: describe('Tasks of another file, loaded when a host gets here (the name may hold a template).', ref('taskFile')),
  import_role: describe('A role\'s tasks, inserted here before the play runs.', ref('roleRef')),
  include_role: describe('A role, loaded when a host gets here.', ref('roleRef')),
  import_playbook: { type: 'string', description: 'Another playbook, run here (relative to this file).' },
  gates: {
    type: 'object',
    description: 'Health gates: named checks run before each batch (serial) starts and after it ends; one failing stops the rollout, and no later batch starts.',
    properties: {
      before: { type: ['array', 'null'], items: ref('gate'), description: 'Checks run on the batch before its first task (after facts); a failure leaves the batch untouched.' },
      after: { type: ['array', 'null'], items: ref('gate'), description: 'Checks run on the batch after its last task and handlers.' },
    },
    additionalProperties: false,
  },
};

/** The keywords of one gate (its module comes on top, as in a task). */
export const GATE_KEYWORD_SCHEMAS: Readonly<Record<GateKeyword, JsonSchema>> = {
  name: { type: 'string', minLength: 1, description: 'Names the gate in the output and in the recap of a stopped rollout.' },
  that: describe('The gate passes when its module succeeds and this holds; the module\'s result is `result`.', ref('condition')),
  retries: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\d+$' }], description: 'Further attempts before the gate fails (default 0), for a cluster to settle.' },
  delay: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\d+(\\.\\d+)?$' }], description: 'Seconds between attempts (default 5).' },
  read_only: describe('The check only reads: a before-gate then runs in check mode too (others are shown, not run).', ref('boolean')),
  delegate_to: { type: 'string', description: 'Run the check on this host (for each batch host, or once with run_once).' },
  run_once: describe('Check once for the batch (on its first host, or its delegate).', ref('boolean')),
  when: describe('Check only where this holds.', ref('condition')),
  vars: ref('vars'),
  become: ref('boolean'),
  become_user: { type: 'string' },
  environment: ref('environment'),
  timeout: ref('timeout'),
  no_log: ref('boolean'),
  args: { type: 'object', description: 'Module params (merged under those written with the module).' },
};
