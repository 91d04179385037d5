import { resolve } from 'node:path';
import { loadProjectConfig, parseForks, type ProjectConfig } from '../config/project.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { modules } from '../modules/index.js';
import { PlaybookLoader } from '../playbook/index.js';

export interface CommonArgs {
  readonly inventory?: string | readonly string[] | undefined;
  readonly 'roles-path'?: string | readonly string[] | undefined;
  readonly forks?: number | undefined;
}

export function projectConfig(): ProjectConfig {
  return loadProjectConfig(process.cwd(), process.env);
}

/** Inventory from -i, else k8sbm.yaml / K8SBM_INVENTORY; none at all is an empty inventory. */
export async function inventoryFrom(args: CommonArgs, cfg: ProjectConfig): Promise<Inventory> {
  const given = asList(args.inventory);
  const sources = given.length ? given.map((p) => resolve(p)) : cfg.inventory;
  const inv = await loadInventory([...sources]);
  for (const w of inv.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  return inv;
}

export function loaderFrom(args: CommonArgs, cfg: ProjectConfig): PlaybookLoader {
  const extra = asList(args['roles-path']).flatMap((p) => p.split(':')).filter(Boolean).map((p) => resolve(p));
  return new PlaybookLoader({ modules, rolesPath: [...extra, ...cfg.rolesPath] });
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
