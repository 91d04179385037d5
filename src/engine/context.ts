import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { FactChangedError, type FactDef } from '../facts/types.js';
import type { Action, AnyModule, ApplyContext, ChangePlan, ExecAction, PlanContext } from '../modules/types.js';
import { ActionFailed } from '../modules/types.js';
import { findLocalFile } from '../playbook/local-files.js';
import type { RoleInstance } from '../playbook/model.js';
import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';
import { evalCondition, evalExpression, renderTemplateText } from '../template/index.js';
import { fileBytes } from '../vault/files.js';
import { runAction } from '../transport/actions.js';
import type { BecomeSpec, Connection, ExecResult } from '../transport/connection.js';
import { batchScript, newMarker, splitBatch } from '../transport/batch-script.js';
import { FactCache, fileAnswers, planReads, readThroughBatch, type FactBatch, type Read } from './fact-batch.js';
import { CONTENT_LIMIT, fileContentFact, fileFact, normalizeFilePath } from '../facts/file.js';
import type { GivenFacts, HostFactReader } from './fact-overlay.js';
import type { HostRuntime } from './runtime.js';

/** How a task reaches its host: a lazily opened connection, privilege and environment. */
export interface Reach {
  readonly connection: () => Promise<Connection>;
  readonly become: BecomeSpec | undefined;
  readonly env: Readonly<Record<string, string>> | undefined;
}

export interface ContextInputs {
  readonly host: HostRuntime;
  /** The host whose facts (and overlay) the task reads: the delegate when delegating. */
  readonly factHost: HostRuntime;
  readonly reach: Reach;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly check: boolean;
  readonly diff: boolean;
  readonly loc: Loc | undefined;
  readonly role: RoleInstance | undefined;
  readonly playbookDir: string;
  /** Counts execs this task sends (round trips). */
  readonly counter: { execs: number };
  /** Facts of the host given as data instead of read (module fixtures); unset: every fact is read. */
  readonly givenFacts?: GivenFacts | undefined;
  /** When the task's `timeout:` runs out (ms since the epoch): every command gets what is left. */
  readonly deadline?: { readonly at: number; readonly seconds: number } | undefined;
  /**
   * Secrets of this task: `seen` is set when its params, its template or its source file held
   * one (its content diffs are then withheld); revealed texts go to `sink` for masking.
   */
  readonly secrets?: { seen: boolean; readonly sink: Set<string> } | undefined;
  /** Facts read ahead for the host's next tasks, many in one exec (fact-batch.ts); unset: each read is its own exec. */
  readonly batch?: FactBatch | undefined;
}

/** The task ran out of its `timeout:`. */
export function taskTimeout(seconds: number): K8sbmError {
  return new K8sbmError('K8SBM_TASK_TIMEOUT', `the task took longer than its timeout of ${seconds}s; its commands were stopped on the node`, {
    hint: 'raise timeout: if the work is slow but sound, or find out why the command hangs',
  });
}

/** What is left of the task's time for the next command, in ms; none left is K8SBM_TASK_TIMEOUT. */
function timeLeft(i: ContextInputs): number | undefined {
  if (!i.deadline) return undefined;
  const left = i.deadline.at - Date.now();
  if (left <= 0) throw taskTimeout(i.deadline.seconds);
  return left;
}

/** How often a fact is read when what it reads keeps changing under it. */
const READ_ATTEMPTS = 3;

