import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createPrettyReporter, emptyCounts, type HostCounts, type RunEvent } from '../../src/report/index.js';
import type { TaskResultEvent } from '../../src/report/events.js';

const ESC = '\u001b[';

/** An in-memory stream; `tty` makes it look like a terminal to anything that checks. */
function memoryStream(tty = false): Writable & { text(): string; cursorCalls: number } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { text(): string; cursorCalls: number; isTTY?: boolean };
  s.text = () => chunks.join('');
  s.cursorCalls = 0;
  if (tty) {
    s.isTTY = true;
    const count = (): boolean => { s.cursorCalls++; return true; };
    Object.assign(s, { columns: 100, cursorTo: count, moveCursor: count, clearLine: count });
  }
  return s;
}

const T1 = { task: 'enable forwarding', module: 'sysctl', file: 'site.yml', line: 12 };
const T2 = { task: 'write config', module: 'template', file: 'roles/base/tasks/main.yml', line: 7 };

function result(host: string, t: typeof T1, status: TaskResultEvent['status'], msg: string, extra: Partial<TaskResultEvent> = {}): RunEvent {
  return { event: 'task_result', host, ...t, status, msg, durationMs: 40, ...extra };
}

function counts(c: Partial<HostCounts>): HostCounts {
  return { ...emptyCounts(), ...c };
}

function sampleRun(check = false): RunEvent[] {
  return [
    { event: 'run_start', playbook: 'site.yml', check, diff: true, plannedTasks: 6 },
    { event: 'play_start', play: 'base', hosts: ['node1', 'node2', 'node3'], file: 'site.yml', line: 1 },
    { event: 'task_start', ...T1, hosts: ['node1', 'node2', 'node3'], handler: false },
    result('node1', T1, 'ok', 'net.ipv4.ip_forward is already 1'),
    result('node2', T1, 'changed', 'set net.ipv4.ip_forward to 1', {
      diff: [{ kind: 'state', subject: 'net.ipv4.ip_forward', before: { value: '0' }, after: { value: '1' } }],
    }),
    result('node3', T1, 'unreachable', 'ssh: connect to host node3 port 22: Connection refused'),
    { event: 'warning', msg: 'module sysctl: key is deprecated', file: 'site.yml', line: 14 },
    { event: 'task_start', ...T2, hosts: ['node1', 'node2'], handler: false },
    result('node1', T2, 'skipped', 'when: false', { item: 'eth0' }),
    result('node2', T2, 'failed', 'command failed with exit code 1', { detail: ['argv: visudo -c -f /tmp/x', 'stderr: syntax error near line 3'] }),
    {
      event: 'recap',
      hosts: {
        node1: counts({ ok: 1, skipped: 1 }),
        // Ansible's counting: the changed task is one of the ok ones.
        node2: counts({ ok: 1, changed: 1, failed: 1 }),
        node3: counts({ unreachable: 1 }),
      },
      slowest: [
        { task: 'enable forwarding', file: 'site.yml', line: 12, durationMs: 1500 },
        { task: 'write config', file: 'roles/base/tasks/main.yml', line: 7, durationMs: 300 },
      ],
      failures: [{ host: 'node2', task: 'write config', file: 'roles/base/tasks/main.yml', line: 7, msg: 'command failed with exit code 1' }],
      durationMs: 65_000,
      check,
    },
  ];
}

async function render(events: RunEvent[], opts: Partial<{ color: boolean; diff: boolean; verbosity: number; check: boolean }> = {}): Promise<string> {
  const out = memoryStream();
  const r = createPrettyReporter({ out, color: false, spinner: false, diff: false, verbosity: 0, check: false, ...opts });
  for (const e of events) r.onEvent(e);
  await r.close();
  return out.text();
}

test('PLAY and TASK banners are padded with stars to 80 columns', async () => {
  const lines = (await render(sampleRun())).split('\n');
  const play = lines.find((l) => l.startsWith('PLAY [base] '));
  const task = lines.find((l) => l.startsWith('TASK [enable forwarding] '));
  assert.ok(play && task);
  assert.equal(play.length, 80);
  assert.equal(task.length, 80);
  assert.match(task, /\] \*+$/);
});

test('one status line per host with the change summary, failure and detail', async () => {
  const lines = (await render(sampleRun())).split('\n');
  assert.ok(lines.includes('ok: [node1]'), 'no-op reason hidden without -v');
  assert.ok(lines.includes('changed: [node2] => set net.ipv4.ip_forward to 1'));
  assert.ok(lines.includes('unreachable: [node3] => ssh: connect to host node3 port 22: Connection refused'));
  assert.ok(lines.includes('skipped: [node1] (item=eth0)'));
  const failed = lines.indexOf('failed: [node2] => command failed with exit code 1');
  assert.ok(failed > 0);
  assert.equal(lines[failed + 1], '    argv: visudo -c -f /tmp/x');
  assert.equal(lines[failed + 2], '    stderr: syntax error near line 3');
  assert.ok(lines.includes('[WARNING]: module sysctl: key is deprecated (site.yml:14)'));
});

