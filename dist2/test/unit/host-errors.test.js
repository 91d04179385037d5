import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUncaught, verbosityOf } from '../../src/cli/stdio.js';
import { describeError } from '../../src/engine/failure.js';
import { parseFileFactOutput } from '../../src/facts/file.js';
import { parseServiceOutput } from '../../src/facts/services.js';
import { classifyFactFailure, FactError, factCommandFailed, FactParseError, failureReason } from '../../src/facts/types.js';
import { isK8sbmError, K8sbmError } from '../../src/source/errors.js';
import { rememberSource } from '../../src/source/yaml.js';
import { UnreachableError } from '../../src/transport/connection.js';
/** Errors that come from hosts are the user's to fix: each has a code, a place and a hint. */
const failed = (stderr, code = 1) => ({ code, signal: null, stdout: '', stderr });
const task = { file: '/p/site.yml', line: 5, col: 7 };
describe('fact failures are coded by what the host said', () => {
    it('permission denied and operation not permitted: the user may not read it', () => {
        assert.equal(classifyFactFailure('stat: cannot statx \'/root/x\': Permission denied\n'), 'K8SBM_FACT_UNREADABLE');
        assert.equal(classifyFactFailure('cat: /proc/1/environ: Operation not permitted\n'), 'K8SBM_FACT_UNREADABLE');
    });
    it('a sudo that asks for a password or refuses the user is a become failure, not a fact one', () => {
        assert.equal(classifyFactFailure('sudo: a password is required\n'), 'K8SBM_BECOME_FAILED');
        assert.equal(classifyFactFailure('sudo: a terminal is required to read the password\n'), 'K8SBM_BECOME_FAILED');
        assert.equal(classifyFactFailure('ops is not in the sudoers file.  This incident will be reported.\n'), 'K8SBM_BECOME_FAILED');
    });
    it('anything else the command says is the host\'s own failure', () => {
        assert.equal(classifyFactFailure('sh: 1: kubectl: not found\n'), 'K8SBM_FACT_FAILED');
        assert.equal(classifyFactFailure(''), 'K8SBM_FACT_FAILED');
    });
    it('the reason is the tail of stderr, or the exit when stderr is empty', () => {
        assert.equal(failureReason(failed('a\n\nb\nc\nd\n')), 'b; c; d');
        assert.equal(failureReason(failed('', 3)), 'exit code 3');
        assert.equal(failureReason({ code: null, signal: 'SIGKILL', stdout: '', stderr: '' }), 'exit code SIGKILL');
        assert.equal(failureReason(failed('E0102 noise\nreal reason\n'), (l) => !l.startsWith('E0'), 2), 'real reason');
    });
    it('a failed fact command is a K8sbmError with the code, the fact, the reason and a hint', () => {
        const e = factCommandFailed('service', 'cannot inspect service nginx', failed('systemctl: Permission denied\n'));
        assert.ok(isK8sbmError(e));
        assert.equal(e.code, 'K8SBM_FACT_UNREADABLE');
        assert.equal(e.fact, 'service');
        assert.equal(e.subject, 'service fact');
        assert.equal(e.message, 'cannot inspect service nginx: systemctl: Permission denied');
        assert.match(e.hint ?? '', /become: true/);
        const sudo = factCommandFailed('file', 'cannot inspect /x', failed('sudo: a password is required\n'));
        assert.match(sudo.hint ?? '', /NOPASSWD|--ask-become-pass/);
    });
    it('parsers throw coded errors: a refused command, a path it may not search, output it cannot read', () => {
        assert.throws(() => parseServiceOutput(failed('Failed to connect to bus: Operation not permitted\n'), 'nginx'), (e) => e instanceof FactError && e.code === 'K8SBM_FACT_UNREADABLE' && /nginx/.test(e.message));
        assert.throws(() => parseFileFactOutput({ code: 0, signal: null, stdout: 'k8sbm-file 1\nparent=0\ndenied=/root/secret\n', stderr: '' }, '/root/secret/a/b'), (e) => e instanceof FactError && e.code === 'K8SBM_FACT_UNREADABLE' && /\/root\/secret cannot be searched/.test(e.message));
        assert.throws(() => parseFileFactOutput({ code: 0, signal: null, stdout: 'garbage\n', stderr: '' }, '/x'), (e) => e instanceof FactParseError && e.code === 'K8SBM_FACT_PARSE' && isK8sbmError(e) && /report it/.test(e.hint ?? ''));
    });
});
describe('connections', () => {
    it('an unreachable host and a lost connection have their own codes and hints', () => {
        const u = new UnreachableError('node01', 'connection refused', 'is sshd running?');
        assert.ok(isK8sbmError(u));
        assert.deepEqual([u.code, u.message, u.reason, u.hint], ['K8SBM_UNREACHABLE', 'node01: connection refused', 'connection refused', 'is sshd running?']);
        const lost = UnreachableError.lost('node01', 'reset by peer');
        assert.deepEqual([lost.code, lost.reason], ['K8SBM_CONNECTION_LOST', 'connection lost: reset by peer']);
        assert.match(lost.hint ?? '', /reboot|sshd/);
    });
});
describe('a task\'s error as its result shows it', () => {
    it('a fact error takes the task\'s place, its code and hint, and no stack frame', () => {
        const e = factCommandFailed('file', 'cannot inspect /root/x', failed('stat: Permission denied\n'));
        const r = describeError(e, task, 3);
        assert.equal(r.code, 'K8SBM_FACT_UNREADABLE');
        assert.equal(r.msg, 'K8SBM_FACT_UNREADABLE: cannot inspect /root/x: stat: Permission denied');
        assert.deepEqual(r.detail, ['/p/site.yml:5:7', `hint: ${e.hint}`]);
        assert.equal(r.hint, e.hint);
    });
    it('an error with its own place shows that place and the source line under it', () => {
        rememberSource('/p/vars.yml', 'a: 1\nport: "{{ nope }}"\n');
        const e = new K8sbmError('K8SBM_UNDEFINED_VAR', 'undefined variable "nope"', { loc: { file: '/p/vars.yml', line: 2, col: 11 }, hint: 'define it' });
        assert.deepEqual(describeError(e, task, 0).detail, ['/p/vars.yml:2:11', '> 2 | port: "{{ nope }}"', '    |           ^', 'hint: define it']);
    });
    it('an unreachable host says its reason after the code (the host is on the line already)', () => {
        const r = describeError(new UnreachableError('node01', 'connection refused', 'start sshd'), task, 0);
        assert.equal(r.msg, 'K8SBM_UNREACHABLE: connection refused');
        assert.deepEqual(r.detail, ['/p/site.yml:5:7', 'hint: start sshd']);
    });
    it('anything else is a k8sbm bug: labelled so, stack frames only at -vvv', () => {
        const bug = new TypeError('cannot read properties of undefined');
        const quiet = describeError(bug, task, 2);
        assert.equal(quiet.code, 'K8SBM_INTERNAL');
        assert.equal(quiet.msg, 'K8SBM_INTERNAL: a bug in k8sbm: cannot read properties of undefined');
        assert.deepEqual(quiet.detail, ['/p/site.yml:5:7', `hint: ${quiet.hint}`]);
        assert.match(quiet.hint ?? '', /report it.*-vvv/);
        const loud = describeError(bug, task, 3);
        assert.ok(loud.detail.some((l) => /^at .*host-errors\.test\.js/.test(l)), loud.detail.join('\n'));
    });
});
describe('an error that reaches the command line', () => {
    it('is printed as the user\'s error when it is one', () => {
        const text = describeUncaught(new K8sbmError('K8SBM_USAGE', 'nothing to run', { hint: 'give a command' }), 3);
        assert.equal(text, 'K8SBM_USAGE\n  nothing to run\n  hint: give a command');
    });
    it('is labelled a bug otherwise, with stack frames only at -vvv', () => {
        const bug = new RangeError('boom');
        const quiet = describeUncaught(bug, 0);
        assert.equal(quiet, 'K8SBM_INTERNAL  a bug in k8sbm\n  boom\n  hint: please report it; run again with -vvv to see where in k8sbm it happened');
        assert.match(describeUncaught(bug, 3), /\n {2}at .*host-errors\.test\.js/);
    });
    it('counts -v as yargs does, up to a --', () => {
        assert.equal(verbosityOf(['run', 'site.yml', '-vvv']), 3);
        assert.equal(verbosityOf(['-v', 'run', '--verbose', '-vv']), 4);
        assert.equal(verbosityOf(['exec', 'all', '--', 'ls', '-vvv']), 0);
    });
});
//# sourceMappingURL=host-errors.test.js.map