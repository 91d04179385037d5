import { Type } from '@sinclair/typebox';
import { posix } from 'node:path';
import { fileFact } from '../../facts/file.js';
import { ActionFailed } from '../types.js';
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
export async function planCommand(ctx, spec, o) {
    const under = (p) => (o.chdir && !posix.isAbsolute(p) ? posix.join(o.chdir, p) : p);
    const skipped = (why) => ({
        kind: 'ok',
        reason: why,
        result: { cmd: spec.cmd, rc: 0, stdout: `skipped, since ${why}`, stdout_lines: [`skipped, since ${why}`], stderr: '', stderr_lines: [], changed: false },
    });
    const wouldRun = [];
    if (o.creates !== undefined) {
        const path = under(o.creates);
        if ((await ctx.fact(fileFact, path)).exists)
            return skipped(`${path} exists`);
        wouldRun.push(`${path} does not exist`);
    }
    if (o.removes !== undefined) {
        const path = under(o.removes);
        if (!(await ctx.fact(fileFact, path)).exists)
            return skipped(`${path} does not exist`);
        wouldRun.push(`${path} exists`);
    }
    if (ctx.check) {
        return {
            kind: 'skip',
            reason: wouldRun.length
                ? `would run (${wouldRun.join(', ')}), but commands do not run in check mode`
                : 'commands do not run in check mode (creates/removes let it decide)',
        };
    }
    const stdin = o.stdin === undefined ? undefined : o.stdin_add_newline === false ? o.stdin : `${o.stdin}\n`;
    return {
        kind: 'change',
        summary: `run ${spec.display}`,
        diffs: [],
        actions: [{ kind: 'exec', argv: spec.argv, cwd: o.chdir, stdin }],
        effects: [],
        result: { cmd: spec.cmd },
    };
}
const trimEnd = (s) => s.replace(/\n+$/, '');
const linesOf = (s) => (s === '' ? [] : s.split('\n'));
/** What `register` holds after a command ran (successfully or not). */
export function commandResult(res, cmd) {
    const stdout = trimEnd(res.stdout);
    const stderr = trimEnd(res.stderr);
    return { cmd, rc: res.code ?? -1, stdout, stderr, stdout_lines: linesOf(stdout), stderr_lines: linesOf(stderr), changed: true };
}
export async function applyCommand(ctx, plan) {
    const action = plan.actions[0];
    const cmd = plan.result?.cmd;
    try {
        return commandResult(await ctx.run(action), cmd);
    }
    catch (e) {
        if (e instanceof ActionFailed && e.registered === undefined) {
            throw new ActionFailed(e.action, e.result, { ...commandResult(e.result, cmd), msg: 'non-zero return code' });
        }
        throw e;
    }
}
//# sourceMappingURL=command-run.js.map