import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { modules } from '../../src/modules/index.js';
import { PLAY_KEYWORDS, TASK_KEYWORDS } from '../../src/playbook/index.js';
import { inventorySchema } from '../../src/schema/inventory.js';
import { GATE_KEYWORDS } from '../../src/schema/playbook-keywords.js';
import { paramsValidator } from '../../src/schema/params.js';
import { playbookSchema, tasksSchema } from '../../src/schema/playbook.js';
import { parseYaml } from '../../src/source/yaml.js';
import { fixture, testModules } from './playbook-helpers.js';

// The YAML language server reads draft-07; ajv's default class is draft-07 too.
function compile(schema: object) {
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

const yaml = (text: string) => parseYaml(text, 'doc.yml');

describe('playbook schema', () => {
  const validate = compile(playbookSchema(testModules));
  const accepts = (text: string) => {
    const ok = validate(yaml(text));
    assert.ok(ok, `${text}\n${JSON.stringify(validate.errors, null, 1)}`);
  };
  const rejects = (text: string) => assert.equal(validate(yaml(text)), false, text);
  const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

  it('is draft-07 and describes every play keyword', () => {
    const s = playbookSchema(testModules) as { $schema: string; definitions: { play: { properties: object } } };
    assert.equal(s.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(Object.keys(s.definitions.play.properties).sort(), [...PLAY_KEYWORDS].sort());
  });

  it('accepts the example playbooks the loader accepts', () => {
    for (const f of ['site.yml', 'common.yml']) {
      assert.ok(validate(parseYaml(readFileSync(fixture('cluster', f), 'utf8'), f)), `${f}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('accepts every task keyword on a module task', () => {
    const task: Record<string, unknown> = {
      name: 'n', when: 'x', loop: [1], loop_control: { loop_var: 'i' }, register: 'r', notify: ['h'], tags: 't',
      changed_when: false, failed_when: ['a', 'b'], ignore_errors: 'yes', delegate_to: 'h', run_once: true, become: true,
      become_user: 'u', until: 'r is ok', retries: 3, delay: 1, environment: { A: '1' }, no_log: true, check_mode: false,
      diff: true, vars: { a: 1 }, args: { chdir: '/' }, any_errors_fatal: false, timeout: 30, command: 'ls',
    };
    assert.ok(validate([{ hosts: 'all', tasks: [task] }]), JSON.stringify(validate.errors));
    const described = Object.keys(task).filter((k) => k !== 'command');
    assert.deepEqual(described.sort(), TASK_KEYWORDS.filter((k) => !['listen', 'with_items', 'with_list'].includes(k)).sort());
  });

  it('accepts free-form, one-line, FQCN and empty module values', () => {
    accepts(play('    - command: ls -l creates=/x\n    - file: path=/x state=directory\n    - ansible.builtin.debug: {msg: hi}\n    - debug:\n    - meta: flush_handlers\n'));
  });

  it('accepts templates wherever a value goes', () => {
    accepts(play('    - file: {path: /x, size: "{{ n }}", recurse: "{{ r }}", state: "{{ s }}"}\n    - sysctl: {name: x, value: "{{ v }}", tuning: {level: "{{ l }}"}}\n'));
  });

  it('accepts blocks, imports and includes', () => {
    accepts(play('    - block:\n        - command: a\n      rescue: []\n      always: []\n      when: x\n    - import_tasks: t.yml\n    - include_tasks: {file: t.yml}\n      loop: [1]\n    - import_role: {name: r}\n    - include_role: {name: r, tasks_from: x}\n'));
    accepts('- import_playbook: other.yml\n  tags: t\n');
  });

  it('describes health gates as the loader reads them', () => {
    const gate: Record<string, unknown> = {
      name: 'g', command: 'check', that: 'result.rc == 0', retries: 3, delay: 1, read_only: true, delegate_to: 'cp1', run_once: true,
      when: 'x', vars: { a: 1 }, become: true, become_user: 'u', environment: { A: '1' }, timeout: 30, no_log: false, args: { chdir: '/' },
    };
    assert.ok(validate([{ hosts: 'all', serial: 1, gates: { before: [gate], after: [{ name: 'h', 'ansible.builtin.command': 'x' }] } }]), JSON.stringify(validate.errors));
    assert.deepEqual(Object.keys(gate).filter((k) => k !== 'command').sort(), [...GATE_KEYWORDS].sort());
    rejects('- hosts: all\n  gates:\n    - name: x\n      command: y\n');
    rejects('- hosts: all\n  gates:\n    befor: []\n');
    rejects('- hosts: all\n  gates:\n    before:\n      - command: y\n');
    rejects('- hosts: all\n  gates:\n    before:\n      - name: x\n        command: y\n        until: z\n');
    rejects('- hosts: all\n  gates:\n    before:\n      - name: x\n        that: z\n');
  });

  it('accepts listen in handlers only', () => {
    accepts('- hosts: all\n  handlers:\n    - name: h\n      listen: topic\n      command: x\n');
    rejects(play('    - command: x\n      listen: topic\n'));
  });

  it('rejects what the loader rejects', () => {
    rejects('- name: no hosts\n  tasks: []\n');
    rejects('- hosts: all\n  taks: []\n');
    rejects(play('    - command: ls\n      debug: {msg: x}\n'));
    rejects(play('    - name: nothing\n'));
    rejects(play('    - comand: ls\n'));
    rejects(play('    - file: {path: /x, size: big}\n'));
    rejects(play('    - file: {path: /x, stat: directory}\n'));
    rejects(play('    - file: just words\n'));
    rejects(play('    - import_tasks: t.yml\n      loop: [1]\n'));
    rejects(play('    - block: []\n      command: ls\n'));
    rejects('- hosts: all\n  strategy: random\n');
    rejects('- hosts: all\n  become: maybe\n');
  });

  it('describes task files too', () => {
    const tasks = compile(tasksSchema(testModules));
    assert.ok(tasks(yaml('- debug: {msg: x}\n- include_tasks: y.yml\n')));
    assert.equal(tasks(yaml('- hosts: all\n')), false);
  });
});

describe('schemas of the module registry', () => {
  it('every module\'s params schema compiles (strict)', () => {
    for (const m of Object.values(modules)) assert.equal(typeof paramsValidator(m), 'function', m.name);
  });

  it('the playbook schema of the registry compiles and accepts a real task', () => {
    const validate = compile(playbookSchema(modules));
    assert.ok(validate(yaml('- hosts: all\n  tasks:\n    - ansible.builtin.command: uptime\n    - file: {path: /x, state: directory, mode: "0755"}\n')), JSON.stringify(validate.errors));
  });
});

describe('inventory schema', () => {
  const validate = compile(inventorySchema);

  it('accepts an Ansible YAML inventory', () => {
    const doc = yaml(`all:
  vars:
    ansible_user: ops
    ansible_port: 2222
  children:
    control_plane:
      hosts:
        cp[1:3].example.org:
          ansible_host: 10.0.0.11
        cp4:
    workers:
      hosts: w1
      vars: {pod_cidr: 10.244.0.0/16}
    empty:
`);
    assert.ok(validate(doc), JSON.stringify(validate.errors));
  });

  it('rejects misspelled sections and bad connection vars', () => {
    assert.equal(validate(yaml('all:\n  host: {a: null}\n')), false);
    assert.equal(validate(yaml('all:\n  hosts:\n    a: {ansible_port: abc}\n')), false);
    assert.equal(validate(yaml('all:\n  vars: {ansible_connection: winrm}\n')), false);
    assert.equal(validate(yaml('all:\n  hosts: [a, b]\n')), false);
  });
});
