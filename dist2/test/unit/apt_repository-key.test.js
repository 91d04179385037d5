import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { crc24, dearmorKeys, keyringBytes, KeyFormatError, looksLikeBinaryKey } from '../../src/modules/packages/apt_repository-key.js';
import { fixture } from '../helpers/paths.js';
// fixture-key.asc is `gpg --armor --export` of a test key; fixture-key.gpg is `gpg --dearmor` of it.
const armored = readFileSync(fixture('facts', 'apt', 'fixture-key.asc'), 'utf8');
const binary = readFileSync(fixture('facts', 'apt', 'fixture-key.gpg'));
describe('dearmoring signing keys on the controller', () => {
    it('gives the same bytes as gpg --dearmor', () => {
        assert.deepEqual(dearmorKeys(armored), binary);
    });
    it('skips armor headers, CRLF line ends and text around the block', () => {
        const withHeaders = armored
            .replace('-----BEGIN PGP PUBLIC KEY BLOCK-----\n', '-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2\nComment: https://example.org/key\n')
            .replace(/\n/g, '\r\n');
        assert.deepEqual(dearmorKeys(`Download this key:\r\n${withHeaders}\r\nthanks\r\n`), binary);
    });
    it('concatenates several blocks into one keyring', () => {
        assert.deepEqual(dearmorKeys(`${armored}\n${armored}`), Buffer.concat([binary, binary]));
    });
    it('refuses a damaged block (checksum), a truncated one, a private key and plain text', () => {
        const lines = armored.split('\n');
        const body = lines.findIndex((l, i) => i > 1 && l.length > 20);
        const damaged = [...lines];
        damaged[body] = `${damaged[body].slice(0, 10)}${damaged[body][10] === 'A' ? 'B' : 'A'}${damaged[body].slice(11)}`;
        assert.throws(() => dearmorKeys(damaged.join('\n')), /checksum/);
        assert.throws(() => dearmorKeys(lines.slice(0, -3).join('\n')), /no END line/);
        assert.throws(() => dearmorKeys('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n'), /expected a public key/);
        assert.throws(() => dearmorKeys('hello'), KeyFormatError);
    });
    it('computes RFC 4880 CRC-24 (the armor checksum line)', () => {
        const line = armored.split('\n').find((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));
        assert.equal(crc24(binary), Buffer.from(line.slice(1), 'base64').readUIntBE(0, 3));
        assert.equal(crc24(new Uint8Array()), 0xb704ce);
    });
    it('takes a fetched key as apt would: armored dearmored, binary as is, anything else refused', () => {
        assert.ok(looksLikeBinaryKey(binary));
        assert.deepEqual(keyringBytes(Buffer.from(armored)), binary);
        assert.deepEqual(keyringBytes(binary), binary);
        assert.throws(() => keyringBytes(Buffer.from('<html>404</html>')), /not an OpenPGP public key/);
    });
});
//# sourceMappingURL=apt_repository-key.test.js.map