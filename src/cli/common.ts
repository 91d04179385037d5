import { resolve } from 'node:path';
import { loadProjectConfig, parseForks, type ProjectConfig } from '../config/project.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { modules } from '../modules/index.js';
import { PlaybookLoader } from '../playbook/index.js';

export interface CommonArgs {
  readonly inventory?: readonly string[] | undefined;
  readonly 'roles-path'?: readonly string[] | undefined;
  readonly forks?: number | undefined;
}

export function projectConfig(): ProjectConfig {
  return loadProjectConfig(process.cwd(), process.env);
}

/** Inventory from -i, else k8sbm.yaml / K8SBM_INVENTORY; none at all is an empty inventory. */
export async function inventoryFrom(args: CommonArgs, cfg: ProjectConfig): Promise<Inventory> {
  const sources = args.inventory?.length ? args.inventory.map((p) => resolve(p)) : cfg.inventory;
  return loadInventory([...sources]);
}

export function loaderFrom(args: CommonArgs, cfg: ProjectConfig): PlaybookLoader {
  const extra = (args['roles-path'] ?? []).flatMap((p) => p.split(':')).filter(Boolean).map((p) => resolve(p));
  return new PlaybookLoader({ modules, rolesPath: [...extra, ...cfg.rolesPath] });
}

export function forksFrom(args: CommonArgs, cfg: ProjectConfig): number | undefined {
  return parseForks(args.forks, '--forks') ?? cfg.forks;
}

/** `-t a,b -t c` -> [a, b, c] */
export function splitList(v: readonly string[] | undefined): string[] {
  return (v ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export { modules };
