import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FactOverlay } from '../../src/engine/fact-overlay.js';
import { readInParts } from '../../src/facts/types.js';
import { memoryInventory, runEngine } from '../helpers/engine.js';
import { fakeSysctlHost } from '../helpers/sysctl-host.js';
/** A piece-at-a-time fact: keys and files grow, `uname` comes whole with every read. */
const pieces = {
    name: 'pieces',
    key: () => '',
    argv: (q) => ['read', ...q.keys, '--', ...q.files],
    parse: () => assert.fail('the tests read through a recording reader'),
    partial: readInParts({ query: 'keys', fact: 'values', nameOf: (k) => k.toLowerCase() }, { query: 'files', fact: 'files' }),
};
const whole = { name: 'whole', key: (k) => k, argv: (k) => ['read', k], parse: () => ({ v: '' }) };
/** A host reader that records what it was asked and answers every subject it is asked about. */
function host(uname) {
    const asked = [];
    const read = async (def, arg) => {
        asked.push(arg);
        if (def !== pieces)
            return { v: 'host' };
        const q = arg;
        return { values: Object.fromEntries(q.keys.map((k) => [k.toLowerCase(), `host ${k}`])), files: Object.fromEntries(q.files.map((f) => [f, 'host'])), uname };
    };
    return { asked, read };
}
describe('fact overlay', () => {
    it('a prediction that covers half of a query: the other half is read from the host and merged in', async () => {
        const overlay = new FactOverlay();
        overlay.predict([{ fact: 'pieces', key: '', value: { values: { a: 'predicted a' }, files: { '/etc/x': 'predicted x' }, uname: 'predicted' } }]);
        const h = host('from host');
        const f = await overlay.read(pieces, { keys: ['A', 'B'], files: ['/etc/x', '/etc/y'] }, h.read);
        assert.deepEqual(h.asked, [{ keys: ['B'], files: ['/etc/y'] }], 'only the half the prediction lacks');
        assert.deepEqual(f, {
            values: { a: 'predicted a', b: 'host B' },
            files: { '/etc/x': 'predicted x', '/etc/y': 'host' },
            uname: 'predicted',
        });
    });
    it('a prediction that covers the whole query costs no read; the prediction wins where a read overlaps it', async () => {
        const overlay = new FactOverlay();
        overlay.predict([{ fact: 'pieces', key: '', value: { values: { a: 'predicted a' }, files: {}, uname: 'p' } }]);
        const h = host('h');
        assert.deepEqual(await overlay.read(pieces, { keys: ['a'], files: [] }, h.read), { values: { a: 'predicted a' }, files: {}, uname: 'p' });
        assert.deepEqual(h.asked, []);
        assert.deepEqual(pieces.partial.merge({ values: { a: 'p' }, files: {}, uname: 'p' }, { values: { a: 'h', b: 'h' }, files: {}, uname: 'h' }).values, { a: 'p', b: 'h' });
    });
    it('a fact read whole is the prediction as it is; an unpredicted subject is read from the host', async () => {
        const overlay = new FactOverlay();
        overlay.predict([{ fact: 'whole', key: 'one', value: { v: 'predicted' } }]);
        const h = host('h');
        assert.deepEqual(await overlay.read(whole, 'one', h.read), { v: 'predicted' });
        assert.deepEqual(await overlay.read(whole, 'two', h.read), { v: 'host' });
        assert.deepEqual(h.asked, ['two']);
    });
});
describe('fact overlay in a check-mode run', () => {
    const site = `
- hosts: web
  gather_facts: false
  tasks:
    - name: forward
      sysctl: { name: net.ipv4.ip_forward, value: 1 }
    - name: both
      sysctl: { settings: { net.ipv4.ip_forward: 1, net.core.somaxconn: 4096 } }
`;
    it('the second task finds one key predicted, reads the other from the host, and plans on the predicted file', async () => {
        const fake = fakeSysctlHost({ 'net.ipv4.ip_forward': '0', 'net.core.somaxconn': '128' }, {});
        const r = await runEngine({ files: { 'hosts.ini': memoryInventory({ web: ['w1'] }), 'site.yml': site }, responders: [fake.answer], check: true, diff: true });
        assert.deepEqual(r.lines, ['w1 forward changed', 'w1 both changed']);
        assert.deepEqual(fake.reads, [['net.ipv4.ip_forward', '/etc/sysctl.d/99-k8sbm.conf'], ['net.core.somaxconn']]);
        const both = r.results[1];
        assert.equal(both.execs, 1);
        assert.deepEqual(both.diff?.find((d) => d.kind === 'state')?.after, { 'net.core.somaxconn': '4096' }, 'ip_forward is predicted at 1: only somaxconn changes');
        const file = both.diff?.find((d) => d.kind === 'text');
        assert.equal(file?.kind === 'text' ? file.after : undefined, 'net.ipv4.ip_forward = 1\nnet.core.somaxconn = 4096\n');
    });
    it('outside check mode nothing is predicted: each task reads all it asks for', async () => {
        const fake = fakeSysctlHost({ 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '4096' }, { '/etc/sysctl.d/99-k8sbm.conf': 'net.ipv4.ip_forward = 1\nnet.core.somaxconn = 4096\n' });
        const r = await runEngine({ files: { 'hosts.ini': memoryInventory({ web: ['w1'] }), 'site.yml': site }, responders: [fake.answer] });
        assert.deepEqual(r.lines, ['w1 forward ok', 'w1 both ok']);
        assert.deepEqual(fake.reads, [
            ['net.ipv4.ip_forward', '/etc/sysctl.d/99-k8sbm.conf'],
            ['net.ipv4.ip_forward', 'net.core.somaxconn', '/etc/sysctl.d/99-k8sbm.conf'],
        ]);
    });
});
//# sourceMappingURL=fact-overlay.test.js.map