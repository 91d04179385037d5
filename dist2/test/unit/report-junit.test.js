import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJunitReporter, emptyCounts, escapeXml } from '../../src/report/index.js';
import { withTempDir } from '../helpers/temp.js';
/** A strict little XML reader: enough to prove well-formedness and to count elements. */
function parseXml(xml) {
    const decode = (s) => {
        assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(s), `bare & in ${JSON.stringify(s)}`);
        return s
            .replace(/&#(\d+);/g, (_m, n) => String.fromCodePoint(Number(n)))
            .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    };
    assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml), 'no characters XML forbids');
    const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
    const root = { name: '#root', attrs: {}, children: [], text: '' };
    const stack = [root];
    const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
    let m;
    let pos = 0;
    while (pos < body.length && (m = token.exec(body)) !== null) {
        pos = token.lastIndex;
        const top = stack[stack.length - 1];
        if (m[5] !== undefined) {
            top.text += decode(m[5]);
            continue;
        }
        const [, closing, name, rawAttrs, selfClosing] = m;
        if (closing) {
            assert.equal(stack.pop().name, name, `closing tag </${name}> matches`);
            continue;
        }
        const attrs = {};
        for (const a of rawAttrs.matchAll(/([\w-]+)="([^"]*)"/g))
            attrs[a[1]] = decode(a[2]);
        const el = { name: name, attrs, children: [], text: '' };
        top.children.push(el);
        if (!selfClosing)
            stack.push(el);
    }
    assert.equal(pos, body.length, 'whole document tokenised');
    assert.equal(stack.length, 1, 'every element closed');
    assert.equal(root.children.length, 1, 'one root element');
    return root.children[0];
}
const T1 = { task: 'install <kubeadm> & "friends"', module: 'apt', file: 'site.yml', line: 10 };
const T2 = { task: 'configure', module: 'template', file: 'site.yml', line: 20 };
function result(host, t, status, msg, extra = {}) {
    return { event: 'task_result', host, ...t, status, msg, durationMs: 250, ...extra };
}
const events = [
    { event: 'run_start', playbook: 'site.yml', check: false, diff: false, plannedTasks: 6 },
    { event: 'play_start', play: 'nodes', hosts: ['n1', 'n2', 'n3'], file: 'site.yml', line: 1 },
    { event: 'task_start', ...T1, hosts: ['n1', 'n2', 'n3'], handler: false },
    result('n1', T1, 'changed', 'installed kubeadm'),
    result('n2', T1, 'failed', 'exit code 100 <E: & stuff>', { detail: ['stderr: \u001b[31mE: Unable\u001b[0m \u0007bell', 'argv: apt-get install kubeadm'] }),
    result('n3', T1, 'unreachable', 'connection refused'),
    { event: 'task_start', ...T2, hosts: ['n1'], handler: false },
    result('n1', T2, 'skipped', 'when: false', { item: 'a' }),
    result('n1', T2, 'skipped', 'when: false', { item: 'b' }),
    { event: 'play_start', play: 'second', hosts: ['n1'], file: 'site.yml', line: 30 },
    { event: 'task_start', ...T2, hosts: ['n1'], handler: false },
    result('n1', T2, 'failed', 'ignored failure', { ignored: true }),
    result('n1', T2, 'ok', 'fine', { item: 'x' }),
    { event: 'recap', hosts: { n1: emptyCounts() }, slowest: [], failures: [], durationMs: 1, check: false },
];
async function writeJunit(evs) {
    return withTempDir('junit', async (dir) => {
        const file = join(dir, 'out', 'junit.xml');
        const r = createJunitReporter(file);
        for (const e of evs)
            r.onEvent(e);
        await r.close();
        return readFileSync(file, 'utf8');
    });
}
test('JUnit XML is well-formed: a testsuite per play, a testcase per host x task', async () => {
    const root = parseXml(await writeJunit(events));
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(root.attrs, { name: 'site.yml', tests: '5', failures: '1', errors: '1', skipped: '1', time: '1.750' });
    const [first, second] = root.children;
    assert.equal(root.children.length, 2);
    assert.equal(first.attrs['name'], 'nodes');
    assert.equal(first.attrs['tests'], '4');
    assert.equal(first.attrs['failures'], '1');
    assert.equal(first.attrs['errors'], '1');
    assert.equal(first.attrs['skipped'], '1');
    assert.equal(second.attrs['name'], 'second');
    assert.equal(second.attrs['tests'], '1', 'an ignored failure and an ok item are one testcase');
    assert.equal(second.attrs['failures'], '0');
    const cases = first.children;
    assert.deepEqual(cases.map((c) => `${c.attrs['classname']}/${c.attrs['name']}`), [
        'n1/install <kubeadm> & "friends"',
        'n2/install <kubeadm> & "friends"',
        'n3/install <kubeadm> & "friends"',
        'n1/configure',
    ]);
    assert.equal(cases[3].attrs['time'], '0.500', 'loop items add up in one testcase');
});
test('failures carry message and detail; unreachable is an error; skips are marked', async () => {
    const root = parseXml(await writeJunit(events));
    const cases = root.children[0].children;
    const failure = cases[1].children.find((c) => c.name === 'failure');
    assert.ok(failure);
    assert.equal(failure.attrs['message'], 'exit code 100 <E: & stuff>');
    assert.ok(failure.text.includes('stderr: E: Unable'), 'ANSI colour removed from detail');
    assert.ok(failure.text.includes('argv: apt-get install kubeadm'));
    assert.ok(cases[2].children.some((c) => c.name === 'error' && c.attrs['message'] === 'connection refused'));
    assert.ok(cases[3].children.some((c) => c.name === 'skipped' && c.attrs['message'] === 'when: false'));
    assert.equal(cases[0].children.find((c) => c.name === 'system-out')?.text, 'changed: installed kubeadm');
    const ignored = root.children[1].children[0];
    assert.ok(!ignored.children.some((c) => c.name === 'failure'), 'an ignored failure passes');
    assert.match(ignored.children.find((c) => c.name === 'system-out').text, /failed \(ignored\): ignored failure/);
});
test('escapeXml escapes markup and drops what XML cannot hold', () => {
    assert.equal(escapeXml(`a<b>&"c"'d'`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    assert.equal(escapeXml('x\u0000y\u001b[1mz'), 'x\uFFFDyz');
    assert.equal(escapeXml('half \uD800 surrogate'), 'half \uFFFD surrogate');
    assert.equal(escapeXml('emoji \u{1F600}'), 'emoji \u{1F600}');
});
test('a run with no plays still writes a valid, empty report', async () => {
    const root = parseXml(await writeJunit([{ event: 'run_start', playbook: 'empty.yml', check: false, diff: false, plannedTasks: 0 }]));
    assert.equal(root.attrs['tests'], '0');
    assert.equal(root.children.length, 0);
});
//# sourceMappingURL=report-junit.test.js.map