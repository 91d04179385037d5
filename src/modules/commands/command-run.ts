import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { posix } from 'node:path';
import { fileFact } from '../../facts/file.js';
import type { ExecResult } from '../../transport/connection.js';
import { ActionFailed, type Action, type ApplyContext, type ChangePlan, type Plan, type PlanContext } from '../types.js';

/** Shared by command and shell: creates/removes, check mode, the register shape, failures. */

/** The options command and shell share. */
export const COMMAND_OPTION_PARAMS = {
  creates: Type.Optional(Type.String({ minLength: 1, description: 'Do not run when this path exists (relative paths are under chdir).' })),
  removes: Type.Optional(Type.String({ minLength: 1, description: 'Run only when this path exists.' })),
  chdir: Type.Optional(Type.String({ minLength: 1, description: 'Directory to run in.' })),
  stdin: Type.Optional(Type.String({ description: 'Text fed to the command on standard input.' })),
  stdin_add_newline: Type.Optional(Type.Boolean({ default: true, description: 'Append a newline to stdin.' })),
};

const CommandOptionsSchema = Type.Object(COMMAND_OPTION_PARAMS);
export type CommandOptions = Readonly<Static<typeof CommandOptionsSchema>>;

export interface CommandSpec {
  readonly argv: readonly string[];
  /** What register's `cmd` shows: the argv for command, the script text for shell. */
  readonly cmd: string | readonly string[];
  readonly display: string;
}

export async function planCommand(ctx: PlanContext, spec: CommandSpec, o: CommandOptions): Promise<Plan> {
  const under = (p: string): string => (o.chdir && !posix.isAbsolute(p) ? posix.join(o.chdir, p) : p);
  const skipped = (why: string): Plan => ({
    kind: 'ok',
    reason: why,
    result: { cmd: spec.cmd, rc: 0, stdout: `skipped, since ${why}`, stdout_lines: [`skipped, since ${why}`], stderr: '', stderr_lines: [], changed: false },
  });
  const wouldRun: string[] = [];
  if (o.creates !== undefined) {
    const path = under(o.creates);
    if ((await ctx.fact(fileFact, path)).exists) return skipped(`${path} exists`);
    wouldRun.push(`${path} does not exist`);
  }
  if (o.removes !== undefined) {
    const path = under(o.removes);
    if (!(await ctx.fact(fileFact, path)).exists) return skipped(`${path} does not exist`);
    wouldRun.push(`${path} exists`);
  }
  const stdin = o.stdin === undefined ? undefined : o.stdin_add_newline === false ? o.stdin : `${o.stdin}\n`;
  const why = wouldRun.length ? ` (${wouldRun.join(', ')})` : '';
  // In check mode the command does not run, but it would, and a command that runs is a change:
  // the plan shows it as one (predicted), so plan's exit code and the tasks it shows changed are
  // what the run does. The registered result has no rc or output (changed_when/failed_when that
  // need them are not judged: docs/modules.md).
  return {
    kind: 'change',
    summary: ctx.check ? `would run ${spec.display}${why}; commands do not run in check mode` : `run ${spec.display}`,
    diffs: [],
    actions: [{ kind: 'exec', argv: spec.argv, cwd: o.chdir, stdin }],
    effects: [],
    result: { cmd: spec.cmd },
  };
}

const trimEnd = (s: string): string => s.replace(/\n+$/, '');
const linesOf = (s: string): string[] => (s === '' ? [] : s.split('\n'));

/** What `register` holds after a command ran (successfully or not). */
export function commandResult(res: ExecResult, cmd: unknown): Record<string, unknown> {
  const stdout = trimEnd(res.stdout);
  const stderr = trimEnd(res.stderr);
  return { cmd, rc: res.code ?? -1, stdout, stderr, stdout_lines: linesOf(stdout), stderr_lines: linesOf(stderr), changed: true };
}

export async function applyCommand(ctx: ApplyContext, plan: ChangePlan): Promise<Record<string, unknown>> {
  const action = plan.actions[0]!;
  const cmd = plan.result?.cmd;
  try {
    return commandResult(await ctx.run(action, { last: true }), cmd);
  } catch (e) {
    if (e instanceof ActionFailed && e.registered === undefined) {
      throw new ActionFailed(e.action, e.result, { ...commandResult(e.result, cmd), msg: 'non-zero return code' });
    }
    throw e;
  }
}
