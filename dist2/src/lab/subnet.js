import { ipv4ToInt, LAB_RANGE, subnetAt } from './names.js';
export function parseIpAddrJson(text) {
    const links = JSON.parse(text || '[]');
    const out = [];
    for (const link of links) {
        for (const a of link.addr_info ?? []) {
            if (a.family === 'inet' && a.local && typeof a.prefixlen === 'number')
                out.push({ dev: link.ifname ?? '', address: a.local, prefixlen: a.prefixlen });
        }
    }
    return out;
}
/** Routes with a destination prefix; `default` routes cover everything and say nothing about use. */
export function parseIpRouteJson(text) {
    const routes = JSON.parse(text || '[]');
    const out = [];
    for (const r of routes) {
        if (!r.dst || r.dst === 'default')
            continue;
        const [address, len] = r.dst.split('/');
        if (!address || !/^\d+\.\d+\.\d+\.\d+$/.test(address))
            continue;
        out.push({ dev: r.dev ?? '', address, prefixlen: len === undefined ? 32 : Number(len) });
    }
    return out;
}
function overlaps(a, network, prefixlen) {
    const len = Math.min(a.prefixlen, prefixlen);
    const size = 2 ** (32 - len);
    return Math.floor(ipv4ToInt(a.address) / size) === Math.floor(network / size);
}
/**
 * Indexes of the lab range's /24s that an address or route of another interface overlaps.
 * A route wider than the whole range (a VPN's 198.0.0.0/8, say) does not count: a lab's /24
 * route is more specific and the lab stays reachable.
 */
export function usedSubnetIndexes(addresses, routes, exceptDev) {
    const used = new Set();
    const relevant = [
        ...addresses,
        ...routes.filter((r) => r.prefixlen >= LAB_RANGE.prefix),
    ].filter((p) => p.dev !== exceptDev && overlaps(p, LAB_RANGE.first, LAB_RANGE.prefix));
    for (const p of relevant) {
        if (p.prefixlen >= 24) {
            used.add(Math.floor((ipv4ToInt(p.address) - LAB_RANGE.first) / 256));
            continue;
        }
        for (let i = 0; i < LAB_RANGE.subnets; i++) {
            if (overlaps(p, ipv4ToInt(subnetAt(i).network), 24))
                used.add(i);
        }
    }
    return used;
}
/**
 * Candidates in the order to try them: from a start that depends on the lab, so labs that come
 * up at the same moment mostly try different subnets first.
 */
export function subnetCandidates(start, skip) {
    const out = [];
    for (let k = 0; k < LAB_RANGE.subnets; k++) {
        const i = (start + k) % LAB_RANGE.subnets;
        if (!skip.has(i))
            out.push(i);
    }
    return out;
}
/** A lab's preferred first subnet, from its id (hex). */
export function preferredSubnetIndex(id) {
    return parseInt(id, 16) % LAB_RANGE.subnets;
}
//# sourceMappingURL=subnet.js.map