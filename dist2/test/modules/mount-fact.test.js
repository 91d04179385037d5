import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mountAt, parseMountFactOutput, parseMountinfo, parseProcSwaps, unescapeOctal } from '../../src/facts/mount.js';
import { FactParseError } from '../../src/facts/types.js';
import { fixture } from '../helpers/paths.js';
/**
 * Outputs of the facts' scripts captured on a lab node (`k8sbm lab`) after mounting a tmpfs at
 * "/mnt/with space" and writing an fstab with a swap line: the node's own mount namespace, an
 * empty /proc/swaps, and a /proc/sys where only net.* is writable.
 */
const captured = (family) => readFileSync(fixture('facts', family, 'lab-node.stdout'), 'utf8');
const ok = (stdout, code = 0) => ({ code, signal: null, stdout, stderr: '' });
describe('mount fact on a lab node', () => {
    const f = parseMountFactOutput(ok(captured('mount')), { files: ['/etc/fstab'] });
    it('mounts in order, escapes undone, the top mount of a path found', () => {
        assert.deepEqual(f.mounts[0], { path: '/', src: 'k8sbm-node', fstype: 'overlay', opts: 'rw,relatime', root: '/' });
        assert.deepEqual(mountAt(f, '/mnt/with space'), { path: '/mnt/with space', src: 'k8sbm-capture', fstype: 'tmpfs', opts: 'rw,relatime', root: '/' });
        assert.equal(mountAt(f, '/proc/sys/net').root, '/sys/net', 'a bind mount shows the path inside its source');
        assert.equal(f.mounts.filter((m) => m.path === '/dev/shm').length, 3);
        assert.equal(mountAt(f, '/dev/shm').src, 'shm', 'stacked mounts: the last one is on top');
        assert.equal(mountAt(f, '/mnt/k8sbm-test'), undefined);
    });
    it('no active swap; fstab text as written', () => {
        assert.deepEqual(f.swaps, []);
        assert.equal(f.files['/etc/fstab'].text, 'UUID=7d1c / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n');
    });
    it('/proc/swaps lines, and the kernel\'s octal escapes', () => {
        const swaps = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swap.img                               file\t\t2097148\t\t0\t\t-2\n/dev/sda3 partition 8388604 1024 -3\n/var/my\\040swap file 1024 0 -4\n';
        assert.deepEqual(parseProcSwaps(swaps), [
            { file: '/swap.img', type: 'file' }, { file: '/dev/sda3', type: 'partition' }, { file: '/var/my swap', type: 'file' },
        ]);
        assert.equal(unescapeOctal('a\\040b\\011c\\134d'), 'a b\tc\\d');
    });
    it('refuses what is not mountinfo', () => {
        assert.throws(() => parseMountinfo('garbage line\n'), FactParseError);
        assert.throws(() => parseMountFactOutput({ code: 1, signal: null, stdout: '', stderr: 'cat: /proc/self/mountinfo: No such file' }, { files: [] }), /cannot read mounts/);
    });
});
//# sourceMappingURL=mount-fact.test.js.map