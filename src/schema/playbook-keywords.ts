/**
 * The keywords a playbook may use, per kind of entry. The loader rejects anything else, and the
 * JSON Schema (src/schema/playbook.ts) describes exactly these, so the two cannot drift apart.
 */

/** Keywords a block, role entry or include passes down to the tasks inside it. */
export const INHERITABLE_KEYWORDS = [
  'when', 'tags', 'vars', 'become', 'become_user', 'environment', 'check_mode', 'diff', 'no_log',
  'ignore_errors', 'any_errors_fatal', 'delegate_to', 'run_once', 'timeout',
] as const;

export const PLAY_KEYWORDS = [
  'name', 'hosts', 'vars', 'vars_files', 'roles', 'pre_tasks', 'tasks', 'post_tasks', 'handlers',
  'become', 'become_user', 'gather_facts', 'serial', 'max_fail_percentage', 'any_errors_fatal',
  'strategy', 'tags', 'environment', 'check_mode', 'diff', 'no_log', 'ignore_errors', 'timeout',
  'gates',
] as const;

export const IMPORT_PLAYBOOK_KEYWORDS = ['import_playbook', 'name', 'when', 'tags', 'vars'] as const;

export const LOOP_KEYWORDS = ['loop', 'with_items', 'with_list', 'loop_control'] as const;

/** Keywords of a task that runs a module (the module key itself comes on top). */
export const TASK_KEYWORDS = [
  'name', ...INHERITABLE_KEYWORDS, ...LOOP_KEYWORDS, 'register', 'notify', 'changed_when',
  'failed_when', 'until', 'retries', 'delay', 'args', 'listen',
] as const;

export const BLOCK_KEYWORDS = ['block', 'rescue', 'always', 'name', 'commit_confirmed', ...INHERITABLE_KEYWORDS] as const;

export const COMMIT_CONFIRMED_KEYS = ['timeout', 'paths', 'restore', 'runtime', 'probe'] as const;

/** Static imports: resolved before the play runs, so no loops. */
export const IMPORT_KEYWORDS = ['name', ...INHERITABLE_KEYWORDS] as const;
export const INCLUDE_KEYWORDS = ['name', ...INHERITABLE_KEYWORDS, ...LOOP_KEYWORDS] as const;

/** Keys that make a task entry something other than a module call. */
export const SPECIAL_TASK_KEYS = ['block', 'import_tasks', 'include_tasks', 'import_role', 'include_role'] as const;

export const LOOP_CONTROL_KEYS = ['loop_var', 'index_var', 'label', 'pause', 'extended'] as const;

/** Params of import_role / include_role. */
export const ROLE_INCLUDE_PARAMS = ['name', 'tasks_from'] as const;

/** Keys of a `roles:` entry (or a meta dependency) that are keywords; every other key is a param. */
export const ROLE_ENTRY_KEYWORDS = ['role', 'name', ...INHERITABLE_KEYWORDS] as const;

export type PlayKeyword = (typeof PLAY_KEYWORDS)[number];
export type TaskKeyword = (typeof TASK_KEYWORDS)[number];
export type BlockKeyword = (typeof BLOCK_KEYWORDS)[number];
export type SpecialTaskKey = (typeof SPECIAL_TASK_KEYS)[number];
export type GateKeyword = (typeof GATE_KEYWORDS)[number];

/** Ansible spellings k8sbm does not take, with what to write instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  action: 'write the module as its own key: `command: ls` instead of `action: command ls`',
  local_action: 'write the module as its own key and add `delegate_to: localhost`',
  include: 'use include_tasks (loaded when reached) or import_tasks (loaded before the play runs)',
  become_method: 'k8sbm becomes another user with sudo only; remove become_method',
  with_dict: 'use loop: "{{ mydict | dict2items }}"',
};

/** A hint for a keyword Ansible knows and k8sbm does not, or undefined. */
export function unsupportedKeywordHint(key: string): string | undefined {
  const hint = UNSUPPORTED[key];
  if (hint) return hint;
  if (/^with_[a-z_]+$/.test(key)) return `${key} is not supported; use loop with a filter (as in Ansible's "migrating from with_X to loop")`;
  return undefined;
}

const FQCN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** `ansible.builtin.copy` and `ansible.legacy.copy` name the same module as `copy`. */
export function stripFqcn(key: string): string {
  for (const p of FQCN_PREFIXES) if (key.startsWith(p)) return key.slice(p.length);
  return key;
}

/** Every spelling of a module key the loader accepts (for the schema). */
export function moduleKeySpellings(name: string): string[] {
  return [name, ...FQCN_PREFIXES.map((p) => p + name)];
}

/** Keys of a play's `gates:` mapping: checks run before and after each batch. */
export const GATE_PHASES = ['before', 'after'] as const;

/** Keywords of one gate (its module key comes on top). */
export const GATE_KEYWORDS = [
  'name', 'that', 'retries', 'delay', 'read_only', 'delegate_to', 'run_once', 'when', 'vars',
  'become', 'become_user', 'environment', 'timeout', 'no_log', 'args',
] as const;
