import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yargs from 'yargs';
import { labCommands } from '../../src/cli/lab.js';
import { loadInventory } from '../../src/inventory/index.js';
import { labDown, labStatus, labUp, LAB_SUDO_PASSWORD, loadLab, nodeRootPath } from '../../src/lab/index.js';
import { nodeMac } from '../../src/lab/network.js';
import { isProcessAlive } from '../../src/lab/node.js';
import { isK8sbmError } from '../../src/source/errors.js';
import { k8sbm, treeHash } from '../helpers/cli.js';
import { labSsh, startLab, type TestLab, withLab } from '../helpers/lab.js';
import { tempDir, withTempDir } from '../helpers/temp.js';

const isRoot = process.getuid?.() === 0;

function ip(...args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function labNetnsAndLinks(l: TestLab): { netns: string[]; links: string[] } {
  const id = l.lab.id;
  const netns = (JSON.parse(ip('-j', 'netns', 'list').trim() || '[]') as { name: string }[]).map((n) => n.name).filter((n) => n.includes(id));
  const links = (JSON.parse(ip('-j', 'link', 'show')) as { ifname: string }[]).map((x) => x.ifname).filter((n) => n.includes(id));
  return { netns, links };
}

/** Polls a condition (no fixed sleeps): true within the deadline, or the assertion fails. */
async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not true within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function readSysctl(key: string): string {
  return readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim();
}

/** An IPv4 address of this machine outside the lab range, or a TEST-NET address. */
function outsideAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal && !/^198\.1[89]\./.test(a.address)) return a.address;
  }
  return '192.0.2.1';
}

async function runLabCli(args: string[]): Promise<{ code: number; out: string }> {
  let code = -1;
  let out = '';
  const io = { out: (s: string) => { out += s.endsWith('\n') ? s : `${s}\n`; }, err: () => undefined, isTTY: false };
  await yargs(args).command(labCommands((c) => { code = c; }, io)).demandCommand(1).strict().fail((msg, err) => { throw err ?? new Error(msg); }).parseAsync();
  return { code, out };
}

