/**
 * The recap against the real thing: one small playbook on the local connection, run by
 * `ansible-playbook` and by k8sbm, must end with the same PLAY RECAP, number for number (a
 * changed task is also ok, an ignored failure too, an include counts as Ansible counts it).
 * Every task runs on the controller (debug, set_fact, assert, fail, includes): no module is
 * shipped anywhere, so Ansible stays quick. Fails, rather than skips, without ansible-core.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAnsibleRecap, parseK8sbmRecap } from '../../bench/parse.js';
import { k8sbm } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
const PROJECT = {
    'inventory.ini': 'a ansible_connection=local\nb ansible_connection=local\n',
    // An argument spec: Ansible checks it as the role's first task, and counts that task.
    'roles/greet/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      greeting: { type: str, default: hello }\n',
    'roles/greet/defaults/main.yml': 'greeting: hello\n',
    'roles/greet/tasks/main.yml': '- name: greet\n  debug: { msg: "{{ greeting }}" }\n',
    'inc.yml': '- name: included change\n  debug: { msg: included }\n  changed_when: true\n',
    'site.yml': `
- name: recap counts
  hosts: all
  gather_facts: false
  roles: [greet]
  tasks:
    - name: a no-op
      debug: { msg: nothing to do }
    - name: a change
      debug: { msg: changed }
      changed_when: true
      notify: h
    - name: skipped
      debug: { msg: never }
      when: false
    - name: ignored failure
      fail: { msg: ignored }
      ignore_errors: true
    - name: b fails in a block and is rescued
      block:
        - name: may fail
          fail: { msg: b fails }
          when: inventory_hostname == 'b'
      rescue:
        - name: rescue
          debug: { msg: rescued }
    - name: loop, one item changed
      debug: { msg: "{{ item }}" }
      loop: [1, 2]
      changed_when: item == 2
    - name: set a fact
      set_fact: { x: 1 }
    - name: tasks included on b
      include_tasks: inc.yml
      when: inventory_hostname == 'b'
    - name: a role included on a
      include_role: { name: greet }
      when: inventory_hostname == 'a'
    - name: assert
      assert: { that: [x == 1] }
  handlers:
    - name: h
      debug: { msg: handler }

- name: a failed host stops
  hosts: all
  gather_facts: false
  tasks:
    - name: fails on b
      fail: { msg: stop }
      when: inventory_hostname == 'b'
    - name: after
      debug: { msg: after }
`,
};
const sandbox = tempDir('recap', { after });
const project = join(sandbox, 'project');
for (const [p, content] of Object.entries(PROJECT)) {
    mkdirSync(dirname(join(project, p)), { recursive: true });
    writeFileSync(join(project, p), content);
}
/** Nothing of the machine's or the user's Ansible configuration leaks in. */
function ansibleEnv() {
    const cfg = join(sandbox, 'ansible.cfg');
    writeFileSync(cfg, '');
    return {
        PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: sandbox,
        ANSIBLE_CONFIG: cfg, ANSIBLE_HOME: join(sandbox, '.ansible'), ANSIBLE_LOCAL_TEMP: join(sandbox, 'tmp'),
        ANSIBLE_NOCOLOR: '1', ANSIBLE_DEPRECATION_WARNINGS: '0', ANSIBLE_SYSTEM_WARNINGS: '0',
    };
}
/** The host lines under PLAY RECAP, without Ansible's trailing padding. */
function recapLines(output) {
    const lines = output.split('\n');
    const start = lines.findIndex((l) => l.startsWith('PLAY RECAP '));
    assert.ok(start >= 0, `no PLAY RECAP in:\n${output}`);
    const out = [];
    for (const l of lines.slice(start + 1)) {
        if (!/^\S+ +: ok=/.test(l))
            break;
        out.push(l.trimEnd());
    }
    return out;
}
describe('the recap counts as ansible-playbook does', () => {
    it('prints the same PLAY RECAP and carries the same numbers in the JSON recap', () => {
        const ansible = spawnSync('ansible-playbook', ['-i', 'inventory.ini', 'site.yml'], { cwd: project, env: ansibleEnv(), encoding: 'utf8', timeout: 300_000 });
        assert.equal(ansible.error, undefined, 'ansible-playbook runs (ansible-core is installed)');
        assert.equal(ansible.status, 2, `b fails, so ansible-playbook exits 2:\n${ansible.stdout}${ansible.stderr}`);
        const report = join(sandbox, 'events.ndjson');
        const ours = k8sbm(['run', 'site.yml', '-i', 'inventory.ini', '--report', report], project);
        assert.equal(ours.code, 1, ours.stdout + ours.stderr);
        const expected = recapLines(ansible.stdout);
        assert.deepEqual(expected.map((l) => l.split(' ')[0]), ['a', 'b']);
        assert.deepEqual(recapLines(ours.stdout), expected);
        // The counts themselves, so a change to both tools' layout cannot hide a wrong number.
        const want = parseAnsibleRecap(ansible.stdout);
        assert.deepEqual(parseK8sbmRecap(readFileSync(report, 'utf8')).hosts, want);
        assert.ok(want.a.ok > want.a.changed && want.a.changed > 0, 'changed tasks are among the ok ones');
    });
});
//# sourceMappingURL=recap-ansible.test.js.map