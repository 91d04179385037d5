import type { AnyModule } from '../modules/types.js';
import type { PlaybookLoader } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import { didYouMean, K8sbmError } from '../source/errors.js';
import { type Loc, recordKey, recordNode } from '../source/loc.js';
import { parseKeyValue, splitArgs } from '../source/freeform.js';
import { rememberSource } from '../source/yaml.js';
import { toShellLine } from '../transport/quote.js';

export interface AdhocModuleRun {
  readonly pattern: string;
  readonly module: string;
  /** `-a`: 'k=v k2=v2', or the free-form text of command/shell. */
  readonly args: string | undefined;
  readonly become: boolean;
  readonly becomeUser: string | undefined;
}

/**
 * The one-task play of `exec PATTERN -m MODULE -a ARGS`, made as data whose places are what the
 * user typed: the task stands at `exec -m MODULE -a '...'` (the command line, no lines), the
 * module at `-m:1:1` and each `k=v` of the arguments at its column in `-a` (`-a:1:9`), so an
 * error quotes the -a string with a caret under the culprit.
 */
export function adhocPlaybook(loader: PlaybookLoader, modules: Readonly<Record<string, AnyModule>>, run: AdhocModuleRun, dir: string): Playbook {
  // The task's name and the label errors carry show the command line, secret params as ***.
  const shown = run.args === undefined ? undefined : maskSecretArgs(run.args, modules[run.module]?.secretParams ?? []);
  const label = toShellLine(['exec', '-m', run.module, ...(shown !== undefined ? ['-a', shown] : [])]);
  const whole: Loc = { file: label, line: 0, col: 0 };
  const moduleAt = typed('-m', run.module);
  if (!(run.module in modules)) {
    throw new K8sbmError('K8SBM_UNKNOWN_MODULE', `unknown module "${run.module}"`, {
      loc: moduleAt, hint: didYouMean(run.module, Object.keys(modules)) ?? `known modules: ${Object.keys(modules).sort().join(', ')}`,
    });
  }
  const task = node({ name: `${run.module}${shown ? ` ${shown}` : ''}` }, whole);
  task[run.module] = run.args ?? {};
  recordKey(task, run.module, { key: moduleAt, value: run.args !== undefined ? typed('-a', run.args) : whole, raw: run.args, plain: true });
  if (run.become) add(task, 'become', true, whole);
  if (run.becomeUser) add(task, 'become_user', run.becomeUser, whole);
  const tasks = node([task], whole);
  const play = node({ name: `exec ${run.pattern}`, hosts: run.pattern, gather_facts: false, tasks }, whole);
  return loader.loadPlaybookData(node([play], whole), label, dir);
}

/** `name=x password=secret` -> `name=x password=***` for the params a module declares secret. */
export function maskSecretArgs(args: string, secret: readonly string[]): string {
  if (secret.length === 0) return args;
  let out = '';
  let at = 0;
  for (const tok of splitArgs(args)) {
    const kv = parseKeyValue(tok.text);
    if (!kv || !secret.includes(kv.key)) continue;
    out += `${args.slice(at, tok.start)}${kv.key}=***`;
    at = tok.start + tok.text.length;
  }
  return out + args.slice(at);
}

/** A text typed as an option's value: its own one-line source, quoted under errors. */
function typed(option: string, text: string): Loc {
  rememberSource(option, text);
  return { file: option, line: 1, col: 1 };
}

/** Data standing at one place, each of its keys too. */
function node<T extends object>(data: T, at: Loc): T & Record<string | number, unknown> {
  recordNode(data, at);
  for (const k of Object.keys(data)) recordKey(data, Array.isArray(data) ? Number(k) : k, { key: at, value: at });
  return data as T & Record<string | number, unknown>;
}

function add(data: Record<string, unknown>, key: string, value: unknown, at: Loc): void {
  data[key] = value;
  recordKey(data, key, { key: at, value: at });
}
