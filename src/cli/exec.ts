import type { CommandModule } from 'yargs';
import { runAdhocCommand } from '../engine/adhoc.js';
import { connectionSpecOf, toBool } from '../engine/play-env.js';
import { runPlaybook } from '../engine/run.js';
import { hostVars, selectHosts } from '../inventory/index.js';
import { createChalk, createJsonReporter, createPrettyReporter, redactEvent, shouldUseColor, type RunEvent } from '../report/index.js';
import { K8sbmError } from '../source/errors.js';
import { describeExit } from '../contract/exit.js';
import { adhocPlaybook } from './adhoc-play.js';
import { handleInterrupts } from './interrupt.js';
import { labInventory } from './lab-target.js';
import { ExitReleases, runIdentity } from './run-identity.js';
import { asList, forksFrom, inventoryFrom, loaderFrom, modules, projectConfig, requireInventoryFor, requireInventoryForPlays, type CommonArgs } from './common.js';
import { setupVault, vaultPasswordFlags, type VaultArgs } from './vault.js';
import { connectFactory, sshOptionsFromAsync, sshOptionFlags, type SshArgs } from './ssh-options.js';

interface ExecArgs extends CommonArgs, SshArgs, VaultArgs {
  readonly pattern: string;
  readonly command?: string[];
  readonly module?: string;
  readonly args?: string;
  readonly group: boolean;
  readonly become: boolean;
  readonly 'become-user'?: string;
  readonly check: boolean;
  readonly diff: boolean;
  readonly json: boolean;
  readonly limit?: string;
  readonly lab?: string;
  readonly '--'?: (string | number)[];
  readonly _: (string | number)[];
}


