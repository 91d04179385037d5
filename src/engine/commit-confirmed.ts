import { randomBytes } from 'node:crypto';
import { isRuntimeLine, RUNTIME_HINT } from '../playbook/commit-confirmed.js';
import type { Block, CommitConfirmed, Item } from '../playbook/model.js';
import { K8sbmError } from '../source/errors.js';
import { evalCondition, renderValue } from '../template/index.js';
import type { Connection, ExecRequest } from '../transport/connection.js';
import { ARM_SCRIPT, CONFIRM_BASE, CONFIRM_SCRIPT, EXTEND_SCRIPT, RESTORE_SCRIPT, STATUS_SCRIPT } from './confirm-script.js';
import { describeError } from './failure.js';
import { varsFor } from './host-vars.js';
import { connectionSpecOf, reachFor, type PlayEnv } from './play-env.js';
import { shouldRunByTags } from './tags.js';
import { enterScope, type HostRuntime, type Scope } from './runtime.js';

/**
 * Commit-confirmed blocks (docs/commit-confirmed.md): before the block runs on a host, the node
 * snapshots the files the block writes and arms a rollback of its own; after it, the run confirms
 * only through a NEW SSH connection. A host that cannot be reached anew is left to its timer,
 * then checked, and fails with K8SBM_COMMIT_ROLLED_BACK.
 */

/** Modules whose `path`/`dest` is a file they write on the node. */
/** The modules whose tasks write a file, and where (as written: a template). */
const WRITERS: Readonly<Record<string, (args: Readonly<Record<string, unknown>>) => unknown>> = {
  copy: (a) => a.dest,
  template: (a) => a.dest,
  lineinfile: (a) => a.path ?? a.dest,
  blockinfile: (a) => a.path ?? a.dest,
  file: (a) => a.path ?? a.dest,
  nftables: (a) => a.dest ?? (typeof a.table === 'string' ? `/etc/nftables.d/${a.table}.nft` : undefined),
};

/** How long after the timer the run keeps trying to reach the node to see the rollback done. */
const AFTER_TIMER_MS = 60_000;

interface Armed {
  readonly host: HostRuntime;
  readonly dir: string;
  readonly paths: readonly string[];
  /** When the node's timer fires unless pushed back or confirmed (ms, this clock): last push + timeout. */
  deadline: number;
  /** When the deadline was last pushed back (ms). */
  pushedAt: number;
  readonly timeout: number;
  readonly runtime: readonly string[];
}

/** The block's timer on a host and its runtime lines: literal, or rendered with the host's variables. */
function settingsFor(env: PlayEnv, cc: CommitConfirmed, scope: Scope, h: HostRuntime): { timeout: number; runtime: string[] } {
  const vars = varsFor(env.pvc, h, scope);
  let timeout = cc.timeout;
  if (cc.timeoutTemplate !== undefined) {
    const v = renderValue(cc.timeoutTemplate, vars, cc.loc);
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 1) {
      throw new K8sbmError('K8SBM_KEYWORD_INVALID', `commit_confirmed timeout ${cc.timeoutTemplate} is ${JSON.stringify(v)} on ${h.name}, not a whole number of seconds of at least 1`, { loc: cc.loc, hint: 'give the variable a whole number of seconds (60)' });
    }
    timeout = n;
  }
  const runtime = cc.runtime.map((r) => String(renderValue(r, vars, cc.loc)));
  for (const r of runtime) {
    if (!isRuntimeLine(r)) {
      throw new K8sbmError('K8SBM_KEYWORD_INVALID', `commit_confirmed runtime "${r}" is not known (on ${h.name})`, { loc: cc.loc, hint: RUNTIME_HINT });
    }
  }
  return { timeout, runtime };
}

type Runner = (hosts: readonly HostRuntime[]) => Promise<void>;

