/**
 * IPv4 and IPv6 address arithmetic for the cidr_* template helpers. Pure: every function takes
 * text and returns text or numbers, and throws CidrError with a message users can act on.
 */
export class CidrError extends Error {
}
const BITS = { 4: 32, 6: 128 };
function parseV4(s) {
    const parts = s.split('.');
    if (parts.length !== 4)
        return undefined;
    let n = 0n;
    for (const p of parts) {
        if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0')))
            return undefined;
        const v = Number(p);
        if (v > 255)
            return undefined;
        n = (n << 8n) | BigInt(v);
    }
    return n;
}
function parseV6(s) {
    if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2)
        return undefined;
    let groups;
    const dbl = s.indexOf('::');
    const tail = (part) => (part === '' ? [] : part.split(':'));
    let head;
    let rest;
    if (dbl >= 0) {
        head = tail(s.slice(0, dbl));
        rest = tail(s.slice(dbl + 2));
    }
    else {
        head = tail(s);
        rest = [];
    }
    // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
    const expand = (list) => {
        const last = list[list.length - 1];
        if (last === undefined || !last.includes('.'))
            return list;
        const v4 = parseV4(last);
        if (v4 === undefined)
            return undefined;
        return [...list.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    };
    const h = dbl >= 0 ? head : expand(head);
    const r = dbl >= 0 ? expand(rest) : rest;
    if (!h || !r)
        return undefined;
    if (dbl >= 0) {
        const missing = 8 - h.length - r.length;
        if (missing < 1)
            return undefined;
        groups = [...h, ...Array(missing).fill('0'), ...r];
    }
    else {
        groups = h;
    }
    if (groups.length !== 8)
        return undefined;
    let n = 0n;
    for (const g of groups) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g))
            return undefined;
        n = (n << 16n) | BigInt(parseInt(g, 16));
    }
    return n;
}
/** Parse "10.0.0.5/24", "10.0.0.5" (a /32), "fd00::1/64". */
export function parseNet(text) {
    const s = text.trim();
    const slash = s.indexOf('/');
    const addrText = slash >= 0 ? s.slice(0, slash) : s;
    const prefixText = slash >= 0 ? s.slice(slash + 1) : undefined;
    const v4 = parseV4(addrText);
    const version = v4 !== undefined ? 4 : 6;
    const addr = v4 ?? parseV6(addrText);
    if (addr === undefined)
        throw new CidrError(`"${text}" is not an IP address or network (e.g. 10.0.0.5/24 or fd00::1/64)`);
    let prefix = BITS[version];
    if (prefixText !== undefined) {
        if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > BITS[version]) {
            throw new CidrError(`"${text}" has an invalid prefix length (0 to ${BITS[version]} for IPv${version})`);
        }
        prefix = Number(prefixText);
    }
    return { version, addr, prefix };
}
function mask(version, prefix) {
    const bits = BigInt(BITS[version]);
    const all = (1n << bits) - 1n;
    return (all << (bits - BigInt(prefix))) & all;
}
export function formatAddr(version, n) {
    if (version === 4)
        return [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.');
    const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((sh) => Number((n >> sh) & 0xffffn));
    // RFC 5952: compress the longest run of two or more zero groups (the first on a tie).
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8;) {
        if (groups[i] !== 0) {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0)
            j++;
        if (j - i > bestLen) {
            best = i;
            bestLen = j - i;
        }
        i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best < 0)
        return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
export function cidrAddress(text) {
    const n = parseNet(text);
    return formatAddr(n.version, n.addr);
}
export function cidrPrefix(text) {
    return parseNet(text).prefix;
}
export function cidrNetmask(text) {
    const n = parseNet(text);
    return formatAddr(n.version, mask(n.version, n.prefix));
}
export function cidrNetwork(text) {
    const n = parseNet(text);
    return formatAddr(n.version, n.addr & mask(n.version, n.prefix));
}
export function cidrBroadcast(text) {
    const n = parseNet(text);
    if (n.version === 6)
        throw new CidrError('IPv6 has no broadcast address');
    const all = (1n << 32n) - 1n;
    return formatAddr(4, (n.addr & mask(4, n.prefix)) | (~mask(4, n.prefix) & all));
}
/** The nth address of the network: 0 is the network address, -1 the last one. */
export function cidrHost(text, nth) {
    if (!Number.isInteger(nth))
        throw new CidrError(`the host number must be an integer, got ${String(nth)}`);
    const n = parseNet(text);
    const size = 1n << BigInt(BITS[n.version] - n.prefix);
    const idx = nth >= 0 ? BigInt(nth) : size + BigInt(nth);
    if (idx < 0n || idx >= size) {
        throw new CidrError(`host ${nth} is outside ${formatAddr(n.version, n.addr & mask(n.version, n.prefix))}/${n.prefix} (it has ${size} addresses)`);
    }
    return formatAddr(n.version, (n.addr & mask(n.version, n.prefix)) + idx);
}
/** Whether `inner` (an address or a network) lies inside the network `outer`. */
export function cidrContains(outer, inner) {
    const o = parseNet(outer);
    const i = parseNet(inner);
    if (o.version !== i.version || i.prefix < o.prefix)
        return false;
    const m = mask(o.version, o.prefix);
    return (o.addr & m) === (i.addr & m);
}
//# sourceMappingURL=cidr.js.map