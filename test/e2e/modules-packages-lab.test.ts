/**
 * package, apt_repository and service on lab nodes, against a real signed apt repository built
 * for the test (tiny .deb packages, one with a SysV init script). Every node's dpkg database and
 * /etc live in its own overlay layer: the machine's packages are never touched (checked at the end).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { buildDemoRepo, fileSha256, type DemoRepo } from '../helpers/package-repo.js';

// These tests count each module's own round trips, as a task reading its facts alone does:
// facts read ahead (many tasks' facts in one exec) are tested in read-ahead-lab and round-trips,
// and by every role test. The CLI runs below inherit this.
process.env.K8SBM_READ_AHEAD = '0';

let lab: TestLab;
let repo: DemoRepo;
let project: string;
const machineDpkg = fileSha256('/var/lib/dpkg/status');
const machineSources = existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').sort().join(',') : '';

before(async () => {
  repo = await buildDemoRepo();
  lab = await startLab({ name: 'pkglab', nodes: 2 });
  for (const n of lab.nodes) {
    // The repository goes into the node's own layer; the machine's sources leave it (the node
    // has no route to a mirror, and a refresh must only see the test repository).
    const root = nodeRootPath(lab.lab, n.name);
    mkdirSync(join(root, 'srv'), { recursive: true, mode: 0o755 });
    cpSync(repo.dir, join(root, 'srv', 'k8sbm-repo'), { recursive: true });
    const r = await labSsh(lab, n.name, 'mkdir -p /etc/apt/k8sbm-disabled && for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do if [ -e "$f" ]; then mv "$f" /etc/apt/k8sbm-disabled/; fi; done');
    assert.equal(r.code, 0, r.stderr);
  }
  project = writeTree({
    'keys.yml': `demo_key: |\n${repo.armoredKey.trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\n`,
    'site.yml': SITE, 'check.yml': CHECK, 'service-only.yml': SERVICE_ONLY, 'deb822.yml': DEB822, 'upgrade.yml': UPGRADE, 'pin.yml': PIN, 'remove.yml': REMOVE,
  });
});
after(async () => {
  await lab?.down();
  repo?.cleanup();
});

const HANDLERS = `
  handlers:
    - name: restart demo
      service: { name: k8sbm-demo, state: restarted }
`;
const PLAY = (hosts: string) => `- name: packages
  hosts: ${hosts}
  gather_facts: true
  become: true
  tasks:`;

const SITE = `${PLAY('node01')}
    - name: demo repository
      apt_repository:
        name: k8sbm-demo
        repo: deb file:/srv/k8sbm-repo stable main
        key_content: "{{ demo_key }}"
    - name: demo package pinned and held
      package: { name: k8sbm-demo=1.0-1, hold: true, update_cache: true, cache_valid_time: 3600 }
    - name: tool package
      package: { name: [k8sbm-tool], install_recommends: false }
    - name: demo configuration
      copy: { dest: /etc/k8sbm-demo.conf, content: "message=from k8sbm\\n" }
      notify: restart demo
    - name: demo service
      service: { name: k8sbm-demo, state: started, enabled: true }
${HANDLERS}`;

// The headline of check mode's predicted state: on a node without the package, installing it,
// writing its configuration and restarting its service all plan as changes; nothing fails.
const CHECK = `${PLAY('node02')}
    - name: install the demo package
      package: { name: k8sbm-demo }
    - name: its configuration
      copy: { dest: /etc/k8sbm-demo.conf, content: "message=planned\\n" }
    - name: restart its service
      service: { name: k8sbm-demo, state: restarted }
`;
const SERVICE_ONLY = `${PLAY('node02')}
    - name: restart its service
      service: { name: k8sbm-demo, state: restarted }
`;
const DEB822 = `${PLAY('node02')}
    - name: demo repository, deb822, key fetched on the node
      apt_repository:
        name: k8sbm-demo
        uris: file:/srv/k8sbm-repo
        suites: stable
        components: main
        key_url: file:///srv/k8sbm-repo/key.asc
    - name: tool from it
      package: { name: k8sbm-tool }
`;
const UPGRADE = `${PLAY('node01')}
    - name: newest demo, still held
      package: { name: k8sbm-demo, state: latest, hold: true, update_cache: true, cache_valid_time: 3600 }
      notify: restart demo
${HANDLERS}`;
const PIN = `${PLAY('node01')}
    - name: back to 1.0-1
      package: { name: k8sbm-demo=1.0-1 }
      notify: restart demo
${HANDLERS}`;
const REMOVE = `${PLAY('node01')}
    - name: demo service stopped and off at boot
      service: { name: k8sbm-demo, state: stopped, enabled: false }
    - name: demo package gone (hold released)
      package: { name: k8sbm-demo, state: absent, hold: false }
    - name: tool purged
      package: { name: k8sbm-tool, state: absent, purge: true }
    - name: repository gone
      apt_repository:
        name: k8sbm-demo
        repo: deb file:/srv/k8sbm-repo stable main
        key_content: "{{ demo_key }}"
        state: absent
        update_cache: false
`;

const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-e', '@keys.yml', '-e', 'ansible_user=ops'];
const run = (playbook: string, ...extra: string[]) => k8sbm(['run', playbook, ...base(), '--json', ...extra], project);
const results = (stdout: string) => jsonEvents(stdout).filter((e) => e.event === 'task_result');
const ours = (stdout: string) => results(stdout).filter((e) => ['package', 'apt_repository', 'service'].includes(String(e.module)));
const onNode = (node: string, command: string) => labSsh(lab, node, command);
const nodeFile = (node: string, path: string): string => readFileSync(join(nodeRootPath(lab.lab, node), path), 'utf8');
const dpkgState = async (node: string, pkg: string): Promise<string> =>
  (await onNode(node, `dpkg-query -W -f='\${Version} \${db:Status-Abbrev}' ${pkg} 2>/dev/null || echo unknown`)).stdout.trim();
/** What check mode must leave alone: the node's /etc, apt lists, dpkg database and the demo daemon's run files. */
const nodeState = (node: string): string => {
  const root = nodeRootPath(lab.lab, node);
  const demoRun = join(root, 'run', 'k8sbm-demo');
  return [
    treeHash(join(root, 'etc')), treeHash(join(root, 'var/lib/apt/lists')), fileSha256(join(root, 'var/lib/dpkg/status')),
    fileSha256(join(root, 'run', 'k8sbm-demo.pid')), existsSync(demoRun) ? treeHash(demoRun) : 'absent',
  ].join(',');
};

