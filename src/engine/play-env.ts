import { revealSecrets } from '../util/secret.js';
import { connectionVarsOf } from '../inventory/index.js';
import type { AnyModule } from '../modules/types.js';
import type { PlaybookLoader } from '../playbook/index.js';
import type { RoleInstance, Task } from '../playbook/model.js';
import type { TagFilter } from './tags.js';
import type { RunEvent } from '../report/events.js';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import { renderValue } from '../template/index.js';
import type { Connection, ConnectionSpec } from '../transport/connection.js';
import type { Reach } from './context.js';
import type { HostSessions } from './host-session.js';
import { type PlayVarsContext, varsFor } from './host-vars.js';
import { newHostRuntime, type HostRuntime, type Scope } from './runtime.js';

/** What every task of a play needs: output, clock, modules, connections and run-wide records. */
export interface PlayEnv {
  readonly pvc: PlayVarsContext;
  readonly modules: Readonly<Record<string, AnyModule>>;
  readonly emit: (e: RunEvent) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly forks: number;
  /** Facts of a host's next tasks are read together (RunOptions.readAhead). */
  readonly readAhead: boolean;
  readonly check: boolean;
  readonly diff: boolean;
  readonly connections: ConnectionPool;
  /** Leases and handler journals of the hosts (undefined: none kept). */
  readonly sessions: HostSessions | undefined;
  /** Secret texts handed to modules: reporters mask them. */
  readonly secrets: Set<string>;
  /** Hosts known to the run, including delegates such as the implicit localhost. */
  readonly allHosts: Map<string, HostRuntime>;
  recordDuration(task: string, loc: Loc, ms: number): void;
  recordFailure(host: string, task: string, loc: Loc, msg: string): void;
  readonly loader: PlaybookLoader;
  readonly tags: TagFilter;
  /** --start-at-task: the name still being waited for (cleared once reached, for the whole run). */
  readonly startAt: { value: string | undefined };
  readonly signal: AbortSignal | undefined;
  /** Handlers of the play, in definition order (play handlers, then roles'). */
  readonly handlers: Task[];
  /** Scope handlers run in (the play's). */
  readonly handlerScope: Scope;
  /** Add a dynamically included role's handlers. */
  addHandlers(role: RoleInstance): void;
  /** A rescued host's failure no longer counts in the recap. */
  forgetFailures(hosts: readonly string[]): void;
}

/** One connection per host for the whole run, opened on first use. */
export class ConnectionPool {
  readonly #conns = new Map<string, Promise<Connection>>();
  constructor(private readonly factory: (spec: ConnectionSpec) => Connection) {}

  get(spec: ConnectionSpec): Promise<Connection> {
    let p = this.#conns.get(spec.host);
    if (!p) {
      const conn = this.factory(spec);
      p = conn.connect().then(() => conn);
      // A failed connect is remembered: the host stays unreachable for the run.
      this.#conns.set(spec.host, p);
    }
    return p;
  }

  /**
   * A new connection to the host, outside the pool: it proves that the host still takes new
   * logins (commit-confirmed blocks). The caller closes it.
   */
  fresh(spec: ConnectionSpec): Connection {
    return this.factory(spec);
  }

