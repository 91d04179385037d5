import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { authorized_key } from '../../src/modules/accounts/authorized_key.js';
import { group } from '../../src/modules/accounts/group.js';
import { user } from '../../src/modules/accounts/user.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { FactOverlay, runModule } from '../helpers/module-harness.js';
import { fixture } from '../helpers/paths.js';
/**
 * Check mode over a host that has neither the group nor the user: each task reads the real
 * facts once, and the predictions of the earlier tasks make the later ones plan instead of
 * failing ("user does not exist"). The host answers with output captured from a real one.
 */
const HASH = '$6$k8sbmsalt$Q0xq3Qm9zWcR0Vj9H3s6Lr1m2m0nVQ7fT6n1C6lJ0q0yqkJYH6pNf0G0Zc3uHq7kq0bJ8rJ6x2O3yS4Q9s1Zx/';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg9n4mRA0vpmVyS3HmjcNRjB5mAP2f3m8Qkq2W9aF8G alice@laptop';
const captured = (family, name) => readFileSync(fixture('facts', family, `${name}.stdout`), 'utf8');
function freshHost() {
    const responders = [
        (req) => (req.argv[0] === 'getent' && req.argv[1] === 'group' ? { code: 2, stdout: '' } : undefined),
        (req) => (req.argv[3] === 'k8sbm-user' ? { stdout: captured('user', 'missing') } : undefined),
        (req) => (req.argv[3] === 'k8sbm-authorized-keys' ? { stdout: captured('authorized_keys', 'missing-user') } : undefined),
    ];
    return new MemoryConnection('node1', responders);
}
describe('check mode: group -> user -> authorized_key on a fresh host', () => {
    it('every task plans a change from one fact exec, and nothing is applied', async () => {
        const conn = freshHost();
        const overlay = new FactOverlay();
        const opts = { check: true, overlay };
        const g = await runModule(conn, group, { name: 'k8sbm-devs', gid: 4100 }, opts);
        const u = await runModule(conn, user, { name: 'alice', groups: ['k8sbm-devs'], shell: '/bin/bash', password: HASH }, opts);
        const k = await runModule(conn, authorized_key, { user: 'alice', key: KEY }, opts);
        assert.deepEqual([g.plan.kind, u.plan.kind, k.plan.kind], ['change', 'change', 'change'], JSON.stringify(k.plan));
        // The user task found the group in the prediction: no second exec for it.
        assert.deepEqual([g.execs, u.execs, k.execs], [1, 1, 1]);
        assert.ok(conn.calls.every((c) => ['getent', 'sh'].includes(c.argv[0]) && !c.argv.includes('useradd')), 'only fact reads reached the host');
        if (k.plan.kind !== 'change')
            return;
        assert.match(k.plan.summary, /create \/home\/alice\/\.ssh \(0700 alice\), add key ssh-ed25519/);
        assert.deepEqual(k.plan.actions.map((a) => (a.kind === 'upload' ? a.dest : a.argv[0])), ['install', '/home/alice/.ssh/authorized_keys']);
    });
    it('a second authorized_key for the same user plans from the first one\'s prediction', async () => {
        const conn = freshHost();
        const overlay = new FactOverlay();
        const opts = { check: true, overlay };
        await runModule(conn, user, { name: 'alice' }, opts);
        await runModule(conn, authorized_key, { user: 'alice', key: KEY }, opts);
        const again = await runModule(conn, authorized_key, { user: 'alice', key: KEY }, opts);
        assert.equal(again.plan.kind, 'ok');
        assert.equal(again.execs, 0);
        const other = await runModule(conn, authorized_key, { user: 'alice', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 backup' }, opts);
        assert.equal(other.plan.kind, 'change');
        if (other.plan.kind === 'change')
            assert.deepEqual(other.plan.actions.map((a) => a.kind), ['upload']);
    });
    it('without check mode a missing user is a failure, and a missing group too', async () => {
        const conn = freshHost();
        const k = await runModule(conn, authorized_key, { user: 'alice', key: KEY }, {});
        assert.deepEqual(k.plan, { kind: 'fail', msg: 'user alice does not exist (create it first with the user module)' });
        const u = await runModule(conn, user, { name: 'alice', groups: 'k8sbm-devs' }, {});
        assert.equal(u.plan.kind, 'fail');
        assert.equal(u.execs, 1);
    });
    it('the password hash appears in no summary, diff or result; only the action\'s stdin carries it', async () => {
        const conn = freshHost();
        const u = await runModule(conn, user, { name: 'alice', password: HASH }, { check: true, overlay: new FactOverlay() });
        assert.equal(u.plan.kind, 'change');
        if (u.plan.kind !== 'change')
            return;
        const shown = JSON.stringify({ summary: u.plan.summary, diffs: u.plan.diffs, result: u.plan.result });
        assert.ok(!shown.includes('k8sbmsalt'), shown);
        assert.equal(u.plan.result?.password, 'NOT_LOGGING_PASSWORD');
        const action = u.plan.actions[0];
        assert.ok(action.kind === 'exec' && !action.argv.some((a) => a.includes('k8sbmsalt')), 'the hash is not in argv');
        assert.equal(action.kind === 'exec' ? action.stdin : undefined, `alice:${HASH}\n`);
        assert.deepEqual(user.secretParams, ['password']);
    });
});
//# sourceMappingURL=user-check-chain.test.js.map