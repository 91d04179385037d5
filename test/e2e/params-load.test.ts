import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { k8sbm, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { BAD_PARAM_CASES, badParamPlaybook } from '../helpers/param-cases.js';
import { tempDir } from '../helpers/temp.js';

/**
 * A bad param stops the run before the first task: the CLI names the file, line and column,
 * the code and a hint, and the task before the bad one (which would write a file) has not run.
 * Every case is loaded in test/unit/params-load.test.ts (code, line, column, message, hint, the
 * secret kept out); through the CLI, which reports them all alike, the first case of each module
 * and every case with a secret (the printed source line must not show it).
 */
const modulesSeen = new Set<string>();
const CLI_CASES = BAD_PARAM_CASES.filter((c) => {
  const first = !modulesSeen.has(c.module);
  modulesSeen.add(c.module);
  return first || c.secret !== undefined;
});

describe('k8sbm run refuses bad params before anything runs', () => {
  it('covers every module of the cases', () => {
    assert.deepEqual(new Set(CLI_CASES.map((c) => c.module)), new Set(BAD_PARAM_CASES.map((c) => c.module)));
  });
  for (const c of CLI_CASES) {
    it(c.name, (t) => {
      const dir = writeTree({ 'inventory.ini': 'localhost ansible_connection=local\n', 'site.yml': badParamPlaybook(c), 'templates/motd.j2': 'hi\n' }, t);
      const target = tempDir('target', t);
      const before = treeHash(dir);
      const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`], dir);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`site\\.yml:${c.line}:${c.col}\\s+K8SBM_${c.code}\\s+task "bad" \\(${c.module}\\)`));
      assert.match(r.stderr, c.message);
      assert.match(r.stderr, new RegExp(`hint: .*${c.hint.source}`));
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
      if (c.secret !== undefined) assert.ok(!r.stderr.includes(c.secret) && !r.stdout.includes(c.secret), r.stderr);
      assert.doesNotMatch(r.stdout, /would change the tree/, 'no task started');
      assert.deepEqual(readdirSync(target), [], 'the first task did not run');
      assert.equal(treeHash(dir), before);
    });
  }

  it('--syntax-check reports the same error and runs nothing', (t) => {
    const c = BAD_PARAM_CASES.find((x) => x.module === 'lineinfile')!;
    const dir = writeTree({ 'inventory.ini': 'localhost ansible_connection=local\n', 'site.yml': badParamPlaybook(c) }, t);
    const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--syntax-check'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`site\\.yml:${c.line}:${c.col}\\s+K8SBM_${c.code}`));
    assert.match(r.stderr, c.message);
  });
});
