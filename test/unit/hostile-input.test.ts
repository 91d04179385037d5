import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Inventory, loadInventory, parseIniInventory, selectHosts } from '../../src/inventory/index.js';
import { MAX_RANGE_HOSTS, expandHostnameRange } from '../../src/inventory/ranges.js';
import { K8sbmError, sourceExcerpt } from '../../src/source/errors.js';
import { MAX_DEPTH, parseYaml } from '../../src/source/yaml.js';
import { tempDir } from '../helpers/temp.js';
import { expectError, loadTree } from './playbook-helpers.js';
import { thrown } from '../helpers/errors.js';

/**
 * Input made to hurt: a YAML alias bomb, nesting past any real file, a host range of a billion
 * hosts. Each is a coded error at its place, never a hang, a stack overflow or a crash, and what
 * real files do with the same features keeps working.
 */

/** Nine levels of nine aliases: 9^9 (387 million) values once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1]!;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('YAML that would hang or overflow the stack', () => {
  it('an alias bomb is K8SBM_YAML_ALIAS_LIMIT at the alias that crosses the limit (playbooks and inventories)', async (t) => {
    const e = thrown(() => parseYaml(aliasBomb(), 'bomb.yml'));
    assert.equal(e.code, 'K8SBM_YAML_ALIAS_LIMIT');
    assert.equal(e.loc?.file, 'bomb.yml');
    assert.ok((e.loc?.line ?? 0) >= 4 && (e.loc?.line ?? 0) <= 9, `at an alias line: ${JSON.stringify(e.loc)}`);
    assert.match(e.hint ?? '', /billion laughs/);
    const dir = tempDir('hostile', t);
    const inv = join(dir, 'hosts.yml');
    writeFileSync(inv, `all:\n  hosts:\n    n1:\n  vars:\n${aliasBomb().split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}`);
    await assert.rejects(loadInventory([inv]), (err: unknown) => err instanceof K8sbmError && err.code === 'K8SBM_YAML_ALIAS_LIMIT');
  });

  it('anchors used as real files use them still work: shared blocks, merge keys', () => {
    const uses = Array.from({ length: 200 }, (_, i) => `  - { name: n${i}, <<: *common }`).join('\n');
    const data = parseYaml(`common: &common { port: 6443, tags: [a, b, c] }\nnodes:\n${uses}\n`, 'ok.yml') as { nodes: { name: string; port: number; tags: string[] }[] };
    assert.equal(data.nodes.length, 200);
    assert.deepEqual(data.nodes[199], { name: 'n199', port: 6443, tags: ['a', 'b', 'c'] });
  });

  it('nesting past the limit is K8SBM_YAML_TOO_DEEP, from the parser or from the loader; under it, data', () => {
    const nest = (n: number): string => `x: ${'['.repeat(n)}1${']'.repeat(n)}\n`;
    const ok = parseYaml(nest(MAX_DEPTH - 10), 'ok.yml') as { x: unknown };
    let v: unknown = ok.x;
    for (let i = 0; i < MAX_DEPTH - 10; i++) v = (v as unknown[])[0];
    assert.equal(v, 1);
    for (const n of [MAX_DEPTH + 10, 10_000]) {
      const e = thrown(() => parseYaml(nest(n), 'deep.yml'));
      assert.equal(e.code, 'K8SBM_YAML_TOO_DEEP', String(n));
      assert.equal(e.loc?.line, 1);
    }
  });
});

describe('host ranges', () => {
  it('a range of more hosts than a line may name is K8SBM_INVENTORY_RANGE at its line, with a hint', async (t) => {
    const dir = tempDir('hostile', t);
    const inv = join(dir, 'hosts.ini');
    writeFileSync(inv, '[web]\nweb01\nnode[0:999999999]\n');
    await assert.rejects(loadInventory([inv]), (e: unknown) => {
      assert.ok(e instanceof K8sbmError);
      assert.equal(e.code, 'K8SBM_INVENTORY_RANGE');
      assert.deepEqual(e.loc, { file: inv, line: 3, col: 1 });
      assert.match(e.message, /1,000,000,000 hosts/);
      assert.match(e.hint ?? '', /split the hosts/);
      return true;
    });
  });

  it('ranges that multiply past the limit are refused too; the limit itself is allowed', () => {
    assert.throws(() => expandHostnameRange('n[0:999]-[0:999]'), /more hosts than/);
    assert.throws(() => expandHostnameRange(`n[1:${MAX_RANGE_HOSTS + 1}]`), /100,001 hosts/);
    const all = expandHostnameRange(`n[1:${MAX_RANGE_HOSTS}]`);
    assert.equal(all.length, MAX_RANGE_HOSTS);
    assert.equal(all.at(-1), `n${MAX_RANGE_HOSTS}`);
  });
});

describe('error excerpts of very long lines', () => {
  it('show a window around the column with the caret under the same character', (t) => {
    const dir = tempDir('hostile', t);
    const file = join(dir, 'long.yml');
    const line = `${'a'.repeat(5000)}X${'b'.repeat(5000)}`;
    writeFileSync(file, `${line}\n`);
    parseYaml(`${line}\n`, file);
    const [text, caret] = sourceExcerpt({ file, line: 1, col: 5001 });
    assert.ok(text!.length < 200 && caret!.length < 200, `short: ${text!.length}`);
    assert.equal(text![caret!.indexOf('^')], 'X');
    assert.match(text!, /^> 1 \| …a+Xb+…$/);
  });
});

describe('host patterns that cannot be read', () => {
  const inv = new Inventory();
  parseIniInventory(inv, '[web]\nweb[1:3]\n', 'hosts', '/inv/hosts');
  inv.reconcile();
  it('an unclosed bracket, a subscript that is not numbers, a regex that does not compile: coded errors', () => {
    for (const [pattern, code] of [['~node[0-', 'K8SBM_PATTERN_INVALID'], ['web[', 'K8SBM_PATTERN_INVALID'], ['web]x', 'K8SBM_PATTERN_INVALID'],
      ['all[1:x]', 'K8SBM_PATTERN_SUBSCRIPT'], ['~web(', 'K8SBM_PATTERN_INVALID']] as const) {
      const e = thrown(() => selectHosts(inv, pattern));
      assert.equal(e.code, code, pattern);
      assert.ok(e.hint, pattern);
    }
  });
  it('what is fine still selects: globs with classes, subscripts, regexes', () => {
    assert.deepEqual(selectHosts(inv, 'web[!1]').hosts, ['web2', 'web3']);
    assert.deepEqual(selectHosts(inv, 'web[0:1]').hosts, ['web1', 'web2']);
    assert.deepEqual(selectHosts(inv, '~web[23]').hosts, ['web2', 'web3']);
  });
  it("a play's pattern written out is checked when the playbook loads, at its place (an earlier play runs nothing)", () => {
    expectError(() => loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - command: "true"\n- hosts: "all[1:x]"\n  tasks: []\n' }).playbook,
      { code: 'K8SBM_PATTERN_SUBSCRIPT', line: 4, col: 10, message: /all\[1:x\]/ });
  });
});
