import { diffLines } from './diff.js';
import type { Reporter, RunEvent, TaskStatus } from './events.js';
import { formatDuration, formatPlace } from './format.js';
import { compactHosts } from './hosts.js';
import { commandTitle, RunSummary, verdictOf } from './summary.js';
import { writtenAtClose } from './json.js';

/**
 * A run or plan as one self-contained HTML page (`--report-html FILE`), written when the run
 * closes: no script, font or image from anywhere, so it opens offline and can be kept as a CI
 * artifact. The verdict; the recap; a timeline per host (each task a bar from its start to its
 * end, coloured by its outcome: where the time went and which host was slow); every change with
 * its diffs, identical diffs across hosts shown once with their hosts; every failure with its
 * file:line, the command and the tail of its output; the warnings. Events arrive with secrets
 * already masked.
 */

interface Bar {
  readonly task: string;
  readonly place: string;
  readonly status: TaskStatus;
  readonly item: string | undefined;
  readonly startMs: number;
  readonly durationMs: number;
}

/** The summary, and when each host's tasks ran (for the timeline). */
export class HtmlCollector extends RunSummary {
  #t0: number | undefined;
  readonly #now: () => number;
  readonly hosts = new Map<string, Bar[]>();

  /** `now` in milliseconds (a test gives its own clock). */
  constructor(now: () => number = () => performance.now()) {
    super();
    this.#now = now;
  }

  #elapsed(): number {
    this.#t0 ??= this.#now();
    return this.#now() - this.#t0;
  }

  override onEvent(e: RunEvent): void {
    super.onEvent(e);
    switch (e.event) {
      case 'run_start':
        this.#t0 = this.#now();
        return;
      case 'play_start':
        for (const h of e.hosts) if (!this.hosts.has(h)) this.hosts.set(h, []);
        return;
      case 'task_result': {
        // The result comes at the task's end: it started durationMs before.
        const end = this.#elapsed();
        const bars = this.hosts.get(e.host) ?? [];
        this.hosts.set(e.host, bars);
        bars.push({ task: e.task, place: formatPlace(e.file, e.line), status: e.status, item: e.item, startMs: Math.max(0, end - e.durationMs), durationMs: e.durationMs });
        return;
      }
      default:
    }
  }

  /** The run's length: the recap's, else the last bar's end. */
  get totalMs(): number {
    let end = 0;
    for (const bars of this.hosts.values()) for (const b of bars) end = Math.max(end, b.startMs + b.durationMs);
    return Math.max(end, this.recap?.durationMs ?? 0, 1);
  }
}

const STATUS_COLOUR: Readonly<Record<TaskStatus, string>> = {
  ok: '#3c9a5f', changed: '#d99a1e', failed: '#c8342c', skipped: '#a0a7b0', unreachable: '#7d1d17',
};

/** The page. */
export function renderHtml(c: HtmlCollector, mode: 'run' | 'plan'): string {
  const counts = Object.entries(c.recap?.hosts ?? {});
  const check = c.recap?.check ?? c.check;
  const what = commandTitle(mode, check);
  const { text: verdict, tone } = verdictOf(c.recap, check);

  const body: string[] = [];
  body.push(`<header class="${tone}"><h1 id="verdict">${esc(what)}: ${esc(verdict)}</h1>`,
    `<p><code>${esc(c.playbook)}</code>${c.recap ? ` · ${esc(formatDuration(c.recap.durationMs))}` : ''}${check ? ' · check mode' : ''}${c.recap?.stopped ? ` · rollout stopped by gate ${esc(c.recap.stopped.name)} (batch ${c.recap.stopped.batch} of ${c.recap.stopped.batches})` : ''}</p></header>`);

  if (counts.length > 0) {
    body.push('<section><h2>Recap</h2><table class="recap"><thead><tr><th>host</th><th>ok</th><th>changed</th><th>failed</th><th>unreachable</th><th>skipped</th><th>execs</th><th>SSH channels</th></tr></thead><tbody>');
    for (const [host, h] of counts) {
      const cls = h.failed + h.unreachable > 0 ? ' class="bad"' : h.changed > 0 ? ' class="warn"' : '';
      body.push(`<tr data-host="${esc(host)}"${cls}><td>${esc(host)}</td><td>${h.ok}</td><td>${h.changed}</td><td>${h.failed}</td><td>${h.unreachable}</td><td>${h.skipped}</td><td>${c.recap?.execs?.[host] ?? ''}</td><td>${c.recap?.channels?.[host] ?? ''}</td></tr>`);
    }
    body.push('</tbody></table></section>');
  }

  body.push(`<section><h2>Timeline</h2>${timeline(c)}`);
  if (c.recap && c.recap.slowest.length > 0) {
    body.push('<h3>Slowest tasks</h3><ol class="slowest">');
    for (const s of c.recap.slowest) body.push(`<li>${esc(s.task)} <code>${esc(formatPlace(s.file, s.line))}</code>: ${esc(formatDuration(s.durationMs))}</li>`);
    body.push('</ol>');
  }
  body.push('</section>');

  const changes = c.changes.tasks;
  // Diffs unfolded when there are few of them; a long page starts folded.
  const groups = changes.map((t) => ({ t, groups: t.diffs.groups }));
  const unfold = groups.reduce((n, x) => n + x.groups.length, 0) <= 20;
  if (changes.length > 0) {
    body.push(`<section><h2>${check ? 'Pending changes' : 'Changes'}</h2>`);
    for (const { t, groups: diffGroups } of groups) {
      body.push(`<article class="change" data-task="${esc(t.task)}"><h3>${esc(t.task)} <code>${esc(t.place)}</code></h3><ul>`);
      for (const [msg, hosts] of t.messages) body.push(`<li><b>${esc(compactHosts(hosts))}</b>: ${esc(msg)}</li>`);
      body.push('</ul>');
      for (const g of diffGroups) {
        const who = g.hosts.length === 1 ? g.hosts[0]! : `${g.hosts.length} hosts: ${compactHosts(g.hosts)}`;
        const lines = g.diffs.flatMap((d) => diffLines(d)).map((l) => `<span class="${l.role}">${esc(l.text)}</span>`);
        body.push(`<details${unfold ? ' open' : ''}><summary>diff for ${esc(who)}${g.item !== undefined ? ` (item=${esc(g.item)})` : ''}</summary><pre class="diff">${lines.join('\n')}</pre></details>`);
      }
      body.push('</article>');
    }
    body.push('</section>');
  }

  if (c.failures.length > 0) {
    body.push('<section><h2>Failures</h2>');
    for (const f of c.failures) {
      body.push(`<article class="failure" data-host="${esc(f.host)}"><h3>${esc(f.host)}: ${esc(f.task)} <code>${esc(formatPlace(f.file, f.line))}</code></h3>`,
        `<p>${f.status === 'unreachable' ? '<b>unreachable</b>: ' : ''}${esc(f.msg)}${f.code ? ` <code>${esc(f.code)}</code>` : ''}</p>`);
      if (f.detail && f.detail.length > 0) body.push(`<pre>${esc(f.detail.join('\n'))}</pre>`);
      body.push('</article>');
    }
    body.push('</section>');
  }

  if (c.warnings.length > 0) {
    body.push('<section><h2>Warnings</h2><ul>');
    for (const w of c.warnings) body.push(`<li>${esc(w.msg)}${w.file !== undefined ? ` <code>${esc(formatPlace(w.file, w.line))}</code>` : ''}</li>`);
    body.push('</ul></section>');
  }

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(`${what}: ${verdict}`)}</title>
<style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

