import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, multiReporter, redactEvent, shouldUseColor } from '../../src/report/index.js';
import { ProgressTracker } from '../../src/report/progress.js';
test('shouldUseColor: FORCE_COLOR wins, then NO_COLOR, then the terminal decides', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    assert.equal(shouldUseColor(tty, {}), true);
    assert.equal(shouldUseColor(pipe, {}), false);
    assert.equal(shouldUseColor(tty, { NO_COLOR: '1' }), false);
    assert.equal(shouldUseColor(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.equal(shouldUseColor(pipe, { FORCE_COLOR: '1' }), true);
    assert.equal(shouldUseColor(pipe, { FORCE_COLOR: '' }), true);
    assert.equal(shouldUseColor(tty, { FORCE_COLOR: '0' }), false);
    assert.equal(shouldUseColor(tty, { FORCE_COLOR: 'false' }), false);
    assert.equal(shouldUseColor(pipe, { FORCE_COLOR: '2', NO_COLOR: '1' }), true);
    assert.equal(shouldUseColor(tty, { TERM: 'dumb' }), false);
});
const leaky = {
    event: 'task_result',
    host: 'node1',
    task: 'join cluster',
    module: 'command',
    file: 'site.yml',
    line: 5,
    status: 'failed',
    msg: 'kubeadm join --token abcdef.0123456789abcdef failed',
    detail: ['argv: kubeadm join --token abcdef.0123456789abcdef', 'stderr: token abcdef.0123456789abcdef invalid'],
    item: 'abcdef.0123456789abcdef',
    durationMs: 1,
    diff: [
        { kind: 'text', subject: '/etc/kubeadm.yaml', before: null, after: 'token: abcdef.0123456789abcdef\npassword: pa55word\n' },
        { kind: 'state', subject: 'user', before: { pw: 'pa55word' }, after: { pw: 'pa55word-new', nested: { list: ['pa55word'] } } },
    ],
};
test('redactEvent masks every secret in every string of an event, and leaves the input alone', () => {
    const secrets = ['abcdef.0123456789abcdef', 'pa55word', 'pa55word-new'];
    const red = redactEvent(leaky, secrets);
    const json = JSON.stringify(red);
    for (const s of secrets)
        assert.ok(!json.includes(s), `${s} masked`);
    assert.equal(red.event === 'task_result' && red.msg, 'kubeadm join --token *** failed');
    assert.ok(red.event === 'task_result' && red.diff?.[1]?.kind === 'state' && red.diff[1].after['pw'] === '***', 'longest secret masked whole');
    assert.ok(JSON.stringify(leaky).includes('pa55word'), 'input not modified');
    assert.equal(red.event === 'task_result' && red.line, 5, 'numbers kept');
});
test('redactEvent ignores secrets too short to mask safely', () => {
    const e = { event: 'warning', msg: 'a b ab' };
    assert.deepEqual(redactEvent(e, ['a', 'ab']), e);
});
test('multiReporter hands every event to every reporter, even when one throws', async () => {
    const seen = [[], []];
    const make = (i, fail) => ({
        onEvent(e) {
            seen[i].push(e.event);
            if (fail)
                throw new Error('boom');
        },
        async close() {
            if (fail)
                throw new Error('close boom');
            seen[i].push('closed');
        },
    });
    const r = multiReporter(make(0, true), make(1, false));
    assert.throws(() => r.onEvent({ event: 'warning', msg: 'x' }), /boom/);
    await assert.rejects(r.close(), /close boom/);
    assert.deepEqual(seen, [['warning'], ['warning', 'closed']]);
});
test('formatDuration', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(999), '999ms');
    assert.equal(formatDuration(1049), '1.0s');
    assert.equal(formatDuration(12_345), '12.3s');
    assert.equal(formatDuration(125_000), '2m05s');
    assert.equal(formatDuration(3_723_000), '1h02m03s');
});
test('progress counts host x task results and knows the hosts still in flight', () => {
    const p = new ProgressTracker();
    const t = { task: 'install', module: 'apt', file: 'site.yml', line: 3 };
    p.runStart({ event: 'run_start', playbook: 'site.yml', check: false, diff: false, plannedTasks: 6 });
    p.taskStart({ event: 'task_start', ...t, hosts: ['a', 'b', 'c', 'd', 'e'], handler: false });
    const done = (host, item) => p.taskResult({ event: 'task_result', host, ...t, status: 'ok', msg: '', durationMs: 1, item });
    done('b', 'x');
    done('b', 'y');
    assert.equal(p.done, 1, 'a host counts once however many loop items it reports');
    assert.deepEqual(p.hostsInFlight(), ['a', 'c', 'd', 'e']);
    assert.equal(p.text(200), '[1/6] install · 4 in flight: a, c, d +1');
    assert.ok(p.text(20).length <= 20);
    for (const h of ['a', 'c', 'd', 'e'])
        done(h);
    assert.deepEqual(p.hostsInFlight(), []);
    assert.equal(p.text(200), '[5/6] install');
});
//# sourceMappingURL=report-misc.test.js.map