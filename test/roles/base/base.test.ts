/**
 * The base role on lab nodes, as docs/roles.md asks of every role: check mode first (node files
 * byte-identical), apply, check what an operator would check, a second run with changed=0, and
 * drift made by hand is seen by `plan` and repaired by `run`. Only net.* sysctls are written
 * (each node has its own network namespace); kernel./vm./fs. keys are only a per-node copy here.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash, type CliResult } from '../../helpers/cli.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const defaults = parse(readFileSync(join(repoRoot, 'roles/base/defaults/main.yml'), 'utf8')) as {
  base_sysctl_net: Record<string, number>;
  base_banner: string;
  base_nofile_limit: number;
  base_conf_dir: string;
};
const SYSCTL_FILE = '/etc/sysctl.d/90-kubernetes-net.conf';

let lab: TestLab;
const work = tempDir('role-base');
writeFileSync(join(work, 'site.yml'), '- hosts: all\n  become: true\n  roles: [base]\n');
before(async () => { lab = await startLab({ name: 'rbase', nodes: 2 }); });
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

function cli(command: 'run' | 'plan', code: number): CliResult {
  const r = k8sbm([command, 'site.yml', '-i', lab.inventoryFile, '--roles-path', join(repoRoot, 'roles'), '--json'], work);
  assert.equal(r.code, code, `${command} exited ${r.code}, expected ${code}\n${r.stdout}${r.stderr}`);
  return r;
}

const etcHash = (node: string): string => treeHash(join(nodeRootPath(lab.lab, node), 'etc'));

async function onNode(node: string, argv: readonly string[]): Promise<string> {
  const r = await labSsh(lab, node, argv);
  assert.equal(r.code, 0, `${argv.join(' ')} on ${node}: ${r.stderr}`);
  return r.stdout;
}

const sysctlValue = async (node: string, key: string): Promise<string> => (await onNode(node, ['sysctl', '-n', key])).trim();

function sysctlResults(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of jsonEvents(stdout)) {
    if (e.event === 'task_result' && e.task === 'base : network settings') out[String(e.host)] = String(e.status);
  }
  return out;
}

describe('role base on lab nodes', () => {
  it('check mode on fresh nodes predicts the changes and leaves every node file as it was', async () => {
    const before = lab.nodes.map((n) => etcHash(n.name));
    const forward = await sysctlValue('node01', 'net.ipv4.ip_forward');
    const plan = cli('plan', 2);
    assert.deepEqual(sysctlResults(plan.stdout), { node01: 'changed', node02: 'changed' });
    assert.deepEqual(lab.nodes.map((n) => etcHash(n.name)), before);
    assert.equal(await sysctlValue('node01', 'net.ipv4.ip_forward'), forward);
  });

  it('apply: the kernel runs with the settings, they persist, and the node files say what they should', async () => {
    const first = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(first.stdout))) assert.ok(c.changed > 0, `${h} did not change`);
    for (const n of lab.nodes) {
      const file = await onNode(n.name, ['cat', SYSCTL_FILE]);
      for (const [key, value] of Object.entries(defaults.base_sysctl_net)) {
        assert.equal(await sysctlValue(n.name, key), String(value), `${n.name} ${key}`);
        assert.match(file, new RegExp(`^${key.replace(/\./g, '\\.')} = ${value}$`, 'm'), `${n.name}: ${key} persisted`);
      }
      assert.equal(await onNode(n.name, ['cat', '/etc/issue.net']), `${defaults.base_banner}\n`);
      assert.match(await onNode(n.name, ['cat', '/etc/security/limits.d/90-kubernetes.conf']), new RegExp(`^\\* hard nofile ${defaults.base_nofile_limit}$`, 'm'));
      assert.match(await onNode(n.name, ['grep', '^PASS_MAX_DAYS', '/etc/login.defs']), /^PASS_MAX_DAYS\s+90$/m);
      const env = await onNode(n.name, ['cat', `${defaults.base_conf_dir}/node.env`]);
      assert.match(env, new RegExp(`^NODE=${n.name}$`, 'm'));
      assert.match(env, /^GROUPS=.*control_plane/m);
    }
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    cli('plan', 0);
  });

  it('a sysctl changed by hand: plan reports it (exit 2) without touching the node, run repairs it, plan says 0', async () => {
    await onNode('node01', ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    const before = etcHash('node01');
    const plan = cli('plan', 2);
    assert.deepEqual(sysctlResults(plan.stdout), { node01: 'changed', node02: 'ok' });
    const drift = jsonEvents(plan.stdout).find((e) => e.task === 'base : network settings' && e.host === 'node01');
    assert.match(String(drift?.msg), /net\.ipv4\.ip_forward 0 -> 1/);
    assert.equal(await sysctlValue('node01', 'net.ipv4.ip_forward'), '0', 'plan changed the running value');
    assert.equal(etcHash('node01'), before, 'plan changed a file on the node');

    const repair = cli('run', 0);
    assert.deepEqual(sysctlResults(repair.stdout), { node01: 'changed', node02: 'ok' });
    assert.equal(await sysctlValue('node01', 'net.ipv4.ip_forward'), '1');
    cli('plan', 0);
  });
});