/** Runs `body` on the hosts under the block's commit_confirmed, or as is without one. */
export async function withCommitConfirmed(env: PlayEnv, block: Block, scope: Scope, hosts: readonly HostRuntime[], body: Runner): Promise<void> {
  const cc = block.commitConfirmed;
  // No task of the block runs with this run's tags (-t firewall and the sshd block): nothing to guard.
  if (!cc || !anySelected(env, block.block, scope.tags)) return body(hosts);
  const id = randomBytes(6).toString('hex');
  const task = `commit confirmed${block.name ? `: ${block.name}` : ''}`;
  const check = scope.checkMode ?? env.check;
  const emit = (h: HostRuntime, status: 'ok' | 'changed' | 'failed' | 'unreachable', msg: string, extra: { code?: string; hint?: string; detail?: string[]; predicted?: boolean } = {}): void => {
    env.emit({ event: 'task_result', host: h.name, task, module: 'commit_confirmed', file: cc.loc.file, line: cc.loc.line, status, msg, durationMs: 0, ...extra });
    if (status === 'failed' || status === 'unreachable') {
      if (status === 'failed') { if (!h.failed) h.counts.failed++; h.failed = true; } else { h.counts.unreachable++; h.unreachable = true; }
      env.recordFailure(h.name, task, cc.loc, msg);
    }
  };
  const announce = (): void => env.emit({ event: 'task_start', task, module: 'commit_confirmed', file: cc.loc.file, line: cc.loc.line, hosts: hosts.map((h) => h.name), handler: false });
  if (check) {
    // Said after the block planned, so each host's line tells whether it would be guarded at all.
    const applies = hosts.filter((x) => blockApplies(env, scope, x, cc));
    const before = new Map(applies.map((h) => [h, h.counts.changed]));
    await body(hosts);
    announce();
    for (const h of applies) {
      const paths = safePaths(env, block, cc, scope, h);
      let timeout: number;
      let runtime: string[];
      try {
        ({ timeout, runtime } = settingsFor(env, cc, scope, h));
      } catch (e) {
        const d = describeError(e, cc.loc, env.pvc.verbosity);
        emit(h, 'failed', d.msg, { code: d.code, hint: d.hint, detail: d.detail });
        continue;
      }
      // ok, as in a run: the changes are the block's tasks' own; this line says how they would be guarded.
      if (h.counts.changed > before.get(h)!) {
        emit(h, 'ok', `would apply the changes above under commit-confirmed: snapshot ${describePaths(paths, runtime)}, arm a ${timeout} s rollback timer on the node, then confirm through a new SSH connection`, { predicted: true });
      } else {
        emit(h, 'ok', `would snapshot ${describePaths(paths, runtime)} and arm a ${timeout} s rollback timer on the node; the block plans no change`, { predicted: true });
      }
    }
    return;
  }
  announce();
  const armed: Armed[] = [];
  // A host for which the block's `when` is false skips every task: nothing to guard there.
  const guarded = hosts.filter((h) => blockApplies(env, scope, h, cc));
  // Armed just before the block's first change on the host (a block that changes nothing arms
  // nothing and needs no confirmation); a failure to arm fails that task before it changes anything.
  const arm = async (h: HostRuntime): Promise<void> => {
    const paths = collectPaths(env, block, cc, scope, h);
    const { timeout, runtime } = settingsFor(env, cc, scope, h);
    const dir = `${CONFIRM_BASE}/${id}`;
    const lines = cc.restore.map((l) => String(renderValue(l, varsFor(env.pvc, h, scope), cc.loc)));
    const r = await rootExec(env, h, scope, await connectionOf(env, h, scope), {
      argv: ['sh', '-c', ARM_SCRIPT, 'k8sbm-confirm-arm', dir, id, String(timeout), RESTORE_SCRIPT, lines.join('\n'), runtime.join('\n'), ...paths],
    });
    if (r.code !== 0) throw new K8sbmError('K8SBM_COMMIT_ARM_FAILED', `${h.name}: could not arm the rollback: ${r.stderr.trim() || `exit ${r.code}`}`, { loc: cc.loc, hint: 'commit_confirmed needs root on the node (become: true) and regular files in paths' });
    armed.push({ host: h, dir, paths, deadline: Date.now() + timeout * 1000, pushedAt: Date.now(), timeout, runtime });
    emit(h, 'ok', `snapshot of ${describePaths(paths, runtime)} taken; the node rolls back in ${timeout} s unless confirmed (${r.stdout.trim()})`);
  };
  const outer = new Map(guarded.map((h) => [h, h.beforeChange]));
  for (const h of guarded) {
    let once: Promise<void> | undefined;
    const previous = h.beforeChange;
    h.beforeChange = async () => {
      if (previous) await previous();
      once ??= arm(h);
      await once;
    };
  }
  // While the block runs, every armed host's timer is pushed back through the run's connection:
  // on 200 hosts a block can outlast its timeout before it ends everywhere, and the nodes would
  // roll back changes the run has not yet had the chance to confirm.
  // It goes on for each host until that host's confirmation has dialled (below): the run caps
  // its handshakes in progress, and a confirmation waiting for its turn is not the node's delay.
  const keeper = keepArmed(env, scope, armed);
  let confirming = false;
  try {
    await body(hosts);
    confirming = !env.signal?.aborted;
  } finally {
    if (!confirming) await keeper.stop();
    for (const [h, previous] of outer) h.beforeChange = previous;
  }
  for (const h of guarded) {
    if (!armed.some((a) => a.host === h) && !h.failed && !h.unreachable) emit(h, 'ok', 'the block changed nothing: no rollback armed, nothing to confirm');
  }
  if (env.signal?.aborted) {
    // A stopped run confirms nothing: what the block got through is undone by the nodes.
    if (armed.length) env.emit({ event: 'warning', msg: `the run was stopped inside a commit-confirmed block: not confirmed; ${armed.map((a) => a.host.name).join(', ')} roll back by themselves within ${Math.max(...armed.map((a) => a.timeout))} s`, file: cc.loc.file, line: cc.loc.line });
    return;
  }
  try {
    await Promise.all(armed.map((a) => confirm(env, a, cc, scope, id, emit, () => keeper.release(a))));
  } finally {
    await keeper.stop();
  }
}

