import { formatAddr, parseNet } from '../../template/cidr.js';

/** An address range (a network or MetalLB's `a-b`), both ends included, for overlap tests. */
export interface AddrRange {
  readonly version: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS = { 4: 32n, 6: 128n } as const;

/** "10.0.0.0/24" (host bits ignored), "10.0.0.5" (one address) or "10.0.0.10-10.0.0.20"; undefined when it is none of these. */
export function rangeOf(text: string): AddrRange | undefined {
  try {
    const dash = text.indexOf('-');
    if (dash > 0) {
      const a = parseNet(text.slice(0, dash).trim());
      const b = parseNet(text.slice(dash + 1).trim());
      if (a.version !== b.version || a.addr > b.addr) return undefined;
      return { version: a.version, first: a.addr, last: b.addr };
    }
    const n = parseNet(text);
    const host = BITS[n.version] - BigInt(n.prefix);
    const first = (n.addr >> host) << host;
    return { version: n.version, first, last: first + (1n << host) - 1n };
  } catch {
    return undefined;
  }
}

export function overlaps(a: AddrRange, b: AddrRange): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

export function sameRange(a: AddrRange, b: AddrRange): boolean {
  return a.version === b.version && a.first === b.first && a.last === b.last;
}

/** The address of "10.0.0.5/24" or "10.0.0.5", normalised ("v4:167772165"); undefined when it is none. */
export function addressKey(text: string): { key: string; shown: string; version: 4 | 6; addr: bigint } | undefined {
  try {
    const n = parseNet(text);
    return { key: `${n.version}:${n.addr}`, shown: formatAddr(n.version, n.addr), version: n.version, addr: n.addr };
  } catch {
    return undefined;
  }
}

/** The network an address is on: its own prefix when written with one, else `fallbackPrefix`. */
export function networkOf(text: string, fallbackPrefix: number | undefined): string | undefined {
  try {
    const n = parseNet(text);
    const prefix = text.includes('/') ? n.prefix : fallbackPrefix;
    if (prefix === undefined) return undefined;
    const host = BITS[n.version] - BigInt(prefix);
    return `${formatAddr(n.version, (n.addr >> host) << host)}/${prefix}`;
  } catch {
    return undefined;
  }
}

export function inRange(r: AddrRange, version: 4 | 6, addr: bigint): boolean {
  return r.version === version && r.first <= addr && addr <= r.last;
}
