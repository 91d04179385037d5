import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { filesAction } from '../../src/modules/packages/apt_repository-files.js';
import { APT_SCRIPT, aptAction } from '../../src/modules/packages/package-apt.js';
import { tempDir } from '../helpers/temp.js';
/** The fixed scripts behind apt_repository and package, run with a POSIX sh in a temp directory. */
const work = tempDir('aptfiles', { after });
function runArgv(argv, env = {}) {
    return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
}
describe('apt_repository file writes', () => {
    it('writes several files atomically with mode 0644, creating a missing directory, and removes others', () => {
        const keyring = join(work, 'keyrings', 'demo.gpg');
        const list = join(work, 'sources', 'demo list.list');
        writeFileSync(join(work, 'old.list'), 'old\n');
        const bytes = Buffer.from([0x99, 0x00, 0x33, 0xff, 0x0a]);
        const action = filesAction([
            { op: 'write', path: keyring, content: bytes },
            { op: 'write', path: list, content: Buffer.from('deb file:/srv/r stable main\n') },
            { op: 'remove', path: join(work, 'old.list') },
        ]);
        makeDir(join(work, 'sources'));
        const r = runArgv(action.argv);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(readFileSync(keyring), bytes);
        assert.equal(readFileSync(list, 'utf8'), 'deb file:/srv/r stable main\n');
        assert.equal(statSync(keyring).mode & 0o7777, 0o644);
        assert.equal(statSync(join(work, 'keyrings')).mode & 0o7777, 0o755);
        assert.ok(!existsSync(join(work, 'old.list')));
        assert.deepEqual(readdirSync(join(work, 'sources')), ['demo list.list'], 'no temp file left');
    });
    it('fails on an operation it does not know, leaving no temp file', () => {
        const r = runArgv(['sh', '-c', filesAction([]).argv[2], 'k8sbm-apt-files', 'chmod', join(work, 'x')]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /unknown operation chmod/);
    });
});
function makeDir(p) {
    spawnSync('mkdir', ['-p', p]);
}
describe('the apt script', () => {
    const fake = join(work, 'bin');
    makeDir(fake);
    writeFileSync(join(fake, 'apt-get'), `#!/bin/sh
n=$(cat "$FAKE_DIR/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$FAKE_DIR/count"
printf 'apt-get'; for a; do printf ' [%s]' "$a"; done; echo
if [ "$n" = 1 ] && [ -n "$FAKE_LOCK" ]; then echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100; fi
if [ -n "$FAKE_FAIL" ]; then echo "E: Unable to locate package nosuch" >&2; exit 100; fi
`, { mode: 0o755 });
    writeFileSync(join(fake, 'apt-mark'), `#!/bin/sh\nprintf 'apt-mark'; for a; do printf ' [%s]' "$a"; done; echo\n`, { mode: 0o755 });
    const decision = {
        backend: 'apt', install: [{ spec: { spec: 'kubelet=1.31.*', name: 'kubelet', version: '1.31.*' }, from: undefined, to: undefined }],
        upgrade: [], downgrade: [], remove: [], purge: [], hold: ['kubelet'], unhold: [], changesHeld: false, rehold: [], update: null, unchanged: [], errors: [],
    };
    const env = (extra) => ({ PATH: `${fake}:${process.env.PATH}`, FAKE_DIR: fake, ...extra });
    it('passes names unglobbed, one argument each, waits out a lock, then holds', () => {
        writeFileSync(join(fake, 'count'), '0');
        const r = runArgv(aptAction(decision, { lockTimeout: 30, installRecommends: false }).argv, env({ FAKE_LOCK: '1' }));
        assert.equal(r.status, 0, r.stderr);
        const lines = r.stdout.trim().split('\n');
        assert.match(lines[0], /^apt-get \[-q\] \[-y\] .*\[--no-install-recommends\] \[install\] \[kubelet=1\.31\.\*\] \[-o\] \[DPkg::Lock::Timeout=\d+\]$/);
        assert.equal(lines[1], 'apt-mark [hold] [kubelet]');
        assert.equal(readFileSync(join(fake, 'count'), 'utf8').trim(), '2', 'the locked attempt was retried once');
    });
    it('a failure shows apt\'s own words and its exit code, and stops before the hold', () => {
        writeFileSync(join(fake, 'count'), '0');
        const r = runArgv(['sh', '-c', APT_SCRIPT, ...aptAction(decision, { lockTimeout: 0 }).argv.slice(3)], env({ FAKE_FAIL: '1' }));
        assert.equal(r.status, 100);
        assert.match(r.stderr, /Unable to locate package nosuch/);
        assert.match(r.stderr, /k8sbm-apt: apt-get failed \(exit 100\)/);
        assert.doesNotMatch(r.stdout, /apt-mark/);
    });
});
//# sourceMappingURL=apt_repository-files.test.js.map