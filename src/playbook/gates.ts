import { type Loc, keyPosOf, locOf, recordKey, recordNode } from '../source/loc.js';
import { checkCondition } from '../template/index.js';
import { BLOCK_KEYWORDS, GATE_KEYWORDS, GATE_PHASES, TASK_KEYWORDS, stripFqcn } from '../schema/playbook-keywords.js';
import { checkKeywordTemplates } from './template-check.js';
import { Fields, type Raw, describeType, fail, isMapping } from './fields.js';
import type { Gate, GatePhase, Gates } from './model.js';
import { type ModuleRegistry, parseModuleTask } from './module-task.js';
import type { ParseScope } from './scope.js';

/** Task keywords a gate does not take, with what to write instead. */
const NOT_FOR_GATES: Readonly<Record<string, string>> = {
  until: 'a gate\'s condition is `that:` (retried with retries/delay)',
  failed_when: 'a gate\'s condition is `that:`: the gate passes when the module succeeds and `that` holds',
  changed_when: 'a gate only checks; it changes nothing, so it has no changed_when',
  register: 'in `that:` the gate\'s result is `result` (result.rc, result.stdout, ...)',
  ignore_errors: 'a gate that may fail without stopping the rollout is not a gate: make it a task with ignore_errors',
  check_mode: 'write `read_only: true` for a gate that only reads: it then runs in check mode too',
  loop: 'write one gate per check',
  with_items: 'write one gate per check',
  notify: 'a gate changes nothing, so it notifies no handler',
  tags: 'gates run whatever --tags select: a rollout is not checked by halves',
  any_errors_fatal: 'a failing gate always stops the rollout',
};

const GATE_HINT = 'write gates: {before: [...], after: [...]}, each gate a mapping such as\n  - name: API ready\n    command: curl -fsk https://vip:6443/readyz\n    retries: 10\n    delay: 3';

/** `gates:` of a play: `before` and `after` lists of named checks. */
export function readGates(f: Fields, scope: ParseScope, modules: ModuleRegistry): Gates | undefined {
  if (!f.has('gates')) return undefined;
  const raw = f.raw.gates;
  const at = f.valueLoc('gates');
  if (!isMapping(raw)) fail('K8SBM_GATE_INVALID', `gates must be a mapping of before: and after: lists, got ${describeType(raw)}`, at, GATE_HINT, f.subject);
  const g = new Fields(raw, f.subject, at);
  g.checkKeys(GATE_PHASES, 'gates key');
  const names = new Set<string>();
  const phase = (p: GatePhase): Gate[] => {
    if (!g.has(p)) return [];
    const list = g.raw[p];
    if (!Array.isArray(list)) fail('K8SBM_GATE_INVALID', `gates.${p} must be a list of gates, got ${describeType(list)}`, g.valueLoc(p), GATE_HINT, f.subject);
    return list.map((entry, i) => {
      const gate = readGate(entry, keyPosOf(list, i)?.value ?? g.valueLoc(p), p, scope, modules);
      const key = `${p}:${gate.name}`;
      if (names.has(key)) {
        fail('K8SBM_GATE_INVALID', `two gates of gates.${p} are named "${gate.name}"`, gate.loc, 'give each gate its own name: the recap names the gate that stopped a rollout', f.subject);
      }
      names.add(key);
      return gate;
    });
  };
  const before = phase('before');
  const after = phase('after');
  return { before, after, loc: f.keyLoc('gates') };
}

function readGate(entry: unknown, at: Loc, phase: GatePhase, scope: ParseScope, modules: ModuleRegistry): Gate {
  if (!isMapping(entry)) fail('K8SBM_GATE_INVALID', `each gate must be a mapping, got ${describeType(entry)}`, at, GATE_HINT);
  const loc = locOf(entry) ?? at;
  const name = entry.name;
  const subject = typeof name === 'string' ? `gate "${name}"` : 'gate';
  const f = new Fields(entry, subject, loc);
  if (typeof name !== 'string' || name.trim() === '') {
    fail('K8SBM_GATE_INVALID', name === undefined ? 'this gate has no name' : `a gate's name must be text, got ${describeType(name)}`, name === undefined ? loc : f.valueLoc('name'),
      'add name: "etcd members healthy": the recap names the gate that stopped a rollout', subject);
  }
  for (const key of Object.keys(entry)) {
    if ((GATE_KEYWORDS as readonly string[]).includes(key)) continue;
    const hint = NOT_FOR_GATES[key] ?? ((TASK_KEYWORDS as readonly string[]).includes(key) || (BLOCK_KEYWORDS as readonly string[]).includes(key)
      ? `gate keywords are: ${GATE_KEYWORDS.join(', ')}` : undefined);
    if (hint) fail('K8SBM_UNKNOWN_KEYWORD', `"${key}" is not a gate keyword`, f.keyLoc(key), hint, subject);
    // Anything else should be the gate's module: the task parser tells an unknown module from a
    // misspelt keyword (with the task keywords as its guesses).
  }
  const that = f.conditions('that');
  if (that) checkCondition(entry.that, f.valueLoc('that'));
  const readOnly = f.bool('read_only') ?? false;
  const retries = f.number('retries', { integer: true, min: 0 }) ?? 0;
  const delay = f.number('delay', { min: 0 }) ?? 5;
  const part = taskPart(entry, loc);
  const base = parseModuleTask(part, scope, modules, loc);
  // The gate's own keywords (when, delegate_to, vars ...): their templates and conditions, as a task's.
  checkKeywordTemplates(part, (k) => k === 'args' || Object.hasOwn(modules, stripFqcn(k)), loc);
  const task = {
    ...base,
    // Gates run for real whenever they run: in check mode only read-only before-gates do.
    checkMode: false,
    // A check changes nothing: a command gate that ran is ok, not changed.
    changedWhen: [false],
    until: that ?? (retries > 0 ? [true] : undefined),
    retries,
    delay,
  };
  return { name, phase, task, that, readOnly, loc };
}

/** The gate's keys a task knows, positions kept, so module errors point into the gate. */
function taskPart(entry: Raw, loc: Loc): Raw {
  const own = new Set<string>(['that', 'read_only', 'retries', 'delay']);
  const out: Raw = {};
  recordNode(out, loc);
  for (const [k, v] of Object.entries(entry)) {
    if (own.has(k)) continue;
    out[k] = v;
    const pos = keyPosOf(entry, k);
    if (pos) recordKey(out, k, pos);
  }
  return out;
}
