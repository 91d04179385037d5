/**
 * kernel.*, vm.* and fs.* sysctls on lab nodes: each node has its own copy, so sysctl -w,
 * sysctl -p and sysctl --system work there for real, another node keeps its own values, and
 * the machine's kernel (read here, from this process's /proc/sys) does not move by one byte.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';

const isRoot = process.getuid?.() === 0;

/**
 * Keys the kernel moves by itself while anything runs, whatever the nodes do: the last PID given
 * out, the perf sample rate it lowers when perf interrupts run long, the taint flags.
 */
const MOVING = new Set(['kernel/ns_last_pid', 'kernel/perf_event_max_sample_rate', 'kernel/tainted']);

/** Every readable and writable file under /proc/sys/{kernel,vm,fs} of the machine, by path, with its bytes. */
function machineSysctls(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    const abs = join('/proc/sys', rel);
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) { walk(p); continue; }
      if (!e.isFile() || MOVING.has(p)) continue;
      if ((statSync(join('/proc/sys', p)).mode & 0o600) !== 0o600) continue;
      try { out.set(p, readFileSync(join('/proc/sys', p), 'latin1')); } catch { /* unreadable here too */ }
    }
  };
  for (const top of ['kernel', 'vm', 'fs']) walk(top);
  return out;
}

const machine = (key: string): string => readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim();

describe('kernel.*, vm.* and fs.* sysctls are a per-node copy', { skip: !isRoot && 'the lab needs root' }, () => {
  let lab: TestLab;
  let before0: Map<string, string>;
  before(async () => {
    before0 = machineSysctls();
    lab = await startLab({ name: 'sysctlcopy', nodes: 2 });
  });
  after(async () => { await lab?.down(); });
  const run = (node: string, cmd: string | string[]) => labSsh(lab, node, cmd);
  const read = async (node: string, keys: string[]): Promise<string[]> => {
    const r = await run(node, ['sysctl', '-n', ...keys]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trimEnd().split('\n');
  };

  it('sysctl -w sets kernel, vm and fs keys on one node; the other node and the machine keep theirs', async () => {
    const keys = ['kernel.panic', 'vm.overcommit_memory', 'fs.suid_dumpable', 'kernel.dmesg_restrict'];
    const machineValues = keys.map(machine);
    const node2Before = await read('node02', keys);
    assert.deepEqual(node2Before, machineValues, 'a new node starts with the machine\'s values');

    const w = await run('node01', ['sysctl', '-w', 'kernel.panic=10', 'vm.overcommit_memory=1', 'fs.suid_dumpable=0', 'kernel.dmesg_restrict=1']);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stderr, '');
    assert.equal(w.stdout, 'kernel.panic = 10\nvm.overcommit_memory = 1\nfs.suid_dumpable = 0\nkernel.dmesg_restrict = 1\n');
    assert.deepEqual(await read('node01', keys), ['10', '1', '0', '1']);
    const raw = await run('node01', ['cat', '/proc/sys/kernel/panic']);
    assert.equal(raw.stdout, '10\n', 'the file reads as the kernel\'s would: the value and a newline');

    // Values the machine does not have, so the other node's and the machine's are told apart.
    const flipped = machineValues.map((v) => (v === '1' ? '0' : '1'));
    const w2 = await run('node01', ['sysctl', '-w', ...keys.map((k, i) => `${k}=${flipped[i]}`)]);
    assert.equal(w2.code, 0, w2.stderr);
    assert.deepEqual(await read('node01', keys), flipped);
    assert.deepEqual(await read('node02', keys), node2Before);
    assert.deepEqual(keys.map(machine), machineValues);

    const all = await run('node01', 'sysctl -a 2>/dev/null');
    for (const [i, k] of keys.entries()) assert.ok(all.stdout.split('\n').includes(`${k} = ${flipped[i]}`), `sysctl -a lists ${k}`);
  });

  it('sysctl --system and sysctl -p apply files on the node', async () => {
    const swappiness = machine('vm.swappiness');
    const mine = swappiness === '13' ? '14' : '13';
    const conf = `kernel.panic = 7\nvm.swappiness = ${mine}\nkernel.kptr_restrict = 2\n`;
    const sys = await run('node02', `printf '%s' '${conf}' > /etc/sysctl.d/99-k8sbm-e2e.conf && sysctl --system`);
    assert.equal(sys.code, 0, sys.stderr);
    assert.match(sys.stdout, /Applying \/etc\/sysctl\.d\/99-k8sbm-e2e\.conf/);
    assert.deepEqual(await read('node02', ['kernel.panic', 'vm.swappiness', 'kernel.kptr_restrict']), ['7', mine, '2']);

    const p = await run('node02', "printf 'fs.protected_fifos = 0\\n' > /tmp/e2e-sysctl.conf && sysctl -p /tmp/e2e-sysctl.conf");
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, 'fs.protected_fifos = 0\n');
    assert.deepEqual(await read('node02', ['fs.protected_fifos']), ['0']);
    assert.equal(machine('vm.swappiness'), swappiness);
  });

  it('read-only keys stay the kernel\'s live, read-only files', async () => {
    const r = await run('node01', 'test -w /proc/sys/kernel/osrelease && echo writable; cat /proc/sys/kernel/random/uuid /proc/sys/kernel/random/uuid');
    assert.equal(r.code, 0, r.stderr);
    const [a, b, more] = r.stdout.trimEnd().split('\n');
    assert.notEqual(a, 'writable');
    assert.notEqual(a, b, 'kernel.random.uuid is the kernel\'s: a new one on each read');
    assert.equal(more, undefined);
    assert.equal((await read('node01', ['kernel.osrelease']))[0], machine('kernel.osrelease'));
  });

  it('keys of the node\'s own UTS and IPC namespaces are the kernel\'s, per node', async () => {
    const shmmni = machine('kernel.shmmni');
    const mine = shmmni === '4000' ? '4001' : '4000';
    const r = await run('node01', ['sysctl', '-w', `kernel.shmmni=${mine}`]);
    assert.equal(r.code, 0, r.stderr);
    const ipcs = await run('node01', ['sh', '-c', 'ipcs -l | grep -i "max number of segments"']);
    assert.match(ipcs.stdout, new RegExp(`= ${mine}$`, 'm'), 'the kernel itself sees the node\'s value');
    assert.deepEqual(await read('node02', ['kernel.shmmni']), [shmmni]);
    assert.equal(machine('kernel.shmmni'), shmmni);
    assert.deepEqual(await read('node02', ['kernel.hostname']), ['node02']);
  });

  // The important one, after every write above: nothing a node wrote reached the machine.
  it('leaves the machine\'s kernel.*, vm.* and fs.* byte-identical', () => {
    const now = machineSysctls();
    assert.ok(before0.size > 100, `only ${before0.size} machine sysctls read`);
    for (const [k, v] of before0) assert.equal(now.get(k), v, `the machine's ${k} changed`);
  });
});
