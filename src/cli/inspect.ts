import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { stringify as toYaml } from 'yaml';
import { connectionSpecOf, ConnectionPool } from '../engine/play-env.js';
import { hostFacts } from '../facts/host.js';
import { hostVars, selectHosts, toAnsibleList, toGraph, hostLayers, type Inventory } from '../inventory/index.js';
import { playbookSchema } from '../schema/playbook.js';
import { inventorySchema } from '../schema/inventory.js';
import { K8sbmError, formatError, isK8sbmError } from '../source/errors.js';
import { formatLoc } from '../source/loc.js';
import { setupVault, vaultPasswordFlags, type VaultArgs } from './vault.js';
import { connectFactory, sshOptionFlags, sshOptionsFromAsync, type SshArgs } from './ssh-options.js';
import { UnreachableError } from '../transport/connection.js';
import { parseExtraVars } from '../vars/extra.js';
import type { VarLayer } from '../vars/layers.js';
import { explainVars } from '../vars/scope.js';
import { asList, inventoryFrom, loaderFrom, modules, projectConfig, requireInventoryFor, type CommonArgs } from './common.js';
import { playLayersForHost } from './play-vars.js';

const out = (s: string): void => { process.stdout.write(s.endsWith('\n') ? s : `${s}\n`); };

