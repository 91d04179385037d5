import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { tempDir } from '../helpers/temp.js';
/** A project on the controller itself (ansible_connection=local) that manages files under target/. */
function project() {
    const dir = writeTree({
        'inventory.ini': 'localhost ansible_connection=local\n',
        'roles/motd/defaults/main.yml': 'motd_owner: ops team\n',
        'roles/motd/templates/motd.j2': 'Welcome to {{ inventory_hostname }}\nOwned by {{ motd_owner }}\n{{#each motd_lines}}- {{this}}\n{{/each}}',
        'roles/motd/tasks/main.yml': `
- name: motd directory
  file: { path: "{{ target }}/etc", state: directory, mode: "0755" }
- name: motd
  template: { src: motd.j2, dest: "{{ target }}/etc/motd", mode: "0644" }
  notify: motd changed
`,
        'roles/motd/handlers/main.yml': '- name: motd changed\n  copy: { content: "reloaded\\n", dest: "{{ target }}/reloaded" }\n',
        'site.yml': `
- name: configure the controller's test tree
  hosts: localhost
  gather_facts: false
  vars:
    motd_lines: [one, two]
  roles: [motd]
  tasks:
    - name: config file
      copy: { content: "a=1\\n", dest: "{{ target }}/etc/app.conf", mode: "0640" }
    - name: set a line
      lineinfile: { path: "{{ target }}/etc/app.env", regexp: "^B=", line: "B=2", create: true }
    - name: marker made once
      command: touch {{ target }}/marker
      args: { creates: "{{ target }}/marker" }
    - name: link
      file: { path: "{{ target }}/current", src: "{{ target }}/etc", state: link }
`,
    });
    const target = join(dir, 'target');
    return { dir, target };
}
const run = (dir, target, ...args) => k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`, '--json', ...args], dir);
describe('k8sbm run on the local connection', () => {
    it('applies, then a second run reports changed=0', () => {
        const { dir, target } = project();
        const first = run(dir, target);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        assert.ok(recapOf(first.stdout).localhost.changed >= 6);
        assert.equal(readFileSync(join(target, 'etc/motd'), 'utf8'), 'Welcome to localhost\nOwned by ops team\n- one\n- two\n');
        assert.equal(readFileSync(join(target, 'etc/app.conf'), 'utf8'), 'a=1\n');
        assert.equal(readFileSync(join(target, 'etc/app.env'), 'utf8'), 'B=2\n');
        assert.ok(existsSync(join(target, 'reloaded')), 'handler ran');
        const second = run(dir, target);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.equal(recapOf(second.stdout).localhost.changed, 0, second.stdout);
        // Every no-op says why.
        for (const e of jsonEvents(second.stdout).filter((x) => x.event === 'task_result'))
            assert.ok(String(e.msg).length > 0, JSON.stringify(e));
    });
    it('--check on a changed tree predicts the changes and leaves it byte-identical; plan exits 2, then 0', () => {
        const { dir, target } = project();
        assert.equal(run(dir, target).code, 0);
        writeFileSync(join(target, 'etc/app.conf'), 'a=9\n');
        chmodSync(join(target, 'etc/motd'), 0o600);
        const before = treeHash(dir);
        const check = run(dir, target, '--check', '--diff');
        assert.equal(check.code, 0, check.stdout + check.stderr);
        assert.equal(treeHash(dir), before, 'check mode changed the tree');
        const changed = jsonEvents(check.stdout).filter((e) => e.event === 'task_result' && e.status === 'changed').map((e) => e.task);
        assert.ok(changed.includes('config file') && changed.includes('motd : motd'), changed.join(','));
        const diffs = jsonEvents(check.stdout).filter((e) => e.task === 'config file' && e.diff);
        assert.match(JSON.stringify(diffs), /a=9/);
        const plan = k8sbm(['plan', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`], dir);
        assert.equal(plan.code, 2, plan.stdout + plan.stderr);
        assert.equal(treeHash(dir), before);
        assert.equal(run(dir, target).code, 0);
        const clean = k8sbm(['plan', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`], dir);
        assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    });
    it('check mode on a blank host plans tasks that depend on earlier changes (predicted-state overlay)', () => {
        const { dir, target } = project();
        const before = treeHash(dir);
        const check = run(dir, target, '--check');
        assert.equal(check.code, 0, check.stdout + check.stderr);
        const statuses = jsonEvents(check.stdout).filter((e) => e.event === 'task_result').map((e) => `${e.task}:${e.status}`);
        assert.ok(statuses.includes('motd : motd:changed'), statuses.join('\n'));
        assert.ok(statuses.includes('config file:changed'), statuses.join('\n'));
        assert.ok(statuses.includes('set a line:changed'), statuses.join('\n'));
        assert.ok(!statuses.some((s) => s.endsWith(':failed')), statuses.join('\n'));
        assert.equal(treeHash(dir), before);
        assert.ok(!existsSync(target));
    });
    it('human output has the recap and exit codes follow --detailed-exitcode', () => {
        const { dir, target } = project();
        const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`, '--detailed-exitcode'], dir);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stdout, /PLAY RECAP/);
        assert.match(r.stdout, /localhost\s+: ok=\d+\s+changed=\d+/);
        assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour without a TTY');
    });
});
describe('bad input: exit 1, file:line:col, a stable code, a hint, nothing changed, no stack trace', () => {
    const cases = [
        { name: 'malformed YAML', files: { 'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: "x"\n' }, code: 'K8SBM_YAML_SYNTAX', where: /site\.yml:\d+:\d+/ },
        { name: 'unknown task keyword', files: { 'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: x }\n      whn: true\n' }, code: 'K8SBM_UNKNOWN_KEYWORD', where: /site\.yml:4:7/ },
        { name: 'unknown play keyword', files: { 'site.yml': '- hosts: all\n  taks: []\n' }, code: 'K8SBM_UNKNOWN_KEYWORD', where: /site\.yml:2:3/ },
        { name: 'unknown module', files: { 'site.yml': '- hosts: all\n  tasks:\n    - cmmand: ls\n' }, code: 'K8SBM_UNKNOWN_MODULE', where: /site\.yml:3:7/ },
        { name: 'wrong param type', files: { 'site.yml': '- hosts: all\n  tasks:\n    - file: { path: [1, 2], state: file }\n' }, code: 'K8SBM_PARAM_INVALID', where: /site\.yml:3:\d+/ },
        { name: 'octal-looking unquoted mode', files: { 'site.yml': '- hosts: all\n  tasks:\n    - file:\n        path: /tmp/x\n        mode: 0644\n' }, code: 'K8SBM_MODE_UNQUOTED', where: /site\.yml:5:15/ },
        { name: 'missing role', files: { 'site.yml': '- hosts: all\n  roles: [nosuchrole]\n' }, code: 'K8SBM_ROLE_NOT_FOUND', where: /site\.yml:2:\d+/ },
        { name: 'circular import', files: { 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n', 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- import_tasks: a.yml\n' }, code: 'K8SBM_CIRCULAR_INCLUDE', where: /\.yml:1:\d+/ },
        { name: 'circular role dependency', files: { 'site.yml': '- hosts: all\n  roles: [a]\n', 'roles/a/meta/main.yml': 'dependencies: [b]\n', 'roles/b/meta/main.yml': 'dependencies: [a]\n', 'roles/a/tasks/main.yml': '[]\n', 'roles/b/tasks/main.yml': '[]\n' }, code: 'K8SBM_CIRCULAR_INCLUDE', where: /main\.yml:1:\d+/ },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const dir = writeTree({ 'inventory.ini': 'localhost ansible_connection=local\n', ...c.files });
            const before = treeHash(dir);
            const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', ...(c.args ?? [])], dir);
            assert.equal(r.code, 1, r.stdout + r.stderr);
            assert.match(r.stderr, new RegExp(c.code));
            assert.match(r.stderr, c.where);
            assert.match(r.stderr, /hint: /);
            assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
            assert.equal(treeHash(dir), before);
        });
    }
    const runtime = [
        { name: 'undefined variable in a template', task: '    - name: t\n      copy: { content: "{{ missing_var }}", dest: "{{ target }}/f" }\n', code: 'K8SBM_UNDEFINED_VAR' },
        { name: 'undefined variable in a when', task: '    - name: t\n      debug: { msg: x }\n      when: missing_var == 1\n', code: 'K8SBM_UNDEFINED_VAR' },
        { name: 'non-boolean when', task: '    - name: t\n      debug: { msg: x }\n      when: "\'text\'"\n', code: 'K8SBM_CONDITION_NOT_BOOLEAN' },
        { name: 'missing template', task: '    - name: t\n      template: { src: nope.j2, dest: "{{ target }}/f" }\n', code: 'K8SBM_FILE_NOT_FOUND' },
        { name: 'missing vars file', task: '    - name: t\n      debug: { msg: x }\n', code: 'K8SBM_FILE_NOT_FOUND', files: { 'site.yml': '- hosts: localhost\n  gather_facts: false\n  vars_files: [nope.yml]\n  tasks:\n    - debug: { msg: x }\n' } },
    ];
    for (const c of runtime) {
        it(c.name, (t) => {
            const dir = writeTree({
                'inventory.ini': 'localhost ansible_connection=local\n',
                'site.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n${c.task}`,
                ...c.files,
            }, t);
            const target = tempDir('target', t);
            const before = treeHash(dir) + treeHash(target);
            const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`], dir);
            assert.equal(r.code, 1, r.stdout + r.stderr);
            const all = r.stdout + r.stderr;
            assert.match(all, new RegExp(c.code));
            assert.match(all, /site\.yml:\d+(:\d+)?/);
            assert.match(all, /hint: /);
            assert.doesNotMatch(all, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
            assert.equal(treeHash(dir) + treeHash(target), before);
        });
    }
    it('a pattern that matches no host is a warning, not an error', () => {
        const dir = writeTree({ 'inventory.ini': 'localhost ansible_connection=local\n', 'site.yml': '- hosts: nosuchgroup\n  tasks:\n    - debug: { msg: x }\n' });
        const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini'], dir);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout + r.stderr, /WARNING.*nosuchgroup|nosuchgroup.*match/i);
    });
});
//# sourceMappingURL=run-local.test.js.map