import { ipv4ToInt, LAB_RANGE, subnetAt } from './names.js';

/**
 * Which /24s of the benchmarking range are taken, read from `ip -j -4 addr` and
 * `ip -j -4 route` of the machine's namespace. Pure: the caller runs the commands.
 */

export interface Ipv4Prefix {
  /** Interface the address or route belongs to. */
  readonly dev: string;
  readonly address: string;
  readonly prefixlen: number;
}

interface IpAddrJson { ifname?: string; addr_info?: { family?: string; local?: string; prefixlen?: number }[] }
interface IpRouteJson { dst?: string; dev?: string }

export function parseIpAddrJson(text: string): Ipv4Prefix[] {
  const links = JSON.parse(text || '[]') as IpAddrJson[];
  const out: Ipv4Prefix[] = [];
  for (const link of links) {
    for (const a of link.addr_info ?? []) {
      if (a.family === 'inet' && a.local && typeof a.prefixlen === 'number') out.push({ dev: link.ifname ?? '', address: a.local, prefixlen: a.prefixlen });
    }
  }
  return out;
}

/** Routes with a destination prefix; `default` routes cover everything and say nothing about use. */
export function parseIpRouteJson(text: string): Ipv4Prefix[] {
  const routes = JSON.parse(text || '[]') as IpRouteJson[];
  const out: Ipv4Prefix[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default') continue;
    const [address, len] = r.dst.split('/');
    if (!address || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) continue;
    out.push({ dev: r.dev ?? '', address, prefixlen: len === undefined ? 32 : Number(len) });
  }
  return out;
}

function overlaps(a: Ipv4Prefix, network: number, prefixlen: number): boolean {
  const len = Math.min(a.prefixlen, prefixlen);
  const size = 2 ** (32 - len);
  return Math.floor(ipv4ToInt(a.address) / size) === Math.floor(network / size);
}

/**
 * Indexes of the lab range's /24s that an address or route of another interface overlaps.
 * A route wider than the whole range (a VPN's 198.0.0.0/8, say) does not count: a lab's /24
 * route is more specific and the lab stays reachable.
 */
export function usedSubnetIndexes(addresses: readonly Ipv4Prefix[], routes: readonly Ipv4Prefix[], exceptDev?: string): Set<number> {
  const used = new Set<number>();
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
      if (overlaps(p, ipv4ToInt(subnetAt(i).network), 24)) used.add(i);
    }
  }
  return used;
}

/**
 * Candidates in the order to try them: from a start that depends on the lab, so labs that come
 * up at the same moment mostly try different subnets first.
 */
export function subnetCandidates(start: number, skip: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let k = 0; k < LAB_RANGE.subnets; k++) {
    const i = (start + k) % LAB_RANGE.subnets;
    if (!skip.has(i)) out.push(i);
  }
  return out;
}

/** A lab's preferred first subnet, from its id (hex). */
export function preferredSubnetIndex(id: string): number {
  return parseInt(id, 16) % LAB_RANGE.subnets;
}
