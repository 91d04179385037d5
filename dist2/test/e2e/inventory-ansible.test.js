/**
 * Our inventory against the real thing: for each fixture inventory, `ansible-inventory` (and
 * `ansible --list-hosts` for patterns) must print exactly what k8sbm computes. This test fails,
 * rather than skips, when ansible-core is not installed: CI installs it for this purpose.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatAnsibleJson, loadInventory, selectHosts, toAnsibleHost, toAnsibleList, toGraph } from '../../src/inventory/index.js';
import { fixture } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
const sandbox = tempDir('ansible', { after });
// A clean environment: nothing from the machine's or the user's Ansible configuration leaks in,
// and Ansible writes only inside the sandbox.
function ansibleEnv() {
    const cfg = join(sandbox, 'ansible.cfg');
    writeFileSync(cfg, '');
    return {
        PATH: process.env.PATH,
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
        HOME: sandbox,
        ANSIBLE_CONFIG: cfg,
        ANSIBLE_HOME: join(sandbox, '.ansible'),
        ANSIBLE_LOCAL_TEMP: join(sandbox, 'tmp'),
        ANSIBLE_COLLECTIONS_PATH: join(sandbox, 'collections'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
        ANSIBLE_SYSTEM_WARNINGS: '0',
        ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: '1',
        ANSIBLE_INVENTORY_UNPARSED_FAILED: '1',
    };
}
let env;
function run(tool, args) {
    const r = spawnSync(tool, args, { env, cwd: sandbox, encoding: 'utf8' });
    assert.ifError(r.error);
    assert.equal(r.status, 0, `${tool} ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
}
const F = (...p) => fixture('inventory', ...p);
const cases = [
    {
        name: 'INI: ranges, children, vars sections, literals, ports, group_vars/host_vars folders',
        sources: [F('ini-basic', 'hosts')],
        hosts: ['node01', 'weird', 'lonely', 'db1'],
        graphVars: false,
        patterns: ['all', 'prod:!db', 'web:&db', 'node0*', '~node0[12]', 'web[0]', 'web[1:3]', 'prod[-1]', 'ungrouped', 'db,cache', 'nosuch:late'],
    },
    {
        name: 'YAML: nested children, host ports, priorities, string sections',
        sources: [F('yaml-nested', 'hosts.yml')],
        hosts: ['cp-1', 'gpu-1', 'bastion'],
        graphVars: true,
        patterns: ['all', 'k8s', 'workers:&etcd', 'k8s:!etcd', '*.example.net', 'k8s[2:]', 'edge:control_plane'],
    },
    {
        name: 'directory source with playbook group_vars/host_vars',
        sources: [F('dir-mixed')],
        playbookDir: F('playbook'),
        hosts: ['app1', 'db-b'],
        graphVars: true,
        patterns: ['all', 'app', 'app:!db'],
    },
    {
        name: 'several sources merged in order',
        sources: [F('ini-basic', 'hosts'), F('yaml-nested', 'hosts.yml'), F('dir-mixed')],
        playbookDir: F('playbook'),
        hosts: ['node01', 'app1'],
        graphVars: false,
        patterns: ['all', 'w*', 'app:web'],
        stableOrder: false,
    },
    {
        name: 'comma-separated host list',
        sources: ['h1,h2:2222,10.0.0.5,'],
        hosts: ['h2'],
        graphVars: true,
        patterns: ['all', 'h*'],
    },
];
const sourceArgs = (c) => [...c.sources.flatMap((s) => ['-i', s]), ...(c.playbookDir ? ['--playbook-dir', c.playbookDir] : [])];
describe('inventory matches ansible-inventory', () => {
    before(() => {
        env = ansibleEnv();
        const probe = spawnSync('ansible-inventory', ['--version'], { env, cwd: sandbox, encoding: 'utf8' });
        assert.ok(!probe.error && probe.status === 0, 'ansible-inventory must be installed (Debian: apt-get install ansible-core)');
    });
    for (const c of cases) {
        describe(c.name, () => {
            it('--list', async () => {
                const inv = await loadInventory(c.sources);
                assert.deepEqual(JSON.parse(formatAnsibleJson(toAnsibleList(inv, c.playbookDir))), JSON.parse(run('ansible-inventory', [...sourceArgs(c), '--list'])));
            });
            it('--list --export', async () => {
                const inv = await loadInventory(c.sources);
                const ours = JSON.parse(formatAnsibleJson(toAnsibleList(inv, c.playbookDir, { export: true })));
                assert.deepEqual(ours, JSON.parse(run('ansible-inventory', [...sourceArgs(c), '--list', '--export'])));
            });
            it('--host', async () => {
                const inv = await loadInventory(c.sources);
                for (const h of c.hosts) {
                    assert.deepEqual(toAnsibleHost(inv, h, c.playbookDir), JSON.parse(run('ansible-inventory', [...sourceArgs(c), '--host', h])), `--host ${h}`);
                }
            });
            it(c.graphVars ? '--graph and --graph --vars' : '--graph', async () => {
                const inv = await loadInventory(c.sources);
                assert.equal(toGraph(inv, 'all', false, c.playbookDir), run('ansible-inventory', [...sourceArgs(c), '--graph']).trimEnd());
                if (c.graphVars) {
                    assert.equal(toGraph(inv, 'all', true, c.playbookDir), run('ansible-inventory', [...sourceArgs(c), '--graph', '--vars']).trimEnd());
                }
            });
            it('host patterns select the same hosts in the same order', async () => {
                const inv = await loadInventory(c.sources);
                for (const p of c.patterns) {
                    const out = run('ansible', [p, ...c.sources.flatMap((s) => ['-i', s]), '--list-hosts']);
                    const theirs = out.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
                    const ours = selectHosts(inv, p).hosts;
                    if (c.stableOrder === false)
                        assert.deepEqual([...ours].sort(), [...theirs].sort(), `pattern ${p}; ansible printed:\n${out}`);
                    else
                        assert.deepEqual(ours, theirs, `pattern ${p}; ansible printed:\n${out}`);
                }
            });
        });
    }
});
//# sourceMappingURL=inventory-ansible.test.js.map