/** Read-only commands: inventory, vars, facts, schema. */
export function inspectCommands(set: (code: number) => void): CommandModule[] {
  const inv = { alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' } as const;
  return [
    {
      command: 'inventory',
      describe: 'show the inventory as ansible-inventory does (--list, --graph, --host)',
      builder: (y) => vaultPasswordFlags(y).option('inventory', inv)
        .option('list', { type: 'boolean', describe: 'all hosts, groups and variables as JSON' })
        .option('graph', { type: 'string', describe: 'tree of groups and hosts (optionally under a pattern)' })
        .option('host', { type: 'string', describe: "one host's merged variables as JSON" })
        .option('vars', { type: 'boolean', default: false, describe: 'with --graph: show variables too' })
        .option('playbook-dir', { type: 'string', describe: 'also read group_vars/ and host_vars/ beside this playbook directory' })
        .check((a) => (a.list || a.graph !== undefined || a.host ? true : 'give one of --list, --graph [PATTERN] or --host NAME')),
      handler: async (a) => {
        const args = a as unknown as CommonArgs & VaultArgs & { list?: boolean; graph?: string; host?: string; vars: boolean; 'playbook-dir'?: string };
        await setupVault(args, projectConfig());
        const inventory = await inventoryFrom(args, projectConfig());
        const pbDir = args['playbook-dir'] ? resolve(args['playbook-dir']) : undefined;
        if (args.host) {
          if (!inventory.hosts.has(args.host)) throw unknownHost(args.host, inventory);
          out(JSON.stringify(hostVars(inventory, args.host, pbDir), null, 4));
        } else if (args.graph !== undefined) out(toGraph(inventory, args.graph || undefined, args.vars));
        else out(JSON.stringify(toAnsibleList(inventory, pbDir), null, 4));
        set(0);
      },
    },
    {
      command: 'vars <host> [var] [playbook]',
      describe: "each variable's final value for a host and the layer (file:line) it came from",
      builder: (y) => vaultPasswordFlags(y).option('inventory', inv)
        .positional('host', { type: 'string', demandOption: true })
        .positional('var', { type: 'string', describe: 'one variable (shows what it overrode too)' })
        .positional('playbook', { type: 'string', describe: 'include play vars, vars_files and roles of plays that target the host' })
        .option('extra-vars', { alias: 'e', type: 'string' })
        .option('json', { type: 'boolean', default: false }),
      handler: async (a) => {
        const args = a as unknown as CommonArgs & VaultArgs & { host: string; var?: string; playbook?: string; 'extra-vars'?: string | string[]; json: boolean };
        // `k8sbm vars HOST site.yml` reads naturally too: a .yml second word is the playbook.
        let varName = args.var;
        let pb = args.playbook;
        if (varName && !pb && /\.ya?ml$/.test(varName)) { pb = varName; varName = undefined; }
        const cfg = projectConfig();
        await setupVault(args, cfg);
        const inventory = await inventoryFrom(args, cfg);
        if (!inventory.hosts.has(args.host)) throw unknownHost(args.host, inventory);
        const pbFile = pb ? resolve(pb) : undefined;
        const layers: VarLayer[] = [...hostLayers(inventory, args.host, pbFile ? resolve(pbFile, '..') : undefined)];
        if (pbFile) layers.push(...playLayersForHost(loaderFrom(args, cfg).loadPlaybook(pbFile), inventory, args.host));
        layers.push(...parseExtraVars(asList(args['extra-vars'])));
        const explained = explainVars(layers);
        const rows = varName ? explained.filter((v) => v.name === varName) : explained;
        if (varName && rows.length === 0) {
          throw new K8sbmError('K8SBM_VAR_UNDEFINED', `variable "${varName}" is not defined for ${args.host}`, { hint: 'run `k8sbm vars HOST` to list every variable and its origin' });
        }
        if (args.json) {
          out(JSON.stringify(rows.map((v) => ({ name: v.name, value: v.value, level: v.origin.layer.level, source: v.origin.layer.name, at: v.origin.loc ? formatLoc(v.origin.loc) : undefined, overrides: v.overridden.map((o) => ({ level: o.layer.level, at: o.loc ? formatLoc(o.loc) : o.layer.name })) })), null, 2));
        } else {
          for (const v of rows) {
            const where = v.origin.loc ? formatLoc(v.origin.loc) : v.origin.layer.name;
            out(`${v.name} = ${JSON.stringify(v.value)}\n    from ${v.origin.layer.level} (${where})`);
            for (const o of varName ? v.overridden : []) out(`    overrides ${o.layer.level} (${o.loc ? formatLoc(o.loc) : o.layer.name}) = ${JSON.stringify(o.layer.vars[v.name])}`);
          }
        }
        set(0);
      },
    },
    {
      command: 'facts <pattern>',
      describe: 'gather and print basic facts of matching hosts (one round trip per host)',
      builder: (y) => sshOptionFlags(y.option('inventory', inv).positional('pattern', { type: 'string', demandOption: true })),
      handler: async (a) => {
        const args = a as unknown as CommonArgs & SshArgs & { pattern: string };
        const cfg = projectConfig();
        const inventory = await inventoryFrom(args, cfg);
        const { hosts, warnings } = selectHosts(inventory, args.pattern);
        requireInventoryFor(inventory, args.pattern, hosts, { lab: false });
        for (const w of warnings) process.stderr.write(`[WARNING]: ${w}\n`);
        const pool = new ConnectionPool(connectFactory(await sshOptionsFromAsync(args, cfg)));
        const result: Record<string, unknown> = {};
        let failed = false;
        await Promise.all(hosts.map(async (h) => {
          try {
            const conn = await pool.get(connectionSpecOf(h, hostVars(inventory, h)));
            result[h] = hostFacts.parse(await conn.exec({ argv: hostFacts.argv(undefined) }), undefined);
          } catch (e) {
            failed = true;
            result[h] = { unreachable: e instanceof UnreachableError, msg: isK8sbmError(e) ? formatError(e) : (e as Error).message };
          }
        }));
        await pool.closeAll();
        const ordered: Record<string, unknown> = {};
        for (const h of hosts) ordered[h] = result[h];
        out(JSON.stringify(ordered, null, 2));
        set(failed ? 1 : 0);
      },
    },
    {
      command: 'schema <kind>',
      describe: 'print the JSON Schema of playbooks or inventories (for editors)',
      builder: (y) => y.positional('kind', { choices: ['playbook', 'inventory'] as const, demandOption: true }).option('yaml', { type: 'boolean', default: false }),
      handler: (a) => {
        const schema = a.kind === 'playbook' ? playbookSchema(modules) : inventorySchema;
        out(a.yaml ? toYaml(schema) : JSON.stringify(schema, null, 2));
        set(0);
      },
    },
  ];
}

function unknownHost(host: string, inventory: Inventory): K8sbmError {
  const names = [...inventory.hosts.keys()];
  return new K8sbmError('K8SBM_HOST_UNKNOWN', `host "${host}" is not in the inventory`, { hint: names.length ? `known hosts: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}` : 'the inventory is empty: give it with -i' });
}
