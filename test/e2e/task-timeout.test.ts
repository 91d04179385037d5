import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { repoRoot } from '../helpers/paths.js';
import { eventually } from '../helpers/ssh-env.js';

/**
 * `timeout:` bounds a task (each loop item): past it the task fails with K8SBM_TASK_TIMEOUT and
 * its commands are gone, children of the shell included. Local connection here; the lab test
 * does the same over SSH.
 */

/** Processes whose command line holds `marker` (pgrep -f), other than pgrep itself. */
function running(marker: string): string[] {
  const r = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

describe('timeout:', () => {
  it('stops a task that runs too long, its whole process group, and the run goes on to the next host task', (t) => {
    const marker = `sleep 41.${process.pid}`;
    const dir = writeTree({
      'inventory.ini': 'localhost ansible_connection=local\n',
      'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: hangs
      shell: "${marker}; echo done"
      timeout: 1
      ignore_errors: true
    - block:
        - name: inherits the block's timeout
          shell: "${marker}"
      timeout: 1
      ignore_errors: true
    - name: quick enough
      command: echo fine
      timeout: 30
`,
    }, t);
    const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--json'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const results = jsonEvents(r.stdout).filter((e) => e.event === 'task_result');
    assert.deepEqual(results.map((e) => [e.task, e.status, e.code ?? null]), [
      ['hangs', 'failed', 'K8SBM_TASK_TIMEOUT'],
      ['inherits the block\'s timeout', 'failed', 'K8SBM_TASK_TIMEOUT'],
      ['quick enough', 'changed', null],
    ]);
    assert.match(String(results[0]!.msg), /timeout of 1s/);
    assert.deepEqual(running(marker), [], 'the sleep under the shell was stopped too');
  });

  it('is refused at load time when it is not a whole number of seconds', (t) => {
    const dir = writeTree({ 'site.yml': '- hosts: all\n  tasks:\n    - command: "true"\n      timeout: 0\n' }, t);
    const r = k8sbm(['run', 'site.yml', '--syntax-check'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /site\.yml:4:\d+\s+K8SBM_KEYWORD_INVALID/);
  });

  it('a run stopped with SIGTERM takes its running local commands with it', async (t) => {
    const marker = `sleep 47.${process.pid}`;
    const dir = writeTree({
      'inventory.ini': 'localhost ansible_connection=local\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "${marker}; echo done"\n`,
    }, t);
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), 'run', 'site.yml', '-i', 'inventory.ini'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await eventually(() => running(marker).length > 0, 'the command to start');
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    await eventually(() => running(marker).length === 0, 'the command to be stopped');
  });
});
