import type { CommandModule } from 'yargs';
import { describeHolder, formatAge } from '../engine/lease.js';
import { connectionSpecOf, toBool } from '../engine/play-env.js';
import { unlockHosts, type UnlockOutcome } from '../engine/unlock.js';
import { hostVars, selectHosts } from '../inventory/index.js';
import { createChalk, shouldUseColor } from '../report/index.js';
import { assertNever } from '../util/assert-never.js';
import { labInventory } from './lab-target.js';
import { type CommonArgs, forksFrom, inventoryFrom, projectConfig, requireInventoryFor } from './common.js';
import { connectFactory, sshOptionFlags, sshOptionsFromAsync, type SshArgs } from './ssh-options.js';

interface UnlockArgs extends CommonArgs, SshArgs {
  readonly hosts: string[];
  readonly force: boolean;
  readonly become: boolean;
  readonly lab?: string;
}

/** `k8sbm unlock HOST...`: removes the lease (run lock) a run left on each host. */
export function unlockCommand(set: (code: number) => void): CommandModule {
  return {
    command: 'unlock <hosts..>',
    describe: 'remove the run lock a stopped run left on hosts (a live one only with --force)',
    builder: (y) => sshOptionFlags(y)
      .positional('hosts', { type: 'string', array: true, demandOption: true, describe: 'hosts or host patterns' })
      .option('inventory', { alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' })
      .option('lab', { type: 'string', describe: 'the hosts of the built-in lab NAME' })
      .option('force', { type: 'boolean', default: false, describe: 'remove the lease of a run whose heartbeat is still fresh, too' })
      .option('become', { alias: 'b', type: 'boolean', default: false, describe: "with sudo: reach root's lease (/run/k8sbm) from a login the inventory does not make root" })
      .option('forks', { alias: 'f', type: 'number', describe: 'hosts in parallel (default: all, at most 50)' }),
    handler: async (a) => {
      const given = a as unknown as UnlockArgs;
      const args: UnlockArgs = given.lab !== undefined ? { ...given, inventory: await labInventory(given.lab) } : given;
      set(await unlock(args));
    },
  };
}

async function unlock(args: UnlockArgs): Promise<number> {
  const cfg = projectConfig();
  const inventory = await inventoryFrom(args, cfg);
  const hosts: string[] = [];
  for (const pattern of args.hosts.map(String)) {
    const sel = selectHosts(inventory, pattern);
    for (const w of sel.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
    requireInventoryFor(inventory, pattern, sel.hosts, { lab: true });
    for (const h of sel.hosts) if (!hosts.includes(h)) hosts.push(h);
  }
  const targets = hosts.map((h) => {
    const vars = inventory.hosts.has(h) ? hostVars(inventory, h) : {};
    const become = args.become || toBool(vars.ansible_become) ? { user: 'root', method: 'sudo' as const } : undefined;
    return { host: h, spec: connectionSpecOf(h, vars), become };
  });
  const outcomes = await unlockHosts(targets, {
    force: args.force,
    forks: forksFrom(args, cfg) ?? Math.min(50, Math.max(1, hosts.length)),
    connect: connectFactory(await sshOptionsFromAsync(args, cfg)),
  });
  const chalk = createChalk(shouldUseColor(process.stdout, process.env));
  let failed = 0;
  for (const o of outcomes) {
    const line = describeOutcome(o);
    if (line.ok) process.stdout.write(`${line.text}\n`);
    else {
      failed++;
      process.stderr.write(`${chalk.red(line.text)}\n${line.hint ? `  hint: ${line.hint}\n` : ''}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

export function describeOutcome(o: UnlockOutcome): { ok: boolean; text: string; hint?: string } {
  switch (o.kind) {
    case 'none':
      return { ok: true, text: `${o.host}: no run lock` };
    case 'removed':
      return o.stale
        ? { ok: true, text: `${o.host}: removed the stale lease of ${describeHolder(o.lease)} (${o.stale})` }
        : { ok: true, text: `${o.host}: removed the lease of ${describeHolder(o.lease)}, live (heartbeat ${formatAge(o.lease.age)} ago), as --force asked: that run may still be changing the host` };
    case 'refused':
      return o.why === 'root'
        ? { ok: false, text: `${o.host}: K8SBM_HOST_LOCKED: the lease of ${describeHolder(o.lease)} is root's (${o.lease.file}): not removed`, hint: `run \`k8sbm unlock ${o.host} --become\`` }
        : { ok: false, text: `${o.host}: K8SBM_HOST_LOCKED: ${describeHolder(o.lease)} holds the lease, live (heartbeat ${formatAge(o.lease.age)} ago): not removed`, hint: 'wait for that run to end (it releases its lease) or stop it; --force breaks a live lease' };
    case 'unreachable':
      return { ok: false, text: `${o.host}: K8SBM_UNREACHABLE: ${o.reason}` };
    case 'failed':
      return { ok: false, text: `${o.host}: K8SBM_HOST_LOCK_FAILED: cannot read or remove the lease: ${o.msg}`, hint: 'a login that is not root reaches root\'s lease with --become' };
    default:
      return assertNever(o, 'unlock outcome');
  }
}
