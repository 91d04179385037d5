import { diffLines } from './diff.js';
import type { Reporter, RunEvent } from './events.js';
import { formatDuration, formatPlace } from './format.js';
import { compactHosts } from './hosts.js';
import { commandTitle, RunSummary, verdictOf } from './summary.js';
import { writtenAtClose } from './json.js';

/**
 * A run or plan as Markdown (`--report-md FILE`), written when the run closes: made to be posted
 * as a pull request's comment. The verdict first (no changes / changes pending / changed /
 * failed), the recap as a table, then every task that changed something with the hosts it
 * changed (in the inventory's range notation) and its diffs, each distinct diff once with the
 * hosts it was on, folded; then the failures with where, why and the command's output; then the
 * warnings. Events arrive with secrets already masked. GitHub refuses a comment over 65,536
 * characters: diffs are cut to fit under MAX_CHARS, and the text says so.
 */

/** Under GitHub's 65,536 characters for a comment, with room for what a CI job adds around it. */
export const MAX_CHARS = 60_000;
/** Lines of one diff group shown before it is cut. */
const MAX_DIFF_LINES = 200;

/** What the Markdown report is written from. */
export class MarkdownCollector extends RunSummary {}

/** The Markdown text of what the collector saw. */
export function renderMarkdown(c: MarkdownCollector, mode: 'run' | 'plan'): string {
  const out: string[] = [];
  let budget = MAX_CHARS;
  const push = (...lines: string[]): void => {
    for (const l of lines) { out.push(l); budget -= l.length + 1; }
  };
  const counts = Object.entries(c.recap?.hosts ?? {});
  const check = c.recap?.check ?? c.check;
  const what = commandTitle(mode, check);
  const verdict = verdictOf(c.recap, check).text;
  push(`## ${what}: ${verdict}`, '');
  push(`${code(c.playbook)}${c.recap ? ` · ${formatDuration(c.recap.durationMs)}` : ''}${c.recap?.stopped ? ` · rollout stopped by gate ${text(c.recap.stopped.name)} (batch ${c.recap.stopped.batch} of ${c.recap.stopped.batches})` : ''}`, '');

  if (counts.length > 0) {
    push('| hosts | ok | changed | failed | unreachable | skipped |', '| --- | --: | --: | --: | --: | --: |');
    // Hosts with the same tally share a row, so 50 converged nodes are one line.
    const rows = new Map<string, string[]>();
    for (const [host, h] of counts) {
      const k = [h.ok, h.changed, h.failed, h.unreachable, h.skipped].join(' | ');
      const list = rows.get(k);
      if (list) list.push(host); else rows.set(k, [host]);
    }
    for (const [k, hosts] of rows) push(`| ${text(compactHosts(hosts))} | ${k} |`);
    push('');
  }

  const tasks = c.changes.tasks;
  if (tasks.length > 0) {
    push(check ? '### Pending changes' : '### Changes', '');
    let cut = 0;
    for (const t of tasks) {
      push(`#### ${text(t.task)} (${code(t.place)})`, '');
      for (const [msg, hosts] of t.messages) push(`- ${text(compactHosts(hosts))}: ${text(msg)}`);
      push('');
      for (const g of t.diffs.groups) {
        const body = g.diffs.flatMap((d) => diffLines(d).map((l) => l.text));
        const shown = body.length > MAX_DIFF_LINES ? [...body.slice(0, MAX_DIFF_LINES), `... ${body.length - MAX_DIFF_LINES} more lines`] : body;
        const block = fenced(shown.join('\n'), 'diff');
        const who = g.hosts.length === 1 ? g.hosts[0]! : `${g.hosts.length} hosts: ${compactHosts(g.hosts)}`;
        // Room is kept for the failures, which matter more than the last diffs.
        if (block.length + 200 > budget - 8_000) { cut++; continue; }
        push('<details>', `<summary>diff for ${html(who)}${g.item !== undefined ? ` (item=${html(g.item)})` : ''}</summary>`, '', block, '', '</details>', '');
      }
    }
    if (cut > 0) push(`_${cut} diff${cut === 1 ? '' : 's'} left out to stay under a comment's size; \`--report FILE\` keeps them all._`, '');
  }

  if (c.failures.length > 0) {
    push('### Failures', '');
    for (const f of c.failures) {
      if (budget < 500) { push(`_${c.failures.length - c.failures.indexOf(f)} more failures left out; \`--report FILE\` keeps them all._`); break; }
      push(`#### ${text(f.host)}: ${text(f.task)} (${code(formatPlace(f.file, f.line))})`, '');
      push(`${f.status === 'unreachable' ? '**unreachable**: ' : ''}${text(f.msg.split('\n')[0] ?? '')}${f.code ? ` (${code(f.code)})` : ''}`, '');
      const detail = (f.detail ?? []).slice(-40);
      if (detail.length > 0) push(fenced(detail.join('\n'), ''), '');
    }
  }

  if (c.warnings.length > 0) {
    push('### Warnings', '');
    for (const w of c.warnings) push(`- ${text(w.msg.split('\n')[0] ?? '')}${w.file !== undefined ? ` (${code(formatPlace(w.file, w.line))})` : ''}`);
    push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Markdown for `--report-md FILE`, written when the run closes (a failed write is reported then). */
export function createMarkdownReporter(file: string, mode: 'run' | 'plan'): Reporter {
  const collector = new MarkdownCollector();
  return writtenAtClose(file, collector, () => renderMarkdown(collector, mode));
}

/** Plain text in Markdown: what Markdown or HTML would read as markup is escaped. */
export function text(s: string): string {
  return s.replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`).replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

/** Text inside HTML (a summary line). */
function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code, with a fence longer than any run of backticks inside. */
function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** A fenced code block whose fence no line of the content can close. */
function fenced(body: string, lang: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
