import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { countSshdSessions, parseAnsibleRecap, parseK8sbmRecap, parsePyinfraOutput, parseProcStatCpuTicks, parseProcStatTotals, parseTimeOutput, TIME_FORMAT } from '../../bench/parse.js';
import { fixture } from '../helpers/paths.js';

// The end of `ansible-playbook` output (ansible-core 2.14, default callback), trailing spaces kept.
const ANSIBLE_OUTPUT = [
  'TASK [link to the current configuration] ***************************************',
  'ok: [node01]',
  'changed: [node02]',
  '',
  'PLAY RECAP *********************************************************************',
  'node01                     : ok=29   changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
  'node02                     : ok=29   changed=28   unreachable=0    failed=1    skipped=2    rescued=0    ignored=3   ',
  '',
].join('\n');

// A node's sshd at LogLevel VERBOSE (OpenSSH 9.2), one Ansible file transfer and two commands
// over one multiplexed connection, then a k8sbm connection with one exec.
const SSHD_LOG = [
  'Server listening on 198.18.3.11 port 22.',
  'Connection from 198.18.3.1 port 40112 on 198.18.3.11 port 22 rdomain ""',
  'Postponed publickey for root from 198.18.3.1 port 40112 ssh2 [preauth]',
  'Accepted key ED25519 SHA256:QD8Z+tx91e7OsHEmQS5xuZzA4wsHiF25XXSbUqvfkKU found at /root/.ssh/authorized_keys:1',
  'Accepted publickey for root from 198.18.3.1 port 40112 ssh2: ED25519 SHA256:QD8Z+tx91e7OsHEmQS5xuZzA4wsHiF25XXSbUqvfkKU',
  'Starting session: command for root from 198.18.3.1 port 40112 id 0',
  'Close session: user root from 198.18.3.1 port 40112 id 0',
  "Starting session: subsystem 'sftp' for root from 198.18.3.1 port 40112 id 1",
  'Close session: user root from 198.18.3.1 port 40112 id 1',
  'Starting session: command for root from 198.18.3.1 port 40112 id 0',
  'Close session: user root from 198.18.3.1 port 40112 id 0',
  'Accepted publickey for root from 198.18.3.1 port 40120 ssh2: ED25519 SHA256:QD8Z+tx91e7OsHEmQS5xuZzA4wsHiF25XXSbUqvfkKU',
  'Starting session: command for root from 198.18.3.1 port 40120 id 0',
  'Received disconnect from 198.18.3.1 port 40120:11: ',
  '',
].join('\n');