export function makePlanContext(i: ContextInputs): PlanContext {
  const exec = async (argv: readonly string[], opts?: { stdin?: string; cwd?: string }): Promise<ExecResult> => {
    const conn = await i.reach.connection();
    i.counter.execs++;
    return conn.exec({ argv, stdin: opts?.stdin, cwd: opts?.cwd, become: i.reach.become, env: i.reach.env, timeoutMs: timeLeft(i), light: true });
  };
  const alone = (read: Read): Promise<ExecResult> => (i.batch ? readThroughBatch(i.batch, read, exec) : exec(read.def.argv(read.arg)));
  // Reads of a fact that answers many at once (FactDef.many), issued in the same turn (a plan's
  // Promise.all), go to the host as one command: labelling three nodes is one kubectl get.
  // A read alone goes as before (through the facts read ahead, when there are).
  let gathered: { read: Read; settle: (p: Promise<ExecResult>) => void }[] | undefined;
  const sendGathered = (): void => {
    const reads = gathered!;
    gathered = undefined;
    const groups = new Map<unknown, typeof reads>();
    for (const r of reads) {
      const g = groups.get(r.read.def.many);
      if (g) g.push(r); else groups.set(r.read.def.many, [r]);
    }
    for (const g of groups.values()) {
      if (g.length === 1) { g[0]!.settle(alone(g[0]!.read)); continue; }
      const many = g[0]!.read.def.many!(g.map((r) => r.read.arg));
      const parts = exec(many.argv).then((res) => many.split(res));
      // An answer the command could not give (undefined) is read on its own.
      g.forEach((r, k) => r.settle(parts.then((p) => p[k] ?? alone(r.read))));
    }
  };
  const send = (read: Read): Promise<ExecResult> => {
    if (!read.def.many) return alone(read);
    return new Promise<ExecResult>((resolve, reject) => {
      if (!gathered) {
        gathered = [];
        setImmediate(sendGathered);
      }
      gathered.push({ read, settle: (p) => p.then(resolve, reject) });
    });
  };
  const fromHost: HostFactReader = async <A, T>(def: FactDef<A, T>, arg: A): Promise<T> => {
    const given = i.givenFacts?.(def.name, def.key(arg));
    if (given !== undefined) return given as T;
    // A file written while it was read is read again; the third time it stands.
    for (let attempt = 1; ; attempt++) {
      try {
        return def.parse(await send({ def: def as FactDef<unknown, unknown>, arg: arg as unknown }), arg);
      } catch (e) {
        if (!(e instanceof FactChangedError) || attempt >= READ_ATTEMPTS) throw e;
      }
    }
  };
  return {
    host: i.host.name,
    check: i.check,
    diff: i.diff,
    become: i.reach.become,
    loc: i.loc,
    vars: i.vars,
    fact: (def, arg) => (i.check ? i.factHost.overlay.read(def, arg, fromHost) : fromHost(def, arg)),
    probe: exec,
    findLocal: (kind, path) => findLocalFile(kind, path, i.role, i.playbookDir, i.loc),
    readLocal: async (p) => {
      const r = fileBytes(p, await readFile(p));
      if (r.vaulted && i.secrets) {
        i.secrets.seen = true;
        const t = r.data.toString('utf8').trim();
        if (t) i.secrets.sink.add(t);
      }
      return r.data;
    },
    renderTemplate: (text, file) => {
      const r = renderTemplateText(text, i.vars, { file });
      if (r.secrets.length && i.secrets) {
        i.secrets.seen = true;
        for (const x of r.secrets) i.secrets.sink.add(x);
      }
      return r.text;
    },
    evalCondition: (cond, loc) => evalCondition(cond, i.vars, loc ?? i.loc),
    evaluate: (expr, loc) => evalExpression(expr, i.vars, loc ?? i.loc),
  };
}

/**
 * A file's state right after an upload put it in place: its `stat` line, read in the upload's
 * own exec, and the content the upload wrote.
 */
interface ReadBackResult {
  readonly path: string;
  readonly stat: string;
  readonly content: Buffer;
}

/**
 * `readBacks`: with facts read ahead, an upload also reads its file's new state (the file fact,
 * in the same exec), so the next tasks that read that file need no exec of their own. Only the
 * apply's last action counts: an action after the upload may change the file again.
 */