/** `dialled` is called once the new connection is up or has failed: the deadline stops moving then. */
async function confirm(env: PlayEnv, a: Armed, cc: CommitConfirmed, scope: Scope, id: string, emit: (h: HostRuntime, status: 'ok' | 'failed' | 'unreachable', msg: string, extra?: { code?: string; hint?: string; detail?: string[] }) => void, dialled: () => void): Promise<void> {
  const h = a.host;
  // A host that failed in the block is still confirmed when it can be reached anew: the failure
  // is the task's, and the node keeps what was applied, as without commit_confirmed.
  const wasFailed = h.failed;
  const wasUnreachable = h.unreachable;
  const probe = cc.probe.map((l) => String(renderValue(l, varsFor(env.pvc, h, scope), cc.loc))).join('\n');
  // When the confirmation began: before its new connection waited for its turn and dialled (a
  // dial that fails and retries can outlast the timer: the node then rolled back meanwhile).
  const started = Date.now();
  const first = await freshExec(env, h, scope, ['sh', '-c', CONFIRM_SCRIPT, 'k8sbm-confirm', a.dir, id, probe], dialled);
  if (first.ok && first.stdout.trim() === 'confirmed') {
    if (!wasFailed && !wasUnreachable) emit(h, 'ok', `confirmed through a new SSH connection${probe ? ' (the probe passed)' : ''}; rollback timer cancelled, snapshot removed`);
    return;
  }
  const [head = '', ...probeOut] = first.ok ? first.stdout.trim().split('\n') : [];
  const why = !first.ok ? `a new SSH connection failed: ${first.error}`
    : head === 'probe-failed' ? `the probe failed${probeOut.length ? `: ${probeOut.join(' | ')}` : ''}`
    : started >= a.deadline
      ? `the rollback timer fired before its confirmation began (its deadline could not be pushed back: ${head})`
      : `no new SSH connection got through before the rollback timer fired: the node could not be reached until it rolled back (${head})`;
  // Not confirmed: the node restores by itself when its timer fires. Wait for it, then look (the
  // deadline is read each time: a push sent before the block ended may still land).
  let last = why;
  for (;;) {
    const timerEnd = a.deadline;
    const wait = Math.min(Math.max(timerEnd - Date.now(), 0) + 1000, 5000);
    if (Date.now() < timerEnd + 1000) { await env.sleep(wait); continue; }
    const st = await freshExec(env, h, scope, ['sh', '-c', STATUS_SCRIPT, 'k8sbm-confirm-status', a.dir]);
    if (st.ok) {
      const [state, ...log] = st.stdout.trim().split('\n');
      if (state === 'rolled-back') {
        h.unreachable = false;
        emit(h, 'failed', `${h.name}: rolled back by the node after ${a.timeout} s: ${why}; restored ${describePaths(a.paths, a.runtime)}${cc.restore.length ? ' and ran the restore lines' : ''}`, {
          code: 'K8SBM_COMMIT_ROLLED_BACK',
          hint: 'the block cut new SSH connections to the node (firewall, sshd or network change?) or its probe failed; its changes were undone; fix the block and run again',
          detail: log.filter(Boolean).map((l) => `rollback: ${l}`),
        });
        return;
      }
      last = `the node says ${state}`;
    } else last = st.error;
    if (Date.now() >= a.deadline + AFTER_TIMER_MS) break;
    await env.sleep(1000);
  }
  emit(h, 'unreachable', `${h.name}: not confirmed (${why}) and the rollback could not be seen ${AFTER_TIMER_MS / 1000} s after the timer: ${last}`, {
    code: 'K8SBM_COMMIT_UNCONFIRMED',
    hint: `check the node by hand: its snapshot is in ${a.dir} (restore with sh ${a.dir}/restore ${a.dir})`,
  });
}

