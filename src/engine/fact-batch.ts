import { posix } from 'node:path';
import type { FactDef, ManyReads } from '../facts/types.js';
import type { Effect } from '../modules/types.js';
import type { ExecResult } from '../transport/connection.js';
import { missingBelowNewDirectory, type FileState } from '../facts/file.js';

import { batchScript, newMarker, splitBatch } from '../transport/batch-script.js';

/**
 * Facts read ahead, many in one exec (docs/runs.md, "Round trips: facts read ahead").
 *
 * When a task's plan reads a fact the host has not answered yet, the engine does not send that one
 * command alone: it asks the tasks ahead of it on the host (src/engine/fact-lookahead.ts) which
 * facts their plans will read, and sends all of those commands in one exec. Their answers wait
 * here until a plan asks for them, and every answer stays for later tasks (a task reading the same
 * thing twice — a retry, a wait — gets the second from the host). A task that changes the host
 * drops what it may have changed:
 * for modules that say every change they make is in their plan's effects (file, copy, template,
 * lineinfile, blockinfile) the answers about the paths they wrote, their parents and children,
 * and everything that is not a plain path fact; for any other change, everything. So does a task
 * that waited for the host to change by itself (an `until` that retried, wait_for, uri, a
 * rollout), and an answer older than a minute is read again.
 */

/** What a read-ahead answer is about: the fact and its subject (a path for `file`). */
export interface Read {
  readonly def: FactDef<unknown, unknown>;
  readonly arg: unknown;
}

interface Entry {
  readonly fact: string;
  readonly key: string;
  readonly res: ExecResult;
  readonly at: number;
  /** A task's plan has used it (not only a look ahead). */
  served: boolean;
}

/** How many tasks a batch looks ahead at most, and at least once batches were found wasted. */
export const MAX_WINDOW = 64;
const MIN_WINDOW = 4;

/** An answer older than this is read again: the host also changes by itself (services write files). */
export const MAX_AGE_MS = 60_000;

/** Facts whose subject is one path and which read nothing but that path and its ancestors. */
const PATH_FACTS: ReadonlySet<string> = new Set(['file']);

/** The answers one host gave ahead of time, by the reach (privilege, environment) and command they were read with. */
export class FactCache {
  readonly #entries = new Map<string, Entry>();

  static keyOf(reach: string, argv: readonly string[]): string {
    return `${reach}\u0000${JSON.stringify(argv)}`;
  }

  /**
   * How many tasks the next batch looks ahead: halved when a change drops answers no task used
   * (a play that changes at every task reads its facts ahead for nothing, and working out what
   * the tasks ahead will read costs the workstation their plans), doubled when a batch was used.
   */
  window = MAX_WINDOW;

