import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderValue } from '../../src/template/index.js';
test('rendering 10,000 values of a cached template is fast', () => {
    const template = 'https://{{ hostvars.[node-1].ansible_host }}:{{ port }}/{{ join path "/" }}';
    const hosts = Array.from({ length: 100 }, (_, i) => ({
        port: 6443 + i,
        path: ['api', 'v1'],
        hostvars: { 'node-1': { ansible_host: `10.0.0.${i}` } },
    }));
    renderValue(template, hosts[0]); // parse once
    const start = process.hrtime.bigint();
    let last;
    for (let i = 0; i < 10_000; i++)
        last = renderValue(template, hosts[i % hosts.length]);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.equal(last, 'https://10.0.0.99:6542/api/v1');
    // Typically well under 100 ms; the bound is generous for slow CI machines.
    assert.ok(ms < 2000, `10,000 renders took ${ms.toFixed(0)} ms`);
});
test('typed values through deep structures stay fast', () => {
    const vars = { nodes: Array.from({ length: 50 }, (_, i) => `n${i}`), lazy: '{{ nodes }}' };
    const value = { a: '{{ lazy }}', b: ['x {{ nodes.[3] }}', { c: '{{ length nodes }}' }], d: 'plain' };
    const start = process.hrtime.bigint();
    let out;
    for (let i = 0; i < 10_000; i++)
        out = renderValue(value, vars);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.deepEqual(out, { a: vars.nodes, b: ['x n3', { c: 50 }], d: 'plain' });
    assert.ok(ms < 4000, `10,000 structured renders took ${ms.toFixed(0)} ms`);
});
//# sourceMappingURL=template-perf.test.js.map