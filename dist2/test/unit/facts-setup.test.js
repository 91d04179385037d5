import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modulePlanContext } from '../../src/engine/module-run.js';
import { filterFacts, globToRegExp, setup } from '../../src/modules/control/setup.js';
import { MemoryConnection } from '../../src/transport/memory.js';
const STDOUT = [
    '@@k8sbm:hostname@@', 'cp1',
    '@@k8sbm:os_release@@', 'ID=debian', 'VERSION_ID="12"',
    '@@k8sbm:ip_addr@@',
    '[{"ifindex":2,"ifname":"eth0","address":"02:00:00:00:00:02","mtu":1500,"addr_info":[{"family":"inet","local":"10.0.0.5","prefixlen":24,"scope":"global"}]}]',
    '@@k8sbm:route4@@', '[{"dst":"default","gateway":"10.0.0.1","dev":"eth0","flags":[]}]',
].join('\n');
/** The engine's plan context over a host that answers the fact script with canned output; `asked` records every exec. */
function contextAnswering(stdout) {
    const conn = new MemoryConnection('cp1', [(req) => (req.argv[0] === 'sh' ? { stdout } : undefined)]);
    return { ctx: modulePlanContext({ connection: conn, diff: false }), asked: conn.calls };
}
describe('setup module', () => {
    it('gathers every host fact with one fact read', async () => {
        const { ctx, asked } = contextAnswering(STDOUT);
        const plan = await setup.plan(ctx, {});
        assert.equal(asked.length, 1);
        assert.deepEqual(asked[0].argv.slice(0, 2), ['sh', '-c']);
        assert.equal(plan.kind, 'ok');
        if (plan.kind !== 'ok')
            return;
        const facts = plan.result?.facts;
        const n = Object.keys(facts).length;
        assert.ok(n > 10);
        assert.equal(plan.reason, `gathered ${n} facts`);
        assert.equal(facts.hostname, 'cp1');
        assert.equal(facts.os.family, 'debian');
        assert.equal(facts.default_ipv4?.address, '10.0.0.5');
        assert.equal(facts.interfaces.eth0?.ipv4[0]?.address, '10.0.0.5');
    });
    it('filters top-level names with a glob', async () => {
        const { ctx } = contextAnswering(STDOUT);
        const plan = await setup.plan(ctx, { filter: 'default_ipv*' });
        assert.equal(plan.kind, 'ok');
        if (plan.kind !== 'ok')
            return;
        assert.deepEqual(Object.keys(plan.result?.facts), ['default_ipv4', 'default_ipv6']);
        assert.equal(plan.reason, 'gathered 2 facts');
    });
    it('a filter matching nothing gathers nothing, and says so', async () => {
        const { ctx } = contextAnswering(STDOUT);
        const plan = await setup.plan(ctx, { filter: 'ansible_*' });
        assert.equal(plan.kind === 'ok' && plan.reason, 'gathered 0 facts');
    });
    it('declares a closed params schema', () => {
        assert.equal(setup.name, 'setup');
        assert.equal(setup.schema.additionalProperties, false);
        assert.deepEqual(Object.keys(setup.schema.properties), ['filter']);
    });
});
describe('globToRegExp', () => {
    const cases = [
        ['os', 'os', true], ['os', 'os2', false], ['*', 'anything', true], ['cpu?', 'cpus', true],
        ['[hc]*', 'hostname', true], ['[hc]*', 'cpu', true], ['[!hc]*', 'cpu', false], ['[a-d]*', 'domain', true],
        ['default_ipv4.address', 'default_ipv4Xaddress', false], ['a+b', 'a+b', true], ['[', '[', true],
    ];
    for (const [glob, name, expected] of cases) {
        it(`${glob} ${expected ? 'matches' : 'does not match'} ${name}`, () => {
            assert.equal(globToRegExp(glob).test(name), expected);
        });
    }
    it('filterFacts without a filter copies everything', () => {
        const all = { a: 1, b: 2 };
        const got = filterFacts(all, undefined);
        assert.deepEqual(got, all);
        assert.notEqual(got, all);
    });
});
//# sourceMappingURL=facts-setup.test.js.map