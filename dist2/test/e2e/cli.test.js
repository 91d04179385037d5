import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
const example = join(repoRoot, 'inventories', 'example');
describe('k8sbm inventory / vars / schema / facts', () => {
    it('inventory --list, --graph and --host read the example inventory', () => {
        const list = k8sbm(['inventory', '-i', example, '--list'], repoRoot);
        assert.equal(list.code, 0, list.stderr);
        const data = JSON.parse(list.stdout);
        assert.deepEqual(data.control_plane.hosts, ['cp1', 'cp2', 'cp3']);
        assert.deepEqual(data.k8s_cluster.children, ['control_plane', 'workers']);
        assert.equal(data._meta.hostvars.worker02.ansible_host, '10.30.10.22');
        assert.equal(data._meta.hostvars.cp1.api_vip, '10.30.10.100');
        const graph = k8sbm(['inventory', '-i', example, '--graph'], repoRoot);
        assert.match(graph.stdout, /\|--@k8s_cluster:\n  \|  \|--@control_plane:\n  \|  \|  \|--cp1\n/);
        const host = k8sbm(['inventory', '-i', example, '--host', 'cp2'], repoRoot);
        assert.equal(JSON.parse(host.stdout).keepalived_priority, 140);
        const unknown = k8sbm(['inventory', '-i', example, '--host', 'cp9'], repoRoot);
        assert.equal(unknown.code, 1);
        assert.match(unknown.stderr, /K8SBM_HOST_UNKNOWN/);
    });
    it('vars shows each value with the layer and file:line it came from, and what it overrode', () => {
        const dir = writeTree({
            'inv/hosts': '[web]\nw1 port=81\n[web:vars]\nport=80\n',
            'inv/group_vars/all.yml': 'port: 79\nregion: eu\n',
            'site.yml': '- hosts: web\n  vars:\n    region: us\n  tasks: []\n',
        });
        const all = k8sbm(['vars', 'w1', '-i', 'inv', 'site.yml'], dir);
        assert.equal(all.code, 0, all.stderr);
        assert.match(all.stdout, /port = 81\n\s+from inventory_file_host_vars \(.*inv\/hosts:2:\d+\)/);
        assert.match(all.stdout, /region = "us"\n\s+from play_vars \(.*site\.yml:3:\d+\)/);
        const one = k8sbm(['vars', 'w1', 'port', '-i', 'inv', '--json'], dir);
        const rows = JSON.parse(one.stdout);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].value, 81);
        assert.deepEqual(rows[0].overrides.map((o) => o.level), ['inventory_group_vars_all', 'inventory_file_group_vars']);
        const extra = k8sbm(['vars', 'w1', 'port', '-i', 'inv', '-e', 'port=9000', '--json'], dir);
        assert.equal(JSON.parse(extra.stdout)[0].level, 'extra_vars');
    });
    it('schema playbook is a valid JSON Schema that accepts the shipped playbooks', () => {
        const r = k8sbm(['schema', 'playbook'], repoRoot);
        assert.equal(r.code, 0, r.stderr);
        const schema = JSON.parse(r.stdout);
        const ajv = new Ajv({ strict: false, allErrors: true });
        const validate = ajv.compile(schema);
        const demo = parseYaml(readFileSync(join(repoRoot, 'playbooks', 'demo.yml'), 'utf8'));
        assert.ok(validate(demo), JSON.stringify(validate.errors));
        assert.ok(!validate([{ hosts: 'all', tasks: [{ copy: { dest: 1 } }] }]), 'a wrong param type is rejected');
        const inv = k8sbm(['schema', 'inventory'], repoRoot);
        assert.equal(inv.code, 0);
        assert.ok(ajv.compile(JSON.parse(inv.stdout)));
    });
    it('facts gathers a local host in one round trip', () => {
        const dir = writeTree({ 'hosts.ini': 'me ansible_connection=local\n' });
        const r = k8sbm(['facts', 'me', '-i', 'hosts.ini'], dir);
        assert.equal(r.code, 0, r.stderr);
        const facts = JSON.parse(r.stdout).me;
        assert.ok(facts.hostname.length > 0);
        assert.ok(facts.cpu.count >= 1);
    });
});
describe('k8sbm run: listing, config, reports, interrupts', () => {
    const files = {
        'inventory.ini': '[web]\nw[1:3] ansible_connection=local\n',
        'site.yml': `
- name: web play
  hosts: web
  gather_facts: false
  tasks:
    - name: tagged task
      debug: { msg: x }
      tags: [alpha]
    - name: plain task
      debug: { msg: y }
`,
    };
    it('--list-hosts, --list-tasks and --syntax-check run nothing', () => {
        const dir = writeTree(files);
        const hosts = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--list-hosts', '-l', 'web[0:1]'], dir);
        assert.equal(hosts.code, 0, hosts.stderr);
        assert.match(hosts.stdout, /2 hosts\n\s+w1\n\s+w2\n/);
        const tasks = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--list-tasks', '-t', 'alpha'], dir);
        assert.match(tasks.stdout, /tagged task\s+TAGS: \[alpha\]/);
        assert.doesNotMatch(tasks.stdout, /plain task/);
        const syntax = k8sbm(['run', 'site.yml', '--syntax-check'], dir);
        assert.equal(syntax.code, 0);
        assert.match(syntax.stdout, /syntax OK/);
    });
    it('k8sbm.yaml gives defaults, K8SBM_* overrides them, flags override both; bad config is a clear error', () => {
        const dir = writeTree({ ...files, 'k8sbm.yaml': 'inventory: inventory.ini\nforks: 1\n', 'other.ini': '[web]\nonly ansible_connection=local\n' });
        const r = k8sbm(['run', 'site.yml', '--json'], join(dir));
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(Object.keys(jsonEvents(r.stdout).find((e) => e.event === 'recap').hosts), ['w1', 'w2', 'w3']);
        const env = k8sbm(['run', 'site.yml', '--json'], dir, { K8SBM_INVENTORY: 'other.ini' });
        assert.deepEqual(Object.keys(jsonEvents(env.stdout).find((e) => e.event === 'recap').hosts), ['only']);
        const flag = k8sbm(['run', 'site.yml', '--json', '-i', 'inventory.ini', '-l', 'w3'], dir, { K8SBM_INVENTORY: 'other.ini' });
        assert.deepEqual(Object.keys(jsonEvents(flag.stdout).find((e) => e.event === 'recap').hosts), ['w3']);
        const bad = writeTree({ ...files, 'k8sbm.yaml': 'inventroy: x\n' });
        const b = k8sbm(['run', 'site.yml'], bad);
        assert.equal(b.code, 1);
        assert.match(b.stderr, /k8sbm\.yaml:1:1\s+K8SBM_CONFIG_INVALID/);
        assert.match(b.stderr, /did you mean "inventory"/);
    });
    it('--report writes the JSON stream while the terminal gets the human output', () => {
        const dir = writeTree(files);
        const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--report', 'out/report.ndjson'], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /PLAY RECAP/);
        const events = readFileSync(join(dir, 'out/report.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        assert.equal(events.filter((e) => e.event === 'task_result').length, 6);
        assert.equal(events.at(-1).event, 'recap');
    });
    it('an unknown option is a usage error with a hint, not a stack trace', () => {
        const r = k8sbm(['run', 'site.yml', '--chekc'], writeTree(files));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /K8SBM_USAGE/);
        assert.match(r.stderr, /hint:/);
    });
    it('Ctrl-C lets the running task finish, starts no new task and prints the recap', async () => {
        const dir = writeTree({
            'inventory.ini': 'localhost ansible_connection=local\n',
            'site.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: slow
      shell: "touch {{ playbook_dir }}/started; while [ ! -e {{ playbook_dir }}/go ]; do sleep 0.05; done"
    - name: must not start
      shell: "touch {{ playbook_dir }}/second"
`,
        });
        const child = spawn(process.execPath, [join(repoRoot, 'bin', 'k8sbm.js'), 'run', 'site.yml', '-i', 'inventory.ini'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (b) => {
            out += b.toString();
            // The task is running once its banner is out: interrupt, then let the command end.
            if (out.includes('TASK [slow]') && !child.killed) {
                child.kill('SIGINT');
            }
        });
        child.stderr.on('data', (b) => {
            err += b.toString();
            if (err.includes('interrupted'))
                writeFileSync(join(dir, 'go'), '');
        });
        const code = await new Promise((res) => child.on('close', res));
        assert.equal(code, 1, out + err);
        assert.ok(existsSync(join(dir, 'started')));
        assert.ok(!existsSync(join(dir, 'second')), 'no new task after Ctrl-C');
        assert.match(out, /PLAY RECAP/);
    });
});
describe('the README demo', () => {
    it('runs against the local target, then reports changed=0; plan agrees', (t) => {
        const root = tempDir('demo', t);
        const args = ['run', 'playbooks/demo.yml', '-i', 'inventories/local', '-e', `demo_root=${root}`, '--json'];
        const first = k8sbm(args, repoRoot);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        assert.match(readFileSync(join(root, 'etc/haproxy/haproxy.cfg'), 'utf8'), /server cp3 10\.30\.10\.13:6443/);
        const second = k8sbm(args, repoRoot);
        const recap = jsonEvents(second.stdout).find((e) => e.event === 'recap').hosts;
        assert.equal(recap.localhost.changed, 0, second.stdout);
        const plan = k8sbm(['plan', 'playbooks/demo.yml', '-i', 'inventories/local', '-e', `demo_root=${root}`], repoRoot);
        assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    });
});
//# sourceMappingURL=cli.test.js.map