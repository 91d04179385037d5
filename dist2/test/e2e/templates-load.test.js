import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { k8sbm, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { tempDir } from '../helpers/temp.js';
const CASES = [
    {
        name: 'an unknown filter in a module param',
        task: '  - name: bad\n    copy:\n      content: "{{ inventory_hostname | uper }}"\n      dest: /tmp/x\n',
        at: 'site.yml:10:41', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "uper"/, hint: /did you mean "upper"/,
    },
    {
        name: 'a syntax error in when',
        task: '  - name: bad\n    debug: { msg: hi }\n    when: port ==\n',
        at: 'site.yml:10:18', code: 'K8SBM_EXPR_SYNTAX', message: /expected a value/, hint: /ends too early/,
    },
    {
        name: 'an unknown test in until, in a list',
        task: '  - name: bad\n    debug: { msg: hi }\n    register: r\n    until:\n      - r is defined\n      - r is sucess\n',
        at: 'site.yml:13:14', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown test "sucess"/, hint: /did you mean "success"|did you mean "succeeded"/,
    },
    {
        name: 'a misspelt filter in failed_when',
        task: '  - name: bad\n    command: "true"\n    failed_when: "r.stdout | lenght > 0"\n',
        at: 'site.yml:10:30', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "lenght"/, hint: /did you mean "length"/,
    },
    {
        name: "an expression param of a module (assert's that)",
        task: '  - name: bad\n    assert:\n      that:\n        - x is defiend\n',
        at: 'site.yml:11:16', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown test "defiend"/, hint: /did you mean "defined"/,
    },
    {
        name: 'an unclosed block in a task name',
        task: '  - name: "bad {{#if x}}"\n    debug: { msg: hi }\n',
        at: 'site.yml:8:16', code: 'K8SBM_TEMPLATE_SYNTAX', message: /never closed/, hint: /\{\{\/if\}\}/,
    },
    {
        name: 'a bad loop expression',
        task: '  - name: bad\n    debug: { msg: "{{ item }}" }\n    loop: "{{ [[1], [2]] | flaten }}"\n',
        at: 'site.yml:10:28', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "flaten"/, hint: /did you mean "flatten"/,
    },
    {
        name: 'a template file named by a literal src: its own line and column',
        task: '  - name: bad\n    template:\n      src: motd.j2\n      dest: /tmp/motd\n',
        files: { 'templates/motd.j2': 'Welcome to {{ inventory_hostname }}\n\nload: {{ facts.load | roud(2) }}\n' },
        at: 'templates/motd.j2:3:23', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "roud"/, hint: /did you mean "round"/,
    },
    {
        name: "a role's defaults (a role imported statically)",
        task: '  - name: bad\n    import_role: { name: web }\n',
        files: { 'roles/web/defaults/main.yml': 'web_port: 80\nweb_name: "{{ inventory_hostname | lowr }}"\n', 'roles/web/tasks/main.yml': '- debug: { msg: "{{ web_name }}" }\n' },
        at: 'roles/web/defaults/main.yml:2:36', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "lowr"/, hint: /did you mean "lower"/,
    },
    {
        name: 'a tasks file included by a literal name (read before the run, though included at run time)',
        task: '  - name: bad\n    include_tasks: more.yml\n',
        files: { 'more.yml': '- name: inner\n  debug:\n    msg: "{{ item | strng }}"\n' },
        at: 'more.yml:3:21', code: 'K8SBM_EXPR_UNSUPPORTED', message: /unknown filter "strng"/, hint: /did you mean "string"/,
    },
    {
        name: 'a role included by a literal name',
        task: '  - name: bad\n    include_role: { name: db }\n',
        files: { 'roles/db/tasks/main.yml': '- debug: { msg: hi }\n  when: db_enabled | bool and\n' },
        at: 'roles/db/tasks/main.yml:2:30', code: 'K8SBM_EXPR_SYNTAX', message: /expected a value/, hint: /ends too early/,
    },
];
function playbook(task) {
    return [
        '- hosts: all', //                          1
        '  gather_facts: false', //                 2
        '  tasks:', //                              3
        '  - name: first', //                       4
        '    copy:', //                             5
        '      content: "written"', //              6
        '      dest: "{{ target }}/first"', //      7
    ].join('\n') + `\n${task}`;
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
describe('templates and conditions are checked before anything runs', () => {
    for (const c of CASES) {
        it(c.name, (t) => {
            const dir = writeTree({ 'inventory.ini': 'localhost ansible_connection=local\n', 'site.yml': playbook(c.task), ...c.files });
            t.after(() => rmSync(dir, { recursive: true, force: true }));
            const target = tempDir('target', t);
            const before = treeHash(dir);
            const r = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '-e', `target=${target}`], dir);
            const out = r.stdout + r.stderr;
            assert.equal(r.code, 1, out);
            assert.match(r.stderr, new RegExp(`${escape(c.at)}\\s+${c.code}`), out);
            assert.match(r.stderr, c.message);
            assert.match(r.stderr, new RegExp(`hint: .*${c.hint.source}`), out);
            assert.equal(out.split(c.code).length - 1, 1, `the error is printed once:\n${out}`);
            assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
            assert.deepEqual(readdirSync(target), [], 'the first task did not run');
            assert.equal(treeHash(dir), before);
            const syntax = k8sbm(['run', 'site.yml', '--syntax-check'], dir);
            assert.equal(syntax.code, 1, syntax.stdout + syntax.stderr);
            assert.match(syntax.stderr, new RegExp(`${escape(c.at)}\\s+${c.code}`));
            assert.doesNotMatch(syntax.stdout, /syntax OK/);
        });
    }
    it('a tasks file that includes itself (a guarded recursion) still loads', (t) => {
        const dir = writeTree({
            'site.yml': '- hosts: all\n  tasks:\n  - include_tasks: loop.yml\n    vars: { n: 3 }\n',
            'loop.yml': '- debug: { msg: "{{ n }}" }\n- include_tasks: loop.yml\n  vars: { n: "{{ n - 1 }}" }\n  when: n > 0\n',
        });
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const r = k8sbm(['run', 'site.yml', '--syntax-check'], dir);
        assert.equal(r.code, 0, r.stdout + r.stderr);
    });
    it('a template file that is fine, and one named by a template, pass --syntax-check', (t) => {
        const dir = writeTree({
            'site.yml': '- hosts: all\n  tasks:\n  - template: { src: ok.j2, dest: /tmp/ok }\n  - template: { src: "{{ which }}.j2", dest: /tmp/x }\n',
            'templates/ok.j2': '{{#each nodes as |n|}}{{ n | upper }}{{/each}} {{ lookup("env", "HOME") }}\n',
        });
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const r = k8sbm(['run', 'site.yml', '--syntax-check'], dir);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /syntax OK/);
    });
});
//# sourceMappingURL=templates-load.test.js.map