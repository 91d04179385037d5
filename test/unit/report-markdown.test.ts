import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactHosts, createMarkdownReporter, DiffGrouper, emptyCounts, MarkdownCollector, redactEvent, renderMarkdown, type HostCounts, type RunEvent } from '../../src/report/index.js';
import { MAX_CHARS } from '../../src/report/markdown.js';
import { expandHostPattern } from '../../src/inventory/ranges.js';
import type { TaskResultEvent } from '../../src/report/events.js';
import { tempDir } from '../helpers/temp.js';

test('host lists are written in the inventory range notation, and read back as the same hosts', () => {
  const cases: [string[], string][] = [
    [['node01', 'node02', 'node03'], 'node[01:03]'],
    [['node03', 'node01', 'node02', 'node07', 'cp1'], 'cp1, node[01:03], node07'],
    [['node08', 'node09', 'node10', 'node11', 'node13'], 'node[08:11], node13'],
    [['n1', 'n2', 'n3', 'n01', 'n02', 'n03'], 'n[01:03], n[1:3]'],
    [['w1', 'w2'], 'w1, w2'],
    [['w9', 'w10', 'w11'], 'w[9:11]'],
    [['rack1-n1', 'rack1-n2', 'rack1-n3', 'rack2-n1'], 'rack1-n[1:3], rack2-n1'],
    [['a', 'b', 'a'], 'a, b'],
    [['node1.example.com', 'node2.example.com', 'node3.example.com'], 'node[1:3].example.com'],
    [['10.0.0.1', '10.0.0.2', '10.0.0.3'], '10.0.0.[1:3]'],
  ];
  for (const [hosts, want] of cases) {
    const got = compactHosts(hosts);
    assert.equal(got, want);
    // Every word is a pattern the inventory expands back to exactly the hosts it stands for.
    const back = got.split(', ').flatMap((w) => expandHostPattern(w).names);
    assert.deepEqual([...back].sort(), [...new Set(hosts)].sort(), got);
  }
});

test('the diff grouper keeps identical diffs together, loop items apart', () => {
  const d = [{ kind: 'text' as const, subject: '/etc/a', before: 'x\n', after: 'y\n' }];
  const g = new DiffGrouper();
  g.add('n1', undefined, d);
  g.add('n2', undefined, [{ ...d[0]! }]);
  g.add('n3', 'eth0', d);
  g.add('n4', undefined, []);
  const groups = g.take();
  assert.deepEqual(groups.map((x) => [x.hosts, x.item]), [[['n1', 'n2'], undefined], [['n3'], 'eth0']]);
  assert.equal(g.size, 0);
});

const T1 = { task: 'login.defs', module: 'template', file: 'roles/hardening/tasks/main.yml', line: 12 };
const T2 = { task: 'sshd config', module: 'template', file: 'roles/hardening/tasks/main.yml', line: 30 };

function result(host: string, t: typeof T1, status: TaskResultEvent['status'], msg: string, extra: Partial<TaskResultEvent> = {}): RunEvent {
  return { event: 'task_result', host, ...t, status, msg, durationMs: 40, ...extra };
}

function recap(hosts: Record<string, Partial<HostCounts>>, check: boolean): RunEvent {
  return {
    event: 'recap', hosts: Object.fromEntries(Object.entries(hosts).map(([h, c]) => [h, { ...emptyCounts(), ...c }])),
    slowest: [], failures: [], durationMs: 4200, check,
  };
}

function render(events: RunEvent[], mode: 'run' | 'plan' = 'plan'): string {
  const c = new MarkdownCollector();
  for (const e of events) c.onEvent(e);
  return renderMarkdown(c, mode);
}

const hosts = Array.from({ length: 5 }, (_, i) => `node0${i + 1}`);
const umask = [{ kind: 'text' as const, subject: '/etc/login.defs', before: 'UMASK 022\n', after: 'UMASK 027\n' }];

test('a plan with pending changes: verdict, the recap a row per tally, each task with its hosts and one diff per distinct change', () => {
  const md = render([
    { event: 'run_start', playbook: 'site.yml', check: true, diff: true, plannedTasks: 10 },
    { event: 'task_start', ...T1, hosts, handler: false },
    ...hosts.map((h) => result(h, T1, 'changed', 'content changed', { diff: umask, predicted: true })),
    { event: 'task_start', ...T2, hosts, handler: false },
    ...hosts.map((h) => result(h, T2, 'ok', 'already as wanted')),
    recap(Object.fromEntries(hosts.map((h) => [h, { ok: 2, changed: 1 }])), true),
  ]);
  const lines = md.split('\n');
  assert.equal(lines[0], '## k8sbm plan: 5 changes pending on 5 of 5 hosts');
  assert.ok(lines.includes('| node\\[01:05\\] | 2 | 1 | 0 | 0 | 0 |'), md);
  assert.ok(lines.includes('### Pending changes'));
  assert.ok(lines.includes('#### login.defs (`roles/hardening/tasks/main.yml:12`)'), md);
  assert.ok(lines.includes('- node\\[01:05\\]: content changed'), md);
  assert.equal(lines.filter((l) => l === '+UMASK 027').length, 1);
  assert.ok(lines.includes('<summary>diff for 5 hosts: node[01:05]</summary>'), md);
  assert.ok(!md.includes('sshd config'), 'a task that changed nothing is not listed');
});

