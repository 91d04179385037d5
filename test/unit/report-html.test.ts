import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyCounts, HtmlCollector, renderHtml, type HostCounts, type RunEvent } from '../../src/report/index.js';
import type { TaskResultEvent } from '../../src/report/events.js';

const T1 = { task: 'login.defs', module: 'template', file: 'roles/hardening/tasks/main.yml', line: 12 };
const T2 = { task: 'sshd <config>', module: 'template', file: 'roles/hardening/tasks/main.yml', line: 30 };

function result(host: string, t: typeof T1, status: TaskResultEvent['status'], msg: string, durationMs: number, extra: Partial<TaskResultEvent> = {}): RunEvent {
  return { event: 'task_result', host, ...t, status, msg, durationMs, ...extra };
}

function recap(hosts: Record<string, Partial<HostCounts>>, check: boolean, durationMs: number): RunEvent {
  return { event: 'recap', hosts: Object.fromEntries(Object.entries(hosts).map(([h, c]) => [h, { ...emptyCounts(), ...c }])), slowest: [{ ...T1, durationMs: 3000 }], failures: [], durationMs, check, execs: { a: 3, b: 4 }, channels: { a: 1, b: 2 } };
}

/** The events with a clock the test moves: each result arrives at the time given. */
function collect(steps: [number, RunEvent][]): HtmlCollector {
  let now = 0;
  const c = new HtmlCollector(() => now);
  for (const [at, e] of steps) { now = at; c.onEvent(e); }
  return c;
}

const umask = [{ kind: 'text' as const, subject: '/etc/login.defs', before: 'UMASK 022\n', after: 'UMASK 027\n' }];

test('the page: verdict, recap with execs and channels, one diff for the hosts that share it, failures escaped', () => {
  const c = collect([
    [0, { event: 'run_start', playbook: 'site.yml', check: true, diff: true, plannedTasks: 4 }],
    [0, { event: 'play_start', play: 'p', hosts: ['a', 'b'], file: 'site.yml', line: 1 }],
    [0, { event: 'task_start', ...T1, hosts: ['a', 'b'], handler: false }],
    [1000, result('a', T1, 'changed', 'content changed', 1000, { diff: umask })],
    [3000, result('b', T1, 'changed', 'content changed', 3000, { diff: umask })],
    [3000, { event: 'task_start', ...T2, hosts: ['a', 'b'], handler: false }],
    [3500, result('a', T2, 'ok', 'already as wanted', 500)],
    [4000, result('b', T2, 'failed', 'validation failed: <bad> & "worse"', 1000, { code: 'K8SBM_ACTION_FAILED', detail: ['stderr: line 3: Bad option <x>'] })],
    [4000, recap({ a: { ok: 2, changed: 1 }, b: { ok: 1, changed: 1, failed: 1 } }, true, 4000)],
  ]);
  const html = renderHtml(c, 'plan');
  assert.equal(renderHtml(c, 'plan'), html, 'rendering again gives the same page');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<h1 id="verdict">k8sbm plan: failed on 1 of 2 hosts</h1>'), html);
  assert.ok(html.includes('<tr data-host="b" class="bad"><td>b</td><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>4</td><td>2</td></tr>'), html);
  assert.equal(html.split('+UMASK 027').length - 1, 1, 'one diff for both hosts');
  assert.ok(html.includes('<summary>diff for 2 hosts: a, b</summary>'));
  assert.ok(html.includes('validation failed: &lt;bad&gt; &amp; &quot;worse&quot;'));
  assert.ok(html.includes('<pre>stderr: line 3: Bad option &lt;x&gt;</pre>'));
  assert.ok(!html.includes('<bad>') && !html.includes('<config>'), 'nothing from the run is markup');
  // Self-contained: no script, no address to fetch anything from.
  assert.ok(!/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'no external resource');
});

test('the timeline: a row per host, each bar from its start to its end on the run\'s time axis', () => {
  const c = collect([
    [0, { event: 'run_start', playbook: 'site.yml', check: false, diff: false, plannedTasks: 4 }],
    [0, { event: 'play_start', play: 'p', hosts: ['a', 'b'], file: 'site.yml', line: 1 }],
    [1000, result('a', T1, 'changed', 'x', 1000)],
    [3000, result('b', T1, 'changed', 'x', 3000)],
    [4000, result('b', T2, 'skipped', 'when', 1000)],
    [4000, recap({ a: { ok: 1, changed: 1 }, b: { ok: 1, changed: 1, skipped: 1 } }, false, 4000)],
  ]);
  const html = renderHtml(c, 'run');
  const bars = [...html.matchAll(/<g class="host" data-host="(\w)">(.*?)<\/g>/g)].map((m) => ({
    host: m[1], rects: [...m[2]!.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*data-status="(\w+)"/g)].map((r) => ({ x: Number(r[1]), w: Number(r[2]), status: r[3] })),
  }));
  assert.deepEqual(bars.map((b) => b.host), ['a', 'b']);
  const [a, b] = bars;
  // 4 s across 940 px from x=150: a's task 0-1 s, b's 0-3 s then 3-4 s.
  assert.equal(a!.rects.length, 1);
  assert.ok(Math.abs(a!.rects[0]!.x - 150) < 0.2 && Math.abs(a!.rects[0]!.w - 235) < 0.2, JSON.stringify(a));
  assert.ok(Math.abs(b!.rects[0]!.w - 705) < 0.2 && b!.rects[0]!.status === 'changed');
  assert.ok(Math.abs(b!.rects[1]!.x - (150 + 705)) < 0.2 && b!.rects[1]!.status === 'skipped');
  assert.ok(html.includes('<title>b · sshd &lt;config&gt; · skipped · 1.0s · roles/hardening/tasks/main.yml:30</title>'), html);
  assert.ok(html.includes('<h1 id="verdict">k8sbm run: 2 changes made on 2 of 2 hosts</h1>'));
});

test('a run that did not finish says so', () => {
  const html = renderHtml(collect([[0, { event: 'run_start', playbook: 'site.yml', check: false, diff: false, plannedTasks: 1 }]]), 'run');
  assert.ok(html.includes('k8sbm run: did not finish') && html.includes('No task ran.'));
});
