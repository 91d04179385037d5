import type { Task } from '../playbook/model.js';

/**
 * The handler journal of a host: handlers notified and not yet run, one JSON object a line, so
 * that a run that fails after a change still has its handlers run by the next run. An entry holds
 * the handler's name as written in the playbook (never rendered: no variable's value, so never a
 * secret), the run that notified it and when.
 */
export interface JournalEntry {
  /** `role : name` for a role's handler, the name for a play's, the topic for an unnamed listener. */
  readonly handler: string;
  readonly run: string;
  /** ISO time of the notification (the controller's clock: it is shown, never compared). */
  readonly at: string;
  readonly by: string;
}

export interface Journal {
  readonly entries: readonly JournalEntry[];
  /** Lines that are not entries (a newer k8sbm's, or damaged): kept as they are. */
  readonly other: readonly string[];
}

export function parseJournal(lines: readonly string[]): Journal {
  const entries: JournalEntry[] = [];
  const other: string[] = [];
  for (const line of lines) {
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (o && typeof o.handler === 'string' && o.handler !== '') {
        entries.push({ handler: o.handler, run: String(o.run ?? ''), at: String(o.at ?? ''), by: String(o.by ?? '') });
        continue;
      }
    } catch { /* kept below */ }
    other.push(line);
  }
  return { entries, other };
}

export function serializeJournal(j: Journal): string {
  const lines = [...j.entries.map((e) => JSON.stringify({ handler: e.handler, run: e.run, at: e.at, by: e.by })), ...j.other];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Adds entries for handlers not pending yet (the first notification of a handler stands). */
export function addEntries(j: Journal, handlers: readonly string[], from: Omit<JournalEntry, 'handler'>): Journal {
  const have = new Set(j.entries.map((e) => e.handler));
  const added: JournalEntry[] = [];
  for (const h of handlers) {
    if (have.has(h)) continue;
    have.add(h);
    added.push({ handler: h, ...from });
  }
  return added.length ? { entries: [...j.entries, ...added], other: j.other } : j;
}

export function removeEntries(j: Journal, handlers: ReadonlySet<string>): Journal {
  const entries = j.entries.filter((e) => !handlers.has(e.handler));
  return entries.length === j.entries.length ? j : { entries, other: j.other };
}

/** The names a handler answers to: its name, its listen topics, and `role : name` for a role's. */
export function handlerNames(t: Task): string[] {
  const names = [t.name ?? '', ...t.listen].filter(Boolean);
  if (t.role && t.name) names.push(`${t.role.name} : ${t.name}`);
  return names;
}

/** How the journal names a handler: `role : name`, the name, or (unnamed) the topic it was notified by. */
export function handlerId(t: Task, notifiedBy: string): string {
  if (!t.name) return notifiedBy;
  return t.role ? `${t.role.name} : ${t.name}` : t.name;
}

/** The journal names of the handlers a task's notify reaches (names that reach none are left out). */
export function notifiedHandlerIds(handlers: readonly Task[], notify: readonly string[]): string[] {
  const ids: string[] = [];
  for (const n of notify) {
    for (const h of handlers) if (handlerNames(h).includes(n) && !ids.includes(handlerId(h, n))) ids.push(handlerId(h, n));
  }
  return ids;
}
