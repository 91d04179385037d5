import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { loadTree } from './playbook-helpers.js';
const PLAY = `
- name: every play keyword
  hosts: [control_plane, workers]
  vars: {cluster: demo}
  vars_files:
    - vars/common.yml
    - ["vars/{{ env }}.yml", vars/default.yml]
  become: yes
  become_user: admin
  gather_facts: no
  serial: [1, "30%", 5]
  max_fail_percentage: 20
  any_errors_fatal: true
  strategy: free
  tags: deploy, base
  environment: {HTTP_PROXY: "http://proxy:3128"}
  check_mode: false
  diff: True
  no_log: off
  ignore_errors: "yes"
  pre_tasks:
    - debug: {msg: pre}
  tasks:
    - debug: {msg: main}
  post_tasks:
    - debug: {msg: post}
  handlers:
    - name: restart kubelet
      listen: [kubelet changed, "restart all"]
      command: systemctl restart kubelet
`;
describe('play keywords', () => {
    const { dir, playbook } = loadTree({ 'site.yml': PLAY });
    const play = playbook.plays[0];
    it('reads the play as written', () => {
        assert.equal(playbook.file, join(dir, 'site.yml'));
        assert.equal(playbook.dir, dir);
        assert.equal(play.name, 'every play keyword');
        assert.equal(play.hosts, 'control_plane,workers');
        assert.deepEqual(play.vars, { cluster: 'demo' });
        assert.deepEqual(play.varsFiles, ['vars/common.yml', ['vars/{{ env }}.yml', 'vars/default.yml']]);
        assert.equal(play.baseDir, dir);
        assert.deepEqual(play.serial, [1, '30%', 5]);
        assert.equal(play.maxFailPercentage, 20);
        assert.equal(play.strategy, 'free');
        assert.deepEqual(play.tags, ['deploy', 'base']);
        assert.deepEqual(play.environment, { HTTP_PROXY: 'http://proxy:3128' });
        assert.deepEqual(play.loc, { file: join(dir, 'site.yml'), line: 2, col: 3 });
    });
    it('accepts YAML booleans and the yes/no/true/false words', () => {
        assert.equal(play.become, true);
        assert.equal(play.becomeUser, 'admin');
        assert.equal(play.gatherFacts, false);
        assert.equal(play.anyErrorsFatal, true);
        assert.equal(play.checkMode, false);
        assert.equal(play.diff, true);
        assert.equal(play.noLog, false);
        assert.equal(play.ignoreErrors, true);
    });
    it('keeps the sections apart, in order', () => {
        const msg = (t) => t.args.msg;
        assert.deepEqual([play.preTasks, play.tasks, play.postTasks].map((l) => l.map(msg)), [['pre'], ['main'], ['post']]);
        assert.equal(play.handlers.length, 1);
        assert.equal(play.handlers[0].name, 'restart kubelet');
        assert.deepEqual(play.handlers[0].listen, ['kubelet changed', 'restart all']);
        assert.deepEqual(play.handlers[0].args, { cmd: 'systemctl restart kubelet' });
    });
    it('defaults: name from hosts, facts gathered, linear, all hosts at once', () => {
        const { playbook: pb } = loadTree({ 'site.yml': '- hosts: all\n  tasks: []\n' });
        const p = pb.plays[0];
        assert.equal(p.name, 'all');
        assert.equal(p.gatherFacts, true);
        assert.equal(p.strategy, 'linear');
        assert.deepEqual(p.serial, []);
        assert.deepEqual([p.when, p.tags, p.vars, p.roles, p.tasks, p.handlers], [[], [], {}, [], [], []]);
    });
    it('takes serial as a single number or percentage too', () => {
        const { playbook: pb } = loadTree({ 'site.yml': '- hosts: a\n  serial: "2"\n- hosts: b\n  serial: 25%\n' });
        assert.deepEqual(pb.plays.map((p) => p.serial), [[2], ['25%']]);
    });
});
const TASKS = `
- hosts: all
  tasks:
    - name: every task keyword
      file: {path: "/etc/{{ item }}", state: directory}
      when: ["ansible_os_family == 'Debian'", true]
      loop: [a, b]
      loop_control: {loop_var: dir, index_var: i, label: "{{ dir }}", pause: 2, extended: yes}
      register: made
      notify: restart kubelet
      tags: [cfg]
      changed_when: false
      failed_when: "made.rc != 0"
      ignore_errors: true
      delegate_to: localhost
      run_once: true
      become: no
      become_user: root
      until: made is succeeded
      retries: 5
      delay: 1.5
      environment: {LANG: C}
      no_log: true
      check_mode: no
      diff: no
      any_errors_fatal: true
      vars: {x: 1}
    - command: echo hi
      args: {chdir: /tmp}
      with_items: [[1, 2], 3]
      notify: [a, b]
    - ansible.builtin.debug: msg=hello
      with_list: "{{ things }}"
      changed_when: no
    - sysctl:
        name: net.ipv4.ip_forward
        value: "1"
      args: {name: overridden}
`;
describe('task keywords', () => {
    const { dir, playbook } = loadTree({ 'site.yml': TASKS });
    const [t0, t1, t2, t3] = playbook.plays[0].tasks;
    it('reads every keyword of a task', () => {
        assert.equal(t0.kind, 'task');
        assert.equal(t0.name, 'every task keyword');
        assert.equal(t0.module, 'file');
        assert.deepEqual(t0.args, { path: '/etc/{{ item }}', state: 'directory' });
        assert.deepEqual(t0.loc, { file: join(dir, 'site.yml'), line: 4, col: 7 });
        assert.deepEqual(t0.moduleLoc, { file: join(dir, 'site.yml'), line: 5, col: 7 });
        assert.deepEqual(t0.when, ["ansible_os_family == 'Debian'", true]);
        assert.deepEqual(t0.loop, ['a', 'b']);
        assert.deepEqual(t0.loopControl, { loopVar: 'dir', indexVar: 'i', label: '{{ dir }}', pauseSeconds: 2, extended: true });
        assert.equal(t0.register, 'made');
        assert.deepEqual(t0.notify, ['restart kubelet']);
        assert.deepEqual(t0.tags, ['cfg']);
        assert.deepEqual(t0.changedWhen, [false]);
        assert.deepEqual(t0.failedWhen, ['made.rc != 0']);
        assert.deepEqual(t0.until, ['made is succeeded']);
        assert.deepEqual([t0.retries, t0.delay], [5, 1.5]);
        assert.deepEqual([t0.ignoreErrors, t0.delegateTo, t0.runOnce, t0.become, t0.becomeUser, t0.noLog, t0.checkMode, t0.diff, t0.anyErrorsFatal], [true, 'localhost', true, false, 'root', true, false, false, true]);
        assert.deepEqual(t0.environment, { LANG: 'C' });
        assert.deepEqual(t0.vars, { x: 1 });
        assert.deepEqual(t0.listen, []);
    });
    it('merges args: under the params written with the module (which win)', () => {
        assert.deepEqual(t1.args, { chdir: '/tmp', cmd: 'echo hi' });
        assert.deepEqual(t3.args, { name: 'net.ipv4.ip_forward', value: '1' });
    });
    it('reads with_items and with_list as loop (with_items flattens later)', () => {
        assert.deepEqual(t1.loop, [[1, 2], 3]);
        assert.equal(t1.loopFlatten, true);
        assert.equal(t2.loop, '{{ things }}');
        assert.equal(t2.loopFlatten, undefined);
        assert.equal(t1.loopControl, undefined);
    });
    it('resolves ansible.builtin.X to X and reads k=v strings', () => {
        assert.equal(t2.module, 'debug');
        assert.deepEqual(t2.args, { msg: 'hello' });
        assert.deepEqual(t2.changedWhen, [false]);
    });
    it('reads notify as a string or a list', () => {
        assert.deepEqual(t1.notify, ['a', 'b']);
        assert.deepEqual(t2.notify, []);
    });
    it('coerces k=v strings to the types a module asks for', () => {
        const { playbook: pb } = loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - file: path=/x recurse=yes size=10 mode=0644 owner=1000\n' });
        assert.deepEqual(pb.plays[0].tasks[0].args, { path: '/x', recurse: true, size: 10, mode: '0644', owner: '1000' });
    });
    it('coerces yes/no in a mapping for a boolean param', () => {
        const { playbook: pb } = loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - file: {path: /x, recurse: "no"}\n' });
        assert.equal(pb.plays[0].tasks[0].args.recurse, false);
    });
    it('reads a free-form module with an empty value, and meta', () => {
        const { playbook: pb } = loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - debug:\n    - meta: flush_handlers\n' });
        const [a, b] = pb.plays[0].tasks;
        assert.deepEqual(a.args, {});
        assert.deepEqual(b.args, { free_form: 'flush_handlers' });
    });
});
describe('blocks', () => {
    const { playbook } = loadTree({
        'site.yml': `
- hosts: all
  tasks:
    - name: guarded
      block:
        - command: step one
        - block:
            - command: nested
      rescue:
        - debug: {msg: rescued}
      always:
        - debug: {msg: always}
      when: go
      become: true
      vars: {b: 2}
      tags: t
`,
    });
    const block = playbook.plays[0].tasks[0];
    it('reads block, rescue, always and the block keywords', () => {
        assert.equal(block.kind, 'block');
        assert.equal(block.name, 'guarded');
        assert.deepEqual(block.block.map((i) => i.kind), ['task', 'block']);
        assert.equal(block.block[1].block[0].args.cmd, 'nested');
        assert.equal(block.rescue.length, 1);
        assert.equal(block.always.length, 1);
        assert.deepEqual([block.when, block.become, block.vars, block.tags], [['go'], true, { b: 2 }, ['t']]);
        assert.equal(block.loc.line, 4);
    });
});
//# sourceMappingURL=playbook-keywords.test.js.map