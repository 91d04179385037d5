import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editAuthorizedKeys, formatKeyLine, parseKeyLine, parseWantedKeys, sameKeyLine, splitKeyOptions, } from '../../src/modules/accounts/authorized_key-lines.js';
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIGg9n4mRA0vpmVyS3HmjcNRjB5mAP2f3m8Qkq2W9aF8G';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';
const EC = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=';
describe('authorized_keys lines', () => {
    it('parses options (quoted commas and spaces), type, body and comment', () => {
        assert.deepEqual(parseKeyLine(`command="echo a, b",no-pty ssh-ed25519 ${ED} alice at laptop`), {
            options: ['command="echo a, b"', 'no-pty'], type: 'ssh-ed25519', body: ED, comment: 'alice at laptop',
        });
        assert.deepEqual(parseKeyLine(`ecdsa-sha2-nistp256 ${EC}`), { options: [], type: 'ecdsa-sha2-nistp256', body: EC, comment: '' });
        assert.equal(parseKeyLine('# a comment'), undefined);
        assert.equal(parseKeyLine(''), undefined);
        assert.equal(parseKeyLine('ssh-ed25519 not-base64!'), undefined);
        assert.equal(parseKeyLine('ssh-foo AAAA'), undefined);
    });
    it('formats a key back the way it reads', () => {
        const line = `from="10.0.0.0/8",no-pty ssh-rsa ${RSA} backup`;
        assert.equal(formatKeyLine(parseKeyLine(line)), line);
        assert.deepEqual(splitKeyOptions('a, b="x,y" ,c'), ['a', 'b="x,y"', 'c']);
    });
    it('options compare in any order; the comment counts (as in Ansible)', () => {
        const a = parseKeyLine(`no-pty,from="x" ssh-rsa ${RSA} c`);
        assert.ok(sameKeyLine(a, parseKeyLine(`from="x",no-pty ssh-rsa ${RSA} c`)));
        assert.ok(!sameKeyLine(a, parseKeyLine(`from="x",no-pty ssh-rsa ${RSA} other`)));
        assert.ok(!sameKeyLine(a, parseKeyLine(`ssh-rsa ${RSA} c`)));
    });
    it('the key param: several lines, comments skipped, invalid lines reported, overrides applied', () => {
        const w = parseWantedKeys(`# team\nssh-ed25519 ${ED} a\n\nnot a key\nssh-rsa ${RSA} b\nssh-ed25519 ${ED} dup\n`, 'no-pty', 'ops');
        assert.deepEqual(w.invalid, [4]);
        assert.deepEqual(w.keys.map((k) => [k.type, k.options, k.comment]), [['ssh-ed25519', ['no-pty'], 'ops'], ['ssh-rsa', ['no-pty'], 'ops']]);
    });
});
describe('editAuthorizedKeys', () => {
    const file = `# hand-written\nssh-rsa ${RSA} backup\n`;
    const ed = parseKeyLine(`ssh-ed25519 ${ED} alice@laptop`);
    const present = { state: 'present', exclusive: false };
    it('appends a new key and keeps everything else', () => {
        const e = editAuthorizedKeys(file, [ed], present);
        assert.equal(e.content, `${file}ssh-ed25519 ${ED} alice@laptop\n`);
        assert.deepEqual(e.added, [ed]);
    });
    it('a key already there is no change, even in a file without a final newline', () => {
        const text = `ssh-ed25519 ${ED} alice@laptop`;
        const e = editAuthorizedKeys(text, [ed], present);
        assert.equal(e.content, text);
        assert.equal(e.added.length + e.updated.length + e.removed.length, 0);
    });
    it('a different comment or options rewrites the line in place and drops duplicates of the body', () => {
        const text = `ssh-ed25519 ${ED} old\n# keep\nno-pty ssh-ed25519 ${ED} old2\n`;
        const e = editAuthorizedKeys(text, [ed], present);
        assert.equal(e.content, `ssh-ed25519 ${ED} alice@laptop\n# keep\n`);
        assert.equal(e.updated.length, 1);
    });
    it('absent removes every line with the body; a missing key is no change', () => {
        const text = `ssh-ed25519 ${ED} a\nssh-rsa ${RSA} b\nfrom="x" ssh-ed25519 ${ED} c\n`;
        const e = editAuthorizedKeys(text, [ed], { state: 'absent', exclusive: false });
        assert.equal(e.content, `ssh-rsa ${RSA} b\n`);
        assert.equal(editAuthorizedKeys(`ssh-rsa ${RSA} b\n`, [ed], { state: 'absent', exclusive: false }).content, `ssh-rsa ${RSA} b\n`);
    });
    it('exclusive keeps only the wanted keys, in the order the file had them', () => {
        const rsa = parseKeyLine(`ssh-rsa ${RSA} backup`);
        const text = `ssh-rsa ${RSA} backup\n# note\nssh-ed25519 ${ED} alice@laptop\nssh-ed25519 ${ED} alice@laptop\n`;
        const e = editAuthorizedKeys(text, [ed, rsa], { state: 'present', exclusive: true });
        assert.equal(e.content, `ssh-rsa ${RSA} backup\nssh-ed25519 ${ED} alice@laptop\n`);
        assert.equal(e.droppedLines, 1);
        const same = editAuthorizedKeys(`ssh-rsa ${RSA} backup\nssh-ed25519 ${ED} alice@laptop\n`, [ed, rsa], { state: 'present', exclusive: true });
        assert.equal(same.removed.length + same.droppedLines + same.added.length, 0);
        assert.equal(editAuthorizedKeys(text, [], { state: 'present', exclusive: true }).content, '');
    });
});
//# sourceMappingURL=authorized_key-lines.test.js.map