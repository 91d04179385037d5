import { Secret } from '../../src/util/secret.js';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { valueLocOf } from '../../src/source/loc.js';
import { connectionVarsOf, groupNamesOf, hostLayers, hostVars, loadInventory, toAnsibleHost } from '../../src/inventory/index.js';
import { mergeLayers } from '../../src/vars/scope.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('inv-vars', { after });

function write(rel: string, text: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

describe('variable layers of a host', () => {
  const hosts = write('inv/hosts', [
    'h1 v=host_inline',
    '[a]',
    'h1',
    '[b]',
    'h1',
    '[parent:children]',
    'a',
    '[a:vars]',
    'v=a_file_vars',
    'only_a=1',
    '[b:vars]',
    'v=b_file_vars',
    'ansible_group_priority=0',
    '[parent:vars]',
    'v=parent_vars',
    '[all:vars]',
    'v=all_vars',
  ].join('\n'));
  write('inv/group_vars/all.yml', 'v: inv_group_vars_all\n');
  write('inv/group_vars/a/10-first.yml', 'v: inv_group_vars_a_10\nfolder: first\n');
  write('inv/group_vars/a/20-second.json', '{"folder": "second"}');
  write('inv/group_vars/a/.hidden.yml', 'folder: hidden\n');
  write('inv/group_vars/a/30-backup.yml~', 'folder: backup\n');
  write('inv/group_vars/a/notes.txt', 'folder: txt\n');
  write('inv/group_vars/b', 'b_noext: true\n');
  write('inv/group_vars/b.yml', 'b_yml_is_shadowed: true\n');
  write('inv/host_vars/h1.yaml', 'v: inv_host_vars\nport_from_file: 2222\n');
  write('play/group_vars/all.yml', 'v: play_group_vars_all\n');
  write('play/group_vars/a.yml', 'v: play_group_vars_a\n');
  write('play/host_vars/h1.yml', 'v: play_host_vars\n');

  it('orders layers as Ansible merges them, lowest first', async () => {
    const inv = await loadInventory([hosts]);
    const layers = hostLayers(inv, 'h1', join(root, 'play'));
    assert.deepEqual(layers.map((l) => [l.level, l.vars.v]), [
      ['inventory_file_group_vars', 'all_vars'],
      // depth 1: b (priority 0) before parent (priority 1); depth 2: a
      ['inventory_file_group_vars', 'b_file_vars'],
      ['inventory_file_group_vars', 'parent_vars'],
      ['inventory_file_group_vars', 'a_file_vars'],
      ['inventory_group_vars_all', 'inv_group_vars_all'],
      ['playbook_group_vars_all', 'play_group_vars_all'],
      ['inventory_group_vars', undefined],
      ['inventory_group_vars', 'inv_group_vars_a_10'],
      ['inventory_group_vars', undefined],
      ['playbook_group_vars', 'play_group_vars_a'],
      ['inventory_file_host_vars', 'host_inline'],
      ['inventory_host_vars', 'inv_host_vars'],
      ['playbook_host_vars', 'play_host_vars'],
    ]);
    assert.equal(mergeLayers(layers).v, 'play_host_vars');
    assert.equal(hostVars(inv, 'h1').v, 'inv_host_vars');
  });

  it('merges a group_vars folder in sorted order and prefers NAME over NAME.yml', async () => {
    const inv = await loadInventory([hosts]);
    const vars = hostVars(inv, 'h1');
    assert.equal(vars.folder, 'second');
    assert.equal(vars.b_noext, true);
    assert.equal('b_yml_is_shadowed' in vars, false);
    assert.equal(vars.only_a, 1);
  });

  it('keeps file:line:col for variables from files and from the INI', async () => {
    const inv = await loadInventory([hosts]);
    const layers = hostLayers(inv, 'h1');
    const fromFile = layers.find((l) => l.level === 'inventory_host_vars')!;
    assert.deepEqual(valueLocOf(fromFile.vars, 'port_from_file'), { file: join(root, 'inv/host_vars/h1.yaml'), line: 2, col: 17 });
    const inline = layers.find((l) => l.level === 'inventory_file_host_vars')!;
    assert.deepEqual(valueLocOf(inline.vars, 'v'), { file: hosts, line: 1, col: 6 });
  });

  it('computes group_names like Ansible (sorted, without all)', async () => {
    const inv = await loadInventory([hosts]);
    assert.deepEqual(groupNamesOf(inv, 'h1'), ['a', 'b', 'parent']);
  });

  it('leaves internal and magic variables out of --host', async () => {
    const inv = await loadInventory([write('magic/hosts', 'h playbook_dir=/x group_names=[] keep=1\n')]);
    assert.deepEqual(toAnsibleHost(inv, 'h'), { keep: 1 });
    assert.deepEqual(hostVars(inv, 'h'), { playbook_dir: '/x', group_names: [], keep: 1 });
  });

  it('names unknown hosts with a suggestion', async () => {
    const inv = await loadInventory([hosts]);
    assert.throws(() => hostLayers(inv, 'h2'), (e: unknown) =>
      e instanceof K8sbmError && e.code === 'K8SBM_INVENTORY_UNKNOWN_HOST' && /h1/.test(e.hint ?? ''));
  });
});

describe('connectionVarsOf', () => {
  it('reads Ansible connection variables into typed fields', () => {
    assert.deepEqual(connectionVarsOf({
      ansible_host: '10.0.0.5', ansible_port: '2222', ansible_user: 'core', ansible_ssh_private_key_file: '~/.ssh/id',
      ansible_connection: 'ssh', ansible_become: 'yes', ansible_become_user: 'admin', ansible_ssh_common_args: '-o ProxyJump=bastion',
    }), {
      address: '10.0.0.5', port: 2222, user: 'core', privateKeyFile: '~/.ssh/id', connection: 'ssh',
      become: true, becomeUser: 'admin', sshCommonArgs: '-o ProxyJump=bastion',
    });
  });
  it('uses values from a vault file (Secrets) as their text', () => {
    const c = connectionVarsOf({ ansible_host: new Secret('10.0.0.5'), ansible_user: new Secret('ops'), ansible_port: new Secret('2222') });
    assert.equal(c.address, '10.0.0.5');
    assert.equal(c.user, 'ops');
    assert.equal(c.port, 2222);
  });
  it('has Ansible defaults and accepts the old ansible_ssh_* names', () => {
    assert.deepEqual(connectionVarsOf({ ansible_ssh_host: 'h', ansible_ssh_user: 'u', ansible_connection: 'local', ansible_become: 'False' }), {
      address: 'h', port: undefined, user: 'u', privateKeyFile: undefined, connection: 'local',
      become: false, becomeUser: 'root', sshCommonArgs: undefined,
    });
  });
  it('rejects values it cannot use, pointing at where they were set', async () => {
    const p = write('bad/hosts', 'h ansible_port=99999 ansible_become=maybe ansible_connection=winrm\n');
    const inv = await loadInventory([p]);
    const vars = hostVars(inv, 'h');
    assert.throws(() => connectionVarsOf({ ansible_port: vars.ansible_port }), /port number/);
    assert.throws(() => connectionVarsOf(vars), (e: unknown) =>
      e instanceof K8sbmError && e.code === 'K8SBM_INVENTORY_VAR_INVALID' && e.loc?.file === p && e.loc.line === 1);
    assert.throws(() => connectionVarsOf({ ansible_become: 'maybe' }), /boolean/);
    assert.throws(() => connectionVarsOf({ ansible_connection: 'winrm' }), /not supported/);
  });
});
