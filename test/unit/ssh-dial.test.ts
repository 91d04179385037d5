import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyConnectError, classifyForwardError } from '../../src/transport/ssh-dial.js';
import { Semaphore } from '../../src/util/semaphore.js';

describe('classifyConnectError', () => {
  it('turns socket errors into short stable reasons, retrying only refused and timed out', () => {
    const r = (code: string) => classifyConnectError({ code, message: `connect ${code}` });
    assert.deepEqual(r('ECONNREFUSED'), { reason: 'connection refused', retryable: true });
    assert.equal(r('ETIMEDOUT').retryable, true);
    assert.match(r('ETIMEDOUT').reason, /^connect timeout/);
    assert.deepEqual(r('EHOSTUNREACH'), { reason: 'no route to host', retryable: false });
    assert.deepEqual(r('ENETUNREACH'), { reason: 'no route to host', retryable: false });
    assert.deepEqual(r('ENOTFOUND'), { reason: 'name does not resolve', retryable: false });
    assert.deepEqual(r('EAI_AGAIN'), { reason: 'name does not resolve', retryable: false });
    assert.match(r('ECONNRESET').reason, /^connection lost: /);
  });

  it('names a peer that closes before the SSH banner and a failed handshake', () => {
    assert.match(classifyConnectError({ level: 'protocol', message: 'Connection lost before handshake' }).reason, /^connection lost: closed before the SSH handshake/);
    assert.match(classifyConnectError({ level: 'handshake', message: 'no matching cipher' }).reason, /^SSH handshake failed: no matching cipher/);
  });
});

describe('classifyForwardError', () => {
  it('reads what the jump host said about the next hop', () => {
    assert.deepEqual(classifyForwardError({ reason: 2, message: '(SSH) Channel open failure: Connection refused' }), { reason: 'connection refused', retryable: true });
    assert.match(classifyForwardError({ reason: 1, message: '(SSH) Channel open failure: open failed' }).reason, /^forwarding refused by the jump host/);
    assert.equal(classifyForwardError({ reason: 2, message: '(SSH) Channel open failure: Name or service not known' }).reason, 'name does not resolve');
  });
});

describe('Semaphore', () => {
  it('lets n holders in and the rest in order as slots free up', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const c = s.acquire().then((rel) => { order.push(3); return rel; });
    const d = s.acquire().then((rel) => { order.push(4); return rel; });
    await Promise.resolve();
    assert.deepEqual(order, []);
    a();
    a();
    (await c)();
    b();
    (await d)();
    assert.deepEqual(order, [3, 4]);
  });
});