/**
 * Pushes each armed host's rollback deadline back to now + its timeout, every third of the
 * timeout, until released for that host (its confirmation's new connection is up or failed) or
 * stopped (the run was stopped, or every confirmation is over). Through the run's own connection, in the host shell
 * (waiting for it when busy rather than taking a channel): that connection surviving proves
 * nothing about new ones, so pushing back only delays a rollback, never cancels it; the
 * confirmation after the block still needs a new connection. A push that fails is left to the
 * timer: a host the run can no longer reach rolls back on time.
 */
function keepArmed(env: PlayEnv, scope: Scope, armed: readonly Armed[]): { release(a: Armed): void; stop(): Promise<void> } {
  let stopped = false;
  const released = new Set<Armed>();
  let wake: (() => void) | undefined;
  const pushing = new Set<Armed>();
  const push = async (a: Armed, every: number): Promise<void> => {
    pushing.add(a);
    const sent = Date.now();
    try {
      const conn = await connectionOf(env, a.host, scope);
      const r = await rootExec(env, a.host, scope, conn, { argv: ['sh', '-c', EXTEND_SCRIPT, 'k8sbm-confirm-extend', a.dir, String(a.timeout)], light: true, patient: every });
      if (r.code === 0 && r.stdout.trim() === 'extended') { a.pushedAt = sent; a.deadline = sent + a.timeout * 1000; }
    } catch { /* left to the timer */ } finally {
      pushing.delete(a);
    }
  };
  // A push still in flight at the end is not waited for (its connection may hang): it lands or
  // not, and moves `deadline`, which the confirmation reads as it goes.
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((r) => { const t = setTimeout(r, 1000); wake = () => { clearTimeout(t); r(); }; });
      if (stopped) break;
      const now = Date.now();
      for (const a of armed) {
        const every = Math.max(1000, (a.timeout * 1000) / 3);
        if (!pushing.has(a) && !released.has(a) && !a.host.unreachable && now - a.pushedAt >= every) void push(a, every);
      }
    }
  })();
  return { release(a) { released.add(a); }, async stop() { stopped = true; wake?.(); await loop; } };
}

