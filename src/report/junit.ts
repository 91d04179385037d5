import { assertNever } from '../util/assert-never.js';
import type { Reporter, RunEvent, TaskResultEvent } from './events.js';
import { writtenAtClose } from './json.js';

export type CaseOutcome = 'passed' | 'failed' | 'error' | 'skipped';

/** One host running one task (all its loop items). */
export interface JunitCase {
  readonly host: string;
  readonly task: string;
  readonly module: string;
  readonly file: string;
  readonly line: number;
  readonly results: TaskResultEvent[];
}

/** One play. */
export interface JunitSuite {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly cases: JunitCase[];
}

/**
 * Groups events into suites (plays) and cases (host x task). Pure: `createJunitReporter`
 * feeds it and writes `renderJunitXml` of the result at close.
 */
export class JunitCollector {
  name = 'k8sbm';
  readonly suites: JunitSuite[] = [];
  #cases = new Map<string, JunitCase>();
  /** Bumped when a task starts again (a role included twice, a handler notified twice). */
  #runs = new Map<string, number>();

  onEvent(e: RunEvent): void {
    switch (e.event) {
      case 'run_start':
        this.name = e.playbook;
        return;
      case 'play_start':
        this.suites.push({ name: e.play, file: e.file, line: e.line, cases: [] });
        this.#cases.clear();
        this.#runs.clear();
        return;
      case 'task_start': {
        const key = taskKey(e);
        this.#runs.set(key, (this.#runs.get(key) ?? 0) + 1);
        return;
      }
      case 'task_result':
        this.#caseFor(e).results.push(e);
        return;
      case 'warning':
      case 'recap':
        return;
      default:
        assertNever(e, 'run event');
    }
  }

  #caseFor(e: TaskResultEvent): JunitCase {
    const key = `${taskKey(e)}#${this.#runs.get(taskKey(e)) ?? 0}\0${e.host}`;
    let c = this.#cases.get(key);
    if (c === undefined) {
      if (this.suites.length === 0) this.suites.push({ name: '(no play)', file: e.file, line: 0, cases: [] });
      c = { host: e.host, task: e.task, module: e.module, file: e.file, line: e.line, results: [] };
      this.suites[this.suites.length - 1]!.cases.push(c);
      this.#cases.set(key, c);
    }
    return c;
  }
}

function taskKey(e: { task: string; file: string; line: number }): string {
  return `${e.file}:${e.line}:${e.task}`;
}

/** Unreachable is an error (the test could not run); an ignored failure passes. */
export function caseOutcome(c: JunitCase): CaseOutcome {
  if (c.results.some((r) => r.status === 'unreachable')) return 'error';
  if (c.results.some((r) => r.status === 'failed' && !r.ignored)) return 'failed';
  if (c.results.length > 0 && c.results.every((r) => r.status === 'skipped')) return 'skipped';
  return 'passed';
}

interface Counts { tests: number; failures: number; errors: number; skipped: number; time: number }

function countSuite(s: JunitSuite): Counts {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const c of s.cases) {
    counts.tests++;
    counts.time += caseTimeMs(c);
    const outcome = caseOutcome(c);
    switch (outcome) {
      case 'failed': counts.failures++; break;
      case 'error': counts.errors++; break;
      case 'skipped': counts.skipped++; break;
      case 'passed': break;
      default: assertNever(outcome, 'case outcome');
    }
  }
  return counts;
}

function caseTimeMs(c: JunitCase): number {
  return c.results.reduce((sum, r) => sum + r.durationMs, 0);
}

export function renderJunitXml(name: string, suites: readonly JunitSuite[]): string {
  const all = suites.map(countSuite);
  const total = all.reduce(
    (t, c) => ({ tests: t.tests + c.tests, failures: t.failures + c.failures, errors: t.errors + c.errors, skipped: t.skipped + c.skipped, time: t.time + c.time }),
    { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 },
  );
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites ${attrs({ name, ...countAttrs(total) })}>`];
  suites.forEach((s, i) => {
    out.push(`  <testsuite ${attrs({ name: s.name, ...countAttrs(all[i]!), file: s.file })}>`);
    for (const c of s.cases) out.push(...caseXml(c));
    out.push('  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

function countAttrs(c: Counts): Record<string, string | number> {
  return { tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(c.time) };
}

function caseXml(c: JunitCase): string[] {
  const head = `    <testcase ${attrs({ classname: c.host, name: c.task, file: c.file, line: c.line, time: seconds(caseTimeMs(c)) })}`;
  const outcome = caseOutcome(c);
  const body: string[] = [];
  switch (outcome) {
    case 'failed':
    case 'error': {
      const bad = c.results.filter((r) => r.status === 'unreachable' || (r.status === 'failed' && !r.ignored));
      const tag = outcome === 'failed' ? 'failure' : 'error';
      const type = outcome === 'failed' ? 'failed' : 'unreachable';
      body.push(`      <${tag} ${attrs({ message: bad[0]!.msg, type })}>${escapeXml(bad.map(failureText).join('\n\n'))}</${tag}>`);
      break;
    }
    case 'skipped':
      body.push(`      <skipped ${attrs({ message: c.results[0]!.msg })}/>`);
      break;
    case 'passed':
      break;
    default:
      assertNever(outcome, 'case outcome');
  }
  const said = c.results.filter((r) => r.msg !== '' && !(r.status === 'unreachable' || (r.status === 'failed' && !r.ignored)));
  if (said.length > 0 && outcome !== 'skipped') {
    body.push(`      <system-out>${escapeXml(said.map(resultSummary).join('\n'))}</system-out>`);
  }
  return body.length === 0 ? [`${head}/>`] : [`${head}>`, ...body, '    </testcase>'];
}

function failureText(r: TaskResultEvent): string {
  const head = r.item !== undefined ? `(item=${r.item}) ${r.msg}` : r.msg;
  return [head, ...(r.detail ?? [])].join('\n');
}

function resultSummary(r: TaskResultEvent): string {
  const item = r.item !== undefined ? ` (item=${r.item})` : '';
  return `${r.status}${r.ignored ? ' (ignored)' : ''}${item}: ${[r.msg, ...(r.detail ?? [])].join('\n')}`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attrs(values: Readonly<Record<string, string | number>>): string {
  // Parsers turn a raw newline in an attribute into a space; a character reference survives.
  return Object.entries(values).map(([k, v]) => `${k}="${escapeXml(String(v)).replace(/\n/g, '&#10;')}"`).join(' ');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// Characters XML 1.0 cannot hold at all, even escaped; lone surrogates included.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for both text and attribute values; colour codes from stderr tails are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

/** JUnit XML for CI, written when the run closes: a testsuite per play, a testcase per host x task. */
export function createJunitReporter(file: string): Reporter {
  const collector = new JunitCollector();
  return writtenAtClose(file, collector, () => renderJunitXml(collector.name, collector.suites));
}
