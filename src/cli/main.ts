import type { Argv, CommandModule } from 'yargs';
import { K8sbmError } from '../source/errors.js';
import type { RunArgs } from './run.js';
import { describeUncaught, endQuietlyWhenOutputCloses, verbosityOf } from './stdio.js';
import { helpWidth, yargs } from './yargs.js';
import { packageVersion } from '../util/package-root.js';

/** Exit codes: 0 success, 1 failure or invalid input, 2 changes pending (plan, --detailed-exitcode). */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyWhenOutputCloses();
  let code = 0;
  const set = (c: number): void => { code = c; };
  let cli: Argv;
  try {
    cli = yargs([...argv])
      .scriptName('k8sbm')
      .usage('$0 <command> [options]');
    for (const c of await commandsFor(argv, set)) cli = cli.command(c as CommandModule);
  } catch (e) {
    process.stderr.write(`${describeUncaught(e, verbosityOf(argv))}\n`);
    return 1;
  }
  cli = cli
    .demandCommand(1, 'name a command: run, plan, exec, unlock, inventory, vars, facts, schema, graph, lab, vault')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // The package's own version, wherever k8sbm is started from (yargs would look from the working directory).
    .version(packageVersion())
    .wrap(helpWidth())
    .fail((msg, err) => {
      if (err) throw err;
      throw new K8sbmError('K8SBM_USAGE', msg ?? 'invalid command line', { hint: 'run `k8sbm --help` or `k8sbm <command> --help`' });
    });
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
    return code;
  } catch (e) {
    process.stderr.write(`${describeUncaught(e, verbosityOf(argv))}\n`);
    return 1;
  }
}

/** Which module defines each command: only the one asked for is loaded (the engine is most of start-up). */
const COMMAND_MODULES: Readonly<Record<string, 'run' | 'inspect' | 'exec' | 'unlock' | 'lab' | 'vault' | 'graph'>> = {
  run: 'run', plan: 'run', inventory: 'inspect', vars: 'inspect', facts: 'inspect', schema: 'inspect',
  exec: 'exec', unlock: 'unlock', lab: 'lab', vault: 'vault', graph: 'graph',
};

/**
 * The commands to offer: the one named on the command line, or all of them (help, a mistyped
 * command); none for a bare --version.
 */
async function commandsFor(argv: readonly string[], set: (c: number) => void): Promise<CommandModule[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const wanted = first !== undefined ? COMMAND_MODULES[first] : undefined;
  if (first === undefined && argv.includes('--version') && !argv.some((a) => a === '--help' || a === '-h')) return [];
  const load = (m: string): boolean => wanted === undefined || wanted === m;
  const out: CommandModule[] = [];
  if (load('run')) {
    const [{ runCommand }, flags] = await Promise.all([import('./run.js'), runFlags()]);
    const runOptions = (y: Argv): Argv => runOptionsWith(y, flags);
    out.push(
      { command: 'run <playbook>', describe: 'run a playbook against the inventory', builder: runOptions, handler: async (a) => set(await runCommand(a as unknown as RunArgs, 'run')) },
      { command: 'plan <playbook>', describe: 'check + diff: exit 0 no change, 2 changes pending, 1 error', builder: runOptions, handler: async (a) => set(await runCommand(a as unknown as RunArgs, 'plan')) },
    );
  }
  if (load('inspect')) out.push(...(await import('./inspect.js')).inspectCommands(set) as CommandModule[]);
  if (load('exec')) out.push((await import('./exec.js')).execCommand(set) as CommandModule);
  if (load('unlock')) out.push((await import('./unlock.js')).unlockCommand(set) as CommandModule);
  if (load('lab')) out.push(...(await import('./lab.js')).labCommands(set));
  if (load('vault')) out.push((await import('./vault.js')).vaultCommand(set) as CommandModule);
  if (load('graph')) out.push((await import('./graph.js')).graphCommand(set));
  return out;
}

type Flags = { vaultPasswordFlags: (y: Argv) => Argv; sshOptionFlags: (y: Argv) => Argv };

async function runFlags(): Promise<Flags> {
  const [{ vaultPasswordFlags }, { sshOptionFlags }] = await Promise.all([import('./vault.js'), import('./ssh-options.js')]);
  return { vaultPasswordFlags, sshOptionFlags };
}

function runOptionsWith(y: Argv, { vaultPasswordFlags, sshOptionFlags }: Flags): Argv {
  return vaultPasswordFlags(sshOptionFlags(y))
    .positional('playbook', { type: 'string', describe: 'playbook file', demandOption: true })
    .option('inventory', { alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' })
    .option('lab', { type: 'string', describe: 'run against the built-in lab NAME (default "default"), brought up first if it is not' })
    .option('limit', { alias: 'l', type: 'string', describe: 'further limit hosts to a pattern' })
    .option('tags', { alias: 't', type: 'string', describe: 'only run tasks with these tags (comma-separated or repeated)' })
    .option('skip-tags', { type: 'string', describe: 'skip tasks with these tags' })
    .option('check', { alias: 'C', type: 'boolean', default: false, describe: 'predict changes without making them' })
    .option('diff', { alias: 'D', type: 'boolean', default: false, describe: 'show what changes (unified diffs, before/after)' })
    .option('forks', { alias: 'f', type: 'number', describe: 'hosts in parallel (default: all of the batch, at most 50)' })
    .option('extra-vars', { alias: 'e', type: 'string', describe: 'extra variables: k=v, JSON/YAML, or @file' })
    .option('roles-path', { type: 'string', describe: 'extra directories to find roles in' })
    .option('start-at-task', { type: 'string', describe: 'start the playbook at the task of this name' })
    .option('list-hosts', { type: 'boolean', default: false, describe: 'list the hosts each play would run on' })
    .option('list-tasks', { type: 'boolean', default: false, describe: 'list the tasks that would run' })
    .option('syntax-check', { type: 'boolean', default: false, describe: 'load and validate the playbook, run nothing' })
    .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'exit 2 when changes were made or are pending' })
    .option('json', { type: 'boolean', default: false, describe: 'newline-delimited JSON events on stdout' })
    .option('report', { type: 'string', describe: 'also write the JSON event stream to this file' })
    .option('junit', { type: 'string', describe: 'write a JUnit XML report to this file' })
    .option('report-html', { type: 'string', describe: 'write a self-contained HTML report (timeline per host, recap, changes with diffs, failures) to this file' })
    .option('report-md', { type: 'string', describe: 'write a Markdown summary (verdict, recap, changes with diffs, failures) to this file, for a pull request comment' })
    .option('verbose', { alias: 'v', type: 'count', describe: 'more output (-v reasons for no-ops, -vv timings)' });
}

/**
 * yargs renders a command's whole help text whenever it runs the command's handler, in case the
 * handler fails later and the help is shown then (a tenth of a one-task run's start-up). k8sbm
 * reports its own errors and never shows help after a handler began, so the rendering is
 * skipped; `--help` renders it when asked. yargs 17's internals: when they are not there, nothing
 * changes but the time.
 */
function skipHelpCache(cli: Argv): void {
  const internal = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = (): void => {};
}