describe('parseAnsibleRecap', () => {
  it('reads every host line of the PLAY RECAP', () => {
    const r = parseAnsibleRecap(ANSIBLE_OUTPUT);
    assert.deepEqual(Object.keys(r), ['node01', 'node02']);
    assert.deepEqual(r.node01, { ok: 29, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.deepEqual(r.node02, { ok: 29, changed: 28, unreachable: 0, failed: 1, skipped: 2, rescued: 0, ignored: 3 });
  });

  it('ignores task lines that look like host results', () => {
    assert.equal(parseAnsibleRecap(ANSIBLE_OUTPUT).node02?.changed, 28);
  });

  it('fails when the run ended before the recap', () => {
    assert.throws(() => parseAnsibleRecap('TASK [x] ***\nok: [node01]\n'), /no PLAY RECAP/);
    assert.throws(() => parseAnsibleRecap('PLAY RECAP ***\n\n'), /lists no host/);
  });
});

describe('parseK8sbmRecap', () => {
  const events = [
    { event: 'run_start', playbook: 'harden.yml', check: false, diff: false, plannedTasks: 66 },
    { event: 'task_result', host: 'node01', task: 'x', module: 'file', file: 'h.yml', line: 3, status: 'changed', msg: 'created', durationMs: 4 },
    { event: 'recap', hosts: { node01: { ok: 29, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 }, node02: { ok: 1, changed: 28, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0 } }, failures: [], slowest: [], durationMs: 668.6, check: false, execs: { node01: 33, node02: 62 } },
  ];

  it('takes the counts and execs per host from the recap event', () => {
    const r = parseK8sbmRecap(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    assert.equal(r.hosts.node02?.changed, 28);
    assert.equal(r.hosts.node01?.ok, 29);
    assert.deepEqual(r.execs, { node01: 33, node02: 62 });
    assert.equal(r.durationMs, 668.6);
  });

  it('fails without a recap event (the run was cut short)', () => {
    assert.throws(() => parseK8sbmRecap(`${JSON.stringify(events[0])}\nnot json\n`), /no recap event/);
  });
});

describe('countSshdSessions', () => {
  it('counts sessions by kind and authenticated connections', () => {
    assert.deepEqual(countSshdSessions(SSHD_LOG), { connections: 2, sessions: 4, commands: 3, subsystems: 1, shells: 0 });
  });

  it('counts nothing in a log of INFO level (no session lines)', () => {
    const info = SSHD_LOG.split('\n').filter((l) => !l.startsWith('Starting session')).join('\n');
    assert.equal(countSshdSessions(info).sessions, 0);
  });
});

describe('GNU time and /proc readers', () => {
  it('reads the marked line of time, also after a non-zero exit note', () => {
    assert.match(TIME_FORMAT, /%M/);
    const r = parseTimeOutput('Command exited with non-zero status 2\nk8sbm-bench-time 21.30 58412 4.21 0.65\n');
    assert.deepEqual(r, { wallS: 21.3, maxRssKb: 58412, userS: 4.21, sysS: 0.65 });
    assert.throws(() => parseTimeOutput('Command terminated by signal 9\n'), /no "k8sbm-bench-time" line/);
  });

  it('reads utime+stime and cutime+cstime of /proc/PID/stat, also with spaces in the name', () => {
    const stat = '4242 (sshd: root [x]) S 4200 4242 4242 0 -1 4194560 1200 34000 0 0 17 9 812 340 20 0 1 0 12345 17000000 2000 18446744073709551615';
    assert.deepEqual(parseProcStatCpuTicks(stat), { self: 26, children: 1152 });
  });

  it('counts busy machine time without idle and iowait', () => {
    const stat = 'cpu  100 5 50 1000 20 3 2 10 0 0\ncpu0 50 2 25 500 10 1 1 5 0 0\n';
    assert.deepEqual(parseProcStatTotals(stat), { busy: 170, total: 1190 });
  });
});

/**
 * pyinfra 3.1.1's stderr (it prints nothing on stdout), captured from real runs of
 * bench/scenario/harden_pyinfra.py on lab nodes (the deploy's path shortened to the repository's):
 * first apply, converged re-run and --dry on 2 converged nodes, --dry on 7 fresh nodes (host lists
 * cut at 48 characters), a run where node02 fails its 32nd operation, and a run where node01's
 * host key does not match and node02 does not answer.
 */
const pyinfraOutput = (name: string): string => readFileSync(fixture('bench', 'pyinfra-3.1.1', `${name}.stderr`), 'utf8');

describe('parsePyinfraOutput', () => {
  it('counts every operation of a first apply per host, changed when it executed commands', () => {
    const r = parsePyinfraOutput(pyinfraOutput('first-apply'));
    assert.equal(r.mode, 'run');
    assert.equal(r.operations, 33);
    // 33 operations: 4 directories that exist on the machine and the mode-only file task do not change.
    assert.deepEqual(r.hosts.node01, { ok: 33, changed: 29, unreachable: 0, failed: 0, ignored: 0, skipped: 0, rescued: 0 });
    assert.deepEqual(r.hosts.node02, r.hosts.node01);
    assert.equal(r.unattributedChanges + r.unattributedErrors, 0);
  });

  it('reads a converged run as no change on every host (guarded operations are left out)', () => {
    const r = parsePyinfraOutput(pyinfraOutput('converged'));
    assert.equal(r.operations, 30);
    assert.deepEqual(Object.keys(r.hosts).sort(), ['node01', 'node02']);
    for (const c of Object.values(r.hosts)) assert.deepEqual([c.ok, c.changed, c.failed], [30, 0, 0]);
  });

  it('reads a dry run on converged nodes as no change', () => {
    const r = parsePyinfraOutput(pyinfraOutput('dry-converged'));
    assert.equal(r.mode, 'dry');
    assert.equal(r.operations, 30);
    assert.deepEqual(Object.keys(r.hosts).sort(), ['node01', 'node02']);
    assert.equal(Object.values(r.hosts).reduce((a, c) => a + c.changed, 0) + r.unattributedChanges, 0);
  });

  it('counts the changes of a dry run also when the host list is cut short', () => {
    const r = parsePyinfraOutput(pyinfraOutput('dry-fresh'));
    assert.equal(Object.keys(r.hosts).length, 7);
    // 30 operations would change all 7 hosts (the mode-only task too: its file is not there yet
    // when pyinfra looks); each list names node01-node05 in full, the rest go unattributed.
    assert.equal(r.hosts.node01?.changed, 30);
    assert.equal(r.hosts.node06?.changed, 0);
    assert.equal(r.unattributedChanges, 30 * 2);
  });

  it('counts a failed host and the later operations it never reached', () => {
    const r = parsePyinfraOutput(pyinfraOutput('failed-host'));
    assert.equal(r.hosts.node02?.failed, 1);
    assert.equal(r.hosts.node01?.failed, 0);
    assert.equal(r.hosts.node01?.ok, 33);
    assert.equal(r.unattributedErrors, 1);
  });

  it('names the hosts it could not connect to', () => {
    assert.throws(() => parsePyinfraOutput(pyinfraOutput('unreachable')), /could not connect to node01, node02/);
  });

  it('fails when a run ended before its results table', () => {
    const text = pyinfraOutput('first-apply');
    assert.throws(() => parsePyinfraOutput(text.slice(0, text.indexOf('--> Results:'))), /no "--> Results:" table/);
  });

  it('fails when a per-host line went missing, rather than count a change as none', () => {
    const text = pyinfraOutput('first-apply').replace(/^ {4}\[node02\] Success\n/m, '');
    assert.throws(() => parsePyinfraOutput(text), /results table counts 58 changed .* per-host lines 57/);
  });

  it('reads the same output with colours', () => {
    const coloured = pyinfraOutput('converged').replace(/\[(node0\d)\] No changes/g, '\x1b[0m[\x1b[1mnode01\x1b[0m] \x1b[32mNo changes\x1b[0m'.replace('node01', '$1'));
    assert.deepEqual(parsePyinfraOutput(coloured), parsePyinfraOutput(pyinfraOutput('converged')));
  });
});
