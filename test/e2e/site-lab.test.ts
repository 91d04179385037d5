/** The README's main job: `k8sbm run playbooks/site.yml --lab` from a clean checkout. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jsonEvents, k8sbm, recapOf } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

const work = mkdtempSync(join(tmpdir(), 'k8sbm-site-'));
for (const p of ['playbooks', 'roles', 'k8sbm.yaml']) cpSync(join(repoRoot, p), join(work, p), { recursive: true });
after(() => {
  k8sbm(['lab', 'down', '--name', 'sitetest'], work);
  rmSync(work, { recursive: true, force: true });
});

describe('the main job on the built-in lab', () => {
  it('brings the lab up, converges every node, and a second run changes nothing', () => {
    const first = k8sbm(['run', 'playbooks/site.yml', '--lab', 'sitetest', '--json'], work);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const recap = recapOf(first.stdout);
    assert.deepEqual(Object.keys(recap).sort(), ['node01', 'node02', 'node03']);
    for (const c of Object.values(recap)) assert.ok(c.changed > 0);
    // The network settings were set inside each node's own namespace.
    const net = jsonEvents(first.stdout).filter((e) => e.event === 'task_result' && e.task === 'base : network settings');
    assert.deepEqual(net.map((e) => `${e.host} ${e.status}`).sort(), ['node01 changed', 'node02 changed', 'node03 changed']);
    const second = k8sbm(['run', 'playbooks/site.yml', '--lab', 'sitetest', '--json'], work);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const [h, c] of Object.entries(recapOf(second.stdout))) assert.equal(c.changed, 0, h);
    const plan = k8sbm(['plan', 'playbooks/site.yml', '--lab', 'sitetest'], work);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  });
});