test('-v shows no-op and skip reasons; -vv adds the task path and timing', async () => {
  const v1 = (await render(sampleRun(), { verbosity: 1 })).split('\n');
  assert.ok(v1.includes('ok: [node1] => net.ipv4.ip_forward is already 1'));
  assert.ok(v1.includes('skipped: [node1] (item=eth0) => when: false'));
  assert.ok(!v1.some((l) => l.startsWith('task path:')));
  const v2 = (await render(sampleRun(), { verbosity: 2 })).split('\n');
  assert.ok(v2.includes('task path: site.yml:12'));
  assert.ok(v2.includes('ok: [node1] => net.ipv4.ip_forward is already 1 (40ms)'));
});

test('diffs are printed only in diff mode', async () => {
  const without = await render(sampleRun());
  assert.ok(!without.includes('+value: 1'));
  const withDiff = (await render(sampleRun(), { diff: true })).split('\n');
  // The task ran on three hosts: its diffs follow all of its hosts' lines, each with its hosts.
  const changedAt = withDiff.indexOf('changed: [node2] => set net.ipv4.ip_forward to 1');
  const at = withDiff.indexOf('diff for node2');
  assert.ok(changedAt >= 0 && at > withDiff.findIndex((l) => l.startsWith('unreachable: [node3]')), withDiff.join('\n'));
  assert.deepEqual(withDiff.slice(at + 1, at + 5), [
    '--- before: net.ipv4.ip_forward',
    '+++ after: net.ipv4.ip_forward',
    '-value: 0',
    '+value: 1',
  ]);
});

