/**
 * Playbooks over real SSH against lab nodes (network namespaces, overlay roots, real sshd):
 * parallel hosts, become, check mode, idempotence, unreachable hosts, host key errors, exec.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab } from '../helpers/lab.js';
let lab;
before(async () => { lab = await startLab({ name: 'runssh', nodes: 3 }); });
after(async () => { await lab?.down(); });
const site = `
- name: configure nodes
  hosts: all
  gather_facts: true
  become: true
  tasks:
    - name: app directory
      file: { path: /etc/k8sbm-e2e, state: directory, mode: "0750" }
    - name: config from facts
      copy:
        dest: /etc/k8sbm-e2e/node.conf
        content: "name={{ inventory_hostname }} host={{ facts.hostname }} addr={{ facts.all_ipv4_addresses.[0] }}\\n"
        mode: "0640"
    - name: a line in a system file
      lineinfile: { path: /etc/login.defs, regexp: "^PASS_MAX_DAYS", line: "PASS_MAX_DAYS\\t90" }
    - name: who am I after become
      command: id -un
      register: me
      changed_when: false
      check_mode: false
    - assert: { that: me.stdout == "root" }
    - name: once
      command: touch /etc/k8sbm-e2e/initialised
      args: { creates: /etc/k8sbm-e2e/initialised }
`;
function project(extra = {}) {
    return writeTree({ 'site.yml': site, ...extra });
}
const nodeEtc = (node) => join(nodeRootPath(lab.lab, node), 'etc');
const hashNodes = () => lab.nodes.map((n) => treeHash(nodeEtc(n.name))).join(',');
describe('k8sbm run over SSH on lab nodes', () => {
    it('applies on all nodes in parallel as a sudo user; a second run reports changed=0', () => {
        const dir = project();
        const args = ['run', 'site.yml', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-e', 'ansible_user=ops', '--json'];
        const first = k8sbm(args, dir);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        const recap = recapOf(first.stdout);
        assert.deepEqual(Object.keys(recap).sort(), lab.nodes.map((n) => n.name).sort());
        for (const n of lab.nodes) {
            assert.ok(recap[n.name].changed >= 4, `${n.name}: ${JSON.stringify(recap[n.name])}`);
            const conf = readFileSync(join(nodeEtc(n.name), 'k8sbm-e2e/node.conf'), 'utf8');
            assert.equal(conf, `name=${n.name} host=${n.name} addr=${n.address}\n`);
        }
        // Only the nodes changed: the machine's own /etc has no trace of the run.
        assert.ok(!existsSync('/etc/k8sbm-e2e'));
        const second = k8sbm(args, dir);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        for (const [h, c] of Object.entries(recapOf(second.stdout)))
            assert.equal(c.changed, 0, `${h} changed on the second run`);
        // One connection per host, few round trips per task: the recap counts them.
        const execs = jsonEvents(second.stdout).find((e) => e.event === 'recap').execs;
        for (const n of lab.nodes)
            assert.ok(execs[n.name] <= 10, `${n.name}: ${execs[n.name]} execs for 7 tasks`);
    });
    it('check mode on changed nodes predicts the changes and leaves every node byte-identical', () => {
        const dir = project();
        const base = ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
        assert.equal(k8sbm(['run', 'site.yml', ...base], dir).code, 0);
        writeFileSync(join(nodeEtc(lab.nodes[0].name), 'k8sbm-e2e/node.conf'), 'drifted\n');
        const before = hashNodes();
        const plan = k8sbm(['plan', 'site.yml', ...base, '--json'], dir);
        assert.equal(plan.code, 2, plan.stdout + plan.stderr);
        assert.equal(hashNodes(), before, 'check mode changed a node');
        const changed = jsonEvents(plan.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed');
        assert.deepEqual(changed.map((e) => `${e.host}:${e.task}`), [`${lab.nodes[0].name}:config from facts`]);
        assert.match(JSON.stringify(changed[0].diff), /-drifted/);
    });
    it('become with a sudo password (--become-password-file) and a wrong one', () => {
        const dir = project({ 'pw': 'opspw-lab-password\n', 'bad': 'nope\n' });
        const base = ['run', 'site.yml', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-e', 'ansible_user=opspw', '-l', lab.nodes[1].name];
        const ok = k8sbm([...base, '--become-password-file', 'pw'], dir);
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        const bad = k8sbm([...base, '--become-password-file', 'bad'], dir);
        assert.equal(bad.code, 1);
        assert.doesNotMatch(bad.stdout + bad.stderr, /opspw-lab-password|nope/, 'passwords never printed');
    });
    it('an unreachable host is reported in the recap with the reason, and the others go on', () => {
        const dir = project({
            'inv.ini': `${readFileSync(lab.inventoryFile, 'utf8')}\n[ghosts]\nghost ansible_host=${lab.nodes[0].address.replace(/\.\d+$/, '.250')} ansible_user=root ansible_ssh_private_key_file=${lab.keyFile}\n`,
        });
        const r = k8sbm(['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', lab.knownHostsFile, '--connect-timeout', '2', '--json'], dir);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const recap = recapOf(r.stdout);
        assert.equal(recap.ghost.unreachable, 1);
        for (const n of lab.nodes)
            assert.equal(recap[n.name].failed, 0);
        const ghost = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.host === 'ghost');
        assert.match(String(ghost.msg), /no route to host|connect timeout|connection refused/);
    });
    it('an unknown host key and a changed host key are refused with the fix', () => {
        const node = lab.nodes[2];
        // An inventory without the lab's UserKnownHostsFile, so --known-hosts decides.
        const dir = project({ 'empty_known_hosts': '', 'inv.ini': `${node.name} ansible_host=${node.address} ansible_user=root ansible_ssh_private_key_file=${lab.keyFile}\n` });
        const unknown = k8sbm(['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', 'empty_known_hosts', '--json'], dir);
        assert.equal(unknown.code, 1);
        const u = jsonEvents(unknown.stdout).find((e) => e.event === 'task_result');
        assert.equal(u.status, 'unreachable');
        assert.match(String(u.msg), /host key unknown/);
        assert.match(JSON.stringify(u.detail), /ssh-keyscan|accept-new/);
        // Another node's key under this node's address: a man in the middle would look like this.
        const lines = readFileSync(lab.knownHostsFile, 'utf8').split('\n').filter(Boolean);
        const other = lines.find((l) => l.startsWith(`${lab.nodes[0].address} `));
        writeFileSync(join(dir, 'wrong_known_hosts'), `${other.replace(lab.nodes[0].address, node.address)}\n`);
        const changed = k8sbm(['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', 'wrong_known_hosts', '--host-key-checking', 'accept-new', '--json'], dir);
        assert.equal(changed.code, 1);
        const c = jsonEvents(changed.stdout).find((e) => e.event === 'task_result');
        assert.equal(c.status, 'unreachable');
        assert.match(String(c.msg), /HOST KEY MISMATCH/);
        assert.match(String(c.msg) + JSON.stringify(c.detail), /wrong_known_hosts:1/);
        // accept-new adds an unknown key, and the next strict run trusts it.
        const fresh = k8sbm(['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', 'empty_known_hosts', '--host-key-checking', 'accept-new'], dir);
        assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
        assert.match(readFileSync(join(dir, 'empty_known_hosts'), 'utf8'), new RegExp(node.address.replace(/\./g, '\\.')));
        assert.equal(k8sbm(['run', 'site.yml', '-i', 'inv.ini', '--known-hosts', 'empty_known_hosts'], dir).code, 0);
    });
    it('exec runs a command on every node, output prefixed per host', async () => {
        const r = k8sbm(['exec', 'all', '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--', 'hostname'], writeTree({}));
        assert.equal(r.code, 0, r.stdout + r.stderr);
        for (const n of lab.nodes)
            assert.match(r.stdout, new RegExp(`^${n.name}\\s+\\| ${n.name}$`, 'm'));
        const m = k8sbm(['exec', lab.nodes[0].name, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-m', 'stat', '-a', 'path=/etc/hostname', '--json'], writeTree({}));
        assert.equal(m.code, 0, m.stdout + m.stderr);
        // The system ssh client agrees with what k8sbm saw.
        const viaSsh = await labSsh(lab, lab.nodes[0].name, 'cat /etc/hostname');
        assert.equal(viaSsh.stdout.trim(), lab.nodes[0].name);
    });
});
//# sourceMappingURL=run-ssh.test.js.map