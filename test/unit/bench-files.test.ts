import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { diffSnapshots, managedPaths, snapshotDigest, snapshotFiles } from '../../bench/files.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const plays = parseYaml(readFileSync(join(repoRoot, 'bench', 'scenario', 'harden.yml'), 'utf8')) as unknown[];

describe('managedPaths of the benchmark scenario', () => {
  const paths = managedPaths(plays, 'node01');

  it('has every path, dest, loop item and creates file, with the variables filled in', () => {
    for (const p of ['/etc/k8sbm-bench', '/etc/systemd/journald.conf.d', '/etc/sysctl.d/60-net.conf', '/etc/login.defs',
      '/etc/k8sbm-bench/.sysctl-applied', '/etc/k8sbm-bench/.initialised', '/var/lib/k8sbm-bench/identity', '/var/lib/k8sbm-bench/current']) {
      assert.ok(paths.includes(p), `missing ${p}`);
    }
    assert.ok(!paths.some((p) => p.includes('{{')), 'a path kept a template');
  });

  it('adds the folders above them, where a tool\'s leftovers would show', () => {
    for (const p of ['/etc', '/etc/security', '/var', '/var/lib']) assert.ok(paths.includes(p), `missing ${p}`);
    assert.ok(!paths.includes('/'));
    assert.deepEqual(paths, [...new Set(paths)].sort());
  });

  it('refuses a path whose variable the play does not define', () => {
    assert.throws(() => managedPaths([{ tasks: [{ file: { path: '{{ nowhere }}/x' } }] }], 'node01'), /uses nowhere/);
  });
});

describe('snapshots of what a tool left', () => {
  const paths = ['/etc', '/etc/a.conf', '/etc/d', '/etc/link', '/etc/gone'];

  function node(t: { after(fn: () => void): void }, tweak: (root: string) => void = () => {}): string {
    const root = tempDir('bench-files', t);
    mkdirSync(join(root, 'etc', 'd'), { recursive: true });
    writeFileSync(join(root, 'etc', 'a.conf'), 'x = 1\n');
    chmodSync(join(root, 'etc', 'a.conf'), 0o644);
    chmodSync(join(root, 'etc', 'd'), 0o750);
    symlinkSync('/etc/d', join(root, 'etc', 'link'));
    tweak(root);
    return root;
  }

  it('agrees on two nodes the same in everything but time', (t) => {
    const a = snapshotFiles(node(t), paths);
    const b = snapshotFiles(node(t), paths);
    assert.deepEqual(diffSnapshots(a, b, 'k8sbm', 'pyinfra'), []);
    assert.equal(snapshotDigest(a), snapshotDigest(b));
    assert.equal(a['/etc/gone']?.type, 'absent');
    assert.equal(a['/etc/d']?.mode, '0750');
  });

  it('names each difference: mode, content, link target, type and leftover files', (t) => {
    const a = snapshotFiles(node(t), paths);
    const b = snapshotFiles(node(t, (root) => {
      chmodSync(join(root, 'etc', 'a.conf'), 0o600);
      writeFileSync(join(root, 'etc', 'a.conf'), 'x = 2\n');
      writeFileSync(join(root, 'etc', 'a.conf.20260101'), 'x = 1\n');
      writeFileSync(join(root, 'etc', 'gone'), '');
    }), paths);
    const diff = diffSnapshots(a, b, 'k8sbm', 'pyinfra');
    assert.equal(diff.length, 3, diff.join('\n'));
    assert.match(diff[0]!, /^\/etc: only with pyinfra: a\.conf\.20260101, gone$/);
    assert.match(diff[1]!, /^\/etc\/a\.conf: mode 0644 \(k8sbm\) vs 0600 \(pyinfra\); content sha256 \w{12} \(k8sbm\) vs \w{12} \(pyinfra\)$/);
    assert.equal(diff[2], '/etc/gone: absent (k8sbm) vs file (pyinfra)');
    assert.notEqual(snapshotDigest(a), snapshotDigest(b));
  });

  it('tells a link\'s target apart', (t) => {
    const a = snapshotFiles(node(t), paths);
    const b = snapshotFiles(node(t, (root) => {
      unlinkSync(join(root, 'etc', 'link'));
      symlinkSync('/etc/e', join(root, 'etc', 'link'));
    }), paths);
    const diff = diffSnapshots(a, b, 'ansible', 'pyinfra');
    assert.ok(diff.includes('/etc/link: target /etc/d (ansible) vs /etc/e (pyinfra)'), diff.join('\n'));
  });
});