  constructor(private readonly now: () => number = Date.now) {}

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  peek(key: string): ExecResult | undefined {
    const e = this.#entries.get(key);
    if (e && this.now() - e.at > MAX_AGE_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return e?.res;
  }

  /** The answer for a task's plan (marked used). */
  serve(key: string): ExecResult | undefined {
    const res = this.peek(key);
    if (res) this.#entries.get(key)!.served = true;
    return res;
  }

  put(key: string, fact: string, subject: string, res: ExecResult, served = false): void {
    this.#entries.set(key, { fact, key: subject, res, at: this.now(), served });
  }

  /** A new batch is read: the window grows back when every answer of the last one was used. */
  batched(): void {
    if ([...this.#entries.values()].every((e) => e.served)) this.window = Math.min(MAX_WINDOW, this.window * 2);
  }

  /** Forgets answers: the window is halved (once) when one of them was never used. */
  #drop(keys: readonly string[]): void {
    let wasted = false;
    for (const k of keys) {
      wasted ||= this.#entries.get(k)?.served === false;
      this.#entries.delete(k);
    }
    if (wasted) this.window = Math.max(MIN_WINDOW, Math.floor(this.window / 2));
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#drop([...this.#entries.keys()]);
  }

  /**
   * A change was made on the host. `effects` are the change's declared effects; `complete` says the
   * module names every change it makes there; `reach` is the reach the change was made with.
   * Anything the change may have touched is dropped, but for a path the answers said was missing
   * below a directory the change created: it is still missing, below the new directory
   * (missingBelowNewDirectory), when it was read with the reach that made the directory, which
   * can search it.
   */
  changed(effects: readonly Effect[], complete: boolean, reach?: string): void {
    if (this.#entries.size === 0) return;
    const paths = effects.filter((e) => PATH_FACTS.has(e.fact)).map((e) => e.key);
    if (!complete || paths.length === 0 || paths.length !== effects.length) {
      this.clear();
      return;
    }
    const gone: string[] = [];
    for (const [k, e] of this.#entries) {
      if (!PATH_FACTS.has(e.fact)) {
        gone.push(k);
        continue;
      }
      const touching = effects.filter((f) => related(f.key, e.key));
      if (touching.length === 0) continue;
      const rebased = belowNewDirectories(e, touching, reach !== undefined && k.startsWith(`${reach}\u0000`));
      if (rebased) this.#entries.set(k, { ...e, res: rebased });
      else gone.push(k);
    }
    this.#drop(gone);
  }
}

/**
 * The answer about a path once the directories `created` were made above it, when it was read
 * with the reach that made them (the same user: `mkdir -p` gives its maker u+wx on the ones it
 * makes on the way), every effect touching the path is such a directory, and the last one stays
 * its maker's (no owner given) with u+x. Undefined when the path must be read again.
 */
function belowNewDirectories(e: Entry, created: readonly Effect[], sameReach: boolean): ExecResult | undefined {
  let deepest: string | undefined;
  for (const f of created) {
    const v = f.value as FileState | undefined;
    if (!v || v.exists !== true || v.type !== 'directory' || v.mode === undefined || !e.key.startsWith(`${f.key === '/' ? '' : f.key}/`)) return undefined;
    const mode = parseInt(v.mode, 8);
    if (!sameReach || v.owner !== undefined || v.uid !== undefined || (mode & 0o100) === 0) return undefined;
    if (deepest === undefined || f.key.length > deepest.length) deepest = f.key;
  }
  return deepest === undefined ? undefined : missingBelowNewDirectory(e.res, e.key, deepest);
}

/** One path is the other, or lies below it. */
function related(a: string, b: string): boolean {
  const under = (x: string, y: string): boolean => x === y || y === '/' || x.startsWith(`${y}/`);
  return under(a, b) || under(b, a) || posix.dirname(a) === b || posix.dirname(b) === a;
}

/**
 * Reads to send in one batch: the commands, and each read's answer from their results. Reads of
 * a fact that can answer many at once (FactDef.many: the file fact) share one command.
 */
export interface ReadBatch {
  readonly argvs: readonly (readonly string[])[];
  answers(results: readonly ExecResult[]): (ExecResult | undefined)[];
}

export function planReads(reads: readonly Read[]): ReadBatch {
  const groups = new Map<unknown, number[]>();
  reads.forEach((r, i) => {
    if (!r.def.many) return;
    const g = groups.get(r.def.many);
    if (g) g.push(i); else groups.set(r.def.many, [i]);
  });
  const units: { readonly argv: readonly string[]; readonly of: readonly number[]; readonly split?: ManyReads['split'] }[] = [];
  const done = new Set<unknown>();
  reads.forEach((r, i) => {
    const g = r.def.many ? groups.get(r.def.many)! : undefined;
    if (!g || g.length < 2) {
      units.push({ argv: r.def.argv(r.arg), of: [i] });
    } else if (!done.has(r.def.many)) {
      done.add(r.def.many);
      const m = r.def.many!(g.map((j) => reads[j]!.arg));
      units.push({ argv: m.argv, of: g, split: (res) => m.split(res) });
    }
  });
  return {
    argvs: units.map((u) => u.argv),
    answers(results) {
      const out = new Array<ExecResult | undefined>(reads.length).fill(undefined);
      units.forEach((u, k) => {
        const res = results[k];
        if (!res) return;
        const parts = u.split ? u.split(res) : [res];
        u.of.forEach((j, n) => { out[j] = parts[n]; });
      });
      return out;
    },
  };
}

/** Files answers read ahead into the host's cache (every read but those left unanswered). */
export function fileAnswers(cache: FactCache, reachKey: string, reads: readonly Read[], answers: readonly (ExecResult | undefined)[]): void {
  reads.forEach((r, j) => {
    const res = answers[j];
    if (res) cache.put(FactCache.keyOf(reachKey, r.def.argv(r.arg)), r.def.name, r.def.key(r.arg), res);
  });
}

/** How a task's fact reads go through the host's read-ahead answers. */
export interface FactBatch {
  readonly cache: FactCache;
  /** The privilege and environment the task reads with: answers read otherwise are not used. */
  readonly reachKey: string;
  /**
   * What this task (this loop item, every attempt of an `until`) has read already: a second
   * read of the same thing goes to the host, so a task that waits for something sees it happen.
   */
  readonly used: Set<string>;
  /** The facts the host's next tasks will read (fact-lookahead.ts). */
  discover(): Promise<Read[]>;
}

type Exec = (argv: readonly string[]) => Promise<ExecResult>;

/**
 * The host's answer to one fact command: read ahead already, or read now together with every
 * fact the next tasks will need (one exec for all of them), or, when there is nothing to read
 * along with it or the batch did not come back whole, alone as before. Whatever is read stays
 * for the next tasks until a change may have made it untrue.
 */
export async function readThroughBatch(b: FactBatch, read: Read, exec: Exec): Promise<ExecResult> {
  const argv = read.def.argv(read.arg);
  const key = FactCache.keyOf(b.reachKey, argv);
  const again = b.used.has(key);
  b.used.add(key);
  const keep = (res: ExecResult): ExecResult => {
    b.cache.put(key, read.def.name, read.def.key(read.arg), res, true);
    return res;
  };
  if (again) return keep(await exec(argv));
  const hit = b.cache.serve(key);
  if (hit) return hit;
  b.cache.batched();
  const more = new Map<string, { read: Read; argv: readonly string[] }>();
  for (const r of await b.discover()) {
    const a = r.def.argv(r.arg);
    const k = FactCache.keyOf(b.reachKey, a);
    if (k !== key && !b.cache.has(k) && !more.has(k)) more.set(k, { read: r, argv: a });
  }
  let rest = [...more.values()].map((m) => m.read);
  if (rest.length === 0) return keep(await exec(argv));
  const marker = newMarker();
  let plan = planReads([read, ...rest]);
  let script = batchScript(plan.argvs, marker);
  while (script === undefined && rest.length > 0) {
    rest = rest.slice(0, Math.floor(rest.length / 2));
    plan = planReads([read, ...rest]);
    script = batchScript(plan.argvs, marker);
  }
  if (script === undefined || rest.length === 0) return keep(await exec(argv));
  const parts = splitBatch(await exec(['sh', '-c', script]), plan.argvs.length, marker);
  if (!parts) return keep(await exec(argv));
  const answers = plan.answers(parts);
  fileAnswers(b.cache, b.reachKey, rest, answers.slice(1));
  return keep(answers[0] ?? (await exec(argv)));
}

/** What decides how a fact reads on the host: the user it runs as and its environment. */
export function reachKeyOf(r: { readonly become: { readonly user: string; readonly method: string } | undefined; readonly env: Readonly<Record<string, string>> | undefined }): string {
  return JSON.stringify([r.become?.method ?? null, r.become?.user ?? null, r.env ?? null]);
}