describe('package, apt_repository and service on lab nodes', () => {
  it('adds a signed repository, installs a pinned held package, starts its SysV service; a second run changes nothing in one exec per task', async () => {
    const first = run('site.yml');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const byTask = new Map(results(first.stdout).map((e) => [String(e.task), e]));
    for (const t of ['demo repository', 'demo package pinned and held', 'tool package', 'demo configuration', 'demo service', 'restart demo']) {
      assert.equal(byTask.get(t)?.status, 'changed', `${t}: ${JSON.stringify(byTask.get(t))}`);
    }
    // Round trips of a change: fact + (keyring and list in one write) + refresh of this source;
    // fact + one apt script; fact + update-rc.d + init script.
    assert.equal(byTask.get('demo repository')!.execs, 3);
    assert.equal(byTask.get('demo package pinned and held')!.execs, 2);
    assert.equal(byTask.get('tool package')!.execs, 2);
    assert.equal(byTask.get('demo service')!.execs, 3);

    assert.deepEqual(readFileSync(join(nodeRootPath(lab.lab, 'node01'), 'etc/apt/keyrings/k8sbm-demo.gpg')), repo.binaryKey);
    assert.equal(nodeFile('node01', 'etc/apt/sources.list.d/k8sbm-demo.list'), 'deb [signed-by=/etc/apt/keyrings/k8sbm-demo.gpg] file:/srv/k8sbm-repo stable main\n');
    assert.equal(await dpkgState('node01', 'k8sbm-demo'), '1.0-1 hi');
    assert.equal(await dpkgState('node01', 'k8sbm-tool'), '2.0-1 ii');
    assert.equal(nodeFile('node01', 'run/k8sbm-demo/started'), 'version=1.0-1\nmessage=from k8sbm\n');
    const links = (await onNode('node01', 'ls /etc/rc2.d /etc/rc0.d')).stdout;
    assert.match(links, /^S\d\dk8sbm-demo$/m, 'started in runlevel 2');
    assert.match(links, /^K\d\dk8sbm-demo$/m, 'stopped in runlevel 0');

    const second = run('site.yml');
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(recapOf(second.stdout).node01!.changed, 0, second.stdout);
    const noop = ours(second.stdout);
    assert.equal(noop.length, 4);
    for (const e of noop) {
      assert.equal(e.execs, 1, `${e.task}: ${e.execs} execs for a no-op`);
      assert.ok(String(e.msg).length > 0);
    }
    assert.match(String(noop.find((e) => e.task === 'demo package pinned and held')!.msg), /k8sbm-demo 1\.0-1 is installed/);
    assert.match(String(noop.find((e) => e.task === 'demo service')!.msg), /k8sbm-demo is running, enabled at boot/);
  });

  it('check mode after drift plans the start, shows diffs, and leaves the node and the stopped daemon alone', async () => {
    assert.equal((await onNode('node01', '/etc/init.d/k8sbm-demo stop')).code, 0);
    const before = nodeState('node01');
    const plan = k8sbm(['plan', 'site.yml', ...base(), '--json'], project);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.equal(nodeState('node01'), before, 'check mode changed the node');
    assert.equal((await onNode('node01', '/etc/init.d/k8sbm-demo status')).code, 3, 'check mode started the daemon');
    const changed = results(plan.stdout).filter((e) => e.status === 'changed');
    assert.deepEqual(changed.map((e) => e.task), ['demo service']);
    assert.equal(changed[0]!.predicted, true);
    const diff = (changed[0]!.diff as Record<string, unknown>[])[0]!;
    assert.deepEqual([diff.kind, diff.subject, diff.before, diff.after], ['state', 'service k8sbm-demo (sysv)', { state: 'stopped' }, { state: 'running' }]);
    const again = run('site.yml');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(recapOf(again.stdout).node01!.changed, 1);
    assert.equal((await onNode('node01', '/etc/init.d/k8sbm-demo status')).code, 0);
  });

  it('check mode on a node without the package: install, configure and restart all plan as changes, nothing fails, nothing changes', async () => {
    const before = nodeState('node02');
    const plan = k8sbm(['plan', 'check.yml', ...base(), '--json'], project);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    const rs = results(plan.stdout).filter((e) => e.module !== 'setup');
    assert.deepEqual(rs.map((e) => `${e.task}:${e.status}:${e.predicted}`), [
      'install the demo package:changed:true', 'its configuration:changed:true', 'restart its service:changed:true',
    ]);
    assert.match(String(rs[2]!.msg), /start k8sbm-demo \(k8sbm-demo is to be installed by an earlier task\)/);
    assert.equal(recapOf(plan.stdout).node02!.failed, 0);
    assert.equal(nodeState('node02'), before, 'check mode changed the node');
    assert.equal(await dpkgState('node02', 'k8sbm-demo'), 'unknown');

    // Without the package task the same service task fails, clearly: the prediction made the difference.
    const alone = k8sbm(['plan', 'service-only.yml', ...base(), '--json'], project);
    assert.equal(alone.code, 1, alone.stdout + alone.stderr);
    const failed = results(alone.stdout).find((e) => e.status === 'failed')!;
    assert.match(String(failed.msg), /service k8sbm-demo not found \(no init script \/etc\/init.d\/k8sbm-demo\)/);

    // The human diff names what would change.
    const human = k8sbm(['plan', 'check.yml', ...base()], project);
    assert.equal(human.code, 2, human.stdout + human.stderr);
    assert.match(human.stdout, /\+message=planned/);
    assert.match(human.stdout, /-k8sbm-demo: absent\n\s*\+k8sbm-demo: installed\n/);
    assert.match(human.stdout, /\+state: running\n/);
  });

  it('a deb822 source whose armored key is fetched on the node and dearmored by k8sbm; then idempotent', async () => {
    const first = run('deb822.yml');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(ours(first.stdout).map((e) => `${e.status}:${e.execs}`), ['changed:3', 'changed:2']);
    assert.equal(nodeFile('node02', 'etc/apt/sources.list.d/k8sbm-demo.sources'),
      'Types: deb\nURIs: file:/srv/k8sbm-repo\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/k8sbm-demo.gpg\n');
    assert.deepEqual(readFileSync(join(nodeRootPath(lab.lab, 'node02'), 'etc/apt/keyrings/k8sbm-demo.gpg')), repo.binaryKey);
    assert.equal(await dpkgState('node02', 'k8sbm-tool'), '2.0-1 ii');
    const again = run('deb822.yml');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(ours(again.stdout).map((e) => `${e.status}:${e.execs}`), ['ok:1', 'ok:1']);
  });

  it('latest upgrades a held package (its changed conffile kept), restarts it via the handler, then is a one-exec no-op', async () => {
    const up = run('upgrade.yml');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const pkg = results(up.stdout).find((e) => e.task === 'newest demo, still held')!;
    assert.equal(pkg.status, 'changed');
    assert.match(String(pkg.msg), /upgrade k8sbm-demo 1\.0-1 -> 1\.1-1/);
    assert.equal(pkg.execs, 2);
    assert.equal(await dpkgState('node01', 'k8sbm-demo'), '1.1-1 hi');
    // --force-confold: the configuration k8sbm wrote survives the package's new default.
    assert.equal(nodeFile('node01', 'etc/k8sbm-demo.conf'), 'message=from k8sbm\n');
    assert.equal(nodeFile('node01', 'run/k8sbm-demo/started'), 'version=1.1-1\nmessage=from k8sbm\n');
    const again = run('upgrade.yml');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(recapOf(again.stdout).node01!.changed, 0);
    const noop = ours(again.stdout)[0]!;
    assert.equal(noop.execs, 1);
    assert.match(String(noop.msg), /k8sbm-demo 1\.1-1 is the newest version/);
  });

  it('a pin below the installed version downgrades a held package and keeps the hold', async () => {
    const down = run('pin.yml');
    assert.equal(down.code, 0, down.stdout + down.stderr);
    assert.match(String(ours(down.stdout)[0]!.msg), /downgrade k8sbm-demo 1\.1-1 -> 1\.0-1/);
    assert.equal(await dpkgState('node01', 'k8sbm-demo'), '1.0-1 hi');
    assert.equal(nodeFile('node01', 'run/k8sbm-demo/started'), 'version=1.0-1\nmessage=from k8sbm\n');
    assert.equal(recapOf(run('pin.yml').stdout).node01!.changed, 0);
  });

  it('stops and disables the service, removes, purges, drops the repository; a second run is all ok', async () => {
    const gone = run('remove.yml');
    assert.equal(gone.code, 0, gone.stdout + gone.stderr);
    assert.deepEqual(ours(gone.stdout).map((e) => e.status), ['changed', 'changed', 'changed', 'changed']);
    assert.equal(await dpkgState('node01', 'k8sbm-demo'), '1.0-1 rc');
    assert.equal(await dpkgState('node01', 'k8sbm-tool'), 'unknown');
    assert.ok(!existsSync(join(nodeRootPath(lab.lab, 'node01'), 'run/k8sbm-demo.pid')));
    assert.ok(!existsSync(join(nodeRootPath(lab.lab, 'node01'), 'etc/apt/sources.list.d/k8sbm-demo.list')));
    assert.ok(!existsSync(join(nodeRootPath(lab.lab, 'node01'), 'etc/apt/keyrings/k8sbm-demo.gpg')));
    const again = run('remove.yml');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const rs = ours(again.stdout);
    assert.deepEqual(rs.map((e) => `${e.status}:${e.execs}`), ['ok:1', 'ok:1', 'ok:1', 'ok:1']);
    assert.match(String(rs[0]!.msg), /k8sbm-demo is not installed/);
  });

  it('never touched the machine: its dpkg database and sources are as they were', () => {
    assert.equal(fileSha256('/var/lib/dpkg/status'), machineDpkg);
    assert.equal(existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').sort().join(',') : '', machineSources);
    assert.ok(!existsSync('/etc/apt/keyrings/k8sbm-demo.gpg'));
    assert.ok(!existsSync('/srv/k8sbm-repo'));
  });
});
