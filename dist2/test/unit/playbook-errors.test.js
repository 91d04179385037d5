import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dirname, join } from 'node:path';
import { formatError } from '../../src/source/errors.js';
import { expectError, loader, writeTree } from './playbook-helpers.js';
/** Load site.yml written from `text` (plus other files) and expect the error in `want`. */
function bad(text, want, files = {}) {
    const dir = writeTree({ 'site.yml': text, ...files });
    return expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { file: 'site.yml', ...want }, dir);
}
const play = (tasks) => `- hosts: all\n  tasks:\n${tasks}`;
describe('bad YAML and structure', () => {
    it('malformed YAML', () => {
        bad('- hosts: all\n  tasks:\n    - debug: {msg: x\n', { code: 'K8SBM_YAML_SYNTAX', line: 4, col: 1 });
    });
    it('a playbook that is not a list', () => {
        bad('hosts: all\n', { code: 'K8SBM_NOT_A_LIST', line: 1, col: 1, hint: /- hosts:/ });
    });
    it('a section that is not a list', () => {
        bad('- hosts: all\n  tasks:\n    debug: {msg: x}\n', { code: 'K8SBM_NOT_A_LIST', line: 3, col: 5, message: /tasks must be a list, got a mapping/ });
    });
    it('a task that is not a mapping', () => {
        bad(play('    - just words\n'), { code: 'K8SBM_TASK_INVALID', line: 3, col: 7 });
    });
    it('a play without hosts', () => {
        bad('- name: no hosts\n  tasks: []\n', { code: 'K8SBM_PLAY_NO_HOSTS', line: 1, col: 3, hint: /hosts: all/ });
    });
    it('a tasks file that is not a list', () => {
        bad(play('    - import_tasks: t.yml\n'), { code: 'K8SBM_NOT_A_LIST', file: 't.yml', line: 1, col: 1 }, { 't.yml': 'name: x\ndebug: {}\n' });
    });
});
describe('unknown keywords and modules', () => {
    it('an unknown play keyword suggests the closest', () => {
        bad('- hosts: all\n  taks: []\n', { code: 'K8SBM_UNKNOWN_KEYWORD', line: 2, col: 3, hint: /did you mean "tasks"/ });
    });
    it('a task keyword on a play says where it belongs', () => {
        bad('- hosts: all\n  register: x\n', { code: 'K8SBM_UNKNOWN_KEYWORD', line: 2, col: 3, hint: /belongs to a task/ });
    });
    it('an unknown task keyword suggests the closest', () => {
        bad(play('    - command: ls\n      whne: x\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, hint: /did you mean "when"/ });
    });
    it('an unknown module suggests the closest module', () => {
        const e = bad(play('    - name: list\n      comand: ls\n'), { code: 'K8SBM_UNKNOWN_MODULE', line: 4, col: 7, hint: /did you mean "command"/ });
        assert.equal(e.subject, 'task "list"');
    });
    it('a module of another collection points at ours', () => {
        bad(play('    - ansible.posix.sysctl: {name: x}\n'), { code: 'K8SBM_UNKNOWN_MODULE', line: 3, col: 7, hint: /write "sysctl"/ });
    });
    it('an unknown module with nothing close lists the modules', () => {
        bad(play('    - zzzzzz: {}\n'), { code: 'K8SBM_UNKNOWN_MODULE', line: 3, col: 7, hint: /known modules: command, debug/ });
    });
    it('a task with two modules', () => {
        bad(play('    - command: ls\n      debug: {msg: x}\n'), { code: 'K8SBM_TASK_MULTIPLE_MODULES', line: 4, col: 7, hint: /one task per module/ });
    });
    it('a task with no module', () => {
        bad(play('    - name: nothing\n      when: x\n'), { code: 'K8SBM_TASK_NO_MODULE', line: 3, col: 7 });
    });
    it('keywords Ansible has and k8sbm does not', () => {
        bad(play('    - debug: {msg: x}\n      with_dict: "{{ d }}"\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, hint: /dict2items/ });
        bad(play('    - local_action: command ls\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 3, col: 7, hint: /delegate_to: localhost/ });
    });
    it('listen outside handlers, rescue without block', () => {
        bad(play('    - command: ls\n      listen: x\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, message: /only for handlers/ });
        bad(play('    - command: ls\n      rescue: []\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, message: /belongs to a block/ });
    });
    it('a block that also names a module', () => {
        bad(play('    - block: []\n      command: ls\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, hint: /cannot also run a module/ });
    });
    it('a loop on a static import', () => {
        bad(play('    - import_tasks: t.yml\n      loop: [1]\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 4, col: 7, hint: /use include_tasks/ }, { 't.yml': '[]\n' });
    });
    it('a handler that is a block', () => {
        bad('- hosts: all\n  handlers:\n    - block: []\n', { code: 'K8SBM_HANDLER_INVALID', line: 3, col: 7 });
    });
    it('block and import_tasks in one entry', () => {
        bad(play('    - block: []\n      import_tasks: t.yml\n'), { code: 'K8SBM_KEYWORD_CONFLICT', line: 4, col: 7 });
    });
});
describe('keyword values', () => {
    it('a boolean keyword with another word', () => {
        bad('- hosts: all\n  become: maybe\n', { code: 'K8SBM_KEYWORD_INVALID', line: 2, col: 11, hint: /yes\/no/ });
    });
    it('loop and with_items together', () => {
        bad(play('    - debug: {}\n      loop: [1]\n      with_items: [2]\n'), { code: 'K8SBM_KEYWORD_CONFLICT', line: 5, col: 7 });
    });
    it('a loop that is neither a list nor a template', () => {
        bad(play('    - debug: {}\n      loop: {a: 1}\n'), { code: 'K8SBM_KEYWORD_INVALID', line: 4, col: 13 });
    });
    it('an unknown loop_control key', () => {
        bad(play('    - debug: {}\n      loop: [1]\n      loop_control: {loopvar: x}\n'), { code: 'K8SBM_UNKNOWN_KEYWORD', line: 5, col: 22, hint: /did you mean "loop_var"/ });
    });
    it('register that is not a variable name', () => {
        bad(play('    - debug: {}\n      register: my-result\n'), { code: 'K8SBM_KEYWORD_INVALID', line: 4, col: 17 });
    });
    it('a strategy we do not have, a bad serial, a bad percentage', () => {
        bad('- hosts: all\n  strategy: lineer\n', { code: 'K8SBM_KEYWORD_INVALID', line: 2, col: 13, hint: /did you mean "linear"/ });
        bad('- hosts: all\n  serial: [1, many]\n', { code: 'K8SBM_KEYWORD_INVALID', line: 2, col: 15 });
        bad('- hosts: all\n  max_fail_percentage: 120\n', { code: 'K8SBM_KEYWORD_INVALID', line: 2, col: 24 });
    });
    it('vars that are not a mapping', () => {
        bad(play('    - debug: {}\n      vars: [a]\n'), { code: 'K8SBM_KEYWORD_INVALID', line: 4, col: 13 });
    });
    it('retries that are not a whole number', () => {
        bad(play('    - debug: {}\n      until: x\n      retries: 2.5\n'), { code: 'K8SBM_KEYWORD_INVALID', line: 5, col: 16 });
    });
});
describe('module params', () => {
    it('a wrong type names the JSON pointer and the param\'s line', () => {
        const e = bad(play('    - name: enable forwarding\n      sysctl:\n        name: net.ipv4.ip_forward\n        value: [1]\n'), { code: 'K8SBM_PARAM_INVALID', line: 6, col: 16, message: /^\/value must be string or integer, got array$/ });
        assert.equal(e.subject, 'task "enable forwarding" (sysctl)');
        assert.match(formatError(e), /> 6 \| {9}value: \[1\]/);
    });
    it('an unknown param suggests the closest', () => {
        bad(play('    - file:\n        path: /x\n        stat: directory\n'), { code: 'K8SBM_PARAM_INVALID', line: 5, col: 9, message: /unknown param "stat"/, hint: /did you mean "state"/ });
    });
    it('a missing required param', () => {
        bad(play('    - file: {state: directory}\n'), { code: 'K8SBM_PARAM_INVALID', line: 3, col: 13, message: /missing required param "path"/ });
    });
    it('lists further problems as details', () => {
        const e = bad(play('    - file:\n        path: 1\n        state: gone\n'), { code: 'K8SBM_PARAM_INVALID', line: 4, message: /\/path must be string/ });
        assert.deepEqual(e.details, ['line 5: /state must be one of "file", "directory", "absent", got "gone"']);
    });
    it('does not judge templated values before they are rendered', () => {
        const dir = writeTree({ 'site.yml': play('    - file: {path: /x, size: "{{ n }}", recurse: "{{ r }}"}\n    - sysctl: {name: x, value: "{{ v }}"}\n') });
        assert.equal(loader().loadPlaybook(join(dir, 'site.yml')).plays[0].tasks.length, 2);
    });
    it('a one-line form that is not key=value', () => {
        bad(play('    - file: path=/x directory\n'), { code: 'K8SBM_PARAM_INVALID', line: 3, col: 13, message: /cannot read "directory" as key=value/ });
    });
    it('params that are neither a mapping nor a string', () => {
        bad(play('    - file: [a]\n'), { code: 'K8SBM_PARAM_INVALID', line: 3, col: 13, message: /must be a mapping, got a list/ });
    });
    it('args: that is not a mapping', () => {
        bad(play('    - command: ls\n      args: "{{ a }}"\n'), { code: 'K8SBM_KEYWORD_INVALID', line: 4, col: 13 });
    });
});
describe('unquoted octal modes', () => {
    it('mode: 0644 fails with the quoted spelling as the hint', () => {
        const e = bad(play('    - file:\n        path: /etc/x\n        mode: 0644\n'), { code: 'K8SBM_MODE_UNQUOTED', line: 5, col: 15, hint: /mode: "0644"/ });
        assert.match(e.message, /number 644/);
    });
    it('mode: 755 without a leading zero too', () => {
        bad(play('    - file: {path: /x, mode: 755}\n'), { code: 'K8SBM_MODE_UNQUOTED', line: 3, col: 30, hint: /mode: "0755"/ });
    });
    it('quoted modes and modes in the one-line form are fine', () => {
        const dir = writeTree({ 'site.yml': play('    - file: {path: /x, mode: "0644"}\n    - file: path=/y mode=0600\n') });
        assert.equal(loader().loadPlaybook(join(dir, 'site.yml')).plays[0].tasks.length, 2);
    });
    it('mode: 0644 in literal loop items', () => {
        bad(play('    - file: {path: "{{ item.p }}", mode: "{{ item.mode }}"}\n      loop:\n        - {p: /a, mode: 0600}\n'), { code: 'K8SBM_MODE_UNQUOTED', line: 5, col: 25, hint: /mode: "0600"/ });
    });
});
describe('missing files and templated imports', () => {
    it('a missing import_tasks file lists the places searched', () => {
        const e = bad(play('    - import_tasks: nope.yml\n'), { code: 'K8SBM_FILE_NOT_FOUND', line: 3, col: 21 });
        assert.deepEqual(e.details, [`looked for ${join(dirname(e.loc.file), 'nope.yml')}`]);
    });
    it('a missing include_tasks file without variables is found out at load time', () => {
        bad(play('    - include_tasks: nope.yml\n'), { code: 'K8SBM_FILE_NOT_FOUND', line: 3, col: 22 });
    });
    it('a missing imported playbook', () => {
        bad('- import_playbook: nope.yml\n', { code: 'K8SBM_FILE_NOT_FOUND', line: 1, col: 20 });
    });
    it('a missing role named by include_role without variables', () => {
        bad(play('    - include_role: {name: nope}\n'), { code: 'K8SBM_ROLE_NOT_FOUND', line: 3, col: 28 });
    });
    it('an import whose name depends on variables', () => {
        bad(play('    - import_tasks: "{{ os }}.yml"\n'), { code: 'K8SBM_IMPORT_TEMPLATED', line: 3, col: 21, hint: /include_tasks/ });
        bad('- hosts: all\n  roles: ["{{ r }}"]\n', { code: 'K8SBM_IMPORT_TEMPLATED', line: 2, col: 11, hint: /include_role/ });
    });
    it('a missing playbook file', () => {
        expectError(() => loader().loadPlaybook(join(writeTree({}), 'site.yml')), { code: 'K8SBM_FILE_NOT_FOUND' });
    });
});
//# sourceMappingURL=playbook-errors.test.js.map