import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createFileReporter, createJsonReporter, emptyCounts } from '../../src/report/index.js';
import { isK8sbmError } from '../../src/source/errors.js';
import { Secret } from '../../src/util/secret.js';
import { tempDir } from '../helpers/temp.js';
function memoryStream() {
    const chunks = [];
    const s = new Writable({
        write(chunk, _enc, cb) {
            chunks.push(String(chunk));
            cb();
        },
    });
    s.text = () => chunks.join('');
    return s;
}
const T = { task: 'write config', module: 'template', file: 'roles/base/tasks/main.yml', line: 7 };
const events = [
    { event: 'run_start', playbook: 'site.yml', check: false, diff: true, plannedTasks: 1 },
    { event: 'play_start', play: 'base', hosts: ['node1'], file: 'site.yml', line: 1 },
    { event: 'task_start', ...T, hosts: ['node1'], handler: false },
    {
        event: 'task_result',
        host: 'node1',
        ...T,
        status: 'changed',
        msg: 'update /etc/app.conf',
        durationMs: 12,
        item: 'app',
        execs: 2,
        diff: [
            { kind: 'text', subject: '/etc/app.conf', before: 'port=1\n', after: 'port=2\n' },
            { kind: 'state', subject: 'db', before: { password: new Secret('hunter2-secret') }, after: { password: new Secret('other-secret') } },
        ],
    },
    { event: 'warning', msg: 'deprecated', file: 'site.yml', line: 3 },
    {
        event: 'recap',
        hosts: { node1: { ...emptyCounts(), changed: 1 } },
        slowest: [{ task: T.task, file: T.file, line: T.line, durationMs: 12 }],
        failures: [],
        durationMs: 20,
        check: false,
    },
];
test('one JSON object per line, one line per event, with the event fields', async () => {
    const out = memoryStream();
    const r = createJsonReporter(out);
    for (const e of events)
        r.onEvent(e);
    await r.close();
    const text = out.text();
    assert.ok(text.endsWith('\n'));
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l['event']), ['run_start', 'play_start', 'task_start', 'task_result', 'warning', 'recap']);
    const result = lines[3];
    assert.equal(result['host'], 'node1');
    assert.equal(result['task'], 'write config');
    assert.equal(result['file'], 'roles/base/tasks/main.yml');
    assert.equal(result['line'], 7);
    assert.equal(result['status'], 'changed');
    assert.equal(result['msg'], 'update /etc/app.conf');
    assert.equal(result['item'], 'app');
    assert.equal(result['execs'], 2);
    assert.deepEqual(lines[5]['hosts']['node1']['changed'], 1);
});
test('diffs in JSON carry the structured diff and an uncoloured unified rendering', async () => {
    const out = memoryStream();
    const r = createJsonReporter(out);
    r.onEvent(events[3]);
    await r.close();
    const diff = JSON.parse(out.text()).diff;
    assert.equal(diff.length, 2);
    assert.equal(diff[0]['kind'], 'text');
    assert.equal(diff[0]['before'], 'port=1\n');
    assert.equal(diff[0]['after'], 'port=2\n');
    const unified = diff[0]['unified'];
    assert.ok(unified.startsWith('--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@'));
    assert.ok(unified.includes('\n-port=1\n+port=2'));
    assert.ok(!unified.includes('\u001b['));
    assert.deepEqual(diff[1]['before'], { password: '***' });
    assert.ok(!out.text().includes('hunter2-secret') && !out.text().includes('other-secret'));
});
test('the file reporter writes the same stream to a file', async (t) => {
    const dir = tempDir('report', t);
    const file = join(dir, 'nested', 'run.jsonl');
    const r = createFileReporter(file);
    for (const e of events)
        r.onEvent(e);
    await r.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, events.length);
    assert.equal(JSON.parse(lines[3]).status, 'changed');
});
test('a report file that cannot be written fails at close with a coded error, not during the run', async (t) => {
    const dir = tempDir('report', t);
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const r = createFileReporter(join(blocker, 'run.jsonl'));
    assert.doesNotThrow(() => r.onEvent(events[0]));
    await assert.rejects(r.close(), (err) => isK8sbmError(err) && err.code === 'K8SBM_REPORT_WRITE' && err.hint !== undefined);
});
//# sourceMappingURL=report-json.test.js.map