import { K8sbmError } from '../source/errors.js';
import type { Loc } from '../source/loc.js';

/**
 * Host names, `host:port` and `[x:y(:z)]` ranges, following Ansible's parse_address and
 * expand_hostname_range so that every inventory expands to the very same host names.
 */

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV6_PART = String.raw`(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w under re.UNICODE: letters, digits and underscore of any script.
const WORD = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`(?:${WORD}|${ALNUM_RANGE})(?:${WORD}|-|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`, 'i');
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${IPV6_PART}:){7}${IPV6_PART}`,
      `(?:${IPV6_PART}:){1,6}:`,
      `(?:${IPV6_PART}:)(?::${IPV6_PART}){1,6}`,
      `(?:${IPV6_PART}:){2}(?::${IPV6_PART}){1,5}`,
      `(?:${IPV6_PART}:){3}(?::${IPV6_PART}){1,4}`,
      `(?:${IPV6_PART}:){4}(?::${IPV6_PART}){1,3}`,
      `(?:${IPV6_PART}:){5}(?::${IPV6_PART}){1,2}`,
      `(?:${IPV6_PART}:){6}(?::${IPV6_PART})`,
      `:(?::${IPV6_PART}){1,6}`,
      `${IPV6_PART}?::`,
      String.raw`(?:0:){6}(?:${IPV6_PART}\.){3}${IPV6_PART}`,
      String.raw`::(?:ffff:)?(?:${IPV6_PART}\.){3}${IPV6_PART}`,
      String.raw`(?:0:){5}ffff:(?:${IPV6_PART}\.){3}${IPV6_PART}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');
// HOSTNAME for a name of ASCII characters without ranges, as nearly all are: the same rule, but
// without the Unicode classes, whose compilation took a tenth of a one-task run's start-up.
const ASCII_LABEL = String.raw`[a-z0-9_][a-z0-9_-]*(?<![_-])`;
const ASCII_HOSTNAME = new RegExp(String.raw`^${ASCII_LABEL}(?:\.${ASCII_LABEL})*$`, 'i');
const PLAIN_ASCII = /^[\x20-\x5a\x5c\x5e-\x7e]*$/;

function isHostname(name: string): boolean {
  return PLAIN_ASCII.test(name) ? ASCII_HOSTNAME.test(name) : HOSTNAME.test(name);
}

export class HostRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostRangeError';
  }
}

export function isIpAddress(name: string): boolean {
  return IPV4.test(name) || IPV6.test(name);
}

/**
 * Split `host:port` / `[v6]:port` and check that what is left is an address or a host name
 * (ranges allowed when asked). Returns undefined when the text is not a valid address.
 */
export function parseAddress(address: string, allowRanges: boolean): { host: string; port: number | undefined } | undefined {
  let rest = address;
  let port: number | undefined;
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(rest);
    if (m) { rest = m[1]!; port = Number(m[2]); }
  }
  if (!(IPV4.test(rest) || IPV6.test(rest) || isHostname(rest))) return undefined;
  if (!allowRanges && rest.includes('[')) return undefined;
  return { host: rest, port };
}

/** Ansible's `_expand_hostpattern`: names (ranges expanded) plus the port given with them. */
export function expandHostPattern(pattern: string): { names: string[]; port: number | undefined } {
  const parsed = parseAddress(pattern, true);
  const base = parsed?.host ?? pattern;
  return { names: base.includes('[') ? expandHostnameRange(base) : [base], port: parsed?.port };
}

/** expandHostPattern for a host an inventory file names at `loc`: a bad range is K8SBM_INVENTORY_RANGE there. */
export function expandHostPatternAt(pattern: string, loc: Loc): { names: string[]; port: number | undefined } {
  try {
    return expandHostPattern(pattern);
  } catch (e) {
    if (!(e instanceof HostRangeError)) throw e;
    throw new K8sbmError('K8SBM_INVENTORY_RANGE', `${e.message} in '${pattern}'`, {
      loc, hint: e.message.includes('one line may name') ? 'split the hosts over several lines or groups, or check the range for a typo'
        : 'ranges look like node[01:10] (zero padding kept), node[1:9:2] (step) or rack-[a:f]',
    });
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Hosts one range line may stand for: far above any real site, far below what exhausts memory. */
export const MAX_RANGE_HOSTS = 100_000;

function tooMany(n?: number): HostRangeError {
  const count = n === undefined ? 'more hosts' : `${n.toLocaleString('en')} hosts, more`;
  return new HostRangeError(`host range stands for ${count} than the ${MAX_RANGE_HOSTS.toLocaleString('en')} one line may name`);
}

/** `db[01:03]-x` -> db01-x, db02-x, db03-x; several ranges multiply; `[a:c]`; `[1:9:2]`. */
export function expandHostnameRange(line: string): string[] {
  // Ansible swaps the first `[` and the first `]` for a separator and expects exactly three parts.
  const parts = line.replace('[', '|').replace(']', '|').split('|');
  if (parts.length !== 3) throw new HostRangeError(`cannot read the host range in "${line}"`);
  const [head, range, tail] = parts as [string, string, string];
  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const step = bounds.length === 3 ? pyInt(bounds[2]!) : 1;
  if (!end) throw new HostRangeError('host range must specify end value');
  if (step === 0) throw new HostRangeError('host range step must not be zero');
  let fill = (x: string | number) => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new HostRangeError('host range must specify equal-length begin and end formats');
    fill = (x) => zfill(String(x), beg.length);
  }
  let seq: (string | number)[];
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = iBeg >= 0 ? LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new HostRangeError('host range must have begin <= end');
    seq = pySlice(LETTERS.slice(0, iEnd + 1).split(''), iBeg, step);
  } else {
    const b = pyInt(beg);
    const e = pyInt(end) + 1;
    const count = step > 0 ? Math.ceil((e - b) / step) : Math.ceil((b - e) / -step);
    if (count > MAX_RANGE_HOSTS) throw tooMany(count);
    seq = [];
    for (let i = b; step > 0 ? i < e : i > e; i += step) seq.push(i);
  }
  const out: string[] = [];
  for (const x of seq) {
    const name = head + fill(x) + tail;
    if (name.includes('[')) out.push(...expandHostnameRange(name));
    else out.push(name);
    if (out.length > MAX_RANGE_HOSTS) throw tooMany();
  }
  return out;
}

function pySlice<T>(items: T[], start: number, step: number): T[] {
  // A negative step walks away from `end`, which Python's slice turns into nothing.
  const out: T[] = [];
  if (step > 0) for (let i = start; i < items.length; i += step) out.push(items[i]!);
  return out;
}

function zfill(s: string, width: number): string {
  const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
  return sign + s.slice(sign.length).padStart(width - sign.length, '0');
}

/** Python's int() on a string: optional sign, digits with single underscores, outer spaces. */
function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new HostRangeError(`invalid number "${s}" in host range`);
  return Number(t.replace(/_/g, ''));
}

/** The host-name rule in full and its ASCII fast path, for the test that keeps them in step. */
export const HOSTNAME_RULES = { full: HOSTNAME, ascii: ASCII_HOSTNAME, plainAscii: PLAIN_ASCII } as const;
