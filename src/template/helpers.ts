import { stringify as toYamlText } from 'yaml';
import { isSecret } from '../util/secret.js';
import {
  CidrError, cidrAddress, cidrBroadcast, cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix,
} from './cidr.js';
import { Ref, Undef, lookupVar, member, type RenderState } from './scope.js';
import { deepEqual, isPlainObject, typeName, unwrap } from './values.js';

/** What a helper sees besides its arguments. */
export interface HelperContext {
  readonly state: RenderState;
  readonly hash: Readonly<Record<string, unknown>>;
  /** K8SBM_TEMPLATE_HELPER at the call. */
  fail(message: string, hint?: string): never;
  /** K8SBM_UNDEFINED_VAR at the call. */
  undefinedVar(u: Undef): never;
}

/**
 * How a helper receives its arguments:
 * - resolved: real values (lazy vars rendered, secrets revealed); undefined variables are errors
 * - tolerant: like resolved, but an undefined variable arrives as `undefined`
 * - raw: Ref / Undef / plain values as evaluated (for lookups that must not render everything)
 */
export type ArgMode = 'resolved' | 'tolerant' | 'raw';

export interface Helper {
  /** Shown in errors: `join LIST SEPARATOR`. */
  readonly usage: string;
  readonly min: number;
  readonly max: number;
  readonly args?: ArgMode;
  call(args: readonly unknown[], h: HelperContext): unknown;
}

/** Handlebars' own idea of true: empty lists and 0 are false too. */
export function hbsTruthy(v: unknown): boolean {
  if (isSecret(v)) return v.reveal() !== '';
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

function str(v: unknown, h: HelperContext, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return h.fail(`${what} must be text, got ${typeName(v)}`);
}

function list(v: unknown, h: HelperContext, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  return h.fail(`${what} must be a list, got ${typeName(v)}`);
}

function int(v: unknown, h: HelperContext, what: string): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  return h.fail(`${what} must be an integer, got ${typeName(v)}`);
}

