/**
 * OpenPGP keys for apt's signed-by keyrings. ASCII armor is base64 with a checksum, so the
 * controller turns it into the binary keyring itself: the host needs no gpg (minimal images
 * have none, which is half of why apt-key setups break), and the bytes written are known
 * before anything runs, so a key already in place is recognised by its checksum.
 */
const ARMOR_BEGIN = /^-----BEGIN PGP (PUBLIC KEY BLOCK|PRIVATE KEY BLOCK|SIGNATURE|MESSAGE)-----\s*$/;
export class KeyFormatError extends Error {
}
/** RFC 4880 6.1: CRC-24 of the binary data, as armor's "=XXXX" line carries it. */
export function crc24(data) {
    let crc = 0xb704ce;
    for (const byte of data) {
        crc ^= byte << 16;
        for (let i = 0; i < 8; i++) {
            crc <<= 1;
            if (crc & 0x1000000)
                crc ^= 0x1864cfb;
        }
    }
    return crc & 0xffffff;
}
export function isArmored(text) {
    return /-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(text);
}
/**
 * Every PUBLIC KEY BLOCK in the text, decoded and concatenated (a keyring file may hold several
 * keys). Throws KeyFormatError on a private key, a damaged block or a checksum mismatch.
 */
export function dearmorKeys(text) {
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    const parts = [];
    for (let i = 0; i < lines.length; i++) {
        const begin = ARMOR_BEGIN.exec(lines[i].trim());
        if (!begin)
            continue;
        if (begin[1] !== 'PUBLIC KEY BLOCK')
            throw new KeyFormatError(`expected a public key, found a PGP ${begin[1].toLowerCase()}`);
        let j = i + 1;
        // Armor headers ("Version:", "Comment:") end at the first blank line.
        while (j < lines.length && /^[A-Za-z][A-Za-z0-9-]*: /.test(lines[j]))
            j++;
        if (j < lines.length && lines[j].trim() === '')
            j++;
        let body = '';
        let checksum;
        for (; j < lines.length; j++) {
            const line = lines[j].trim();
            if (line === '-----END PGP PUBLIC KEY BLOCK-----')
                break;
            if (/^=[A-Za-z0-9+/]{4}$/.test(line))
                checksum = line.slice(1);
            else if (/^[A-Za-z0-9+/=]*$/.test(line))
                body += line;
            else
                throw new KeyFormatError(`unexpected line in the armored key: ${line.slice(0, 40)}`);
        }
        if (j >= lines.length)
            throw new KeyFormatError('the armored key has no END line (truncated?)');
        const data = Buffer.from(body, 'base64');
        if (data.length === 0)
            throw new KeyFormatError('the armored key is empty');
        if (checksum !== undefined) {
            const want = Buffer.from(checksum, 'base64').readUIntBE(0, 3);
            if (crc24(data) !== want)
                throw new KeyFormatError('the armored key fails its checksum (damaged or truncated)');
        }
        parts.push(data);
        i = j;
    }
    if (parts.length === 0)
        throw new KeyFormatError('no "-----BEGIN PGP PUBLIC KEY BLOCK-----" found');
    return Buffer.concat(parts);
}
/** A binary OpenPGP public key starts with a packet tag: bit 7 set, tag 6 (public key). */
export function looksLikeBinaryKey(data) {
    const b = data[0];
    if (b === undefined || (b & 0x80) === 0)
        return false;
    const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
    return tag === 6;
}
/** Key bytes as apt reads them from a signed-by file: armored text dearmored, binary as is. */
export function keyringBytes(data) {
    const head = data.subarray(0, 4096).toString('latin1');
    if (/-----BEGIN PGP/.test(head))
        return dearmorKeys(data.toString('utf8'));
    if (looksLikeBinaryKey(data))
        return data;
    throw new KeyFormatError('not an OpenPGP public key (neither armored text nor a binary key)');
}
//# sourceMappingURL=apt_repository-key.js.map