/** `k8sbm exec PATTERN -- CMD ...` and `k8sbm exec PATTERN -m MODULE -a 'k=v'`. */
export function execCommand(set: (code: number) => void): CommandModule {
  return {
    command: 'exec <pattern> [command..]',
    describe: 'run a shell command (after --) or one module (-m) on every matching host in parallel',
    builder: (y) => vaultPasswordFlags(sshOptionFlags(y))
      .parserConfiguration({ 'populate--': true })
      .positional('pattern', { type: 'string', demandOption: true, describe: 'host pattern' })
      .option('inventory', { alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' })
      .option('lab', { type: 'string', describe: 'run against the built-in lab NAME (brought up first if it is not)' })
      .option('limit', { alias: 'l', type: 'string', describe: 'further limit the hosts' })
      .option('module', { alias: 'm', type: 'string', describe: 'run this module instead of a shell command' })
      .option('args', { alias: 'a', type: 'string', describe: "module arguments: 'k=v k2=v2' (or the free-form text of command/shell)" })
      .option('group', { type: 'boolean', default: false, describe: 'print each host\'s output together when it finishes, instead of prefixed lines as they arrive' })
      .option('become', { alias: 'b', type: 'boolean', default: false, describe: 'run with sudo' })
      .option('become-user', { type: 'string', describe: 'sudo to this user (default root)' })
      .option('check', { alias: 'C', type: 'boolean', default: false, describe: 'with -m: predict, change nothing' })
      .option('diff', { alias: 'D', type: 'boolean', default: false, describe: 'with -m: show diffs' })
      .option('forks', { alias: 'f', type: 'number', describe: 'hosts in parallel (default: all, at most 50)' })
      .option('json', { type: 'boolean', default: false, describe: 'NDJSON events (with -m) or one JSON result per host' }),
    handler: async (a) => {
      const given = a as unknown as ExecArgs;
      await setupVault(given, projectConfig());
      const args: ExecArgs = given.lab !== undefined ? { ...given, inventory: await labInventory(given.lab) } : given;
      set(args.module ? await execModule(args) : await execShell(args));
    },
  };
}

async function targetsOf(args: ExecArgs): Promise<{ hosts: string[]; vars: Map<string, Record<string, unknown>>; inventory: Awaited<ReturnType<typeof inventoryFrom>> }> {
  const cfg = projectConfig();
  const inventory = await inventoryFrom(args, cfg);
  const sel = selectHosts(inventory, args.pattern);
  for (const w of sel.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  let hosts = sel.hosts;
  if (args.limit) {
    const lim = new Set(selectHosts(inventory, args.limit).hosts);
    hosts = hosts.filter((h) => lim.has(h));
  }
  requireInventoryFor(inventory, args.pattern, hosts, { lab: true });
  const vars = new Map(hosts.map((h) => [h, inventory.hosts.has(h) ? hostVars(inventory, h) : {}]));
  return { hosts, vars, inventory };
}

async function execShell(args: ExecArgs): Promise<number> {
  const words = [...asList(args.command), ...(args['--'] ?? []).map(String)];
  if (words.length === 0) {
    throw new K8sbmError('K8SBM_USAGE', 'nothing to run', { hint: "give a command after --: k8sbm exec all -i INV -- uptime, or a module: -m ping" });
  }
  const command = words.join(' ');
  const { hosts, vars } = await targetsOf(args);
  const cfg = projectConfig();
  const chalk = createChalk(shouldUseColor(process.stdout, process.env));
  const width = Math.max(0, ...hosts.map((h) => h.length));
  const grouped = new Map<string, string[]>();
  const connect = connectFactory(await sshOptionsFromAsync(args, cfg));
  const ac = new AbortController();
  let muted = false;
  const interrupts = handleInterrupts({ running: 'commands', finishRunning: () => ac.abort(), stopCommands: connect.stopCommands, mute: () => { muted = true; } });
  const targets = hosts.map((h) => {
    const v = vars.get(h)!;
    const become = args.become || toBool(v.ansible_become);
    return { host: h, spec: connectionSpecOf(h, v), become: become ? { user: args['become-user'] ?? (typeof v.ansible_become_user === 'string' ? v.ansible_become_user : 'root'), method: 'sudo' as const } : undefined };
  });
  let outcomes: Awaited<ReturnType<typeof runAdhocCommand>>;
  try {
    outcomes = await runAdhocCommand(targets, command, {
      forks: forksFrom(args, cfg) ?? Math.min(50, Math.max(1, hosts.length)),
      connect,
      signal: ac.signal,
      onLeaseHeld: (_host, warning) => process.stderr.write(`${chalk.magenta(`[WARNING]: ${warning}`)}\n`),
      onLine: (host, stream, line) => {
        if (args.json || muted) return;
        if (args.group) { grouped.set(host, [...(grouped.get(host) ?? []), stream === 'stderr' ? chalk.red(line) : line]); return; }
        const prefix = `${host.padEnd(width)} | `;
        (stream === 'stderr' ? process.stderr : process.stdout).write(`${chalk.cyan(prefix)}${line}\n`);
      },
    });
  } finally {
    await interrupts.settled();
    interrupts.dispose();
  }
  let failed = 0;
  for (const o of outcomes) {
    const ok = o.kind === 'done' && o.result.code === 0;
    if (!ok) failed++;
    if (args.json) {
      process.stdout.write(`${JSON.stringify(o.kind === 'done'
        ? { host: o.host, rc: o.result.code, signal: o.result.signal, stdout: o.result.stdout, stderr: o.result.stderr, durationMs: Math.round(o.durationMs) }
        : { host: o.host, unreachable: true, msg: o.reason })}\n`);
      continue;
    }
    if (args.group) {
      process.stdout.write(`${chalk.bold(`== ${o.host}`)}\n`);
      for (const l of grouped.get(o.host) ?? []) process.stdout.write(`${l}\n`);
    }
  }
  if (!args.json) {
    process.stderr.write('\n');
    for (const o of outcomes) {
      const status = o.kind === 'unreachable' ? chalk.red(`UNREACHABLE: ${o.reason}`)
        : o.result.code === 0 ? chalk.green('rc=0') : chalk.red(`FAILED: ${describeExit(o.result).headline}`);
      process.stderr.write(`${o.host.padEnd(width)} : ${status}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function execModule(args: ExecArgs): Promise<number> {
  const cfg = projectConfig();
  const inventory = await inventoryFrom(args, cfg);
  const loader = loaderFrom(args, cfg);
  const module = args.module!.replace(/^ansible\.(builtin|legacy)\./, '');
  const playbook = adhocPlaybook(loader, modules, { pattern: args.pattern, module, args: args.args, become: args.become, becomeUser: args['become-user'] }, process.cwd());
  requireInventoryForPlays(inventory, playbook, [], args.limit);
  const reporter = args.json ? createJsonReporter(process.stdout)
    : createPrettyReporter({ out: process.stdout, color: shouldUseColor(process.stdout, process.env), spinner: false, diff: args.diff, verbosity: 1, check: args.check, playbookLine: false });
  const secrets = new Set<string>();
  let muted = false;
  const emit = (e: RunEvent): void => { if (!muted) reporter.onEvent(secrets.size ? redactEvent(e, [...secrets]) : e); };
  const connect = connectFactory(await sshOptionsFromAsync(args, cfg));
  const ac = new AbortController();
  // Stopped (a second Ctrl-C, SIGTERM, SIGHUP): the commands are stopped, then the leases it holds released.
  const releases = new ExitReleases();
  const interrupts = handleInterrupts({ running: 'tasks', finishRunning: () => ac.abort(), stopCommands: connect.stopCommands, mute: () => { muted = true; }, exit: (code) => releases.quit(code) });
  try {
    const outcome = await runPlaybook(playbook, {
      inventory, loader, modules, connect, emit, check: args.check, diff: args.diff,
      forks: forksFrom(args, cfg), limit: args.limit, tags: { only: [], skip: [] }, extraVars: [], secrets, signal: ac.signal,
      // A module changes the host as a one-task run does: it takes the lease (with --check it only reads it).
      hostState: { identity: runIdentity(`exec -m ${module}`), onExit: releases.register },
    });
    return outcome.exitCode;
  } finally {
    await interrupts.settled();
    interrupts.dispose();
    await reporter.close();
  }
}
