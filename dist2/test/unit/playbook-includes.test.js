import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { expectError, fixture, loader, loadTree, writeTree } from './playbook-helpers.js';
const site = fixture('cluster', 'site.yml');
describe('import_playbook', () => {
    const pb = loader().loadPlaybook(site);
    it('inserts the imported plays in place', () => {
        assert.deepEqual(pb.plays.map((p) => p.name), ['common', 'kubelet']);
        assert.equal(pb.plays[0].loc.file, fixture('cluster', 'common.yml'));
        assert.equal(pb.plays[0].baseDir, fixture('cluster'));
    });
    it('applies the import\'s condition, tags and vars (which override the play\'s)', () => {
        const common = pb.plays[0];
        assert.deepEqual(common.when, ['bootstrap | default(true)']);
        assert.deepEqual(common.tags, ['common', 'base']);
        assert.deepEqual(common.vars, { from_import: true, own: 1 });
        assert.deepEqual(pb.plays[1].when, []);
    });
    it('detects a playbook importing itself through another', () => {
        const dir = writeTree({ 'site.yml': '- import_playbook: b.yml\n', 'b.yml': '- hosts: all\n- import_playbook: site.yml\n' });
        const e = expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_CIRCULAR_INCLUDE', file: 'b.yml', line: 2, col: 20 }, dir);
        assert.equal(e.message, 'circular include: site.yml -> b.yml -> site.yml');
    });
});
describe('import_tasks (static)', () => {
    const play = loader().loadPlaybook(site).plays[1];
    const imported = play.tasks[0];
    it('expands the file now into a block carrying the import\'s when and tags', () => {
        assert.equal(imported.kind, 'block');
        assert.deepEqual(imported.when, ['prepare']);
        assert.deepEqual(imported.tags, ['prep']);
        assert.deepEqual(imported.loc, { file: site, line: 19, col: 7 });
        const first = imported.block[0];
        assert.equal(first.name, 'prepare');
        assert.equal(first.loc.file, fixture('cluster', 'tasks', 'prepare.yml'));
    });
    it('resolves a nested import from the importing file\'s folder', () => {
        const nested = imported.block[1];
        assert.equal(nested.kind, 'block');
        assert.equal(nested.block[0].name, 'inner');
        assert.equal(nested.block[0].loc.file, fixture('cluster', 'tasks', 'sub', 'inner.yml'));
    });
    it('flattens imported handler files into single handlers', () => {
        const { playbook } = loadTree({
            'site.yml': '- hosts: all\n  handlers:\n    - import_tasks: handlers.yml\n      become: true\n    - name: own\n      command: b\n',
            'handlers.yml': '- name: from file\n  command: a\n  listen: topic\n',
        });
        const hs = playbook.plays[0].handlers;
        assert.deepEqual(hs.map((h) => [h.kind, h.name, h.become, h.listen]), [['task', 'from file', true, ['topic']], ['task', 'own', undefined, []]]);
    });
    it('detects a circular import and names the chain', () => {
        const dir = writeTree({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n', 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- debug: {}\n- import_tasks: a.yml\n' });
        const e = expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_CIRCULAR_INCLUDE', file: 'b.yml', line: 2, col: 17 }, dir);
        assert.equal(e.message, 'circular include: a.yml -> b.yml -> a.yml');
        assert.deepEqual(e.details, ['loaded from: site.yml']);
    });
});
describe('include_tasks (dynamic)', () => {
    const play = loader().loadPlaybook(site).plays[1];
    const inc = play.tasks[1];
    it('stays an item with its file, folder and loop', () => {
        assert.equal(inc.kind, 'include_tasks');
        assert.equal(inc.file, 'tasks/dynamic.yml');
        assert.equal(inc.baseDir, fixture('cluster'));
        assert.deepEqual(inc.loop, [1, 2]);
        assert.equal(inc.role, undefined);
    });
    it('keeps a templated file name for run time', () => {
        const { dir, playbook } = loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: "{{ os }}.yml"\n    - include_tasks: {file: "x-{{ y }}.yml"}\n' });
        const [a, b] = playbook.plays[0].tasks;
        assert.deepEqual([a.file, a.baseDir, b.file], ['{{ os }}.yml', dir, 'x-{{ y }}.yml']);
    });
    it('loads the file at run time through loadTasksFile', () => {
        const l = loader();
        const items = l.loadTasksFile(join(inc.baseDir, inc.file), { loc: inc.loc, chain: [] });
        assert.deepEqual(items.map((i) => i.name), ['dynamic']);
    });
    it('resolves a relative name from the including file, then the role\'s tasks/', () => {
        const l = loader();
        const kubelet = l.loadPlaybook(site).plays[1].roles[1];
        const inRole = kubelet.tasks[1];
        const items = l.loadTasksFile('config.yml', { loc: inRole.loc, role: kubelet, chain: [] });
        assert.equal(items[0].role, kubelet);
        assert.equal(items[0].loc.file, fixture('cluster', 'roles', 'kubelet', 'tasks', 'config.yml'));
    });
    it('refuses a file already in the include chain', () => {
        const file = fixture('cluster', 'tasks', 'dynamic.yml');
        const e = expectError(() => loader().loadTasksFile(file, { loc: inc.loc, chain: [site, file] }), { code: 'K8SBM_CIRCULAR_INCLUDE', file: site, line: inc.loc.line });
        assert.equal(e.message, 'circular include: tasks/dynamic.yml -> tasks/dynamic.yml');
        assert.deepEqual(e.details, ['loaded from: site.yml']);
    });
    it('reports a missing file at run time', () => {
        expectError(() => loader().loadTasksFile('nope.yml', { loc: inc.loc, chain: [] }), { code: 'K8SBM_FILE_NOT_FOUND', file: site, line: inc.loc.line });
    });
});
describe('include_role at run time (loadRole)', () => {
    const loc = { file: site, line: 1, col: 1 };
    it('loads a role with params and tasks_from', () => {
        const l = loader();
        l.loadPlaybook(site);
        const role = l.loadRole('kubelet', { loc, params: { kubelet_port: 1 }, tasksFrom: 'config', chain: [] });
        assert.equal(role.name, 'kubelet');
        assert.deepEqual(role.params, { kubelet_port: 1 });
        assert.deepEqual(role.tasks.map((t) => t.name), ['kubelet config']);
        assert.deepEqual(role.dependencies.map((d) => d.name), ['base', 'sysctl_tuning']);
        assert.deepEqual(role.handlers.map((h) => h.name), ['restart kubelet']);
    });
    it('checks params against the argument spec', () => {
        expectError(() => loader().loadRole('kubelet', { loc, params: { kubelet_port: 'x' }, chain: [] }), { code: 'K8SBM_ROLE_ARG_INVALID', message: /kubelet_port must be a whole number/ });
    });
    it('refuses a role already being run', () => {
        expectError(() => loader().loadRole('kubelet', { loc, params: {}, chain: ['role:kubelet'] }), { code: 'K8SBM_CIRCULAR_INCLUDE', file: site, line: 1 });
    });
    it('reports a missing tasks_from file', () => {
        expectError(() => loader().loadRole('kubelet', { loc, params: {}, tasksFrom: 'nope', chain: [] }), { code: 'K8SBM_FILE_NOT_FOUND', message: /no tasks file "nope"/ });
    });
});
describe('role dependency cycles', () => {
    it('detects a role that depends on itself through another', () => {
        const dir = writeTree({
            'site.yml': '- hosts: all\n  roles: [a]\n',
            'roles/a/meta/main.yml': 'dependencies: [b]\n',
            'roles/b/meta/main.yml': 'dependencies:\n  - role: a\n',
        });
        const e = expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_CIRCULAR_INCLUDE', file: 'roles/b/meta/main.yml', line: 2, col: 11 }, dir);
        assert.equal(e.message, 'circular include: role a -> role b -> role a');
    });
});
//# sourceMappingURL=playbook-includes.test.js.map