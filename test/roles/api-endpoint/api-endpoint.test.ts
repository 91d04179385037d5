/**
 * The API endpoint as the cluster uses it: keepalived and haproxy together on the lab's three
 * control planes, with the hardening (ip_nonlocal_bind) and firewall roles they rely on, through
 * playbooks/site.yml with `-t hardening,firewall,haproxy,keepalived`; a worker is the client.
 * Each role's own test covers its details; this one checks what only the pair can show:
 * exactly one node holds the VIP, https://VIP:8443/healthz answers through haproxy from the
 * worker and reaches every API server, and when haproxy stops on the holder its keepalived track
 * script gives the VIP away, so the endpoint keeps answering from the next node, and takes it
 * back once haproxy runs again.
 *
 * Real: keepalived, haproxy and nft in each node's namespace, VRRP over the lab bridge, TCP and
 * TLS from the worker. The API servers are the TEST DOUBLE test/doubles/kube-apiserver.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recapOf } from '../../helpers/cli.js';
import { startApiDoubles, until } from '../../helpers/apiserver.js';
import { labSsh, startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun, type RoleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const CPS = ['node01', 'node02', 'node03'];
let lab: TestLab;
let role: RoleRun;
let vip: string;
const work = tempDir('api-endpoint');
before(async () => {
  lab = await startLab({ name: 'rapi', nodes: 4 });
  role = roleRun(() => lab, work, 'hardening,firewall,haproxy,keepalived');
  vip = lab.nodes[0]!.address.replace(/\.\d+$/, '.250');
  await startApiDoubles(lab, CPS);
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

/** The control planes holding the VIP on eth0. */
async function holders(): Promise<string[]> {
  const out: string[] = [];
  for (const n of CPS) if ((await role.onNode(n, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).includes(` ${vip}/`)) out.push(n);
  return out;
}
/** A request through the VIP from the worker: the body, or "" when it fails. */
async function viaVip(path: string): Promise<string> {
  const r = await labSsh(lab, 'node04', ['curl', '-sk', '--max-time', '5', `https://${vip}:8443${path}`]);
  return r.code === 0 ? r.stdout.trim() : '';
}
const oneHolder = async (node: string): Promise<boolean> => (await holders()).join() === node;

describe('the API endpoint: keepalived and haproxy on three control planes', () => {
  it('applied together: one node holds the VIP and the worker reaches every API server through it', async () => {
    const run = role.cli('run', 0);
    assert.ok(Object.values(recapOf(run.stdout)).some((c) => (c.changed ?? 0) > 0));
    // node01 is first in the group: the highest priority.
    await until(() => oneHolder('node01'), 'node01 alone holding the VIP');
    await until(async () => (await viaVip('/healthz')) === 'ok', 'https://VIP:8443/healthz from the worker');
    const seen = new Set<string>();
    await until(async () => { seen.add(await viaVip('/whoami')); return CPS.every((n) => seen.has(n)); }, 'each API server answering through the VIP');
  });

  it('haproxy stopped on the holder: its track script gives the VIP away and the endpoint answers from the next node; back when haproxy runs again', async () => {
    await role.onNode('node01', 'service haproxy stop >/dev/null 2>&1; true');
    await until(async () => (await holders()).join() === 'node02', 'the VIP on node02 alone');
    await until(async () => (await viaVip('/healthz')) === 'ok', 'the endpoint answering through node02');
    await role.onNode('node01', 'service haproxy start >/dev/null 2>&1');
    await until(() => oneHolder('node01'), 'the VIP back on node01');
    await until(async () => (await viaVip('/healthz')) === 'ok', 'the endpoint answering through node01');
  });

  it('a second run changes nothing and plan exits 0', () => {
    const again = role.cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    role.cli('plan', 0);
  });
});