  async closeAll(): Promise<void> {
    const all = [...this.#conns.values()];
    this.#conns.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }

  /**
   * Execs sent per host (but for upkeep), upkeep execs per host (the lease's heartbeats), and SSH
   * channels opened per host (for benchmarks and round-trip tests).
   */
  async counts(): Promise<{ execs: Record<string, number>; upkeep: Record<string, number>; channels: Record<string, number> }> {
    const execs: Record<string, number> = {};
    const upkeep: Record<string, number> = {};
    const channels: Record<string, number> = {};
    for (const [h, p] of this.#conns) {
      try {
        const c = await p;
        execs[h] = c.execCount;
        if (c.upkeepCount) upkeep[h] = c.upkeepCount;
        if (c.channelCount !== undefined) channels[h] = c.channelCount;
      } catch { /* unreachable */ }
    }
    return { execs, upkeep, channels };
  }
}

export function connectionSpecOf(host: string, vars: Readonly<Record<string, unknown>>): ConnectionSpec {
  const cv = connectionVarsOf(vars);
  // The implicit localhost (not in the inventory) is always reached locally, as in Ansible.
  const local = cv.connection === 'local' || (host === 'localhost' && vars.ansible_host === undefined);
  return {
    host,
    kind: local ? 'local' : 'ssh',
    address: cv.address ?? host,
    port: cv.port ?? 22,
    user: cv.user,
    privateKeyFile: cv.privateKeyFile,
    sshCommonArgs: cv.sshCommonArgs,
  };
}

/** Where a task's commands go: the host itself, or its delegate (vars stay the host's). */
export function reachFor(env: PlayEnv, h: HostRuntime, scope: Scope, vars: Readonly<Record<string, unknown>>): { reach: Reach; factHost: HostRuntime } {
  let target = h;
  let targetVars: Readonly<Record<string, unknown>> = vars;
  if (scope.delegateTo !== undefined) {
    const name = String(renderValue(scope.delegateTo, vars));
    if (name !== h.name) {
      if (!env.pvc.inventory.hosts.has(name) && name !== 'localhost' && name !== '127.0.0.1') {
        throw new K8sbmError('K8SBM_DELEGATE_UNKNOWN', `delegate_to: "${name}" is not a host of the inventory`, {
          hint: 'delegate to an inventory host, or to localhost',
        });
      }
      let t = env.allHosts.get(name);
      if (!t) { t = newHostRuntime(name); env.allHosts.set(name, t); }
      target = t;
      targetVars = varsFor(env.pvc, t, undefined);
    }
  }
  const spec = connectionSpecOf(target.name, targetVars);
  const becomeOn = scope.become ?? toBool(vars.ansible_become);
  // Rendered like every other keyword: sudo got the literal braces of become_user: "{{ user }}".
  const asUser = scope.becomeUser ?? (typeof vars.ansible_become_user === 'string' ? vars.ansible_become_user : undefined);
  const becomeUser = asUser === undefined ? 'root' : String(renderValue(asUser, vars));
  if (becomeOn && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$|^#\d+$/.test(becomeUser)) {
    throw new K8sbmError('K8SBM_BECOME_USER_INVALID', `become_user "${becomeUser}" is not a user name`, {
      hint: 'a user name (letters, digits, _ . -) or #UID; check the variable it comes from',
    });
  }
  const envVars = Object.keys(scope.environment).length ? renderEnv(scope.environment, vars) : undefined;
  return {
    factHost: target,
    reach: {
      connection: () => env.connections.get(spec),
      become: becomeOn ? { user: becomeUser, method: 'sudo' } : undefined,
      env: envVars,
    },
  };
}

function renderEnv(env: Readonly<Record<string, unknown>>, vars: Readonly<Record<string, unknown>>): Record<string, string> {
  const r = renderValue(env, vars) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) out[k] = v === null || v === undefined ? '' : String(v);
  return out;
}

export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['yes', 'true', 'on', '1', 'y'].includes(v.trim().toLowerCase());
  return false;
}

/** A task's name as shown: rendered with the first host's vars when it holds a template. */
export function taskDisplayName(env: PlayEnv, task: Task, h: HostRuntime, scope: Scope): string {
  const raw = task.name ?? task.module;
  let name = raw;
  if (raw.includes('{{')) {
    // A secret in the name is shown masked (the event is masked on its way out), the rest as is.
    try { name = String(revealSecrets(renderValue(raw, varsFor(env.pvc, h, scope, task.vars)), env.secrets)); } catch { /* show it as written */ }
  }
  return scope.role ? `${scope.role.name} : ${name}` : name;
}
