import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { normalizeSysctlValue, parseSysctlFactOutput, sysctlFactArgv } from '../../src/facts/sysctl.js';

/**
 * The sysctl fact reads every value with one grep: on this machine's /proc/sys/net (only read,
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
