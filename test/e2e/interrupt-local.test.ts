/**
 * Interrupts with the local connection: a second Ctrl-C, SIGTERM (also of `k8sbm exec`) and a
 * SIGKILL of k8sbm stop the commands it runs on the controller, children included, as they do on
 * a remote host (test/e2e/interrupt-lab.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { writeTree } from '../helpers/engine.js';
import { repoRoot } from '../helpers/paths.js';
import { eventually } from '../helpers/ssh-env.js';

function pgrep(args: readonly string[]): string[] {
  return spawnSync('pgrep', args, { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
}

let seq = 0;

function scenario(t: TestContext) {
  const m = `${process.pid}${++seq}`;
  const shell = `echo $$ > pid; sleep 1000.${m} & wait`;
  const dir = writeTree({
    'inventory.ini': 'localhost ansible_connection=local\n',
    'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "${shell}"\n    - command: touch after\n`,
  }, t);
  return {
    dir,
    shell,
    start(args: readonly string[]) {
      const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      return { child, stderr: () => err, exited };
    },
    async started(): Promise<string> {
      await eventually(() => existsSync(join(dir, 'pid')) && readFileSync(join(dir, 'pid'), 'utf8').trim() !== '' && pgrep(['-f', `sleep 1000.${m}`]).length > 0, 'the command to run', 60_000);
      return readFileSync(join(dir, 'pid'), 'utf8').trim();
    },
    async gone(pid: string): Promise<void> {
      await eventually(() => pgrep(['-g', pid]).length === 0 && pgrep(['-f', `sleep 1000.${m}`]).length === 0, 'the command and its child to be gone', 30_000);
      assert.equal(existsSync(join(dir, 'after')), false, 'no task started after the stop');
    },
  };
}

describe('interrupts with the local connection', () => {
  it('a second Ctrl-C stops the running command and its child; exit 130', async (t) => {
    const s = scenario(t);
    const run = s.start(['run', 'site.yml', '-i', 'inventory.ini']);
    const pid = await s.started();
    run.child.kill('SIGINT');
    await eventually(() => run.stderr().includes('interrupted: finishing running tasks'), 'the first Ctrl-C to be taken', 30_000);
    assert.equal(pgrep(['-g', pid]).length > 0, true, 'the first Ctrl-C leaves the command running');
    run.child.kill('SIGINT');
    assert.equal((await run.exited).code, 130, run.stderr());
    assert.match(run.stderr(), /stopped 1 command \(localhost\)/);
    await s.gone(pid);
  });

  it('k8sbm SIGKILLed: the command stops when its stdin ends, with no exit handler run', async (t) => {
    const s = scenario(t);
    const run = s.start(['run', 'site.yml', '-i', 'inventory.ini']);
    const pid = await s.started();
    run.child.kill('SIGKILL');
    assert.equal((await run.exited).signal, 'SIGKILL');
    await s.gone(pid);
  });

  it('k8sbm exec: SIGTERM stops the command it runs; exit 143', async (t) => {
    const s = scenario(t);
    const run = s.start(['exec', 'localhost', '-i', 'inventory.ini', '--', s.shell]);
    const pid = await s.started();
    run.child.kill('SIGTERM');
    assert.equal((await run.exited).code, 143, run.stderr());
    assert.match(run.stderr(), /terminated \(SIGTERM\): stopping the commands still running/);
    assert.match(run.stderr(), /stopped 1 command \(localhost\)/);
    await s.gone(pid);
  });
});