const ROW = 20;
const LABEL = 150;
const WIDTH = 1100;

/** The timeline: a row per host, a bar per task result, a time axis; each bar's title says what it was. */
function timeline(c: HtmlCollector): string {
  const hosts = [...c.hosts.keys()];
  if (hosts.length === 0) return '<p>No task ran.</p>';
  const total = c.totalMs;
  const span = WIDTH - LABEL - 10;
  const x = (ms: number): number => LABEL + (ms / total) * span;
  const height = hosts.length * ROW + 30;
  const out: string[] = [`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="tasks per host over time">`];
  // Ticks: about eight, at round seconds.
  const step = niceStep(total / 8);
  for (let t = 0; t <= total; t += step) {
    const tx = x(t).toFixed(1);
    out.push(`<line x1="${tx}" y1="0" x2="${tx}" y2="${hosts.length * ROW}" class="tick"/><text x="${tx}" y="${hosts.length * ROW + 16}" class="axis">${esc(formatDuration(t))}</text>`);
  }
  hosts.forEach((host, i) => {
    const y = i * ROW;
    out.push(`<g class="host" data-host="${esc(host)}"><text x="4" y="${y + 14}" class="label">${esc(host)}</text>`);
    for (const b of c.hosts.get(host)!) {
      const w = Math.max(1, (b.durationMs / total) * span);
      const title = `${host} · ${b.task}${b.item !== undefined ? ` (item=${b.item})` : ''} · ${b.status} · ${formatDuration(b.durationMs)} · ${b.place}`;
      out.push(`<rect x="${x(b.startMs).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="${STATUS_COLOUR[b.status]}" data-task="${esc(b.task)}" data-status="${b.status}"><title>${esc(title)}</title></rect>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  const legend = (Object.keys(STATUS_COLOUR) as TaskStatus[]).map((s) => `<span><i style="background:${STATUS_COLOUR[s]}"></i>${s}</span>`).join(' ');
  return `${out.join('')}<p class="legend">${legend}</p>`;
}

function niceStep(raw: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1140px;padding:0 16px 40px;color:#1d2329}
header{border-left:6px solid #888;padding:4px 14px;margin:16px 0}header.good{border-color:#3c9a5f}header.warn{border-color:#d99a1e}header.bad{border-color:#c8342c}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid #dde;padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin:16px 0 6px}
code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f2f4f7;padding:1px 4px;border-radius:3px}
table.recap{border-collapse:collapse}table.recap td,table.recap th{padding:3px 10px;border-bottom:1px solid #e6e8ec;text-align:right}
table.recap td:first-child,table.recap th:first-child{text-align:left}tr.warn td:nth-child(3){color:#a86f00;font-weight:600}tr.bad td{color:#b3261e;font-weight:600}
svg.timeline{display:block;max-width:100%;height:auto}svg .label{font:12px ui-monospace,monospace;fill:#1d2329}svg .axis{font:11px sans-serif;fill:#667;text-anchor:middle}svg .tick{stroke:#e3e6ea}
.legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:8px;overflow:auto;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre.diff .added{color:#116329;background:#e6ffec}pre.diff .removed{color:#82071e;background:#ffebe9}
pre.diff .hunk{color:#6639ba}pre.diff .old-header,pre.diff .new-header{font-weight:600}pre.diff .note{color:#667;font-style:italic}
article.failure h3{color:#b3261e}summary{cursor:pointer;color:#445}
`;

/** `--report-html FILE`, written when the run closes (a failed write is reported then). */
export function createHtmlReporter(file: string, mode: 'run' | 'plan'): Reporter {
  const collector = new HtmlCollector();
  return writtenAtClose(file, collector, () => renderHtml(collector, mode));
}
