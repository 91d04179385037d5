import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countSshdSessions, parseAnsibleRecap, parseK8sbmRecap, parseProcStatCpuTicks, parseProcStatTotals, parseTimeOutput, TIME_FORMAT } from '../../bench/parse.js';
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
//# sourceMappingURL=bench-parse.test.js.map