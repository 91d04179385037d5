/**
 * The static lockout check of the nftables module: would a table, as nft itself parsed it
 * (`nft -j list table`), admit a NEW SSH connection from the address the run is connected from?
 *
 * It follows the packet through every base chain of the table on the input hook, rule by rule,
 * the way the kernel does (jump, goto, return, the chain's policy). Each match is evaluated for
 * the packet {family, source address, tcp, destination port, ct state new, not loopback}. A match
 * it does not understand (a meter, a mark, a vmap ...) is "unknown": an accept rule with an
 * unknown match is not relied on, a drop rule with one counts as a possible drop. So the answer
 * is "admitted" only when it is certain; everything else refuses, with the rule that decided.
 */
import { parseNet } from '../../template/cidr.js';

export interface SshPacket {
  readonly version: 4 | 6;
  /** The client's address as the node sees it (first field of $SSH_CONNECTION). */
  readonly saddr: bigint;
  readonly daddr: bigint;
  readonly dport: number;
}

export type LockoutVerdict =
  | { readonly admitted: true; readonly by: string }
  | { readonly admitted: false; readonly by: string };

type Tri = true | false | 'unknown';
type Json = unknown;
interface Rule { readonly chain: string; readonly expr: readonly Json[]; readonly text: string }
interface Chain { readonly name: string; readonly hook?: string; readonly prio?: number; readonly policy?: string; readonly rules: Rule[] }

/** "198.18.0.1 51234 198.18.0.2 22" -> the packet a new connection from there would be. */
export function packetFromSshConnection(conn: string): SshPacket | undefined {
  const [src, , dst, port] = conn.trim().split(/\s+/);
  if (!src || !dst || !port || !/^\d+$/.test(port)) return undefined;
  try {
    const s = parseNet(src.replace(/^::ffff:(?=\d+\.)/, ''));
    const d = parseNet(dst.replace(/^::ffff:(?=\d+\.)/, ''));
    if (s.version !== d.version) return undefined;
    return { version: s.version, saddr: s.addr, daddr: d.addr, dport: Number(port) };
  } catch {
    return undefined;
  }
}

const PROTO: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, 'ipv6-icmp': 58, icmpv6: 58, vrrp: 112, sctp: 132 };
const isObj = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

