import type { Argv, CommandModule } from 'yargs';
import { K8sbmError } from '../source/errors.js';
import type { RunArgs } from './run.js';
import { quickParse, withOptions, type OptionSpec } from './options.js';
import { describeUncaught, endQuietlyWhenOutputCloses, verbosityOf } from './stdio.js';
import { packageVersion } from '../util/package-root.js';

/** Exit codes: 0 success, 1 failure or invalid input, 2 changes pending (plan, --detailed-exitcode). */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyWhenOutputCloses();
  let code = 0;
  const set = (c: number): void => { code = c; };
  let cli: Argv;
  try {
    const quick = await quickRun(argv);
    if (quick !== undefined) return quick;
    const { helpWidth, yargs } = await import('./yargs.js');
    cli = yargs([...argv])
      .scriptName('k8sbm')
      .usage('$0 <command> [options]');
    for (const c of await commandsFor(argv, set)) cli = cli.command(c as CommandModule);
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
  } catch (e) {
    process.stderr.write(`${describeUncaught(e, verbosityOf(argv))}\n`);
    return 1;
  }
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
    return code;
  } catch (e) {
    process.stderr.write(`${describeUncaught(e, verbosityOf(argv))}\n`);
    return 1;
  }
}

/**
 * `k8sbm run|plan PLAYBOOK [options]` as most command lines give it, read without yargs
 * (options.ts, quickParse); undefined when the command line is another or needs yargs.
 */
async function quickRun(argv: readonly string[]): Promise<number | undefined> {
  const mode = argv[0];
  if (mode !== 'run' && mode !== 'plan') return undefined;
  const specs = await runOptionSpecs();
  const args = quickParse(argv.slice(1), 'playbook', specs);
  if (args === undefined) return undefined;
  const { runCommand } = await import('./run.js');
  return runCommand(args as unknown as RunArgs, mode);
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
    const [{ runCommand }, specs] = await Promise.all([import('./run.js'), runOptionSpecs()]);
    const runOptions = (y: Argv): Argv => runOptionsOf(y, specs);
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

/** The options of run and plan: the SSH ones, the vault's, then their own. */
export async function runOptionSpecs(): Promise<readonly OptionSpec[]> {
  const [{ VAULT_OPTIONS }, { SSH_OPTIONS }] = await Promise.all([import('./vault.js'), import('./ssh-options.js')]);
  return [...SSH_OPTIONS, ...VAULT_OPTIONS, ...RUN_OPTIONS];
}

/** What yargs is told of run and plan: the playbook, then the options. */
export function runOptionsOf(y: Argv, specs: readonly OptionSpec[]): Argv {
  return withOptions(y.positional('playbook', { type: 'string', describe: 'playbook file', demandOption: true }), specs);
}

const RUN_OPTIONS: readonly OptionSpec[] = [
  { name: 'inventory', alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' },
  { name: 'lab', type: 'string', describe: 'run against the built-in lab NAME (default "default"), brought up first if it is not' },
  { name: 'limit', alias: 'l', type: 'string', describe: 'further limit hosts to a pattern' },
  { name: 'tags', alias: 't', type: 'string', describe: 'only run tasks with these tags (comma-separated or repeated)' },
  { name: 'skip-tags', type: 'string', describe: 'skip tasks with these tags' },
  { name: 'check', alias: 'C', type: 'boolean', default: false, describe: 'predict changes without making them' },
  { name: 'diff', alias: 'D', type: 'boolean', default: false, describe: 'show what changes (unified diffs, before/after)' },
  { name: 'forks', alias: 'f', type: 'number', describe: 'hosts in parallel (default: all of the batch, at most 50)' },
  { name: 'extra-vars', alias: 'e', type: 'string', describe: 'extra variables: k=v, JSON/YAML, or @file' },
  { name: 'roles-path', type: 'string', describe: 'extra directories to find roles in' },
  { name: 'start-at-task', type: 'string', describe: 'start the playbook at the task of this name' },
  { name: 'list-hosts', type: 'boolean', default: false, describe: 'list the hosts each play would run on' },
  { name: 'list-tasks', type: 'boolean', default: false, describe: 'list the tasks that would run' },
  { name: 'syntax-check', type: 'boolean', default: false, describe: 'load and validate the playbook, run nothing' },
  { name: 'detailed-exitcode', type: 'boolean', default: false, describe: 'exit 2 when changes were made or are pending' },
  { name: 'json', type: 'boolean', default: false, describe: 'newline-delimited JSON events on stdout' },
  { name: 'report', type: 'string', describe: 'also write the JSON event stream to this file' },
  { name: 'junit', type: 'string', describe: 'write a JUnit XML report to this file' },
  { name: 'report-html', type: 'string', describe: 'write a self-contained HTML report (timeline per host, recap, changes with diffs, failures) to this file' },
  { name: 'report-md', type: 'string', describe: 'write a Markdown summary (verdict, recap, changes with diffs, failures) to this file, for a pull request comment' },
  { name: 'verbose', alias: 'v', type: 'count', describe: 'more output (-v reasons for no-ops, -vv timings)' },
];

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
