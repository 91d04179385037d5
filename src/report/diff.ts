import { lazyRequire } from '../util/lazy.js';
import type { Diff } from '../contract/actions.js';
import { isSecret } from '../util/secret.js';
import { assertNever } from '../util/assert-never.js';
import { createChalk, type ChalkInstance } from './color.js';

const diffPackage = lazyRequire<typeof import('diff')>('diff');

/** One line of a rendered diff, tagged so colour is applied by role and not by sniffing text. */
export interface DiffLine {
  readonly role: 'old-header' | 'new-header' | 'hunk' | 'removed' | 'added' | 'context' | 'note';
  readonly text: string;
}

const CONTEXT_LINES = 3;

/** A diff as unified-diff text (no trailing newline). */
export function renderDiff(d: Diff, opts: { color: boolean }): string {
  const chalk = createChalk(opts.color);
  return diffLines(d).map((l) => paintDiffLine(l, chalk)).join('\n');
}

export function diffLines(d: Diff): DiffLine[] {
  switch (d.kind) {
    case 'text':
      return textDiffLines(d.subject, d.before, d.after, d.note);
    case 'state':
      return stateDiffLines(d.subject, d.before, d.after);
    default:
      return assertNever(d, 'diff kind');
  }
}

function textDiffLines(subject: string, before: string | null, after: string | null, note: string | undefined): DiffLine[] {
  const lines: DiffLine[] = [
    { role: 'old-header', text: `--- before: ${subject}${before === null ? ' (absent)' : ''}` },
    { role: 'new-header', text: `+++ after: ${subject}${after === null ? ' (absent)' : ''}` },
  ];
  // Binary or oversized content: the text fields hold a note, so print the note, not bytes.
  if (note !== undefined) {
    lines.push({ role: 'note', text: note });
    return lines;
  }
  const { createTwoFilesPatch, OMIT_HEADERS } = diffPackage();
  const patch = createTwoFilesPatch(subject, subject, before ?? '', after ?? '', undefined, undefined, {
    context: CONTEXT_LINES,
    headerOptions: OMIT_HEADERS,
  });
  const body = patch.split('\n');
  if (body[body.length - 1] === '') body.pop();
  if (body.length === 0) {
    lines.push({ role: 'note', text: before === after ? '(no change in content)' : '(no textual difference)' });
    return lines;
  }
  for (const text of body) lines.push({ role: roleOfPatchLine(text), text });
  return lines;
}

function roleOfPatchLine(text: string): DiffLine['role'] {
  switch (text[0]) {
    case '@': return 'hunk';
    case '-': return 'removed';
    case '+': return 'added';
    case '\\': return 'note';
    default: return 'context';
  }
}

function stateDiffLines(
  subject: string,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): DiffLine[] {
  const lines: DiffLine[] = [
    { role: 'old-header', text: `--- before: ${subject}` },
    { role: 'new-header', text: `+++ after: ${subject}` },
  ];
  const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.hasOwn(before, k))];
  for (const key of keys) {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    const old = had ? formatStateValue(before[key]) : undefined;
    const now = has ? formatStateValue(after[key]) : undefined;
    if (old === now) continue;
    if (old !== undefined) lines.push({ role: 'removed', text: `-${key}: ${old}` });
    if (now !== undefined) lines.push({ role: 'added', text: `+${key}: ${now}` });
  }
  return lines;
}

/** Strings print bare (`mode: 0644`), everything else as JSON; secrets as ***. */
export function formatStateValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isSecret(v)) return '***';
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? String(v);
}

export function paintDiffLine(l: DiffLine, chalk: ChalkInstance): string {
  switch (l.role) {
    case 'old-header': return chalk.red(l.text);
    case 'new-header': return chalk.green(l.text);
    case 'hunk': return chalk.cyan(l.text);
    case 'removed': return chalk.red(l.text);
    case 'added': return chalk.green(l.text);
    case 'note': return chalk.cyan(l.text);
    case 'context': return l.text;
    default: return assertNever(l.role, 'diff line role');
  }
}
