import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Block } from '../../src/playbook/model.js';
import { expectError, loader, loadTree, writeTree } from './playbook-helpers.js';

const play = (cc: string) => `- hosts: all\n  tasks:\n    - name: guarded\n      commit_confirmed: ${cc}\n      block:\n        - command: "true"\n`;

function blockOf(cc: string): Block {
  const pb = loadTree({ 'site.yml': play(cc) }).playbook;
  const b = pb.plays[0]!.tasks[0]!;
  assert.equal(b.kind, 'block');
  return b as Block;
}

describe('commit_confirmed on a block', () => {
  it('the short form is the timeout', () => {
    const cc = blockOf('30').commitConfirmed;
    assert.deepEqual({ ...cc, loc: undefined }, { timeout: 30, paths: [], restore: [], runtime: [], probe: [], loc: undefined });
    assert.equal(cc?.loc.line, 4);
  });

  it('the mapping takes timeout, paths and restore; the timeout defaults to 60', () => {
    const cc = blockOf('{ paths: [/etc/a.conf, "{{ x }}"], restore: ["kill -HUP 1"] }').commitConfirmed;
    assert.equal(cc?.timeout, 60);
    assert.deepEqual(cc?.paths, ['/etc/a.conf', '{{ x }}']);
    assert.deepEqual(cc?.restore, ['kill -HUP 1']);
    assert.deepEqual(blockOf('{ runtime: [nft] }').commitConfirmed?.runtime, ['nft']);
  });

  it('the timeout may be a template, kept as written and rendered per host when the block starts', () => {
    assert.equal(blockOf('"{{ confirm_after }}"').commitConfirmed?.timeoutTemplate, '{{ confirm_after }}');
    assert.equal(blockOf('{ timeout: "{{ confirm_after }}", restore: ["kill -HUP 1"] }').commitConfirmed?.timeoutTemplate, '{{ confirm_after }}');
    assert.deepEqual(blockOf('{ runtime: ["nft table inet k8sbm"] }').commitConfirmed?.runtime, ['nft table inet k8sbm']);
    assert.equal(blockOf('{ timeout: "45" }').commitConfirmed?.timeout, 45);
  });

  it('probe takes shell lines run before the confirmation', () => {
    assert.deepEqual(blockOf('{ probe: ["curl -sf http://127.0.0.1:6443/healthz"] }').commitConfirmed?.probe, ['curl -sf http://127.0.0.1:6443/healthz']);
  });

  it('a block without it has none', () => {
    const pb = loadTree({ 'site.yml': '- hosts: all\n  tasks:\n    - block:\n        - command: "true"\n' }).playbook;
    assert.equal((pb.plays[0]!.tasks[0] as Block).commitConfirmed, undefined);
  });

  for (const [cc, code, message] of [
    ['0', 'K8SBM_KEYWORD_INVALID', /commit_confirmed must be a whole number of at least 1/],
    ['"soon"', 'K8SBM_KEYWORD_INVALID', /commit_confirmed must be a whole number of at least 1/],
    ['{ timout: 5 }', 'K8SBM_UNKNOWN_KEYWORD', /unknown commit_confirmed key "timout"/],
    ['{ paths: [etc/a.conf] }', 'K8SBM_KEYWORD_INVALID', /path "etc\/a.conf" is not absolute/],
    ['{ runtime: [routes] }', 'K8SBM_KEYWORD_INVALID', /runtime "routes" is not known/],
  ] as const) {
    it(`refuses ${cc}`, () => {
      const dir = writeTree({ 'site.yml': play(cc) });
      expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code, message, file: 'site.yml' }, dir);
    });
  }

  it('is a block keyword only: a task refuses it', () => {
    const dir = writeTree({ 'site.yml': '- hosts: all\n  tasks:\n    - command: "true"\n      commit_confirmed: 5\n' });
    expectError(() => loader().loadPlaybook(join(dir, 'site.yml')), { code: 'K8SBM_UNKNOWN_KEYWORD', file: 'site.yml' }, dir);
  });
});