export function makeApplyContext(i: ContextInputs, readBacks?: ReadBackResult[], readsAfter?: ReadsAfter[]): ApplyContext {
  return {
    host: i.host.name,
    loc: i.loc,
    async run(action: Action, opts?: { readonly last?: boolean }): Promise<ExecResult> {
      const conn = await i.reach.connection();
      i.counter.execs++;
      if (readBacks) readBacks.length = 0;
      const withEnv: Action = action.kind === 'exec' && i.reach.env ? { ...action, env: { ...i.reach.env, ...action.env } } : action;
      if (opts?.last && readsAfter && i.batch && withEnv.kind === 'exec' && action.kind === 'exec' && readsCanFollow(action)) {
        const res = await runWithReadsAfter(i, i.batch, conn, action, withEnv, readsAfter);
        if (res) return res;
      }
      const back = readBacks && action.kind === 'upload' ? { marker: newMarker() } : undefined;
      const res = await runAction(conn, withEnv, i.reach.become, timeLeft(i), back);
      if (!back || action.kind !== 'upload') return res;
      const at = res.stdout.indexOf(`\n${back.marker}\n`);
      if (at < 0) return res;
      const content = typeof action.content === 'string' ? Buffer.from(action.content, 'utf8') : action.content;
      readBacks!.push({ path: normalizeFilePath(action.dest), stat: res.stdout.slice(at + back.marker.length + 2), content });
      return { ...res, stdout: res.stdout.slice(0, at) };
    },
  };
}

/** Facts read right after a change's last command, in its exec: filed once the change dropped what it may have changed. */
interface ReadsAfter {
  readonly reads: readonly Read[];
  readonly answers: readonly (ExecResult | undefined)[];
}

/**
 * A playbook's command whose exec may carry reads after it: nothing on stdin, no folder or
 * environment of its own (the reads would run in them too).
 */
function readsCanFollow(a: ExecAction): boolean {
  return !a.light && a.stdin === undefined && a.cwd === undefined && (a.env === undefined || Object.keys(a.env).length === 0);
}

/**
 * A change's last command with the facts the next tasks will read after it, in one exec (a
 * command may change anything, so whatever was read before it is dropped, and the next task
 * would otherwise read them again in an exec of its own). The command runs as the program it
 * names, its output framed like any command of a batch (batch-script.ts), its result its own:
 * stdout, stderr and exit code as it would be alone (a signal as the shell reports it, 128+n).
 * Undefined when there is nothing to read or the script would be too long: the command then
 * runs alone. When the reads do not come back whole, the command's result still does.
 */
async function runWithReadsAfter(i: ContextInputs, b: FactBatch, conn: Connection, action: ExecAction, withEnv: ExecAction, out: ReadsAfter[]): Promise<ExecResult | undefined> {
  // The command may change anything: what was read before it goes now, so that the plans looked
  // ahead at do not take it for known (and leave it out of the reads after the command). As
  // for any new batch, the window grows back first when the last one was used whole.
  b.cache.batched();
  b.cache.clear();
  const byKey = new Map<string, Read>();
  for (const r of await b.discover()) {
    const k = FactCache.keyOf(b.reachKey, r.def.argv(r.arg));
    if (!byKey.has(k)) byKey.set(k, r);
  }
  const reads = [...byKey.values()];
  if (reads.length === 0) return undefined;
  const plan = planReads(reads);
  const marker = newMarker();
  const script = batchScript([action.argv, ...plan.argvs], marker, { firstAsIs: true });
  if (script === undefined) return undefined;
  let res: ExecResult;
  try {
    res = await runAction(conn, { ...withEnv, argv: ['sh', '-c', script], okCodes: undefined }, i.reach.become, timeLeft(i));
  } catch (e) {
    if (e instanceof ActionFailed) throw new ActionFailed(action, commandPart(e.result, marker));
    throw e;
  }
  const parts = splitBatch(res, plan.argvs.length + 1, marker);
  const own = parts?.[0] ?? commandPart(res, marker);
  if (parts) out.push({ reads, answers: plan.answers(parts.slice(1)) });
  if (own.code === null || !(action.okCodes ?? [0]).includes(own.code)) throw new ActionFailed(action, own);
  return own;
}