test('the same diff on many hosts is shown once, with the hosts in range notation; a lone host keeps its diff under its line', async () => {
  const hosts = Array.from({ length: 12 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
  const loginDefs = [{ kind: 'text' as const, subject: '/etc/login.defs', before: 'UMASK 022\n', after: 'UMASK 027\n' }];
  const other = [{ kind: 'text' as const, subject: '/etc/login.defs', before: 'UMASK 002\n', after: 'UMASK 027\n' }];
  const events: RunEvent[] = [
    { event: 'play_start', play: 'p', hosts, file: 'site.yml', line: 1 },
    { event: 'task_start', ...T2, hosts, handler: false },
    ...hosts.map((h) => result(h, T2, 'changed', 'content changed', { diff: h === 'node07' ? other : loginDefs })),
    { event: 'task_start', ...T1, hosts: ['node01'], handler: false },
    result('node01', T1, 'changed', 'set it', { diff: [{ kind: 'state', subject: 'net.ipv4.ip_forward', before: { value: '0' }, after: { value: '1' } }] }),
  ];
  const lines = (await render(events, { diff: true })).split('\n');
  assert.equal(lines.filter((l) => l === '+UMASK 027').length, 2, 'one diff per distinct change');
  const many = lines.indexOf('diff for 11 hosts: node[01:06], node[08:12]');
  const one = lines.indexOf('diff for node07');
  assert.ok(many > lines.indexOf('changed: [node12] => content changed'), lines.join('\n'));
  assert.ok(one > many && lines[one + 4] === '-UMASK 002', lines.join('\n'));
  // The next task's banner comes after both; its lone host's diff right under its line.
  const banner = lines.findIndex((l) => l.startsWith('TASK [enable forwarding]'));
  assert.ok(banner > one);
  const lone = lines.indexOf('changed: [node01] => set it');
  assert.equal(lines[lone + 1], '--- before: net.ipv4.ip_forward');
});

test('a result for another task than the last banner repeats that banner; handlers say so', async () => {
  const lines = (
    await render([
      { event: 'play_start', play: 'p', hosts: ['a', 'b'], file: 'site.yml', line: 1 },
      { event: 'task_start', ...T1, hosts: ['a'], handler: false },
      { event: 'task_start', ...T2, hosts: ['b'], handler: true },
      result('a', T1, 'ok', 'fine'),
      result('b', T2, 'changed', 'restarted'),
    ])
  ).split('\n');
  const banners = lines.filter((l) => l.includes('[') && l.endsWith('*'));
  assert.deepEqual(
    banners.map((l) => l.replace(/ \*+$/, '')),
    ['PLAY [p]', 'TASK [enable forwarding]', 'RUNNING HANDLER [write config]', 'TASK [enable forwarding]', 'RUNNING HANDLER [write config]'],
  );
});

test('a play without hosts says it is skipped', async () => {
  const text = await render([{ event: 'play_start', play: 'empty', hosts: [], file: 'site.yml', line: 1 }]);
  assert.match(text, /skipping: no hosts matched/);
});

test('PLAY RECAP: numbers per host, aligned like Ansible', async () => {
  const lines = (await render(sampleRun())).split('\n');
  const start = lines.findIndex((l) => l.startsWith('PLAY RECAP '));
  const recap = lines.slice(start + 1, start + 4);
  assert.equal(
    recap[0],
    'node1                      : ok=1    changed=0    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
  );
  assert.match(recap[1]!, /^node2 +: ok=1 +changed=1 +unreachable=0 +failed=1 +skipped=0 /);
  assert.match(recap[2]!, /^node3 +: ok=0 +changed=0 +unreachable=1 +failed=0 /);
  for (const field of [' : ', 'changed=', 'unreachable=', 'ignored=']) {
    const cols = new Set(recap.map((l) => l.indexOf(field)));
    assert.equal(cols.size, 1, `${field} aligned`);
  }
});

test('a host name longer than the column widens it for every host', async () => {
  const long = 'control-plane-01.k8s.example.internal';
  const lines = (
    await render([
      {
        event: 'recap',
        hosts: { [long]: counts({ ok: 12 }), w1: counts({ ok: 3 }) },
        slowest: [],
        failures: [],
        durationMs: 10,
        check: false,
      },
    ])
  ).split('\n');
  const recap = lines.filter((l) => l.includes(' : ok='));
  assert.equal(recap.length, 2);
  assert.equal(recap[0]!.indexOf(' : '), long.length);
  assert.equal(recap[1]!.indexOf(' : '), long.length);
  assert.equal(recap[0]!.indexOf('changed='), recap[1]!.indexOf('changed='));
});

test('recap lists failures with file:line, the 5 slowest tasks and the total time', async () => {
  const slowest = [700, 100, 5000, 300, 65_000, 50, 2500].map((ms, i) => ({ task: `task ${i}`, file: 'site.yml', line: i + 1, durationMs: ms }));
  const text = await render([
    {
      event: 'recap',
      hosts: { n: counts({ failed: 1 }) },
      slowest,
      failures: [{ host: 'n', task: 'install kubeadm', file: 'roles/k/tasks/main.yml', line: 42, msg: 'exit code 100\nE: Unable to locate package' }],
      durationMs: 3_723_000,
      check: false,
    },
  ]);
  const lines = text.split('\n');
  const f = lines.findIndex((l) => l.includes('roles/k/tasks/main.yml:42'));
  assert.ok(f > 0);
  assert.match(lines[f]!, /\[n\]\s+install kubeadm/);
  assert.equal(lines[f + 1]!.trim(), 'exit code 100');
  assert.equal(lines[f + 2]!.trim(), 'E: Unable to locate package');
  const s = lines.indexOf('SLOWEST TASKS');
  const shown = lines.slice(s + 1, s + 6).map((l) => l.trim().split(/\s+/).slice(1, 3).join(' '));
  assert.deepEqual(shown, ['task 4', 'task 2', 'task 6', 'task 0', 'task 3']);
  assert.ok(!text.includes('task 5') && !text.includes('task 1 '));
  assert.ok(lines[s + 1]!.includes('1m05s') && lines[s + 1]!.includes('site.yml:5'));
  assert.ok(lines.includes('Total time: 1h02m03s'));
  assert.ok(!text.includes('check mode'));
});

test('check mode says nothing was changed', async () => {
  const text = await render(sampleRun(true), { check: true });
  assert.match(text, /\(check mode: nothing was changed\)\n$/);
});

test('no ANSI codes without colour; status colours with it', async () => {
  assert.ok(!(await render(sampleRun(), { diff: true, verbosity: 2 })).includes(ESC));
  const coloured = await render(sampleRun(), { color: true, verbosity: 1 });
  assert.ok(coloured.includes(`${ESC}32mok: [node1]`), 'ok green');
  assert.ok(coloured.includes(`${ESC}33mchanged: [node2]`), 'changed yellow');
  assert.ok(coloured.includes(`${ESC}31mfailed: [node2]`), 'failed red');
  assert.ok(coloured.includes(`${ESC}36mskipped: [node1]`), 'skipped cyan');
  assert.match(coloured, /\u001b\[31m\u001b\[1munreachable: \[node3\]|\u001b\[1m\u001b\[31munreachable: \[node3\]/, 'unreachable red bold');
});

test('the spinner stays off with spinner:false, even on a terminal', async () => {
  const out = memoryStream(true);
  const r = createPrettyReporter({ out, color: true, spinner: false, diff: false, verbosity: 0, check: false });
  for (const e of sampleRun()) r.onEvent(e);
  await r.close();
  const text = out.text();
  assert.equal(out.cursorCalls, 0, 'no cursor movement');
  assert.ok(!text.includes('\u001b[?25l'), 'cursor never hidden');
  assert.ok(!/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(text), 'no spinner frames');
  assert.ok(!text.includes('\r'));
  assert.ok(text.includes('PLAY RECAP'));
});
