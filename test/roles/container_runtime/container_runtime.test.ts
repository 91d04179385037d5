/**
 * The container_runtime role on a lab node, through playbooks/site.yml with `-t container_runtime`,
 * in docs/roles.md's steps: check mode on a fresh node (its /etc byte-identical, no containerd
 * running), apply and the operator's checks, a second run with changed=0, a configuration
 * containerd refuses never going live, Docker's repository (by variable) in check mode, drift
 * repaired with a restart.
 *
 * Real in the lab: Debian's containerd and runc (the machine's packages, shared by the node's
 * overlay root), the daemon itself started by the role's SysV init script (lab nodes have no
 * systemd, so the role installs one), answering on its socket (`ctr version`), with its CRI plugin
 * loaded from the role's config.toml; the check of every new configuration by the real binary
 * (`containerd --config FILE config dump`), which refuses a value of the wrong type.
 * Not real: no container or pod runs (no image can be pulled: nodes reach no registry, and
 * overlayfs snapshots inside a node's overlay root are not tried); SystemdCgroup = true is read
 * back from containerd's own view of the live file, not exercised (no systemd in the lab); Docker's
 * repository and containerd.io are only planned (the lab's key stands in for Docker's).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../../src/lab/index.js';
import { jsonEvents, recapOf, treeHash } from '../../helpers/cli.js';
import { startLab, type TestLab } from '../../helpers/lab.js';
import { roleRun } from '../../helpers/role.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const NODE = 'node01';
const CONFIG = '/etc/containerd/config.toml';
const T = (name: string): string => `container_runtime : ${name}`;

let lab: TestLab;
const work = tempDir('role-containerd');
const role = roleRun(() => lab, work, 'container_runtime', T('containerd configuration'));
const { cli, statuses, onNode } = role;
before(async () => {
  lab = await startLab({ name: 'rctr', nodes: 1 });
});
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

const nodeFile = (path: string): string => join(nodeRootPath(lab.lab, NODE), path);
const fileHash = (path: string): string => createHash('sha256').update(readFileSync(nodeFile(path))).digest('hex');
const results = (stdout: string, task: string) => jsonEvents(stdout).filter((e) => e.event === 'task_result' && e.task === task);
/** containerd's pid (its init script's pid file), '' when it does not run. */
const containerdPid = async (): Promise<string> => (await onNode(NODE, 'service containerd status >/dev/null 2>&1 && cat /run/containerd.pid || true')).trim();
/** containerd's own view of the live file. */
const dump = (): Promise<string> => onNode(NODE, ['containerd', '--config', CONFIG, 'config', 'dump']);

