/**
 * Round trips per module on one lab node, through the CLI: a task that reads its facts alone
 * (K8SBM_READ_AHEAD=0) costs exactly one exec when it changes nothing, a change at most three
 * (task_result.execs of --json); with facts read ahead (the default) the whole converged play
 * costs one exec. One line per module below; modules not in the registry (yet) are left out, so
 * the list can run ahead of them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { nodeRootPath } from '../../src/lab/index.js';
import { modules } from '../../src/modules/index.js';
import { jsonEvents, k8sbm, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { startLab, type TestLab } from '../helpers/lab.js';

const DIR = '/etc/k8sbm-roundtrip';

interface RoundTrip {
  readonly module: string;
  /** The module's params: the first run changes the node, the second finds it done. */
  readonly params: Record<string, unknown>;
  /** Read-only modules never change anything: every run is one exec. */
  readonly readOnly?: boolean;
}

// The file module runs first: the other files go into the directory it makes.
const ROUND_TRIPS: readonly RoundTrip[] = [
  { module: 'file', params: { path: DIR, state: 'directory', mode: '0750' } },
  { module: 'copy', params: { dest: `${DIR}/copy.conf`, content: 'a=1\n', mode: '0640', owner: 'ops' } },
  { module: 'template', params: { src: 'roundtrip.conf.j2', dest: `${DIR}/template.conf` } },
  { module: 'lineinfile', params: { path: `${DIR}/lineinfile.conf`, line: 'b=2', create: true } },
  { module: 'blockinfile', params: { path: `${DIR}/blockinfile.conf`, block: 'c=3\nd=4', create: true, mode: '0600' } },
  { module: 'stat', params: { path: `${DIR}/copy.conf` }, readOnly: true },
  { module: 'slurp', params: { src: `${DIR}/copy.conf` }, readOnly: true },
  { module: 'sysctl', params: { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/98-k8sbm-roundtrip.conf' } },
];

const present = ROUND_TRIPS.filter((r) => Object.hasOwn(modules, r.module));
const taskName = (r: RoundTrip): string => `round trip: ${r.module}`;

let lab: TestLab;
before(async () => { lab = await startLab({ name: 'roundtrip', nodes: 1 }); });
after(async () => { await lab?.down(); });

function project(): string {
  const play = [{
    name: 'round trips',
    hosts: 'all',
    gather_facts: false,
    tasks: present.map((r) => ({ name: taskName(r), [r.module]: r.params })),
  }];
  return writeTree({ 'site.yml': stringify(play), 'templates/roundtrip.conf.j2': 'host={{ inventory_hostname }}\n' });
}

/** task name -> { status, execs } of the one node. */
function results(stdout: string): Map<string, { status: string; execs: number }> {
  const out = new Map<string, { status: string; execs: number }>();
  for (const e of jsonEvents(stdout)) {
    if (e.event === 'task_result') out.set(String(e.task), { status: String(e.status), execs: Number(e.execs) });
  }
  return out;
}

describe('round trips per module on a lab node', () => {
  it('covers the file modules at least', () => {
    const names = present.map((r) => r.module);
    for (const m of ['copy', 'template', 'file', 'lineinfile', 'blockinfile', 'stat', 'slurp']) assert.ok(names.includes(m), m);
  });

  it('each task alone: a change costs at most three execs, a no-change task exactly one, in apply and in check mode', (t) => {
    const dir = project();
    const args = ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--json'];
    const node = lab.nodes[0]!.name;
    const alone = { K8SBM_READ_AHEAD: '0' };

    const first = k8sbm(['run', 'site.yml', ...args], dir, alone);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const r1 = results(first.stdout);
    for (const r of present) {
      const got = r1.get(taskName(r));
      assert.ok(got, `no result for ${r.module}`);
      if (r.readOnly) {
        assert.deepEqual(got, { status: 'ok', execs: 1 }, r.module);
      } else {
        assert.equal(got.status, 'changed', `${r.module} did not change the fresh node`);
        assert.ok(got.execs >= 1 && got.execs <= 3, `${r.module}: a change took ${got.execs} execs (at most 3)`);
      }
    }

    const hashBefore = treeHash(join(nodeRootPath(lab.lab, node), 'etc'));
    for (const [cmd, label] of [['run', 'second run'], ['plan', 'check mode']] as const) {
      const again = k8sbm([cmd, 'site.yml', ...args], dir, alone);
      assert.equal(again.code, 0, `${label}: ${again.stdout}${again.stderr}`);
      const r2 = results(again.stdout);
      for (const r of present) {
        assert.deepEqual(r2.get(taskName(r)), { status: 'ok', execs: 1 }, `${label}: ${r.module} should be a one-exec no-op`);
      }
    }
    assert.equal(treeHash(join(nodeRootPath(lab.lab, node), 'etc')), hashBefore, 'the no-op runs changed the node');
    t.diagnostic(`execs of the changes: ${present.map((r) => `${r.module}=${r1.get(taskName(r))?.execs}`).join(' ')}`);
  });

  it('facts read ahead: the converged play sends no exec of its own (every fact came with the run lock\'s exec), a run two in all, a plan one', () => {
    const dir = project();
    const args = ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--json'];
    const node = lab.nodes[0]!.name;
    const hashBefore = treeHash(join(nodeRootPath(lab.lab, node), 'etc'));
    for (const [cmd, label] of [['run', 'converged run'], ['plan', 'check mode']] as const) {
      const r = k8sbm([cmd, 'site.yml', ...args], dir);
      assert.equal(r.code, 0, `${label}: ${r.stdout}${r.stderr}`);
      const got = results(r.stdout);
      const statuses = present.map((m) => `${m.module}=${got.get(taskName(m))?.status}`);
      assert.deepEqual(statuses, present.map((m) => `${m.module}=ok`), label);
      const execs = present.map((m) => got.get(taskName(m))?.execs);
      assert.deepEqual(execs, present.map(() => 0), `${label}: execs per task`);
      const recap = jsonEvents(r.stdout).find((e) => e.event === 'recap')!;
      // The run lock's exec (the facts ride along), and in a run its release.
      assert.deepEqual(recap.execs, { [node]: cmd === 'run' ? 2 : 1 }, `${label}: execs of the run`);
    }
    assert.equal(treeHash(join(nodeRootPath(lab.lab, node), 'etc')), hashBefore, 'the no-op runs changed the node');
  });
});