function addrOf(x: Json, version: 4 | 6): { lo: bigint; hi: bigint } | undefined {
  try {
    if (typeof x === 'string') {
      const n = parseNet(x);
      return n.version === version ? { lo: n.addr, hi: n.addr } : undefined;
    }
    if (isObj(x) && isObj(x.prefix)) {
      const n = parseNet(`${String(x.prefix.addr)}/${String(x.prefix.len)}`);
      if (n.version !== version) return undefined;
      const bits = BigInt((version === 4 ? 32 : 128) - n.prefix);
      const lo = (n.addr >> bits) << bits;
      return { lo, hi: lo + (1n << bits) - 1n };
    }
    if (isObj(x) && Array.isArray(x.range)) {
      const a = addrOf(x.range[0], version);
      const b = addrOf(x.range[1], version);
      return a && b ? { lo: a.lo, hi: b.hi } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The packet's value for a match's left side; undefined when the packet cannot have one (an ip6 field on IPv4). */
function leftValue(left: Json, p: SshPacket): { kind: 'addr' | 'num' | 'name'; v: bigint | number | string } | 'absent' | 'unknown' {
  if (!isObj(left)) return 'unknown';
  if (isObj(left.payload)) {
    const { protocol, field } = left.payload as { protocol?: string; field?: string };
    if (protocol === 'ip' || protocol === 'ip6') {
      if ((protocol === 'ip') !== (p.version === 4)) return 'absent';
      if (field === 'saddr') return { kind: 'addr', v: p.saddr };
      if (field === 'daddr') return { kind: 'addr', v: p.daddr };
      if (field === 'protocol' || field === 'nexthdr') return { kind: 'num', v: 6 };
      return 'unknown';
    }
    if (protocol === 'tcp' || protocol === 'th') {
      if (field === 'dport') return { kind: 'num', v: p.dport };
      return 'unknown';
    }
    if (typeof protocol === 'string' && protocol in PROTO) return 'absent';
    return 'unknown';
  }
  if (isObj(left.meta)) {
    const key = left.meta.key;
    if (key === 'l4proto') return { kind: 'num', v: 6 };
    if (key === 'nfproto') return { kind: 'name', v: p.version === 4 ? 'ipv4' : 'ipv6' };
    if (key === 'iif' || key === 'iifname') return { kind: 'name', v: '\u0000not-loopback' };
    return 'unknown';
  }
  if (isObj(left.ct) && left.ct.key === 'state' && left.ct.dir === undefined) return { kind: 'name', v: 'new' };
  return 'unknown';
}

function oneEquals(v: { kind: string; v: bigint | number | string }, x: Json, p: SshPacket, sets: Map<string, Json[]>): Tri {
  if (typeof x === 'string' && x.startsWith('@')) {
    const elems = sets.get(x.slice(1));
    return elems === undefined ? 'unknown' : anyOf(v, elems, p, sets);
  }
  if (isObj(x) && isObj(x.elem)) return oneEquals(v, x.elem.val, p, sets);
  if (isObj(x) && Array.isArray(x.set)) return anyOf(v, x.set, p, sets);
  if (v.kind === 'addr') {
    const r = addrOf(x, p.version);
    return r === undefined ? (typeof x === 'string' || isObj(x) ? false : 'unknown') : (v.v as bigint) >= r.lo && (v.v as bigint) <= r.hi;
  }
  if (v.kind === 'num') {
    if (typeof x === 'number') return x === v.v;
    if (typeof x === 'string') return x in PROTO ? PROTO[x] === v.v : /^\d+$/.test(x) ? Number(x) === v.v : 'unknown';
    if (isObj(x) && Array.isArray(x.range)) {
      const [a, b] = x.range.map((e) => (typeof e === 'number' ? e : Number(e)));
      return a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) ? 'unknown' : (v.v as number) >= a && (v.v as number) <= b;
    }
    return 'unknown';
  }
  if (typeof x === 'string') return x === v.v;
  return 'unknown';
}

function anyOf(v: { kind: string; v: bigint | number | string }, xs: readonly Json[], p: SshPacket, sets: Map<string, Json[]>): Tri {
  let unknown = false;
  for (const x of xs) {
    const r = oneEquals(v, x, p, sets);
    if (r === true) return true;
    if (r === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

function evalMatch(m: Record<string, Json>, p: SshPacket, sets: Map<string, Json[]>): Tri {
  const v = leftValue(m.left, p);
  if (v === 'absent') return false;
  if (v === 'unknown') return 'unknown';
  const op = m.op;
  // ct state flags: "ct state established,related" is op "in" with a list; "== new" a name.
  const right = Array.isArray(m.right) ? { set: m.right } : m.right;
  const eq = oneEquals(v, right, p, sets);
  if (op === '==' || op === 'in') return eq;
  if (op === '!=') return eq === 'unknown' ? 'unknown' : !eq;
  return 'unknown';
}

const VERDICTS = ['accept', 'drop', 'reject', 'jump', 'goto', 'return', 'continue', 'queue'] as const;
type Verdict = { kind: (typeof VERDICTS)[number]; target?: string };
const NEUTRAL = new Set(['counter', 'log', 'comment', 'notrack', 'mangle', 'ct count', 'xt']);

/** A rule's matches folded into one answer, and its verdict (undefined: none, the rule falls through). */
function evalRule(rule: Rule, p: SshPacket, sets: Map<string, Json[]>): { match: Tri; verdict?: Verdict } {
  let match: Tri = true;
  let verdict: Verdict | undefined;
  for (const e of rule.expr) {
    if (!isObj(e)) continue;
    const key = Object.keys(e)[0]!;
    if (key === 'match') {
      const r = evalMatch(e.match as Record<string, Json>, p, sets);
      if (r === false) return { match: false };
      if (r === 'unknown') match = 'unknown';
    } else if ((VERDICTS as readonly string[]).includes(key)) {
      const body = e[key];
      verdict = { kind: key as Verdict['kind'], ...(isObj(body) && typeof body.target === 'string' ? { target: body.target } : {}) };
    } else if (key === 'limit' || key === 'quota' || key === 'meter' || key === 'vmap') {
      match = 'unknown';
    } else if (!NEUTRAL.has(key)) {
      match = 'unknown';
    }
  }
  return { match, ...(verdict ? { verdict } : {}) };
}

function describeRule(r: Rule): string {
  return `rule in chain ${r.chain}: ${r.text}`;
}

type Outcome = { kind: 'accept' | 'drop' | 'return' | 'fallthrough'; by: string };

function walk(chain: Chain, chains: Map<string, Chain>, p: SshPacket, sets: Map<string, Json[]>, depth: number): Outcome {
  if (depth > 16) return { kind: 'drop', by: `chain ${chain.name}: jumps nest deeper than 16` };
  for (const rule of chain.rules) {
    const { match, verdict } = evalRule(rule, p, sets);
    if (match === false || !verdict) continue;
    if (match === 'unknown') {
      if (verdict.kind === 'drop' || verdict.kind === 'reject' || verdict.kind === 'queue') {
        return { kind: 'drop', by: `${describeRule(rule)} (may match: part of it cannot be evaluated here)` };
      }
      if (verdict.kind === 'jump' || verdict.kind === 'goto') {
        return { kind: 'drop', by: `${describeRule(rule)} (may jump: part of it cannot be evaluated here)` };
      }
      continue;
    }
    switch (verdict.kind) {
      case 'accept': return { kind: 'accept', by: describeRule(rule) };
      case 'drop': case 'reject': case 'queue': return { kind: 'drop', by: describeRule(rule) };
      case 'return': return { kind: 'return', by: describeRule(rule) };
      case 'continue': continue;
      case 'jump': case 'goto': {
        const target = chains.get(verdict.target ?? '');
        if (!target) return { kind: 'drop', by: `${describeRule(rule)} (chain ${verdict.target} not found)` };
        const r = walk(target, chains, p, sets, depth + 1);
        if (r.kind === 'accept' || r.kind === 'drop') return r;
        if (verdict.kind === 'goto') return { kind: 'return', by: r.by };
        continue;
      }
    }
  }
  return { kind: 'fallthrough', by: `end of chain ${chain.name}` };
}

/** `nft -j list table` output (the table alone) -> whether a new SSH connection like `packet` gets in. */
export function sshAdmitted(json: string, packet: SshPacket, ruleTexts: ReadonlyMap<string, readonly string[]> = new Map()): LockoutVerdict {
  const items = ((JSON.parse(json) as { nftables?: Json[] }).nftables ?? []).filter(isObj);
  const sets = new Map<string, Json[]>();
  const chains = new Map<string, Chain>();
  for (const it of items) {
    if (isObj(it.set)) sets.set(String(it.set.name), Array.isArray(it.set.elem) ? it.set.elem : []);
    if (isObj(it.chain)) {
      const c = it.chain;
      chains.set(String(c.name), {
        name: String(c.name), rules: [],
        ...(typeof c.hook === 'string' ? { hook: c.hook, prio: Number(c.prio ?? 0), policy: String(c.policy ?? 'accept') } : {}),
      });
    }
  }
  for (const it of items) {
    if (!isObj(it.rule)) continue;
    const chain = chains.get(String(it.rule.chain));
    if (!chain) continue;
    const texts = ruleTexts.get(chain.name);
    chain.rules.push({ chain: chain.name, expr: Array.isArray(it.rule.expr) ? it.rule.expr : [], text: texts?.[chain.rules.length] ?? `rule ${chain.rules.length + 1}` });
  }
  const base = [...chains.values()].filter((c) => c.hook === 'input' || c.hook === 'prerouting').sort((a, b) => (a.prio ?? 0) - (b.prio ?? 0));
  let by = 'no input chain in the table';
  for (const chain of base) {
    const r = walk(chain, chains, packet, sets, 0);
    if (r.kind === 'drop') return { admitted: false, by: r.by };
    if (r.kind === 'accept') by = r.by;
    else if (chain.policy === 'drop') return { admitted: false, by: `the policy drop of chain ${chain.name} (no rule accepts it)` };
    else by = `the policy accept of chain ${chain.name}`;
  }
  return { admitted: true, by };
}

/** The rules of each chain as `nft list table` prints them, in order, to name a rule in a message. */
export function ruleTextsOf(listing: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let chain: string | undefined;
  let depth = 0;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const m = /^chain (\S+) \{$/.exec(line);
    if (m && depth === 1) {
      chain = m[1]!;
      out.set(chain, []);
      depth++;
      continue;
    }
    if (line.endsWith('{')) { depth++; continue; }
    if (line === '}') { depth--; if (depth <= 1) chain = undefined; continue; }
    if (chain && depth === 2 && line && !line.startsWith('type ') && !line.startsWith('policy ')) out.get(chain)!.push(line);
  }
  return out;
}