/** Text of a value inside other text: lists and mappings as JSON, none as nothing. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (isSecret(x) ? x.reveal() : x));
  return String(v);
}

function cidr<T>(fn: () => T, h: HelperContext): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CidrError) return h.fail(e.message);
    throw e;
  }
}

function compareNums(a: unknown, b: unknown, h: HelperContext): [number, number] | [string, string] {
  const x = unwrap(a);
  const y = unwrap(b);
  if (typeof x === 'number' && typeof y === 'number') return [x, y];
  if (typeof x === 'string' && typeof y === 'string') return [x, y];
  return h.fail(`cannot compare ${typeName(x)} with ${typeName(y)}`, 'compare numbers with numbers and text with text');
}

function b64decode(s: string, h: HelperContext): string {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s.replace(/\s+/g, ''))) h.fail('b64decode: the text is not base64');
  return Buffer.from(s, 'base64').toString('utf8');
}

function indentText(text: string, width: number, first: boolean): string {
  const pad = ' '.repeat(width);
  // As Jinja's indent: blank lines stay empty, the first line only when asked.
  return text.split('\n').map((line, i) => (line === '' || (i === 0 && !first) ? line : pad + line)).join('\n');
}

const one = (usage: string, call: (a: unknown, h: HelperContext) => unknown): Helper => ({ usage, min: 1, max: 1, call: (args, h) => call(args[0], h) });

export const helpers = {
  default: {
    usage: 'default VALUE FALLBACK',
    min: 2,
    max: Infinity,
    args: 'raw',
    call: (args) => {
      // The first argument that is defined and not none; the last one is the fallback.
      for (const a of args.slice(0, -1)) {
        if (a instanceof Undef || a === undefined || a === null) continue;
        if (a instanceof Ref && (a.value === null || a.value === undefined)) continue;
        return a;
      }
      return args[args.length - 1];
    },
  },
  lookup: {
    usage: 'lookup MAPPING KEY',
    min: 2,
    max: 2,
    args: 'raw',
    call: ([obj, key], h) => {
      if (obj instanceof Undef) return h.undefinedVar(obj);
      if (key instanceof Undef) return h.undefinedVar(key);
      const k = key instanceof Ref ? key.value : key;
      if (typeof k !== 'string' && typeof k !== 'number') return h.fail(`lookup: the key must be text or a number, got ${typeName(k)}`);
      const base = obj instanceof Ref ? obj : new Ref(obj, h.state.rootScope, '(value)', true);
      return member(h.state, base, String(k));
    },
  },
  hostvar: {
    usage: 'hostvar HOST NAME',
    min: 2,
    max: 2,
    args: 'raw',
    call: ([host, name], h) => {
      const hv = lookupVar(h.state, h.state.rootScope, 'hostvars');
      if (hv instanceof Undef) return h.undefinedVar(hv);
      const hostName = plainArg(host, h);
      const varName = plainArg(name, h);
      const entry = member(h.state, hv, hostName);
      if (entry instanceof Undef) return h.undefinedVar(entry);
      return member(h.state, entry, varName);
    },
  },
  group_hosts: {
    usage: 'group_hosts GROUP',
    min: 1,
    max: 1,
    args: 'raw',
    call: ([group], h) => {
      const groups = lookupVar(h.state, h.state.rootScope, 'groups');
      if (groups instanceof Undef) return h.undefinedVar(groups);
      return member(h.state, groups, plainArg(group, h));
    },
  },
  eq: { usage: 'eq A B', min: 2, max: 2, call: ([a, b]) => deepEqual(a, b) },
  ne: { usage: 'ne A B', min: 2, max: 2, call: ([a, b]) => !deepEqual(a, b) },
  lt: { usage: 'lt A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x < y; } },
  lte: { usage: 'lte A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x <= y; } },
  gt: { usage: 'gt A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x > y; } },
  gte: { usage: 'gte A B', min: 2, max: 2, call: ([a, b], h) => { const [x, y] = compareNums(a, b, h); return x >= y; } },
  and: { usage: 'and A B ...', min: 2, max: Infinity, args: 'tolerant', call: (args) => args.every(hbsTruthy) },
  or: { usage: 'or A B ...', min: 2, max: Infinity, args: 'tolerant', call: (args) => args.some(hbsTruthy) },
  not: { usage: 'not A', min: 1, max: 1, args: 'tolerant', call: ([a]) => !hbsTruthy(a) },
  join: {
    usage: 'join LIST SEPARATOR',
    min: 1,
    max: 2,
    call: ([xs, sep], h) => list(xs, h, 'join: the first argument').map(textOf).join(sep === undefined ? '' : str(sep, h, 'join: the separator')),
  },
  to_yaml: one('to_yaml VALUE', (v) => toYamlText(v, { lineWidth: 0 }).replace(/\n$/, '')),
  to_json: one('to_json VALUE', (v) => JSON.stringify(v) ?? 'null'),
  to_nice_json: {
    usage: 'to_nice_json VALUE [indent=N]',
    min: 1,
    max: 1,
    call: ([v], h) => JSON.stringify(v, null, h.hash['indent'] === undefined ? 4 : int(h.hash['indent'], h, 'to_nice_json: indent')) ?? 'null',
  },
  indent: {
    usage: 'indent TEXT WIDTH [FIRST]',
    min: 2,
    max: 3,
    call: ([text, n, first], h) => indentText(str(text, h, 'indent: the text'), int(n, h, 'indent: the width'), hbsTruthy(first)),
  },
  upper: one('upper TEXT', (v, h) => str(v, h, 'upper: the argument').toUpperCase()),
  lower: one('lower TEXT', (v, h) => str(v, h, 'lower: the argument').toLowerCase()),
  trim: one('trim TEXT', (v, h) => str(v, h, 'trim: the argument').trim()),
  replace: {
    usage: 'replace TEXT OLD NEW',
    min: 3,
    max: 3,
    call: ([s, a, b], h) => str(s, h, 'replace: the text').split(str(a, h, 'replace: OLD')).join(str(b, h, 'replace: NEW')),
  },
  split: {
    usage: 'split TEXT [SEPARATOR]',
    min: 1,
    max: 2,
    call: ([s, sep], h) => {
      const text = str(s, h, 'split: the text');
      if (sep === undefined) return text.trim() === '' ? [] : text.trim().split(/\s+/);
      return text.split(str(sep, h, 'split: the separator'));
    },
  },
  first: one('first LIST', (v, h) => (typeof v === 'string' ? v.slice(0, 1) : list(v, h, 'first: the argument')[0])),
  last: one('last LIST', (v, h) => (typeof v === 'string' ? v.slice(-1) : list(v, h, 'last: the argument').at(-1))),
  length: one('length LIST', (v, h) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    return h.fail(`length: needs a list, text or mapping, got ${typeName(v)}`);
  }),
  b64encode: one('b64encode TEXT', (v, h) => Buffer.from(str(v, h, 'b64encode: the argument'), 'utf8').toString('base64')),
  b64decode: one('b64decode TEXT', (v, h) => b64decode(str(v, h, 'b64decode: the argument'), h)),
  cidr_address: one('cidr_address CIDR', (v, h) => cidr(() => cidrAddress(str(v, h, 'cidr_address: the argument')), h)),
  cidr_prefix: one('cidr_prefix CIDR', (v, h) => cidr(() => cidrPrefix(str(v, h, 'cidr_prefix: the argument')), h)),
  cidr_netmask: one('cidr_netmask CIDR', (v, h) => cidr(() => cidrNetmask(str(v, h, 'cidr_netmask: the argument')), h)),
  cidr_network: one('cidr_network CIDR', (v, h) => cidr(() => cidrNetwork(str(v, h, 'cidr_network: the argument')), h)),
  cidr_broadcast: one('cidr_broadcast CIDR', (v, h) => cidr(() => cidrBroadcast(str(v, h, 'cidr_broadcast: the argument')), h)),
  cidr_host: {
    usage: 'cidr_host CIDR N',
    min: 2,
    max: 2,
    call: ([c, n], h) => cidr(() => cidrHost(str(c, h, 'cidr_host: the network'), int(n, h, 'cidr_host: N')), h),
  },
  cidr_contains: {
    usage: 'cidr_contains CIDR ADDRESS',
    min: 2,
    max: 2,
    call: ([c, a], h) => cidr(() => cidrContains(str(c, h, 'cidr_contains: the network'), str(a, h, 'cidr_contains: the address')), h),
  },
} as const satisfies Record<string, Helper>;

export type HelperName = keyof typeof helpers;

export const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with', 'raw']);

export function helperOf(name: string): Helper | undefined {
  return Object.prototype.hasOwnProperty.call(helpers, name) ? (helpers as Record<string, Helper>)[name] : undefined;
}

function plainArg(v: unknown, h: HelperContext): string {
  if (v instanceof Undef) return h.undefinedVar(v);
  const x = unwrap(v instanceof Ref ? v.value : v);
  if (typeof x === 'string' || typeof x === 'number') return String(x);
  return h.fail(`expected a name, got ${typeName(x)}`);
}