/**
 * The command's own result from a batch that did not come back whole: its framed part when it
 * finished, else what it wrote before any frame, with the exec's exit.
 */
function commandPart(res: ExecResult, marker: string): ExecResult {
  const framed = splitBatch({ ...res, code: 0, signal: null }, 1, marker)?.[0];
  if (framed) return framed;
  const cut = (s: string, tag: string): string => (s.includes(tag) ? s.slice(0, s.indexOf(tag)) : s);
  return { ...res, stdout: cut(res.stdout, `\n${marker} 0 `), stderr: cut(res.stderr, `\n${marker} 0\n`) };
}

/**
 * A read-back filed as the answers the file fact (hash only) and the file fact with content would
 * give: the stat line as read, the hash and content of what was written. Nothing is filed when
 * the stat does not show a regular file of that size (something else wrote it meanwhile).
 */
function fileReadBack(b: FactBatch, r: ReadBackResult): void {
  const lines = r.stat.split('\n').filter(Boolean);
  const m = /^8[0-9a-f]{3} \d+ \d+ (\d+) /.exec(lines[0] ?? '');
  if (!m || Number(m[1]) !== r.content.length) return;
  const readable = lines[1] !== 'readable=0';
  const head = `k8sbm-file 1\nparent=1\nstat=${lines[0]}\n`;
  const meta = readable ? `${head}sha256=${createHash('sha256').update(r.content).digest('hex')}\n` : `${head}readable=0\n`;
  const full = readable && r.content.length <= CONTENT_LIMIT ? `${meta}content=\n${r.content.toString('base64')}\n` : meta;
  for (const [def, stdout] of [[fileContentFact, full], [fileFact, meta]] as const) {
    // Marked used: an answer nobody asked for ahead of time must not shrink the look-ahead window.
    b.cache.put(FactCache.keyOf(b.reachKey, def.argv(r.path)), def.name, def.key(r.path), { code: 0, signal: null, stdout, stderr: "" }, true);
  }
}

export { ActionFailed };

/**
 * What a planned change becomes: in check mode its predicted effects, folded into the fact host's
 * overlay for the tasks after it; otherwise the module's apply (default: its actions in order).
 * Returns what apply adds to the registered result.
 */
export async function carryOut(module: AnyModule, plan: ChangePlan, params: Record<string, unknown>, i: ContextInputs): Promise<Record<string, unknown> | void> {
  if (plan.actions.length === 0) throw new Error('module returned a change with no actions');
  if (i.check) {
    i.factHost.overlay.predict(plan.effects);
    return undefined;
  }
  if (i.host.beforeChange) await i.host.beforeChange();
  const readBacks: ReadBackResult[] = [];
  const readsAfter: ReadsAfter[] = [];
  // Reads after the last command only for a change that drops everything read (fact-batch.ts).
  const actx = makeApplyContext(i, i.batch ? readBacks : undefined, i.batch && module.changesOnlyItsEffects !== true ? readsAfter : undefined);
  try {
    if (module.apply) return await module.apply(actx, plan, params);
    for (const a of plan.actions) await actx.run(a);
    return undefined;
  } finally {
    // Facts read ahead of this change may no longer be true (even when it failed half-way);
    // what an upload read back of its own file right after writing it is.
    i.factHost.factCache.changed(plan.effects, module.changesOnlyItsEffects === true, i.batch?.reachKey);
    if (i.batch) {
      for (const r of readBacks) fileReadBack(i.batch, r);
      for (const r of readsAfter) fileAnswers(i.batch.cache, i.batch.reachKey, r.reads, r.answers);
    }
  }
}
