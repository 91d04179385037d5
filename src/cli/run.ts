import { resolve } from 'node:path';
import { runPlaybook } from '../engine/run.js';
import { listPlayTasks } from '../engine/listing.js';
import { playHostsFor } from '../engine/play.js';
import { createFileReporter, createHtmlReporter, createJsonReporter, createJunitReporter, createMarkdownReporter, createPrettyReporter, multiReporter, redactEvent, shouldUseColor, type Reporter, type RunEvent } from '../report/index.js';
import { parseExtraVars } from '../vars/extra.js';
import { handleInterrupts } from './interrupt.js';
import { labInventory } from './lab-target.js';
import { setupVault, type VaultArgs } from './vault.js';
import { openAllVaultValues } from '../vault/keyring.js';
import { ExitReleases, runIdentity } from './run-identity.js';
import { connectFactory, printSshWarnings, sshOptionsFromAsync, type SshArgs } from './ssh-options.js';
import { asList, type CommonArgs, forksFrom, inventoryFrom, loaderFrom, modules, projectConfig, requireInventoryForPlays, splitList } from './common.js';

export interface RunArgs extends CommonArgs, SshArgs, VaultArgs {
  readonly playbook: string;
  readonly limit?: string;
  readonly tags?: string | string[];
  readonly 'skip-tags'?: string | string[];
  readonly check: boolean;
  readonly diff: boolean;
  readonly 'extra-vars'?: string | string[];
  readonly 'start-at-task'?: string;
  readonly 'list-hosts': boolean;
  readonly 'list-tasks': boolean;
  readonly 'syntax-check': boolean;
  readonly 'detailed-exitcode': boolean;
  readonly json: boolean;
  readonly report?: string;
  readonly junit?: string;
  readonly 'report-md'?: string;
  readonly 'report-html'?: string;
  readonly lab?: string;
  readonly verbose: number;
}

/** Wiring only: parse inputs, build the reporters, hand over to the engine. */
export async function runCommand(a: RunArgs, mode: 'run' | 'plan'): Promise<number> {
  const check = mode === 'plan' || a.check;
  const diff = mode === 'plan' || a.diff;
  const cfg = projectConfig();
  await setupVault(a, cfg);
  const loader = loaderFrom(a, cfg);
  const playbook = loader.loadPlaybook(resolve(a.playbook));
  const tags = { only: splitList(a.tags), skip: splitList(a['skip-tags']) };
  if (a['syntax-check']) {
    process.stdout.write(`playbook: ${a.playbook} (${playbook.plays.length} plays): syntax OK\n`);
    return 0;
  }
  const inventory = await inventoryFrom(a.lab !== undefined ? { ...a, inventory: await labInventory(a.lab) } : a, cfg);
  const extraVars = parseExtraVars(asList(a['extra-vars']));
  requireInventoryForPlays(inventory, playbook, extraVars, a.limit);
  if (!a['list-hosts'] && !a['list-tasks']) await openAllVaultValues();
  if (a['list-hosts'] || a['list-tasks']) {
    for (const play of playbook.plays) {
      const { hosts, warnings } = playHostsFor(inventory, play, extraVars, a.limit);
      for (const w of warnings) process.stderr.write(`[WARNING]: ${w}\n`);
      process.stdout.write(`\nplay "${play.name}" (${play.hosts}): ${hosts.length} hosts\n`);
      if (a['list-hosts']) for (const h of hosts) process.stdout.write(`    ${h}\n`);
      if (a['list-tasks']) {
        for (const t of listPlayTasks(play, tags)) process.stdout.write(`    ${t.name}\tTAGS: [${t.tags.join(', ')}]\n`);
      }
    }
    return 0;
  }
  const reporter = buildReporter(a, check, diff, mode);
  const secrets = new Set<string>();
  let muted = false;
  const emit = (e: RunEvent): void => { if (!muted) reporter.onEvent(secrets.size ? redactEvent(e, [...secrets]) : e); };
  const ac = new AbortController();
  const releases = new ExitReleases();
  const connect = connectFactory(await sshOptionsFromAsync(a, cfg));
  // Stopped (a second Ctrl-C, SIGTERM, SIGHUP): the commands are stopped, then the leases released.
  const interrupts = handleInterrupts({ running: 'tasks', finishRunning: () => ac.abort(), stopCommands: connect.stopCommands, mute: () => { muted = true; }, exit: (code) => releases.quit(code) });
  try {
    const outcome = await runPlaybook(playbook, {
      inventory, loader, modules, connect, emit, check, diff,
      forks: forksFrom(a, cfg), limit: a.limit, tags, extraVars, startAtTask: a['start-at-task'],
      verbosity: a.verbose, signal: ac.signal, secrets, detailedExitCode: mode === 'plan' || a['detailed-exitcode'],
      hostState: { identity: runIdentity(`${mode} ${a.playbook}`), onExit: releases.register },
    });
    return outcome.exitCode;
  } finally {
    await interrupts.settled();
    interrupts.dispose();
    await reporter.close();
    printSshWarnings(connect);
  }
}

function buildReporter(a: RunArgs, check: boolean, diff: boolean, mode: 'run' | 'plan'): Reporter {
  const list: Reporter[] = [];
  if (a.json) list.push(createJsonReporter(process.stdout));
  else {
    const tty = process.stdout.isTTY === true;
    list.push(createPrettyReporter({ out: process.stdout, color: shouldUseColor(process.stdout, process.env), spinner: tty && !process.env.CI, diff, verbosity: a.verbose ?? 0, check }));
  }
  if (a.report) list.push(createFileReporter(a.report));
  if (a.junit) list.push(createJunitReporter(a.junit));
  if (a['report-md']) list.push(createMarkdownReporter(a['report-md'], mode));
  if (a['report-html']) list.push(createHtmlReporter(a['report-html'], mode));
  return list.length === 1 ? list[0]! : multiReporter(...list);
}
