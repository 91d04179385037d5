import { keyPosOf } from '../source/loc.js';
import { Fields, fail, isMapping } from './fields.js';
import { FORMATS } from '../schema/formats.js';
import { LOOP_CONTROL_KEYS } from '../schema/playbook-keywords.js';
import type { Inheritable, LoopControl, Task } from './model.js';

/** The keywords a play, block, task, role entry or include passes down (see model.ts). */
export function readInheritable(f: Fields): Inheritable {
  return {
    when: f.conditions('when') ?? [],
    tags: f.stringList('tags', { commaSplit: true }),
    vars: f.mapping('vars') ?? {},
    become: f.bool('become'),
    becomeUser: f.string('become_user'),
    environment: f.mapping('environment'),
    checkMode: f.bool('check_mode'),
    diff: f.bool('diff'),
    noLog: f.bool('no_log'),
    ignoreErrors: f.bool('ignore_errors'),
    anyErrorsFatal: f.bool('any_errors_fatal'),
    delegateTo: f.string('delegate_to'),
    runOnce: f.bool('run_once'),
    timeout: f.number('timeout', { integer: true, min: 1 }),
  };
}

/**
 * Keywords of an enclosing place folded into an inner one (inner wins), without `when` and `tags`:
 * used for handlers, which run because they were notified, not because the condition of the
 * place that defined them still holds.
 */
export function foldInheritable(outer: Inheritable, inner: Inheritable): Inheritable {
  return {
    when: inner.when,
    tags: inner.tags,
    vars: { ...outer.vars, ...inner.vars },
    environment: outer.environment || inner.environment ? { ...outer.environment, ...inner.environment } : undefined,
    ...innerWins(outer, inner),
  };
}

type Overridable = 'become' | 'becomeUser' | 'checkMode' | 'diff' | 'noLog' | 'ignoreErrors' | 'anyErrorsFatal' | 'delegateTo' | 'runOnce' | 'timeout';

/** The keywords where a setting on the inner place replaces the outer one (the engine uses it too). */
export function innerWins(outer: Pick<Inheritable, Overridable>, inner: Pick<Inheritable, Overridable>): { [K in Overridable]-?: Inheritable[K] | undefined } {
  return {
    become: inner.become ?? outer.become,
    becomeUser: inner.becomeUser ?? outer.becomeUser,
    checkMode: inner.checkMode ?? outer.checkMode,
    diff: inner.diff ?? outer.diff,
    noLog: inner.noLog ?? outer.noLog,
    ignoreErrors: inner.ignoreErrors ?? outer.ignoreErrors,
    anyErrorsFatal: inner.anyErrorsFatal ?? outer.anyErrorsFatal,
    delegateTo: inner.delegateTo ?? outer.delegateTo,
    runOnce: inner.runOnce ?? outer.runOnce,
    timeout: inner.timeout ?? outer.timeout,
  };
}

/** Handlers are single tasks, so keywords of an enclosing import or role entry go into each. */
export function foldIntoHandler(task: Task, outer: Inheritable): Task {
  return { ...task, ...foldInheritable(outer, task) };
}

export interface LoopSpec {
  readonly loop?: unknown;
  readonly loopFlatten?: boolean | undefined;
  readonly loopControl?: LoopControl | undefined;
}

/** loop / with_items / with_list / loop_control of a task or dynamic include. */
export function readLoop(f: Fields): LoopSpec {
  const present = (['loop', 'with_items', 'with_list'] as const).filter((k) => f.has(k));
  if (present.length > 1) {
    fail('K8SBM_KEYWORD_CONFLICT', `${present[0]} and ${present[1]} cannot both be set`, f.keyLoc(present[1]!), 'keep one: loop (with_items and with_list are older spellings of it)', f.subject);
  }
  const key = present[0];
  let loop: unknown;
  if (key) {
    loop = f.raw[key];
    if (!Array.isArray(loop) && typeof loop !== 'string') {
      fail('K8SBM_KEYWORD_INVALID', `${key} must be a list, or a template that gives one`, f.valueLoc(key), `write ${key}: "{{ my_list }}" or a YAML list`, f.subject);
    }
    if (Array.isArray(loop)) checkLoopModes(loop);
  }
  let loopControl: LoopControl | undefined;
  const lc = f.raw.loop_control;
  if (lc !== undefined) {
    if (!key) fail('K8SBM_KEYWORD_INVALID', 'loop_control without a loop', f.keyLoc('loop_control'), 'add loop: (or remove loop_control)', f.subject);
    if (!isMapping(lc)) fail('K8SBM_KEYWORD_INVALID', 'loop_control must be a mapping', f.valueLoc('loop_control'), 'indent loop_var:, label: ... under loop_control:', f.subject);
    const c = new Fields(lc, f.subject, f.valueLoc('loop_control'));
    c.checkKeys(LOOP_CONTROL_KEYS, 'loop_control key');
    const loopVar = c.string('loop_var') ?? 'item';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(loopVar)) fail('K8SBM_KEYWORD_INVALID', `loop_var "${loopVar}" is not a variable name`, c.valueLoc('loop_var'), 'use letters, digits and _', f.subject);
    loopControl = {
      loopVar,
      indexVar: c.string('index_var'),
      label: c.string('label'),
      pauseSeconds: c.number('pause', { min: 0 }),
      extended: c.bool('extended'),
    };
  }
  return { loop, loopFlatten: key === 'with_items' ? true : undefined, loopControl };
}

/** `mode: 0644` inside literal loop items reaches the module as 644 through "{{ item.mode }}". */
function checkLoopModes(items: readonly unknown[]): void {
  for (const item of items) {
    if (!isMapping(item) || typeof item.mode !== 'number') continue;
    const pos = keyPosOf(item, 'mode');
    // Only what looks like an octal mode: loop items are data, and "mode: 1" may mean something else.
    if (!pos?.plain || pos.raw === undefined || !/^0[0-7]{3,4}$/.test(pos.raw.trim())) continue;
    const problem = FORMATS['file-mode'].wrongType(item.mode, 'mode', { text: pos.raw, plain: true });
    if (problem) fail(problem.code ?? 'K8SBM_MODE_UNQUOTED', problem.message, pos.value, problem.hint);
  }
}