/** One command on a new connection (never the run's pooled one), closed afterwards; `dialled` once it is up or failed. */
async function freshExec(env: PlayEnv, h: HostRuntime, scope: Scope, argv: string[], dialled?: () => void): Promise<{ ok: true; stdout: string } | { ok: false; error: string }> {
  const vars = varsFor(env.pvc, h, scope);
  const conn = env.connections.fresh(connectionSpecOf(h.name, vars));
  try {
    try {
      await conn.connect();
    } finally {
      dialled?.();
    }
    const r = await rootExec(env, h, scope, conn, { argv, timeoutMs: 30_000 });
    if (r.code !== 0) return { ok: false, error: `exit ${r.code}: ${r.stderr.trim()}` };
    return { ok: true, stdout: r.stdout };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function connectionOf(env: PlayEnv, h: HostRuntime, scope: Scope): Promise<Connection> {
  return env.connections.get(connectionSpecOf(h.name, varsFor(env.pvc, h, scope)));
}

/** Root on the node: through sudo when the block (or the host) becomes, else as the login. */
function rootExec(env: PlayEnv, h: HostRuntime, scope: Scope, conn: Connection, req: ExecRequest): ReturnType<Connection['exec']> {
  const vars = varsFor(env.pvc, h, scope);
  const { reach } = reachFor(env, h, { ...scope, delegateTo: undefined, becomeUser: 'root' }, vars);
  return conn.exec({ ...req, become: reach.become });
}

function blockApplies(env: PlayEnv, scope: Scope, h: HostRuntime, cc: CommitConfirmed): boolean {
  if (scope.when.length === 0) return true;
  try { return evalCondition(scope.when, varsFor(env.pvc, h, scope), cc.loc); } catch { return true; }
}

function safePaths(env: PlayEnv, block: Block, cc: CommitConfirmed, scope: Scope, h: HostRuntime): string[] {
  try { return collectPaths(env, block, cc, scope, h); } catch { return [...cc.paths]; }
}

/** The declared paths, then the files the block's tasks write (path/dest of file modules). */
export function collectPaths(env: PlayEnv, block: Block, cc: CommitConfirmed, scope: Scope, h: HostRuntime): string[] {
  const base = varsFor(env.pvc, h, scope);
  const out = cc.paths.map((p) => String(renderValue(p, base, cc.loc)));
  const walk = (items: readonly Item[], s: Scope): void => {
    for (const item of items) {
      if (item.kind === 'block') { const inner = enterScope(s, item, { role: item.role }); walk(item.block, inner); walk(item.rescue, inner); walk(item.always, inner); continue; }
      const writes = item.kind === 'task' ? WRITERS[item.module] : undefined;
      if (item.kind !== 'task' || !writes || item.loop !== undefined) continue;
      const raw = writes(item.args);
      if (typeof raw !== 'string') continue;
      if (item.module === 'file' && typeof item.args.state === 'string' && !['file', 'absent', 'touch'].includes(item.args.state)) continue;
      try {
        const p = String(renderValue(raw, varsFor(env.pvc, h, s, item.vars), item.loc));
        if (p.startsWith('/')) out.push(p);
      } catch { /* a path only known at run time: declare it in commit_confirmed.paths */ }
    }
  };
  walk(block.block, scope);
  return [...new Set(out)];
}

/** Whether a task of the items runs with the run's tags (an include counts by its own tags). */
function anySelected(env: PlayEnv, items: readonly Item[], tags: readonly string[]): boolean {
  for (const it of items) {
    const t = [...new Set([...tags, ...it.tags])];
    if (it.kind === 'block' ? anySelected(env, [...it.block, ...it.rescue, ...it.always], t) : shouldRunByTags(t, env.tags)) return true;
  }
  return false;
}

/** "/etc/a, the live ruleset": the files, then the runtime state (`nft`, `nft table inet k8sbm`). */
function describePaths(paths: readonly string[], runtime: readonly string[] = []): string {
  const globs = runtime.filter((r) => r.startsWith('files ')).map((r) => r.slice(6));
  const live = [
    ...runtime.filter((r) => !r.startsWith('files ')).map((r) => (r === 'nft' ? 'the live nft ruleset'
      : r.startsWith('links ') ? `the live state of ${r.slice(6).split(' ').join(', ')}`
      : `the live ${r.replace(/^nft /, '')}`)),
    ...(globs.length ? [`the files matching ${globs.join(' ')}`] : []),
  ];
  if (paths.length === 0) return live.length ? live.join(', ') : 'no files';
  const files = paths.length > 4 ? `${paths.slice(0, 4).join(', ')} and ${paths.length - 4} more` : paths.join(', ');
  return [files, ...live].join(', ');
}
