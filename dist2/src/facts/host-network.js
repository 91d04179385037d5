function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v) {
    return typeof v === 'string' ? v : null;
}
function num(v) {
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function strings(v) {
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}
/** JSON.parse that answers [] for anything but an array of objects (empty, old `ip`, truncated). */
export function parseJsonArray(text) {
    const t = text.trim();
    if (!t.startsWith('['))
        return [];
    try {
        const v = JSON.parse(t);
        return Array.isArray(v) ? v.filter(isObject) : [];
    }
    catch {
        return [];
    }
}
// ---- IPv4 arithmetic, for netmask/network (playbooks template these into configs) ----
export function ipv4ToInt(addr) {
    const parts = addr.split('.');
    if (parts.length !== 4)
        return null;
    let n = 0;
    for (const p of parts) {
        if (!/^\d{1,3}$/.test(p) || Number(p) > 255)
            return null;
        n = n * 256 + Number(p);
    }
    return n;
}
export function intToIpv4(n) {
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
export function prefixToNetmask(prefixlen) {
    const p = Math.max(0, Math.min(32, prefixlen));
    return intToIpv4(p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
}
export function ipv4Network(addr, prefixlen) {
    const a = ipv4ToInt(addr);
    const m = ipv4ToInt(prefixToNetmask(prefixlen));
    return a === null || m === null ? '' : intToIpv4((a & m) >>> 0);
}
function ipv4InSubnet(candidate, addr, prefixlen) {
    const net = ipv4Network(addr, prefixlen);
    return net !== '' && ipv4Network(candidate, prefixlen) === net;
}
/** Expands "2001:db8::1" to eight 16-bit groups; null when it is not an IPv6 address. */
function ipv6Groups(addr) {
    const bare = addr.split('%')[0] ?? '';
    const halves = bare.split('::');
    if (halves.length > 2)
        return null;
    const parse = (s) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
    const head = parse(halves[0] ?? '');
    const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
    const fill = 8 - head.length - tail.length;
    if (fill < 0 || (halves.length === 1 && fill !== 0))
        return null;
    const groups = [...head, ...new Array(fill).fill(0), ...tail];
    return groups.some(Number.isNaN) ? null : groups;
}
function ipv6InSubnet(candidate, addr, prefixlen) {
    const a = ipv6Groups(candidate);
    const b = ipv6Groups(addr);
    if (!a || !b)
        return false;
    for (let bit = 0; bit < Math.min(128, prefixlen); bit++) {
        const g = bit >> 4;
        const mask = 0x8000 >> (bit & 15);
        if (((a[g] ?? 0) & mask) !== ((b[g] ?? 0) & mask))
            return false;
    }
    return true;
}
// ---- interfaces ----
function bondOf(data) {
    return {
        mode: str(data.mode) ?? '',
        miimon: num(data.miimon),
        xmit_hash_policy: str(data.xmit_hash_policy),
        lacp_rate: str(data.ad_lacp_rate),
        min_links: num(data.min_links),
        active_slave: str(data.active_slave),
    };
}
function vlanOf(data) {
    const id = num(data.id);
    return id === null ? null : { id, protocol: str(data.protocol) ?? '802.1Q' };
}
function bridgeOf(data) {
    return { stp: (num(data.stp_state) ?? 0) !== 0, vlan_filtering: (num(data.vlan_filtering) ?? 0) !== 0 };
}
function slaveOf(linkinfo) {
    const kind = str(linkinfo.info_slave_kind);
    if (!kind)
        return null;
    const data = isObject(linkinfo.info_slave_data) ? linkinfo.info_slave_data : {};
    return {
        kind,
        state: str(data.state),
        mii_status: str(data.mii_status),
        perm_mac: str(data.perm_hwaddr),
    };
}
function addressesOf(link) {
    const ipv4 = [];
    const ipv6 = [];
    const infos = Array.isArray(link.addr_info) ? link.addr_info : [];
    for (const a of infos) {
        if (!isObject(a))
            continue;
        const address = str(a.local);
        const prefixlen = num(a.prefixlen);
        if (!address || prefixlen === null)
            continue;
        if (a.family === 'inet') {
            ipv4.push({
                address, prefixlen, netmask: prefixToNetmask(prefixlen), network: ipv4Network(address, prefixlen),
                broadcast: str(a.broadcast), scope: str(a.scope) ?? '', secondary: a.secondary === true,
                label: str(a.label),
            });
        }
        else if (a.family === 'inet6') {
            ipv6.push({
                address, prefixlen, scope: str(a.scope) ?? '', temporary: a.temporary === true,
                deprecated: a.deprecated === true,
            });
        }
    }
    return { ipv4, ipv6 };
}
/** `ip -j -d addr show` -> interfaces by name, with bond/bridge membership resolved both ways. */
export function parseIpAddrJson(text) {
    const links = parseJsonArray(text);
    const byName = {};
    const order = [];
    for (const link of links) {
        const name = str(link.ifname);
        if (!name)
            continue;
        const linkinfo = isObject(link.linkinfo) ? link.linkinfo : {};
        const kind = str(linkinfo.info_kind);
        const data = isObject(linkinfo.info_data) ? linkinfo.info_data : {};
        const flags = strings(link.flags);
        const index = num(link.ifindex) ?? 0;
        const master = str(link.master);
        order.push({ name, index, master });
        byName[name] = {
            name, index,
            mac: str(link.address) ?? '',
            mtu: num(link.mtu) ?? 0,
            state: str(link.operstate) ?? 'UNKNOWN',
            up: flags.includes('UP'),
            flags,
            link_type: str(link.link_type) ?? '',
            kind,
            altnames: strings(link.altnames),
            parent: str(link.link),
            master,
            slave: slaveOf(linkinfo),
            slaves: [],
            bond: kind === 'bond' ? bondOf(data) : null,
            vlan: kind === 'vlan' ? vlanOf(data) : null,
            bridge: kind === 'bridge' ? bridgeOf(data) : null,
            ...addressesOf(link),
        };
    }
    for (const { name, master } of [...order].sort((a, b) => a.index - b.index)) {
        const owner = master ? byName[master] : undefined;
        if (owner)
            byName[owner.name] = { ...owner, slaves: [...owner.slaves, name] };
    }
    return byName;
}
export function allAddresses(interfaces) {
    const v4 = [];
    const v6 = [];
    for (const i of Object.values(interfaces).sort((a, b) => a.index - b.index)) {
        for (const a of i.ipv4)
            if (a.scope !== 'host')
                v4.push(a.address);
        for (const a of i.ipv6)
            if (a.scope !== 'host')
                v6.push(a.address);
    }
    return { v4, v6 };
}
const UNUSABLE_ROUTE_TYPES = new Set(['unreachable', 'blackhole', 'prohibit', 'throw']);
/** `ip -j route show default`: the route the kernel prefers (lowest metric), ECMP -> first hop. */
export function parseDefaultRoute(text) {
    let best = null;
    for (const r of parseJsonArray(text)) {
        if (UNUSABLE_ROUTE_TYPES.has(str(r.type) ?? ''))
            continue;
        const hop = Array.isArray(r.nexthops) && isObject(r.nexthops[0]) ? r.nexthops[0] : r;
        const dev = str(hop.dev) ?? str(r.dev);
        if (!dev)
            continue;
        const route = {
            dev, gateway: str(hop.gateway) ?? str(r.gateway), prefsrc: str(r.prefsrc), metric: num(r.metric) ?? 0,
        };
        if (!best || route.metric < best.metric)
            best = route;
    }
    return best;
}
/**
 * The address a host is reached at over its default route: the route's own source if it names
 * one, else the primary address on the gateway's subnet (a /32 VIP from keepalived never wins),
 * else the interface's first primary address.
 */
function pickIpv4(route, addrs) {
    const usable = addrs.filter((a) => a.scope !== 'host');
    const gw = route.gateway;
    return (usable.find((a) => a.address === route.prefsrc) ??
        (gw ? usable.find((a) => !a.secondary && ipv4InSubnet(gw, a.address, a.prefixlen)) : undefined) ??
        (gw ? usable.find((a) => ipv4InSubnet(gw, a.address, a.prefixlen)) : undefined) ??
        usable.find((a) => !a.secondary) ??
        usable[0]);
}
function pickIpv6(route, addrs) {
    const global = addrs.filter((a) => a.scope === 'global');
    const stable = global.filter((a) => !a.temporary && !a.deprecated);
    const gw = route.gateway;
    const onLink = gw && !gw.toLowerCase().startsWith('fe80:');
    return (global.find((a) => a.address === route.prefsrc) ??
        (onLink ? stable.find((a) => ipv6InSubnet(gw, a.address, a.prefixlen)) : undefined) ??
        stable[0] ??
        global[0]);
}
export function defaultIpv4Of(route, interfaces) {
    if (!route)
        return null;
    const iface = interfaces[route.dev];
    const a = iface ? pickIpv4(route, iface.ipv4) : undefined;
    return {
        interface: route.dev,
        gateway: route.gateway,
        address: a?.address ?? route.prefsrc,
        prefixlen: a?.prefixlen ?? null,
        netmask: a?.netmask ?? null,
        network: a?.network ?? null,
        broadcast: a?.broadcast ?? null,
        mac: iface?.mac ?? null,
        mtu: iface?.mtu ?? null,
        kind: iface?.kind ?? null,
    };
}
export function defaultIpv6Of(route, interfaces) {
    if (!route)
        return null;
    const iface = interfaces[route.dev];
    const a = iface ? pickIpv6(route, iface.ipv6) : undefined;
    return {
        interface: route.dev,
        gateway: route.gateway,
        address: a?.address ?? route.prefsrc,
        prefixlen: a?.prefixlen ?? null,
        mac: iface?.mac ?? null,
        mtu: iface?.mtu ?? null,
        kind: iface?.kind ?? null,
    };
}
//# sourceMappingURL=host-network.js.map