describe('role container_runtime on a lab node (no systemd: the role\'s SysV init script)', () => {
  it('check mode on a fresh node: plan exits 2, predicts the configuration, the init script and the start, leaves /etc byte-identical and containerd stopped', async () => {
    const etc = treeHash(nodeFile('etc'));
    const plan = cli('plan', 2);
    for (const task of ['containerd configuration', 'containerd init script (no systemd on this host)', 'crictl configuration', 'containerd running, and started at boot']) {
      assert.deepEqual(statuses(plan.stdout, T(task)), { [NODE]: 'changed' }, task);
    }
    assert.deepEqual(statuses(plan.stdout, T('containerd installed')), { [NODE]: 'ok' }, 'the machine\'s containerd and runc are the node\'s');
    assert.deepEqual(statuses(plan.stdout, T("Docker's package repository")), { [NODE]: 'skipped' });
    assert.equal(treeHash(nodeFile('etc')), etc, 'check mode changed a file under /etc');
    assert.equal(await containerdPid(), '', 'containerd runs after plan');
  });

  it('apply: containerd runs with the role\'s configuration, answers on its socket, starts at boot; crictl points at it', async () => {
    const run = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(run.stdout))) assert.equal(c.failed, 0, `${h}: ${JSON.stringify(c)}`);
    assert.deepEqual(statuses(run.stdout, T('containerd configuration')), { [NODE]: 'changed' });
    assert.deepEqual(statuses(run.stdout, T('restart containerd')), { [NODE]: 'changed' }, 'the handler starts it');
    assert.match(await onNode(NODE, ['ctr', '--address', '/run/containerd/containerd.sock', 'version']), /^Server:\n {2}Version: +\S+/m, 'the daemon answers');
    const live = await dump();
    assert.match(live, /^ +SystemdCgroup = true$/m);
    assert.match(live, /^ +sandbox_image = "registry\.k8s\.io\/pause:3\.10"$/m);
    assert.match(live, /^ +bin_dir = "\/opt\/cni\/bin"$/m);
    // The CRI plugin (what the kubelet talks to) loaded from that file.
    assert.match(await onNode(NODE, ['ctr', 'plugins', 'ls']), /^io\.containerd\.grpc\.v1 +cri +\S+ +ok *$/m);
    const pid = await containerdPid();
    assert.match(await onNode(NODE, ['cat', `/proc/${pid}/cmdline`]), new RegExp(`--config\0${CONFIG}\0`), 'started with the role\'s file');
    assert.match(await onNode(NODE, 'ls /etc/rc2.d'), /^S\d\dcontainerd$/m, 'started at boot');
    assert.equal(readFileSync(nodeFile('etc/crictl.yaml'), 'utf8').split('\n').filter((l) => l.includes('endpoint')).join('\n'),
      'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock');
  });

  it('a second run changes nothing (no restart) and plan exits 0', async () => {
    const pid = await containerdPid();
    const again = cli('run', 0);
    for (const [h, c] of Object.entries(recapOf(again.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    assert.deepEqual(results(again.stdout, T('restart containerd')), []);
    assert.equal(await containerdPid(), pid);
    cli('plan', 0);
  });

  it('a CRI setting of the wrong type is refused by containerd\'s own check: the live file stays, the daemon is not restarted', async () => {
    const before = fileHash(CONFIG);
    const pid = await containerdPid();
    const inventory = role.inventoryWith('bad-option', { groupVars: 'container_runtime_cri_options: { max_concurrent_downloads: "many" }\n' });
    const r = cli('run', 'fail', { inventory });
    const [cfg] = results(r.stdout, T('containerd configuration'));
    assert.equal(cfg?.status, 'failed', r.stdout);
    assert.match(JSON.stringify(cfg), /Can't convert many\(string\) to int/, 'containerd\'s own message');
    assert.deepEqual(results(r.stdout, T('restart containerd')), [], 'nothing restarted');
    assert.equal(fileHash(CONFIG), before, 'the live file is as it was');
    assert.equal(await containerdPid(), pid, 'the same containerd runs');
    assert.doesNotMatch(await onNode(NODE, 'ls -a /etc/containerd'), /many|tmp/i, 'no candidate file left beside the live one');
  });

  it("Docker's repository by variable, in check mode: its source with its own keyring (the host's codename and architecture) and containerd.io are planned, nothing changes", () => {
    // The lab's own key and a path on the node stand in for Docker's (nodes reach no mirror).
    const inventory = role.inventoryWith('docker', {
      groupVars: 'container_runtime_source: docker\ncontainer_runtime_docker_repo_url: file:///srv/k8sbm-lab-apt/docker\ncontainer_runtime_docker_key_url: file:///srv/k8sbm-lab-apt/Release.key\n',
    });
    const etc = treeHash(nodeFile('etc'));
    const plan = cli('plan', 2, { inventory });
    const [repo] = results(plan.stdout, T("Docker's package repository"));
    assert.equal(repo?.status, 'changed', plan.stdout);
    const codename = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync(nodeFile('etc/os-release'), 'utf8'))?.[1] ?? '';
    const unified = (repo.diff as { unified?: string }[]).map((d) => d.unified ?? '').join('\n');
    for (const line of [`Suites: ${codename}`, 'Components: stable', 'Signed-By: /etc/apt/keyrings/docker.gpg']) assert.match(unified, new RegExp(`^\\+${line}$`, 'm'), line);
    assert.match(unified, /^\+Architectures: [a-z0-9]+$/m);
    assert.match(String(results(plan.stdout, T('containerd installed'))[0]?.msg), /install containerd\.io/);
    assert.equal(treeHash(nodeFile('etc')), etc, 'plan changed a file');
  });

  it('the sandbox image changed by hand: plan names the file and touches nothing; run puts it back and restarts containerd', async () => {
    await onNode(NODE, `sed -i 's|pause:3.10|pause:3.9|' ${CONFIG}`);
    const etc = treeHash(nodeFile('etc'));
    const pid = await containerdPid();
    const plan = cli('plan', 2);
    assert.deepEqual(statuses(plan.stdout, T('containerd configuration')), { [NODE]: 'changed' });
    assert.equal(treeHash(nodeFile('etc')), etc, 'plan changed a file');
    const repair = cli('run', 0);
    assert.deepEqual(statuses(repair.stdout, T('restart containerd')), { [NODE]: 'changed' });
    const now = await containerdPid();
    assert.ok(now !== '' && now !== pid, `a new containerd runs (${pid} -> ${now})`);
    assert.match(await dump(), /^ +sandbox_image = "registry\.k8s\.io\/pause:3\.10"$/m);
    cli('plan', 0);
  });
});