test('a converged plan says no changes; a failed run lists where, why and the command output', () => {
  assert.equal(render([recap({ a: { ok: 3 }, b: { ok: 3 } }, true)]).split('\n')[0], '## k8sbm plan: no changes on 2 hosts');
  const md = render([
    { event: 'run_start', playbook: 'site.yml', check: false, diff: false, plannedTasks: 2 },
    result('node02', T2, 'failed', 'validation failed (exit 255): sshd -t -f %s', { code: 'K8SBM_ACTION_FAILED', detail: ['argv: sh -c ...', 'stderr: /tmp/x line 3: Bad configuration option: PermitRootLogn'] }),
    result('node03', T2, 'unreachable', 'ssh: connect to host node03 port 22: Connection refused'),
    result('node04', T2, 'failed', 'ignored failure', { ignored: true }),
    { event: 'warning', msg: 'module x is deprecated', file: 'site.yml', line: 3 },
    recap({ node02: { failed: 1 }, node03: { unreachable: 1 }, node04: { ok: 1, ignored: 1 } }, false),
  ], 'run');
  const lines = md.split('\n');
  assert.equal(lines[0], '## k8sbm run: failed on 2 of 3 hosts');
  assert.ok(lines.includes('#### node02: sshd config (`roles/hardening/tasks/main.yml:30`)'), md);
  assert.ok(lines.includes('validation failed (exit 255): sshd -t -f %s (`K8SBM_ACTION_FAILED`)'), md);
  assert.ok(lines.includes('stderr: /tmp/x line 3: Bad configuration option: PermitRootLogn'));
  assert.ok(lines.includes('**unreachable**: ssh: connect to host node03 port 22: Connection refused'));
  assert.ok(!md.includes('ignored failure'), 'a failure ignore_errors let pass is not a failure');
  assert.ok(lines.includes('- module x is deprecated (`site.yml:3`)'));
});

test('what the host says cannot break out of its block, and markup in names is text', () => {
  const evil = [{ kind: 'text' as const, subject: '/etc/motd', before: '', after: '```\n</details>\n# not a heading\n' }];
  const md = render([
    result('node01', { ...T1, task: 'motd <script>alert(1)</script> | *bold*' }, 'changed', 'content changed', { diff: evil }),
    recap({ node01: { ok: 1, changed: 1 } }, false),
  ], 'run');
  assert.ok(md.includes('````diff\n'), 'the fence is longer than any backtick run inside');
  assert.ok(md.includes('#### motd &lt;script>alert(1)&lt;/script> \\| \\*bold\\*'), md);
});

test('diffs are cut to stay under a comment\'s size, the failures still shown, and the text says so', () => {
  const big = (i: number): { kind: 'text'; subject: string; before: string; after: string } => ({
    kind: 'text', subject: `/etc/big${i}`, before: '', after: Array.from({ length: 150 }, (_, k) => `line ${k} ${'x'.repeat(60)} of file ${i}`).join('\n'),
  });
  const events: RunEvent[] = [];
  for (let i = 0; i < 40; i++) events.push(result(`node${i}`, { ...T1, task: `file ${i}`, line: i }, 'changed', 'content changed', { diff: [big(i)] }));
  events.push(result('node99', T2, 'failed', 'the failure that matters'), recap({ node0: { ok: 1, changed: 1 }, node99: { failed: 1 } }, false));
  const md = render(events, 'run');
  assert.ok(md.length < MAX_CHARS, `${md.length} characters`);
  assert.match(md, /_\d+ diffs left out to stay under a comment's size/);
  assert.ok(md.includes('the failure that matters'));
  assert.ok(md.includes('#### file 39'), 'every changed task is still listed');
});

test('--report-md writes the file at close, with the secrets the run masked', async (t) => {
  const dir = tempDir('md', t);
  const file = join(dir, 'sub', 'plan.md');
  const r = createMarkdownReporter(file, 'plan');
  const secret = 'hunter2-token-value';
  const events: RunEvent[] = [
    result('node01', T1, 'changed', 'content changed', { diff: [{ kind: 'text', subject: '/etc/token', before: '', after: `token=${secret}\n` }] }),
    recap({ node01: { ok: 1, changed: 1 } }, true),
  ];
  for (const e of events) r.onEvent(redactEvent(e, [secret]));
  await r.close();
  const md = readFileSync(file, 'utf8');
  assert.ok(md.startsWith('## k8sbm plan: 1 change pending on 1 of 1 hosts'), md);
  assert.ok(md.includes('+token=***') && !md.includes(secret), md);
  const bad = createMarkdownReporter(join(dir, 'sub', 'plan.md', 'x.md'), 'plan');
  await assert.rejects(bad.close(), (e: unknown) => (e as { code?: string }).code === 'K8SBM_REPORT_WRITE');
});
