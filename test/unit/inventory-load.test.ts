import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { K8sbmError } from '../../src/source/errors.js';
import { groupsMap, hostVars, inventoryMagicVars, loadInventory, toAnsibleList, toGraph } from '../../src/inventory/index.js';
import { fixture } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir('inv-load', { after });

function write(rel: string, text: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

async function rejects(sources: string[], code: string, check: (e: K8sbmError) => void = () => {}): Promise<void> {
  await assert.rejects(loadInventory(sources), (e: unknown) => {
    assert.ok(e instanceof K8sbmError, String(e));
    assert.equal(e.code, code);
    assert.ok(e.hint, 'every inventory error carries a hint');
    check(e);
    return true;
  });
}

describe('loadInventory', () => {
  it('reads a directory: every inventory file, sorted, recursing, skipping what Ansible skips', async () => {
    const inv = await loadInventory([fixture('inventory', 'dir-mixed')]);
    assert.deepEqual([...inv.hosts.keys()], ['app1', 'app2', 'app3', 'db-a', 'db-b']);
    assert.equal(inv.groups.has('ignored'), false);
    assert.deepEqual(groupsMap(inv).app, ['app1', 'app2', 'app3', 'db-a', 'db-b']);
    assert.equal(hostVars(inv, 'app1').from_ini, 'overridden-by-yaml');
    assert.equal(hostVars(inv, 'db-b').db_host_var, true);
  });

  it('merges several sources in order, each with its own group_vars', async () => {
    const a = write('multi/a/hosts', '[g]\nh1 x=from_a\n');
    const b = write('multi/b/hosts.yml', 'g:\n  hosts:\n    h1: {x: from_b}\n    h2:\n');
    write('multi/a/group_vars/g.yml', 'gv: a\n');
    write('multi/b/group_vars/g.yml', 'gv: b\n');
    const inv = await loadInventory([a, b]);
    assert.deepEqual(groupsMap(inv).g, ['h1', 'h2']);
    assert.deepEqual(hostVars(inv, 'h1'), { x: 'from_b', gv: 'b' });
    assert.equal(inventoryMagicVars(inv, 'h2').inventory_file, b);
    assert.equal(inventoryMagicVars(inv, 'h1').inventory_dir, dirname(a));
  });

  it('accepts a comma-separated host list', async () => {
    const inv = await loadInventory(['n1,n2:2202,']);
    assert.deepEqual(groupsMap(inv).ungrouped, ['n1', 'n2']);
    assert.equal(hostVars(inv, 'n2').ansible_port, 2202);
  });

  it('reads an extensionless YAML file as YAML and an INI-looking .yml only if it is not YAML', async () => {
    const inv = await loadInventory([write('detect/hosts', 'all:\n  hosts:\n    y1:\n')]);
    assert.deepEqual([...inv.hosts.keys()], ['y1']);
    const empty = await loadInventory([write('detect/empty.yml', '')]);
    assert.deepEqual([...empty.hosts.keys()], []);
  });

  it('prints --list and --graph in ansible-inventory shape', async () => {
    const inv = await loadInventory([write('shape/hosts', 'u1\n[web]\nw1 a=1\n[web:vars]\nb=2\n[none]\n')]);
    assert.deepEqual(toAnsibleList(inv), {
      all: { children: ['ungrouped', 'web', 'none'] },
      ungrouped: { hosts: ['u1'] },
      web: { hosts: ['w1'] },
      _meta: { hostvars: { w1: { a: 1, b: 2 } } },
    });
    assert.deepEqual((toAnsibleList(inv, undefined, { export: true }) as Record<string, unknown>).web, { hosts: ['w1'], vars: { b: 2 } });
    assert.equal(toGraph(inv), ['@all:', '  |--@ungrouped:', '  |  |--u1', '  |--@web:', '  |  |--w1', '  |--@none:'].join('\n'));
    assert.equal(toGraph(inv, 'web', true), ['@web:', '  |--w1', '  |  |--{a = 1}', '  |  |--{b = 2}', '  |--{b = 2}'].join('\n'));
    assert.throws(() => toGraph(inv, 'wbe'), (e: unknown) => e instanceof K8sbmError && e.code === 'K8SBM_GRAPH_PATTERN' && /web/.test(e.hint ?? ''));
  });
});

describe('loadInventory errors', () => {
  it('a missing source, with a suggestion', async () => {
    write('missing/hosts.yml', 'all: {}\n');
    await rejects([join(root, 'missing/host.yml')], 'K8SBM_INVENTORY_NOT_FOUND', (e) => assert.match(e.hint!, /hosts\.yml/));
  });
  it('malformed YAML inventory, at file:line:col', async () => {
    const f = write('bad/broken.yml', 'all:\n  hosts:\n    a: {x: 1}}\n');
    await rejects([f], 'K8SBM_YAML_SYNTAX', (e) => assert.deepEqual(e.loc, { file: f, line: 3, col: 14 }));
  });
  it('malformed INI inventory inside a directory, at file:line:col', async () => {
    write('baddir/01-good', '[a]\nh1\n');
    const f = write('baddir/02-bad', '[a]\nh2\nh3 not-a-var\n');
    await rejects([join(root, 'baddir')], 'K8SBM_INVENTORY_PARSE', (e) => {
      assert.deepEqual(e.loc, { file: f, line: 3, col: 4 });
    });
  });
  it('an extensionless file that opens like YAML reports the YAML error', async () => {
    const f = write('yamlish/hosts', 'all:\n  hosts:\n    a: {x: 1}}\n');
    await rejects([f], 'K8SBM_YAML_SYNTAX', (e) => assert.deepEqual(e.loc, { file: f, line: 3, col: 14 }));
  });
  it('a broken group_vars file, when loading', async () => {
    const inv = write('badvars/hosts', '[g]\nh\n');
    const gv = write('badvars/group_vars/g.yml', 'a: [1\n');
    await rejects([inv], 'K8SBM_VARS_FILE_PARSE', (e) => assert.equal(e.loc?.file, gv));
  });
  it('a group_vars file that is not a mapping', async () => {
    const inv = write('listvars/hosts', '[g]\nh\n');
    write('listvars/group_vars/all.yml', '- a\n- b\n');
    await rejects([inv], 'K8SBM_VARS_FILE_INVALID');
  });
  it('vault-encrypted vars files need the vault password', async () => {
    const inv = write('vault/hosts', 'h\n');
    const f = write('vault/host_vars/h.yml', '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    await rejects([inv], 'K8SBM_VAULT_NO_PASSWORD', (e) => assert.equal(e.loc?.file, f));
  });
  it('dynamic inventory scripts and plugin configs', async () => {
    const script = write('script/inv.py', '#!/usr/bin/env python3\nprint("{}")\n');
    chmodSync(script, 0o755);
    await rejects([script], 'K8SBM_INVENTORY_UNSUPPORTED');
    await rejects([write('plugin/aws_ec2.yml', 'plugin: amazon.aws.aws_ec2\n')], 'K8SBM_INVENTORY_UNSUPPORTED');
  });
});
