import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FILES_SEPARATOR } from '../../src/facts/system-files.js';
import { sysctl } from '../../src/modules/system/sysctl.js';
import type { ExecRequest } from '../../src/transport/connection.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { runModule } from '../helpers/module-harness.js';

/**
 * A pretend host that answers the sysctl fact script the way a real one prints: enough to watch
 * round trips and check-mode predictions across tasks without a kernel.
 */
function fakeSysctlHost(values: Record<string, string>, files: Record<string, string>) {
  const reads: string[][] = [];
  const answer = (req: ExecRequest) => {
    if (req.argv[3] !== 'k8sbm-sysctl') return undefined;
    const args = req.argv.slice(5);
    const sep = args.indexOf(FILES_SEPARATOR);
    const keys = args.slice(0, sep).filter((_, i) => i % 2 === 0);
    const paths = args.slice(sep + 1);
    reads.push([...keys, ...paths]);
    const out = ['@@k8sbm sysctl 1'];
    for (const k of keys) out.push(k in values ? `@@k8sbm value ${k} 1\n${values[k]}` : `@@k8sbm missing ${k}`);
    paths.forEach((p, i) => {
      out.push(`@@k8sbm file ${i}`, 'k8sbm-file 1', 'parent=1');
      const text = files[p];
      if (text === undefined) out.push('exists=0', 'ancestor=/etc');
      else out.push(`stat=81a4 0 0 ${Buffer.byteLength(text)} root:root`, 'sha256=x', 'content=', Buffer.from(text).toString('base64'));
      out.push('@@k8sbm file-rc 0');
    });
    return { stdout: `${out.join('\n')}\n` };
  };
  return { reads, answer };
}

describe('sysctl in check mode across tasks', () => {
  it('a later task on the same file sees the earlier prediction, and reads only what it lacks', async () => {
    const host = fakeSysctlHost({ 'net.ipv4.ip_forward': '0', 'net.core.somaxconn': '128' }, {});
    const conn = new MemoryConnection('n1', [host.answer]);
    const overlay = new Map<string, unknown>();
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
