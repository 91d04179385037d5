import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sysctl } from '../../src/modules/system/sysctl.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { FactOverlay, runModule } from '../helpers/module-harness.js';
import { fakeSysctlHost } from '../helpers/sysctl-host.js';
describe('sysctl in check mode across tasks', () => {
    it('a later task on the same file sees the earlier prediction, and reads only what it lacks', async () => {
        const host = fakeSysctlHost({ 'net.ipv4.ip_forward': '0', 'net.core.somaxconn': '128' }, {});
        const conn = new MemoryConnection('n1', [host.answer]);
        const overlay = new FactOverlay();
        const first = await runModule(conn, sysctl, { name: 'net.ipv4.ip_forward', value: 1 }, { check: true, overlay });
        assert.equal(first.plan.kind, 'change');
        assert.equal(first.execs, 1, 'one fact exec, nothing applied');
        const second = await runModule(conn, sysctl, { name: 'net.core.somaxconn', value: 4096 }, { check: true, overlay });
        assert.equal(second.execs, 1, 'one read for the key the prediction does not know, no file read');
        assert.deepEqual(host.reads, [['net.ipv4.ip_forward', '/etc/sysctl.d/99-k8sbm.conf'], ['net.core.somaxconn']]);
        assert.ok(second.plan.kind === 'change');
        const fileDiff = second.plan.diffs.find((d) => d.kind === 'text');
        assert.deepEqual(fileDiff && { before: fileDiff.before, after: fileDiff.after }, {
            before: 'net.ipv4.ip_forward = 1\n',
            after: 'net.ipv4.ip_forward = 1\nnet.core.somaxconn = 4096\n',
        }, 'the second task builds on the first one\'s predicted file');
        // A third task asking for the first key again is a no-op: both its value and the file are predicted.
        const third = await runModule(conn, sysctl, { name: 'net.ipv4.ip_forward', value: 1 }, { check: true, overlay });
        assert.equal(third.plan.kind, 'ok');
        assert.equal(third.execs, 0);
    });
    it('without check mode every task reads the host once, whatever earlier tasks did', async () => {
        const host = fakeSysctlHost({ 'vm.swappiness': '10' }, { '/etc/sysctl.d/99-k8sbm.conf': 'vm.swappiness = 10\n' });
        const conn = new MemoryConnection('n1', [host.answer]);
        const r = await runModule(conn, sysctl, { settings: { 'vm.swappiness': 10 } });
        assert.equal(r.plan.kind, 'ok');
        assert.equal(r.execs, 1);
    });
});
//# sourceMappingURL=sysctl-check.test.js.map