import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commentOutSwap, escapeFstabField, formatFstabLine, normalizeMountPath, parseFstab, removeFstabEntry, setFstabEntry, } from '../../src/modules/system/mount-fstab.js';
import { liveMismatch, sourceComparable } from '../../src/modules/system/mount-plan.js';
const fstab = [
    '# <file system> <mount point>   <type>  <options>       <dump>  <pass>',
    'UUID=7d1c /               ext4    errors=remount-ro 0       1',
    '',
    '/dev/sdb1\t/mnt/my\\040disk\text4\tdefaults',
    '/swap.img       none    swap    sw      0       0',
    '#/dev/sdc1 /old ext4 defaults 0 0',
    '',
].join('\n');
const entry = (e) => ({ src: 'tmpfs', path: '/mnt/t', fstype: 'tmpfs', opts: 'defaults', dump: '0', passno: '0', ...e });
describe('fstab', () => {
    it('parses entries with escapes, default fields, and skips comments', () => {
        assert.deepEqual(parseFstab(fstab).map(({ line, src, path, fstype, opts, dump, passno }) => [line, src, path, fstype, opts, dump, passno]), [
            [1, 'UUID=7d1c', '/', 'ext4', 'errors=remount-ro', '0', '1'],
            [3, '/dev/sdb1', '/mnt/my disk', 'ext4', 'defaults', '0', '0'],
            [4, '/swap.img', 'none', 'swap', 'sw', '0', '0'],
        ]);
    });
    it('writes fields with the kernel\'s octal escapes', () => {
        assert.equal(escapeFstabField('/mnt/a b\\c\td'), '/mnt/a\\040b\\134c\\011d');
        assert.equal(formatFstabLine(entry({ path: '/mnt/a b' })), 'tmpfs /mnt/a\\040b tmpfs defaults 0 0');
        assert.equal(normalizeMountPath('/mnt/x//'), '/mnt/x');
        assert.equal(normalizeMountPath('/'), '/');
    });
    it('an entry already right is no edit; missing dump/pass fields count as 0', () => {
        assert.equal(setFstabEntry(fstab, entry({ src: '/dev/sdb1', path: '/mnt/my disk', fstype: 'ext4' })), fstab);
    });
    it('a changed entry is rewritten in place; a new one appended; other lines untouched', () => {
        const changed = setFstabEntry(fstab, entry({ src: '/dev/sdb1', path: '/mnt/my disk', fstype: 'ext4', opts: 'defaults,noatime' }));
        assert.equal(changed, fstab.replace('/dev/sdb1\t/mnt/my\\040disk\text4\tdefaults', '/dev/sdb1 /mnt/my\\040disk ext4 defaults,noatime 0 0'));
        assert.equal(setFstabEntry(fstab, entry({})), `${fstab}tmpfs /mnt/t tmpfs defaults 0 0\n`);
        assert.equal(setFstabEntry('a / ext4 defaults 0 1', entry({})), 'a / ext4 defaults 0 1\ntmpfs /mnt/t tmpfs defaults 0 0\n');
    });
    it('duplicates collapse onto the first line, which keeps its spacing when right', () => {
        const dup = 'tmpfs\t/mnt/t\ttmpfs\tdefaults\t0\t0\n# x\ntmpfs /mnt/t tmpfs size=1m 0 0\n';
        assert.equal(setFstabEntry(dup, entry({})), 'tmpfs\t/mnt/t\ttmpfs\tdefaults\t0\t0\n# x\n');
    });
    it('removal drops every line of the mount point and nothing else', () => {
        assert.equal(removeFstabEntry(fstab, '/mnt/my disk'), fstab.replace('/dev/sdb1\t/mnt/my\\040disk\text4\tdefaults\n', ''));
        assert.equal(removeFstabEntry(fstab, '/nowhere'), fstab);
    });
    it('swap lines are commented out with one "#" (all, or those of one source); comments stay comments', () => {
        const all = commentOutSwap(fstab);
        assert.equal(all.text, fstab.replace('/swap.img       none', '#/swap.img       none'));
        assert.deepEqual(all.entries.map((e) => e.src), ['/swap.img']);
        assert.equal(commentOutSwap(all.text).entries.length, 0, 'a second pass finds nothing');
        assert.equal(commentOutSwap(fstab, '/dev/other').text, fstab);
    });
});
describe('comparing a live mount with the entry', () => {
    const live = { path: '/data', src: '/dev/sdb1', fstype: 'xfs', opts: 'rw,relatime', root: '/' };
    it('tags, /dev/disk links and bind mounts are trusted; plain sources and types are compared', () => {
        assert.equal(sourceComparable(entry({ src: 'UUID=1234' })), false);
        assert.equal(sourceComparable(entry({ src: '/dev/disk/by-id/x' })), false);
        assert.equal(sourceComparable(entry({ src: '/srv/data', opts: 'bind,ro' })), false);
        assert.equal(sourceComparable(entry({ src: '/dev/sdb1' })), true);
        assert.equal(liveMismatch(live, entry({ src: '/dev/sdb1', fstype: 'xfs' })), undefined);
        assert.equal(liveMismatch(live, entry({ src: '/dev/sdc1', fstype: 'xfs' })), 'mounted from /dev/sdb1, not /dev/sdc1');
        assert.equal(liveMismatch(live, entry({ src: 'LABEL=data', fstype: 'ext4' })), 'mounted as xfs, not ext4');
        assert.equal(liveMismatch(live, entry({ src: 'LABEL=data', fstype: 'auto' })), undefined);
    });
});
//# sourceMappingURL=mount-fstab.test.js.map