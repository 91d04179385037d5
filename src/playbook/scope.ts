import { dirname, isAbsolute, relative, sep } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import type { Inheritable, RoleInstance, Task } from './model.js';

/** State shared by everything loaded for one play. */
export interface PlayState {
  /** Directory of the playbook the play is written in (roles/ is searched beside it). */
  readonly playbookDir: string;
  /** Roles of `roles:` and dependencies already loaded, by dedup key (Ansible runs each once). */
  readonly seenRoles: Map<string, RoleInstance>;
  /** Template files named by tasks and already checked (each once). */
  readonly seenTemplates: Set<string>;
}

/** Where the loader stands while parsing a list of tasks. */
export interface ParseScope {
  /** Absolute path of the file being parsed. */
  readonly file: string;
  readonly role: RoleInstance | undefined;
  /**
   * Files and roles being loaded, outermost first, including `file` (`role:NAME` for a role, as the
   * engine writes it): a file or role met again is a circular include.
   */
  readonly chain: readonly string[];
  /** Parsing a handlers list: `listen` is allowed, blocks and includes are not. */
  readonly handlers: boolean;
  readonly play: PlayState;
  /** Where handlers of roles expanded by import_role go (the play's, or the enclosing role's). */
  readonly handlerSink: Task[];
}

export const NO_INHERIT: Inheritable = { when: [], tags: [], vars: {} };

export function roleChainKey(name: string): string {
  return `role:${name}`;
}

function showChainEntry(entry: string, base: string): string {
  if (entry.startsWith('role:')) return `role ${entry.slice(5)}`;
  const rel = relative(base, entry);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? rel : entry;
}

/** `site.yml -> tasks/a.yml -> role web`, with paths relative to the folder of the first file. */
export function formatChain(chain: readonly string[], base?: string): string {
  const from = base ?? dirname(chain.find((e) => !e.startsWith('role:')) ?? process.cwd());
  return chain.map((e) => showChainEntry(e, from)).join(' -> ');
}

/** Throw K8SBM_CIRCULAR_INCLUDE when `next` is already being loaded. */
export function checkCycle(chain: readonly string[], next: string, loc: Loc | undefined): void {
  const at = chain.indexOf(next);
  if (at < 0) return;
  const base = dirname(chain.find((e) => !e.startsWith('role:')) ?? loc?.file ?? process.cwd());
  throw new K8sbmError('K8SBM_CIRCULAR_INCLUDE', `circular include: ${formatChain([...chain.slice(at), next], base)}`, {
    loc,
    details: at > 0 ? [`loaded from: ${formatChain(chain.slice(0, at), base)}`] : undefined,
    hint: 'an import, include or role dependency leads back to itself; remove one link of the loop',
  });
}

/** Stable JSON (sorted keys), for comparing role params. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}
