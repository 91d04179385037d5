import { resolve } from 'node:path';
import { loadProjectConfig, parseForks, type ProjectConfig } from '../config/project.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { modules } from '../modules/index.js';
import { playHostsFor } from '../engine/play.js';
import { PlaybookLoader } from '../playbook/index.js';
import type { Playbook } from '../playbook/model.js';
import type { VarLayer } from '../vars/layers.js';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';

export interface CommonArgs {
  readonly inventory?: string | readonly string[] | undefined;
  readonly 'roles-path'?: string | readonly string[] | undefined;
  readonly forks?: number | undefined;
}

export function projectConfig(): ProjectConfig {
  return loadProjectConfig(process.cwd(), process.env);
}

/** Inventory from -i, else k8sbm.yaml / K8SBM_INVENTORY; none at all is an empty inventory (see requireInventoryFor). */
export async function inventoryFrom(args: CommonArgs, cfg: ProjectConfig): Promise<Inventory> {
  const given = asList(args.inventory);
  const sources = given.length ? given.map((p) => resolve(p)) : cfg.inventory;
  const inv = await loadInventory([...sources]);
  for (const w of inv.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  return inv;
}

/**
 * With no inventory given or configured only the implicit localhost exists, so a pattern that
 * matches nothing is a forgotten inventory, not a pattern to warn about: refuse before anything runs.
 * (With an inventory, matching nothing stays a warning, as in Ansible.)
 */
export function requireInventoryFor(inventory: Inventory, pattern: string, hosts: readonly string[], opts: { lab: boolean; loc?: Loc | undefined; subject?: string | undefined }): void {
  if (inventory.sources.length > 0 || hosts.length > 0) return;
  const ways = ['-i INVENTORY', ...(opts.lab ? ['--lab (the local test nodes)'] : []), 'inventory: in k8sbm.yaml'];
  throw new K8sbmError('K8SBM_NO_INVENTORY', `no inventory: "${pattern}" matches no host, since without an inventory only localhost exists`, {
    loc: opts.loc, subject: opts.subject, hint: `name the hosts with ${ways.slice(0, -1).join(', ')} or ${ways[ways.length - 1]}`,
  });
}

/** requireInventoryFor each play of a playbook (implicit localhost plays pass: they need no inventory). */
export function requireInventoryForPlays(inventory: Inventory, playbook: Playbook, extraVars: readonly VarLayer[], limit: string | undefined): void {
  if (inventory.sources.length > 0) return;
  for (const play of playbook.plays) {
    requireInventoryFor(inventory, play.hosts, playHostsFor(inventory, play, extraVars, limit).hosts, { lab: true, loc: play.loc, subject: `play "${play.name}"` });
  }
}

/** --roles-path, then k8sbm.yaml's roles_path, then `fallback` (folders searched last). */
export function loaderFrom(args: CommonArgs, cfg: ProjectConfig, fallback: readonly string[] = []): PlaybookLoader {
  const extra = asList(args['roles-path']).flatMap((p) => p.split(':')).filter(Boolean).map((p) => resolve(p));
  return new PlaybookLoader({ modules, rolesPath: [...extra, ...cfg.rolesPath, ...fallback] });
}

export function forksFrom(args: CommonArgs, cfg: ProjectConfig): number | undefined {
  return parseForks(args.forks, '--forks') ?? cfg.forks;
}

/**
 * A repeatable option: yargs gives a string once and an array when repeated. (Options are not
 * declared `array`, which would swallow the positional arguments that follow them.)
 */
export function asList(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : [...v];
}

/** `-t a,b -t c` -> [a, b, c] */
export function splitList(v: string | readonly string[] | undefined): string[] {
  return asList(v).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export { modules };
