import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { checkRoleArguments } from '../../src/playbook/index.js';
import { expectError, fixture, loader, loadTree, writeTree } from './playbook-helpers.js';
const site = fixture('cluster', 'site.yml');
describe('roles of a play', () => {
    const pb = loader().loadPlaybook(site);
    const play = pb.plays[1];
    const byName = (n) => play.roles.filter((r) => r.name === n);
    it('loads roles in order, dropping a repeat with the same params (Ansible dedup)', () => {
        // base is already loaded as containerd's dependency; sysctl_tuning allows duplicates.
        assert.deepEqual(play.roles.map((r) => r.name), ['containerd', 'kubelet', 'sysctl_tuning', 'sysctl_tuning']);
        assert.notEqual(play.roles[2], play.roles[3]);
    });
    it('loads meta dependencies first, into the role that needs them', () => {
        const [containerd] = byName('containerd');
        assert.deepEqual(containerd.dependencies.map((d) => d.name), ['base']);
        const [kubelet] = byName('kubelet');
        // Inside kubelet's `when:` its dependency base is a distinct run, so it is kept.
        assert.deepEqual(kubelet.dependencies.map((d) => [d.name, d.params]), [['base', {}], ['sysctl_tuning', { profile: 'k8s' }]]);
    });
    it('reads defaults and vars as role_defaults / role_vars layers', () => {
        const [kubelet] = byName('kubelet');
        const dir = fixture('cluster', 'roles', 'kubelet');
        assert.equal(kubelet.path, dir);
        assert.deepEqual(kubelet.defaults, {
            level: 'role_defaults', name: 'role kubelet defaults/main.yml', vars: { kubelet_port: 10250, kubelet_mode: 'systemd' },
            loc: { file: join(dir, 'defaults', 'main.yml'), line: 1, col: 1 },
        });
        assert.equal(kubelet.vars.level, 'role_vars');
        assert.deepEqual(kubelet.vars.vars, { kubelet_config_dir: '/var/lib/kubelet' });
        const [containerd] = byName('containerd');
        assert.deepEqual([containerd.defaults.vars, containerd.vars.vars], [{}, {}]);
    });
    it('separates the entry keywords from the role params', () => {
        const [kubelet] = byName('kubelet');
        assert.deepEqual(kubelet.params, { kubelet_port: 10250 });
        assert.deepEqual(kubelet.entry?.when, ['install_kubelet']);
        assert.equal(kubelet.entry?.become, true);
        assert.deepEqual(kubelet.loc, { file: site, line: 11, col: 13 });
        assert.equal(byName('containerd')[0].entry, undefined);
    });
    it('parses the role tasks with the role attached, and its dynamic includes beside them', () => {
        const [kubelet] = byName('kubelet');
        const [dir, inc] = kubelet.tasks;
        assert.equal(dir.role, kubelet);
        assert.deepEqual(dir.notify, ['restart kubelet']);
        assert.equal(inc.kind, 'include_tasks');
        assert.equal(inc.file, 'config.yml');
        assert.equal(inc.baseDir, fixture('cluster', 'roles', 'kubelet', 'tasks'));
        assert.equal(inc.role, kubelet);
    });
    it('gives role handlers the entry keywords except when', () => {
        const [kubelet] = byName('kubelet');
        const [h] = kubelet.handlers;
        assert.equal(h.name, 'restart kubelet');
        assert.equal(h.become, true);
        assert.deepEqual(h.when, []);
        assert.equal(h.role, kubelet);
    });
    it('keeps the argument spec of the entry point', () => {
        const [kubelet] = byName('kubelet');
        assert.deepEqual(Object.keys(kubelet.argumentSpec ?? {}), ['kubelet_port', 'kubelet_mode', 'kubelet_flags']);
    });
});
describe('import_role and include_role', () => {
    const play = loader().loadPlaybook(site).plays[1];
    const imported = play.tasks[2];
    it('expands import_role into a block of the role (dependencies first), task vars as params', () => {
        assert.equal(imported.kind, 'block');
        assert.equal(imported.name, 'kubelet config only');
        assert.equal(imported.become, true);
        assert.deepEqual(imported.vars, {});
        const role = imported.role;
        assert.equal(role.name, 'kubelet');
        assert.deepEqual(role.params, { kubelet_port: 10255 });
        assert.deepEqual(role.argumentSpec, { kubelet_port: { type: 'int' } });
        // base already ran in this play (containerd's dependency); sysctl_tuning allows duplicates.
        assert.deepEqual(imported.block.map((i) => i.kind), ['block', 'task']);
        assert.deepEqual(role.dependencies.map((d) => d.name), ['sysctl_tuning']);
        assert.equal(imported.block[0].role, role.dependencies[0]);
        assert.equal(imported.block[1].name, 'kubelet config');
        assert.equal(imported.block[1].role, role);
    });
    it('adds the imported role\'s handlers to the play, after its own', () => {
        assert.deepEqual(play.handlers.map((h) => h.name), ['reload systemd', 'restart kubelet']);
        assert.equal(play.handlers[1].become, true);
        assert.equal(play.handlers[1].role, imported.role);
    });
    it('keeps include_role as an item for run time', () => {
        const inc = play.tasks[3];
        assert.equal(inc.kind, 'include_role');
        assert.equal(inc.role, 'base');
        assert.deepEqual(inc.when, ['extra']);
        assert.equal(inc.parentRole, undefined);
    });
});
describe('role search', () => {
    it('looks in the roles path before roles/ beside the playbook', () => {
        const play = loader([fixture('cluster', 'shared')]).loadPlaybook(site).plays[1];
        const base = play.roles[0].dependencies[0];
        assert.equal(base.path, fixture('cluster', 'shared', 'base'));
        assert.equal(base.tasks[0].name, 'shared base');
    });
    it('finds a role beside the playbook itself, and by path', () => {
        const { dir, playbook } = loadTree({
            'site.yml': '- hosts: all\n  roles: [local, ./lib/byPath]\n',
            'local/tasks/main.yml': '- debug: {msg: local}\n',
            'lib/byPath/tasks/main.yml': '- debug: {msg: path}\n',
        });
        assert.deepEqual(playbook.plays[0].roles.map((r) => r.path), [join(dir, 'local'), join(dir, 'lib', 'byPath')]);
    });
    it('lists every place searched when a role is missing', () => {
        const dir = writeTree({ 'site.yml': '- hosts: all\n  roles:\n    - nosuch\n' });
        const e = expectError(() => loader(['extra']).loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_ROLE_NOT_FOUND', file: 'site.yml', line: 3, col: 7 }, dir);
        assert.match(e.message, /role "nosuch" not found/);
        assert.deepEqual(e.details, [join(dir, 'extra', 'nosuch'), join(dir, 'roles', 'nosuch'), join(dir, 'nosuch')].map((p) => `looked in ${p}`));
    });
});
describe('role argument specs', () => {
    const spec = `argument_specs:
  main:
    options:
      port: {type: int, required: true, description: The port.}
      mode: {type: str, choices: [a, b]}
      names: {type: list, elements: str}
      opts:
        type: dict
        options:
          level: {type: int}
`;
    const tree = (entry, extra = {}) => ({
        'site.yml': `- hosts: all\n  roles:\n${entry}`,
        'roles/r/tasks/main.yml': '- debug: {msg: r}\n',
        'roles/r/meta/argument_specs.yml': spec,
        ...extra,
    });
    it('accepts params that fit, and templated values', () => {
        const { playbook } = loadTree(tree('    - role: r\n      port: "{{ p }}"\n      mode: b\n      names: [x, "{{ y }}"]\n      opts: {level: 2}\n'));
        assert.equal(playbook.plays[0].roles[0].params.mode, 'b');
    });
    it('rejects a wrong type at the param\'s line', () => {
        expectError(() => loadTree(tree('    - role: r\n      port: eighty\n')), { code: 'K8SBM_ROLE_ARG_INVALID', line: 4, col: 13, message: /port must be a whole number, got the string "eighty"/, hint: /The port/ });
    });
    it('rejects a value outside choices, and a bad list element', () => {
        expectError(() => loadTree(tree('    - role: r\n      mode: c\n')), { code: 'K8SBM_ROLE_ARG_INVALID', line: 4, hint: /one of "a", "b"/ });
        expectError(() => loadTree(tree('    - role: r\n      names: [x, [y]]\n')), { code: 'K8SBM_ROLE_ARG_INVALID', line: 4, message: /names \[1\] must be a string/ });
    });
    it('rejects unknown keys of a dict option', () => {
        expectError(() => loadTree(tree('    - role: r\n      opts: {levle: 1}\n')), { code: 'K8SBM_ROLE_ARG_INVALID', line: 4, col: 14, message: /opts\.levle is not an option/ });
    });
    it('checks role defaults against the spec too', () => {
        const dir = writeTree(tree('    - r\n', { 'roles/r/defaults/main.yml': 'mode: z\n' }));
        expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_ROLE_ARG_INVALID', file: 'roles/r/defaults/main.yml', line: 1, col: 7 }, dir);
    });
    it('leaves required options to run time (they may come from the inventory)', () => {
        const { playbook } = loadTree(tree('    - r\n'));
        const role = playbook.plays[0].roles[0];
        expectError(() => checkRoleArguments(role, { mode: 'a' }), { code: 'K8SBM_ROLE_ARG_INVALID', message: /port is required/ });
        checkRoleArguments(role, { port: 80, mode: 'a' });
        expectError(() => checkRoleArguments(role, { port: 80, mode: 'q' }), { code: 'K8SBM_ROLE_ARG_INVALID', message: /mode must be one of/ });
    });
    it('reads argument_specs from meta/main.yml as well', () => {
        expectError(() => loadTree({
            'site.yml': '- hosts: all\n  roles:\n    - {role: r, flag: maybe}\n',
            'roles/r/tasks/main.yml': '- debug: {msg: r}\n',
            'roles/r/meta/main.yml': 'argument_specs:\n  main:\n    options:\n      flag: {type: bool}\n',
        }), { code: 'K8SBM_ROLE_ARG_INVALID', line: 3, col: 23, message: /flag must be a boolean/ });
    });
    it('rejects a malformed spec', () => {
        const dir = writeTree(tree('    - r\n', { 'roles/r/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      x: {type: string}\n' }));
        expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_ROLE_ARG_SPEC_INVALID', file: 'roles/r/meta/argument_specs.yml', line: 4, col: 17, hint: /did you mean "str"/ }, dir);
    });
});
//# sourceMappingURL=playbook-roles.test.js.map