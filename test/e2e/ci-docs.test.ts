import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

/** docs/ci.md's examples are what a team copies: they must parse and use options that exist. */
describe('docs/ci.md', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'ci.md'), 'utf8');
  const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

  it('every YAML example parses; the workflows have jobs, the GitLab job a script', () => {
    assert.ok(yamlBlocks.length >= 3, 'the GitHub, GitLab and drift examples');
    for (const block of yamlBlocks) {
      const y = parseYaml(block) as Record<string, unknown>;
      assert.ok(y && typeof y === 'object');
      if ('on' in y) assert.ok(typeof y.jobs === 'object' && y.jobs !== null, block);
      else assert.ok(Array.isArray((y.plan as { script?: unknown }).script), block);
    }
  });

  it('every k8sbm option the examples use is one `k8sbm plan --help` lists', () => {
    const help = k8sbm(['plan', '--help'], repoRoot);
    assert.equal(help.code, 0, help.stderr);
    // Commands may continue over lines with a backslash.
    const commands = [...yamlBlocks.join('\n').replace(/\\\n\s*/g, ' ').matchAll(/npx k8sbm (\S+)([^\n;|]*)/g)];
    assert.ok(commands.length >= 3);
    const used = new Set<string>();
    for (const [, cmd, rest] of commands) {
      assert.equal(cmd, 'plan');
      for (const m of rest!.matchAll(/\s(--[a-z][a-z-]*)/g)) used.add(m[1]!);
    }
    for (const flag of ['--report-md', '--junit', '--known-hosts', '--private-key']) assert.ok(used.has(flag), flag);
    for (const flag of used) assert.match(help.stdout, new RegExp(`\\s${flag}\\s`), `${flag} is not an option of k8sbm plan`);
  });

  it('plan --report-md on the demo: exit 2 and the pending changes, then after the run exit 0 and no changes', (t) => {
    const root = tempDir('ci-docs', t);
    const md = join(root, 'reports', 'plan.md');
    const junit = join(root, 'reports', 'plan-junit.xml');
    const vars = ['-i', 'inventories/local', '-e', `demo_root=${join(root, 'node')}`];
    const plan = (): ReturnType<typeof k8sbm> => k8sbm(['plan', 'playbooks/demo.yml', ...vars, '--report-md', md, '--junit', junit], repoRoot);
    const first = plan();
    assert.equal(first.code, 2, first.stdout + first.stderr);
    const pending = readFileSync(md, 'utf8');
    assert.match(pending.split('\n')[0]!, /^## k8sbm plan: \d+ changes pending on 1 of 1 hosts$/);
    assert.ok(pending.includes('### Pending changes'));
    assert.match(pending, /<summary>diff for localhost<\/summary>\n\n```diff\n--- before: .*haproxy\.cfg \(absent\)/);
    assert.match(readFileSync(junit, 'utf8'), /<testcase classname="localhost"/);
    const run = k8sbm(['run', 'playbooks/demo.yml', ...vars, '--report-md', md], repoRoot);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(readFileSync(md, 'utf8').split('\n')[0]!, /^## k8sbm run: \d+ changes made on 1 of 1 hosts$/);
    const second = plan();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(readFileSync(md, 'utf8').split('\n')[0], '## k8sbm plan: no changes on 1 host');
  });
});
