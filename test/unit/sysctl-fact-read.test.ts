import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileFactArgv, parseFileFactOutput } from '../../src/facts/file.js';
import { normalizeSysctlValue, parseSysctlFactOutput, sysctlFactArgv } from '../../src/facts/sysctl.js';
import { hostFileFromState } from '../../src/facts/system-files.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

/**
 * The sysctl fact reads every value with one grep, and its config files with the file facts'
 * many-path script: on this machine's /proc/sys/net (only read,
 * never written), in dash and bash, it gives each key what reading its file whole gives, tells
 * unreadable keys (write-only files, stable_secret's EIO) from readable ones, and missing keys
 * and directories from both.
 */

function netKeys(): string[] {
  const keys: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else keys.push(p.slice('/proc/sys/'.length).replaceAll('/', '.'));
    }
  };
  walk('/proc/sys/net/ipv4');
  walk('/proc/sys/net/ipv6/conf/all');
  return keys;
}

/** What a whole read of the file gives, as the fact compares it; undefined when it cannot be read. */
function readWhole(key: string): string | undefined {
  try {
    return normalizeSysctlValue(readFileSync(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8'));
  } catch {
    return undefined;
  }
}

for (const shell of ['dash', 'bash']) {
  it(`reads /proc/sys/net's keys as whole reads do (${shell})`, () => {
    const keys = [...netKeys(), 'net.ipv4.k8sbm_no_such_key', 'net.ipv4.conf'];
    const argv = sysctlFactArgv({ keys, files: [] });
    const r = spawnSync(shell, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
    const { values } = parseSysctlFactOutput({ code: r.status, signal: null, stdout: r.stdout, stderr: r.stderr }, { keys, files: [] });
    assert.equal(values['net.ipv4.k8sbm_no_such_key'], null);
    assert.equal(values['net.ipv4.conf'], null, 'a directory is no value');
    let unreadable = 0;
    for (const key of keys.slice(0, -2)) {
      const got = values[key];
      assert.ok(got, `${key} has an answer`);
      const want = readWhole(key);
      if (want === undefined) {
        unreadable++;
        assert.equal(got.value, undefined, `${key} cannot be read, and the fact says so`);
      } else {
        assert.equal(got.value, want, key);
      }
    }
    assert.ok(keys.length > 100, `${keys.length} keys read`);
    // route.flush is write-only, stable_secret fails its read while unset.
    assert.ok(unreadable >= 1, `${unreadable} unreadable keys among them`);
  });
}

for (const shell of ['dash', 'bash']) {
  it(`reads its config files all at once as the file fact reads each (${shell})`, () => {
    const dir = tempDir('sysctl-files');
    try {
      writeFileSync(join(dir, 'a.conf'), 'net.ipv4.ip_forward = 1\n');
      writeFileSync(join(dir, 'empty.conf'), '');
      writeFileSync(join(dir, 'no-newline.conf'), 'x = 1');
      writeFileSync(join(dir, 'binary.conf'), Buffer.from([0, 1, 2, 255, 10]));
      writeFileSync(join(dir, 'big.conf'), 'y'.repeat(300 * 1024));
      mkdirSync(join(dir, 'sub.d'));
      symlinkSync('a.conf', join(dir, 'link.conf'));
      const paths = ['a.conf', 'empty.conf', 'no-newline.conf', 'binary.conf', 'big.conf', 'sub.d', 'link.conf', 'missing.conf', 'gone/deeper.conf']
        .map((n) => join(dir, n));
      const q = { keys: ['net.ipv4.ip_forward'], files: paths };
      const argv = sysctlFactArgv(q);
      const r = spawnSync(shell, argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
      const { files } = parseSysctlFactOutput({ code: r.status, signal: null, stdout: r.stdout, stderr: r.stderr }, q);
      for (const p of paths) {
        const one = fileFactArgv(p);
        const o = spawnSync(one[0]!, one.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
        const want = hostFileFromState(parseFileFactOutput({ code: o.status, signal: null, stdout: o.stdout, stderr: o.stderr }, p));
        assert.deepEqual(files[p], want, p);
      }
      assert.equal(files[join(dir, 'a.conf')]!.text, 'net.ipv4.ip_forward = 1\n');
      assert.equal(files[join(dir, 'big.conf')]!.text, undefined, 'over the content limit: no text');
      assert.equal(files[join(dir, 'missing.conf')]!.exists, false);
    } finally {
      removeTempDir(dir);
    }
  });
}
