import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { copy } from '../../src/modules/files/copy.js';
import { K8sbmError } from '../../src/source/errors.js';
import type { Connection, ExecRequest, ExecResult } from '../../src/transport/connection.js';
import { LocalConnection } from '../../src/transport/local.js';
import { runModule } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';

/**
 * A file written while the file fact reads it arrives with fewer bytes than its size: the read is
 * tried again, and a file that keeps changing is a coded error with a hint, not an internal one.
 *
 * A race cannot be staged reliably with a real writer, so this double of a connection (real
 * commands on the controller) drops the last line of the content the first `races` times the
 * file fact answers, as a write that cut the file during the read would.
 */
class RacingWriter implements Connection {
  readonly host = 'local';
  readonly #real = new LocalConnection('local');
  factReads = 0;
  constructor(private races: number) {}
  get execCount(): number { return this.#real.execCount; }
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async exec(req: ExecRequest): Promise<ExecResult> {
    const res = await this.#real.exec(req);
    if (req.argv[3] !== 'k8sbm-file' || !res.stdout.includes('\ncontent=\n')) return res;
    this.factReads++;
    if (this.races <= 0) return res;
    this.races--;
    const [head, body] = res.stdout.split('\ncontent=\n') as [string, string];
    const lines = body.split('\n').filter(Boolean);
    return { ...res, stdout: `${head}\ncontent=\n${lines.slice(0, -1).join('\n')}\n` };
  }
}

describe('a file that changes while it is read', () => {
  it('is read again, and the task goes on with what it finds', async (t) => {
    const dir = tempDir('race', t);
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, `${'x'.repeat(200)}\n`.repeat(10));
    const conn = new RacingWriter(1);
    const r = await runModule(conn, copy, { dest, content: 'new\n' });
    assert.equal(r.plan.kind, 'change');
    assert.equal(conn.factReads, 2, 'the file fact was read a second time');
    assert.equal(readFileSync(dest, 'utf8'), 'new\n');
  });

  it('keeps changing: K8SBM_FILE_CHANGED_WHILE_READ after three reads, with a hint', async (t) => {
    const dir = tempDir('race', t);
    const dest = join(dir, 'app.conf');
    writeFileSync(dest, `${'x'.repeat(200)}\n`.repeat(10));
    const conn = new RacingWriter(5);
    await assert.rejects(runModule(conn, copy, { dest, content: 'new\n' }), (e: unknown) => {
      assert.ok(e instanceof K8sbmError);
      assert.equal(e.code, 'K8SBM_FILE_CHANGED_WHILE_READ');
      assert.match(e.message, /changed while it was read/);
      assert.match(e.hint ?? '', /keeps writing the file/);
      return true;
    });
    assert.equal(conn.factReads, 3);
    assert.equal(readFileSync(dest, 'utf8'), `${'x'.repeat(200)}\n`.repeat(10), 'nothing was written');
  });
});
