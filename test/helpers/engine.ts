import { join } from 'node:path';
import type { HostStateOptions } from '../../src/engine/host-session.js';
import { runPlaybook, type RunOutcome } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import type { AnyModule } from '../../src/modules/types.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import type { RunEvent, TaskResultEvent } from '../../src/report/events.js';
import type { Connection, ConnectionSpec } from '../../src/transport/connection.js';
import { MemoryConnection, type Responder } from '../../src/transport/memory.js';
import { parseExtraVars } from '../../src/vars/extra.js';
import { type CleanupScope, tempTree } from './temp.js';

export interface EngineCase {
  /** Files to write into a fresh temp dir: path -> content. Must include the playbook. */
  readonly files: Readonly<Record<string, string>>;
  readonly playbook?: string; // default site.yml
  readonly inventory?: string; // default hosts.ini
  readonly responders?: readonly Responder[];
  readonly unreachable?: Readonly<Record<string, string>>;
  /** Awaited when a connection to `host` connects: `nth` is 0 for the run's first connection to it. */
  readonly beforeConnect?: (host: string, nth: number) => Promise<void>;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly extraVars?: readonly string[];
  readonly limit?: string;
  readonly startAtTask?: string;
  readonly detailedExitCode?: boolean;
  readonly forks?: number;
  /** Called with every event as it happens (for tests that react to progress). */
  readonly onEvent?: (e: RunEvent) => void;
  /** Run lock and handler journal (none without). */
  readonly hostState?: HostStateOptions;
  /** Test-only modules, added to the registry for this run. */
  readonly modules?: Readonly<Record<string, AnyModule>>;
}

export interface EngineRun {
  readonly dir: string;
  readonly events: RunEvent[];
  readonly results: TaskResultEvent[];
  readonly outcome: RunOutcome;
  readonly connections: Map<string, MemoryConnection>;
  /** task_result lines as "host task status" for compact assertions. */
  readonly lines: string[];
}

/** A temp folder `k8sbm-engine-*` holding `files`, removed when `scope` ends or the process exits. */
export function writeTree(files: Readonly<Record<string, string>>, scope?: CleanupScope): string {
  return tempTree('engine', files, scope);
}

/** Run a playbook from YAML text against in-memory hosts (scripted responders). */
export async function runEngine(c: EngineCase): Promise<EngineRun> {
  const dir = writeTree(c.files);
  const inventory = await loadInventory([join(dir, c.inventory ?? 'hosts.ini')]);
  const registry = c.modules ? { ...modules, ...c.modules } : modules;
  const loader = new PlaybookLoader({ modules: registry, rolesPath: [] });
  const playbook = loader.loadPlaybook(join(dir, c.playbook ?? 'site.yml'));
  const events: RunEvent[] = [];
  const connections = new Map<string, MemoryConnection>();
  const made = new Map<string, number>();
  const connect = (spec: ConnectionSpec): Connection => {
    const nth = made.get(spec.host) ?? 0;
    made.set(spec.host, nth + 1);
    const gate = c.beforeConnect;
    const conn = new MemoryConnection(spec.host, c.responders ?? [], c.unreachable?.[spec.host], gate ? () => gate(spec.host, nth) : undefined);
    connections.set(spec.host, conn);
    return conn;
  };
  const outcome = await runPlaybook(playbook, {
    inventory, loader, modules: registry, connect, emit: (e) => { events.push(e); c.onEvent?.(e); },
    check: c.check ?? false, diff: c.diff ?? false, forks: c.forks, limit: c.limit,
    tags: { only: c.tags ?? [], skip: c.skipTags ?? [] }, extraVars: parseExtraVars(c.extraVars ?? [], dir),
    startAtTask: c.startAtTask, detailedExitCode: c.detailedExitCode, hostState: c.hostState,
  });
  const results = events.filter((e): e is TaskResultEvent => e.event === 'task_result');
  return { dir, events, results, outcome, connections, lines: results.map((r) => `${r.host} ${r.task}${r.item !== undefined ? ` [${r.item}]` : ''} ${r.status}`) };
}

/** An inventory of memory hosts (the factory above ignores connection kinds). */
export function memoryInventory(groups: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(groups).map(([g, hs]) => `[${g}]\n${hs.join('\n')}\n`).join('\n');
}