if (!isRoot) {
  describe('lab without root', () => {
    it('refuses with K8SBM_LAB_NEEDS_ROOT and says how to run it', async () => {
      await assert.rejects(labUp({ name: 'noroot', nodes: 1 }), (e) => isK8sbmError(e) && e.code === 'K8SBM_LAB_NEEDS_ROOT' && /sudo/.test(e.hint ?? ''));
    });
  });
} else {
  describe('a lab of four nodes', async () => {
    const l = await withLab('iso', 4);
    const names = l.nodes.map((n) => n.name);
    const run = (node: string, cmd: string | string[], opts: Parameters<typeof labSsh>[3] = {}) => labSsh(l, node, cmd, opts);

    it('writes the lab directory: inventory, key, known_hosts, ssh_config, state', async () => {
      assert.deepEqual(names, ['node01', 'node02', 'node03', 'node04']);
      assert.equal(statSync(l.keyFile).mode & 0o777, 0o600);
      const inv = await loadInventory([l.inventoryFile]);
      const group = (g: string) => (inv.groups.get(g)?.hosts ?? []).map((h) => h.name);
      assert.deepEqual(group('control_plane'), ['node01', 'node02', 'node03']);
      assert.deepEqual(group('workers'), ['node04']);
      assert.deepEqual((inv.groups.get('k8s_cluster')?.children ?? []).map((g) => g.name).sort(), ['control_plane', 'workers']);
      assert.equal(inv.hosts.get('node04')?.vars.ansible_host, l.nodes[3]!.address);
      const known = readFileSync(l.knownHostsFile, 'utf8').trim().split('\n');
      assert.equal(known.length, 4);
      for (const n of l.lab.nodes) {
        const own = readFileSync(join(nodeRootPath(l.lab, n.name), 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
        assert.ok(known.includes(`${n.address} ${own}`), `${n.name}'s host key is in known_hosts`);
      }
      assert.equal(new Set(known.map((k) => k.split(' ')[2])).size, 4, 'every node has its own host key');
      if (existsSync('/etc/ssh/ssh_host_ed25519_key.pub')) {
        const machineKey = readFileSync('/etc/ssh/ssh_host_ed25519_key.pub', 'utf8').split(' ')[1];
        assert.ok(!known.some((k) => k.split(' ')[2] === machineKey), "no node presents the machine's host key");
      }
      assert.equal(JSON.parse(readFileSync(l.lab.files.state, 'utf8')).phase, 'up');
    });

    it('answers ssh -F ssh_config NODE as root, each node with its own hostname', async () => {
      const machineName = hostname();
      const results = await Promise.all(names.map((n) => run(n, 'id -u; hostname; cat /etc/hostname')));
      results.forEach((r, i) => {
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split('\n'), ['0', names[i], names[i]]);
      });
      assert.equal(hostname(), machineName);
    });

    it('keeps a file written under /etc on one node away from the others and the machine', async () => {
      const file = `/etc/k8sbm-lab-probe-${process.pid}`;
      assert.equal((await run('node01', ['sh', '-c', `echo from-node01 > ${file}`])).code, 0);
      assert.equal((await run('node01', ['cat', file])).stdout, 'from-node01\n');
      assert.notEqual((await run('node02', ['test', '-e', file])).code, 0);
      assert.equal(existsSync(file), false);
      assert.equal(readFileSync(join(nodeRootPath(l.lab, 'node01'), file), 'utf8'), 'from-node01\n');
      assert.equal(existsSync(join(nodeRootPath(l.lab, 'node02'), file)), false);
    });

    it('keeps net.* sysctls per node, and a node\'s kernel.*/vm.* writes away from the machine', async () => {
      const key = 'net.ipv4.ip_forward';
      const machineBefore = readSysctl(key);
      const read = async (n: string) => (await run(n, ['sysctl', '-n', key])).stdout.trim();
      const before1 = await read('node01');
      const before2 = await read('node02');
      const target = before1 === '1' ? '0' : '1';
      const w = await run('node01', ['sysctl', '-w', `${key}=${target}`]);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(await read('node01'), target);
      assert.equal(await read('node02'), before2);
      assert.equal(readSysctl(key), machineBefore);

      const swappiness = readSysctl('vm.swappiness');
      const other = swappiness === '10' ? '11' : '10';
      // A machine-wide key: the node writes its own copy (see lab-sysctl.test.ts), never the kernel's.
      const v = await run('node01', ['sysctl', '-w', `vm.swappiness=${other}`]);
      assert.equal(v.code, 0, v.stderr);
      assert.equal((await run('node01', ['sysctl', '-n', 'vm.swappiness'])).stdout.trim(), other);
      assert.equal((await run('node02', ['sysctl', '-n', 'vm.swappiness'])).stdout.trim(), swappiness);
      assert.equal(readSysctl('vm.swappiness'), swappiness);
      const ro = await run('node01', ['sysctl', '-w', 'kernel.ngroups_max=1']);
      assert.notEqual(ro.stderr, '', 'a read-only key stays read-only');
      assert.equal((await run('node01', ['sysctl', '-n', 'kernel.ngroups_max'])).stdout.trim(), readSysctl('kernel.ngroups_max'));
    });

    it('has its own /proc, /tmp and /run', async () => {
      const probe = `/tmp/k8sbm-probe-${process.pid}`;
      const r = await run('node03', `cat /proc/1/comm; echo node03-tmp > ${probe}; ls -d /run/sshd && echo run-ok`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['sshd', '/run/sshd', 'run-ok']);
      assert.equal(readFileSync(join(nodeRootPath(l.lab, 'node03'), probe), 'utf8'), 'node03-tmp\n');
      assert.equal(existsSync(join(nodeRootPath(l.lab, 'node04'), probe)), false);
      assert.equal(existsSync(probe), false);
    });

    it('reaches the other nodes but nothing outside the lab (no default route)', async () => {
      const routes = (await run('node01', ['ip', '-4', 'route', 'show'])).stdout.trim().split('\n');
      assert.deepEqual(routes.map((r) => r.split(' ')[0]), [l.lab.subnet]);
      const outside = outsideAddress();
      const get = await run('node01', ['ip', 'route', 'get', outside]);
      assert.notEqual(get.code, 0);
      assert.match(get.stderr, /unreachable/i);
      const tcp = await run('node01', ['bash', '-c', `exec 3<>/dev/tcp/${outside}/22`]);
      assert.notEqual(tcp.code, 0);
      assert.match(tcp.stderr, /unreachable/i);
      const peer = await run('node01', ['bash', '-c', `exec 3<>/dev/tcp/${l.nodes[1]!.address}/22 && head -c 4 <&3`]);
      assert.equal(peer.stdout, 'SSH-');
    });

    it('has ops with passwordless sudo and opspw whose sudo needs the lab password', async () => {
      const ops = await run('node02', ['sudo', '-n', 'id', '-u'], { user: 'ops' });
      assert.equal(ops.stdout.trim(), '0', ops.stderr);
      const noPw = await run('node02', ['sudo', '-n', 'true'], { user: 'opspw' });
      assert.notEqual(noPw.code, 0);
      assert.match(noPw.stderr, /password is required/);
      const withPw = await run('node02', ['sudo', '-S', '-p', '', 'id', '-u'], { user: 'opspw', stdin: `${LAB_SUDO_PASSWORD}\n` });
      assert.equal(withPw.stdout.trim(), '0', withPw.stderr);
      const wrongPw = await run('node02', ['sudo', '-S', '-p', '', 'id', '-u'], { user: 'opspw', stdin: 'wrong\n' });
      assert.notEqual(wrongPw.code, 0);
    });

    it('accepts keys only', async () => {
      const r = await run('node01', ['true'], { sshArgs: ['-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password,keyboard-interactive'] });
      assert.equal(r.code, 255);
      assert.match(r.stderr, /Permission denied \(publickey\)/);
    });

    it("reads a node's tree through nodeRootPath: reading changes nothing, writing does", async () => {
      const etc = join(nodeRootPath(l.lab, 'node04'), 'etc');
      const h0 = treeHash(etc);
      assert.equal((await run('node04', 'cat /etc/passwd /etc/hosts >/dev/null && ls -R /etc >/dev/null')).code, 0);
      assert.equal(treeHash(etc), h0);
      assert.equal((await run('node04', ['touch', '/etc/k8sbm-changed'])).code, 0);
      assert.notEqual(treeHash(etc), h0);
    });

    it('serves Ansible itself: ping every node, become through ops and opspw', (t) => {
      const home = tempDir('lab-ansible', t);
      writeFileSync(join(home, 'ansible.cfg'), '');
      const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: home, ANSIBLE_CONFIG: join(home, 'ansible.cfg'), ANSIBLE_HOME: join(home, '.ansible'), ANSIBLE_LOCAL_TEMP: join(home, 'tmp'), ANSIBLE_SSH_ARGS: '-o ControlMaster=no' };
      const ansible = (...args: string[]) => spawnSync('ansible', ['-i', l.inventoryFile, '-o', ...args], { encoding: 'utf8', env, timeout: 120_000 });
      const ping = ansible('all', '-m', 'ping');
      assert.equal(ping.status, 0, ping.stdout + ping.stderr);
      assert.equal(ping.stdout.match(/SUCCESS/g)?.length, 4);
      const ops = ansible('node01', '-u', 'ops', '-b', '-m', 'command', '-a', 'id -u');
      assert.match(ops.stdout, /rc=0 \| \(stdout\) 0/, ops.stdout + ops.stderr);
      const opspw = ansible('node02', '-u', 'opspw', '-b', '-e', `ansible_become_password=${LAB_SUDO_PASSWORD}`, '-m', 'command', '-a', 'id -u');
      assert.match(opspw.stdout, /rc=0 \| \(stdout\) 0/, opspw.stdout + opspw.stderr);
    });

    it('reports the nodes in status, through the API and the CLI', async () => {
      const s = await labStatus({ name: 'iso', dir: l.dir });
      assert.equal(s.condition, 'up');
      assert.deepEqual(s.nodes.map((n) => [n.name, n.address, n.running, n.sshd]), l.nodes.map((n) => [n.name, n.address, true, true]));
      const cli = await runLabCli(['lab', 'status', '--name', 'iso', '--dir', l.dir, '--json']);
      assert.equal(cli.code, 0);
      assert.deepEqual((JSON.parse(cli.out) as { nodes: { pid: number }[] }).nodes.map((n) => n.pid), l.nodes.map((n) => n.pid));
    });

    it('keeps a healthy lab on a second up (same nodes, same processes)', async () => {
      const again = await labUp({ name: 'iso', dir: l.dir, nodes: 4 });
      assert.equal(again.reused, true);
      assert.deepEqual(again.lab.nodes.map((n) => n.pid), l.nodes.map((n) => n.pid));
      const cli = await runLabCli(['lab', 'up', '--name', 'iso', '--dir', l.dir, '--nodes', '4']);
      assert.equal(cli.code, 0);
      assert.match(cli.out, /was already up: 4 nodes/);
      assert.match(cli.out, /k8sbm run PLAYBOOK -i /);
    });
  });

  describe('a lab that is up changes size without a rebuild', () => {
    let l: TestLab;
    before(async () => { l = await startLab({ name: 'resize', nodes: 3 }); });
    after(async () => { await l?.down(); });
    const probe = `/etc/k8sbm-resize-probe-${process.pid}`;
    const cli = (...extra: string[]) => runLabCli(['lab', 'up', '--name', 'resize', '--dir', l.dir, '--json', ...extra]);
    const inventoryHosts = async () => [...(await loadInventory([l.inventoryFile])).hosts.keys()].sort();
    const stateNodes = () => (JSON.parse(readFileSync(l.lab.files.state, 'utf8')) as { phase: string; nodes: { name: string; pid: number }[] });
    const resolves = async (on: string, name: string) => (await labSsh(l, on, ['getent', 'hosts', name])).stdout.trim().split(/\s+/)[0];

    it('grows 3 -> 5: the running nodes keep their processes and files, nodes 4 and 5 answer', async () => {
      assert.equal((await labSsh(l, 'node01', ['sh', '-c', `echo kept > ${probe}`])).code, 0);
      const r = await cli('--nodes', '5');
      assert.equal(r.code, 0);
      const out = JSON.parse(r.out) as { reused: boolean; added: string[]; removed: string[]; nodes: { name: string; address: string; pid: number }[] };
      assert.deepEqual([out.reused, out.added, out.removed], [false, ['node04', 'node05'], []]);
      assert.deepEqual(out.nodes.slice(0, 3).map((n) => n.pid), l.nodes.map((n) => n.pid), 'node01-03 are the same processes');
      assert.ok(l.nodes.every((n) => isProcessAlive(n.pid)));
      assert.equal((await labSsh(l, 'node01', ['cat', probe])).stdout, 'kept\n');
      // Over the rewritten ssh_config and known_hosts (strict host key checking).
      for (const n of ['node04', 'node05']) {
        const hn = await labSsh(l, n, ['hostname']);
        assert.deepEqual([hn.code, hn.stdout.trim()], [0, n], hn.stderr);
      }
      assert.deepEqual(await inventoryHosts(), ['node01', 'node02', 'node03', 'node04', 'node05']);
      assert.deepEqual(stateNodes().nodes.map((n) => n.name), ['node01', 'node02', 'node03', 'node04', 'node05']);
      assert.equal(readFileSync(l.knownHostsFile, 'utf8').trim().split('\n').length, 5);
      // Old and new nodes know each other by name.
      assert.equal(await resolves('node01', 'node05'), out.nodes[4]!.address);
      assert.equal(await resolves('node05', 'node01'), out.nodes[0]!.address);
      assert.equal((await labStatus({ name: 'resize', dir: l.dir })).condition, 'up');
    });

    it('keeps the lab as it is when --nodes is not given', async () => {
      const r = await cli();
      assert.deepEqual([(JSON.parse(r.out) as { reused: boolean }).reused, stateNodes().nodes.length], [true, 5]);
    });

    it('shrinks 5 -> 4 by removing the highest node only', async () => {
      const before = stateNodes().nodes;
      const r = await labUp({ name: 'resize', dir: l.dir, nodes: 4 });
      assert.deepEqual([r.added, r.removed], [[], ['node05']]);
      assert.deepEqual(r.lab.nodes.map((n) => n.pid), before.slice(0, 4).map((n) => n.pid));
      await eventually('node05 is gone', () => !isProcessAlive(before[4]!.pid));
      assert.deepEqual(labNetnsAndLinks(l).netns.map((n) => n.slice(-6)).sort(), ['node01', 'node02', 'node03', 'node04']);
      assert.equal(labNetnsAndLinks(l).links.length, 5, 'four veths and the bridge');
      assert.equal((await labSsh(l, 'node01', ['cat', probe])).stdout, 'kept\n');
      assert.deepEqual(await inventoryHosts(), ['node01', 'node02', 'node03', 'node04']);
      assert.equal(await resolves('node01', 'node05'), '', 'node01 no longer knows node05');
      assert.equal(await resolves('node01', 'node04'), r.lab.nodes[3]!.address);
    });

    it('grows again over the leftovers of a resize that did not finish', async () => {
      // What a resize cut short after creating node05's namespace would leave.
      ip('netns', 'add', `k8sbm-${l.lab.id}-node05`);
      const r = await labUp({ name: 'resize', dir: l.dir, nodes: 5 });
      assert.deepEqual(r.added, ['node05']);
      assert.equal((await labSsh(l, 'node05', ['hostname'])).stdout.trim(), 'node05');
      const node05 = r.lab.nodes.find((n) => n.name === 'node05')!;
      assert.equal((await labSsh(l, 'node05', ['cat', '/sys/class/net/eth0/address'])).stdout.trim(), nodeMac(node05.address),
        'back with the MAC it had before the shrink, so ARP entries kept for it stay right');
    });

    it('refuses what needs a rebuild, with the way out, and changes nothing', async () => {
      const pids = stateNodes().nodes.map((n) => n.pid);
      const refused = (code: string) => (e: unknown) => isK8sbmError(e) && e.code === code && /k8sbm lab down/.test(e.hint ?? '') && /--recreate/.test(e.hint ?? '');
      await assert.rejects(labUp({ name: 'resize', dir: l.dir, sshdLogLevel: 'VERBOSE' }), refused('K8SBM_LAB_REBUILD_NEEDED'));
      await assert.rejects(labUp({ name: 'another', dir: l.dir, nodes: 5 }), refused('K8SBM_LAB_REBUILD_NEEDED'));
      process.kill(pids[3]!, 'SIGKILL');
      await eventually('node04 is dead', () => !isProcessAlive(pids[3]));
      await assert.rejects(labUp({ name: 'resize', dir: l.dir, nodes: 6 }), (e) => refused('K8SBM_LAB_DEGRADED')(e) && /node04/.test((e as Error).message));
      assert.deepEqual(stateNodes().nodes.map((n) => n.pid), pids);
      assert.equal((await labSsh(l, 'node01', ['cat', probe])).stdout, 'kept\n');
    });
  });

  describe('--lab on a lab whose node died', () => {
    it('refuses with K8SBM_LAB_DEGRADED instead of rebuilding the nodes that still run', async (t) => {
      const cwd = tempDir('lab-target', t);
      try {
        const first = k8sbm(['exec', 'all', '--lab', 'target', '--', 'true'], cwd);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        const lab = loadLab({ name: 'target', cwd });
        process.kill(lab.nodes[2]!.pid, 'SIGKILL');
        await eventually('node03 is dead', () => !isProcessAlive(lab.nodes[2]!.pid));
        const again = k8sbm(['exec', 'all', '--lab', 'target', '--', 'true'], cwd);
        assert.equal(again.code, 1, again.stdout + again.stderr);
        assert.match(again.stderr, /K8SBM_LAB_DEGRADED[\s\S]*node03[\s\S]*--recreate/);
        assert.ok(isProcessAlive(lab.nodes[0]!.pid) && isProcessAlive(lab.nodes[1]!.pid), 'the living nodes were left running');
      } finally {
        await labDown({ name: 'target', cwd });
      }
    });
  });

  describe('lab down', () => {
    it('removes namespaces, links, bridge, processes and files', async () => {
      const l = await startLab({ name: 'down', nodes: 3 });
      const before = labNetnsAndLinks(l);
      assert.equal(before.netns.length, 3);
      assert.equal(before.links.length, 4, 'three veths and the bridge');
      const pids = l.lab.nodes.flatMap((n) => [n.pid, n.launcherPid]);
      assert.ok(pids.every((p) => isProcessAlive(p)));

      const r = await labDown({ name: 'down', dir: l.dir });
      assert.deepEqual([r.existed, r.netns, r.links, r.bridge], [true, 3, 3, true]);
      assert.deepEqual(labNetnsAndLinks(l), { netns: [], links: [] });
      assert.ok(!ip('-j', 'netns', 'list').includes(l.lab.id));
      assert.ok(!ip('link', 'show').includes(l.lab.bridge));
      // The launchers are this process's children: once reaped, no trace of any PID is left.
      await eventually('every recorded pid is gone', () => pids.every((p) => !existsSync(`/proc/${p}`)));
      assert.equal(existsSync(l.dir), false);
      assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(l.dir));
      assert.equal((await labStatus({ name: 'down', dir: l.dir })).condition, 'absent');
      await l.down();
    });

    it('removes a half-up lab: a dead node and no state file', async () => {
      const l = await startLab({ name: 'half', nodes: 2 });
      process.kill(l.nodes[1]!.pid, 'SIGKILL');
      unlinkSync(l.lab.files.state);
      assert.equal((await labStatus({ name: 'half', dir: l.dir })).condition, 'partial');
      const r = await labDown({ name: 'half', dir: l.dir });
      assert.deepEqual([r.netns, r.links, r.bridge], [2, 2, true]);
      assert.deepEqual(labNetnsAndLinks(l), { netns: [], links: [] });
      await eventually('node01 is gone', () => !isProcessAlive(l.nodes[0]!.pid));
      assert.equal(existsSync(l.dir), false);
      await l.down();
    });

    it('is a no-op for a lab that is not up', async () => {
      const r = await withTempDir('lab-never', (parent) => labDown({ name: 'never', dir: join(parent, 'lab') }));
      assert.equal(r.existed, false);
    });
  });

  describe('labs side by side', () => {
    let a: TestLab;
    let b: TestLab;
    before(async () => { [a, b] = await Promise.all([startLab({ name: 'side-a', nodes: 2 }), startLab({ name: 'side-b', nodes: 2 })]); });
    after(async () => { await Promise.all([a?.down(), b?.down()]); });

    it('come up at the same time on different subnets and bridges', async () => {
      assert.notEqual(a.lab.subnet, b.lab.subnet);
      assert.notEqual(a.lab.bridge, b.lab.bridge);
      for (const l of [a, b]) {
        const r = await labSsh(l, 'node02', ['hostname']);
        assert.equal(r.stdout.trim(), 'node02', r.stderr);
      }
      const cross = await labSsh(a, 'node01', ['bash', '-c', `exec 3<>/dev/tcp/${b.nodes[0]!.address}/22`]);
      assert.notEqual(cross.code, 0, "one lab's nodes cannot reach another lab's");
    });
  });

  describe('a lab of sixty nodes', () => {
    let l: TestLab;
    before(async () => { l = await startLab({ name: 'big', nodes: 60 }); });
    after(async () => { await l?.down(); });

    it('brings every node up, each answering ssh with its own name', async () => {
      assert.equal(l.nodes.length, 60);
      assert.equal(new Set(l.nodes.map((n) => n.address)).size, 60);
      const inv = await loadInventory([l.inventoryFile]);
      assert.equal(inv.groups.get('workers')?.hosts.length, 57);
      const names: string[] = [];
      for (let i = 0; i < l.nodes.length; i += 12) {
        const batch = l.nodes.slice(i, i + 12);
        const rs = await Promise.all(batch.map((n) => labSsh(l, n.name, ['hostname'])));
        rs.forEach((r, k) => assert.equal(r.code, 0, `${batch[k]!.name}: ${r.stderr}`));
        names.push(...rs.map((r) => r.stdout.trim()));
      }
      assert.deepEqual(names, l.nodes.map((n) => n.name));
    });
  });
}
