import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderValue } from '../../src/template/index.js';
import { compiledCount } from '../../src/template/compile.js';

/**
 * Rendering the same strings for many hosts parses each distinct text once: after the first
 * render, ten thousand more parse nothing (the cache does not grow). Shown by the cache's size,
 * not by a clock, which a loaded machine makes unreliable.
 */

test('rendering 10,000 values of one template parses it once', () => {
  const template = 'https://{{ hostvars.[node-1].ansible_host }}:{{ port }}/{{ join path "/" }}';
  const hosts = Array.from({ length: 100 }, (_, i) => ({
    port: 6443 + i,
    path: ['api', 'v1'],
    hostvars: { 'node-1': { ansible_host: `10.0.0.${i}` } },
  }));
  const before = compiledCount();
  renderValue(template, hosts[0]!);
  const parsed = compiledCount();
  assert.equal(parsed, before + 1, 'the first render parsed and kept it');
  let last: unknown;
  for (let i = 0; i < 10_000; i++) last = renderValue(template, hosts[i % hosts.length]!);
  assert.equal(last, 'https://10.0.0.99:6542/api/v1');
  assert.equal(compiledCount(), parsed, 'no template was parsed again');
});

test('typed values through deep structures: each string parsed once, values keep their types', () => {
  const vars = { nodes: Array.from({ length: 50 }, (_, i) => `n${i}`), lazy: '{{ nodes }}' };
  const value = { a: '{{ lazy }}', b: ['x {{ nodes.[3] }}', { c: '{{ length nodes }}' }], d: 'plain' };
  const before = compiledCount();
  renderValue(value, vars);
  const parsed = compiledCount();
  assert.ok(parsed > before, 'the first render parsed and kept its strings');
  let out: unknown;
  for (let i = 0; i < 10_000; i++) out = renderValue(value, vars);
  assert.deepEqual(out, { a: vars.nodes, b: ['x n3', { c: 50 }], d: 'plain' });
  assert.equal(compiledCount(), parsed, 'no template was parsed again');
});
