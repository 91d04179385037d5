import { createHash } from 'node:crypto';
import { parse as parseYamlText, parseAllDocuments, stringify as toYamlText } from 'yaml';
import { Secret, isSecret } from '../util/secret.js';
import { CidrError, cidrAddress, cidrBroadcast, cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, parseNet } from './cidr.js';
import {
  cmpAny, keepSecret, num, pyStr, pyTruthy, regex, seq, tests, text, toBool, toFloat, toInt, type Filter, type LibContext,
} from './expr-lib.js';
import { deepEqual, isPlainObject, typeName, unwrap } from './values.js';

/**
 * The filters of the expression language, one registry for `when:`-style conditions and for
 * `{{ }}` in templates (Jinja's and Ansible's names and meanings). `default`, `mandatory` and
 * `map('extract', ...)` need unevaluated arguments and live in the evaluator.
 */

const f = (usage: string, min: number, max: number, call: Filter['call'], kwargs?: readonly string[]): Filter => ({ usage, min, max, call, ...(kwargs ? { kwargs } : {}) });

function mapping(v: unknown, c: LibContext, what: string): Record<string, unknown> {
  const x = unwrap(v);
  if (isPlainObject(x)) return x;
  return c.fail(`${what} needs a mapping, got ${typeName(x)}`);
}

function int(v: unknown, c: LibContext, what: string): number {
  const n = toInt(v, undefined);
  return typeof n === 'number' ? n : c.fail(`${what} needs a whole number, got ${typeName(unwrap(v))}`);
}

function cidr<T>(fn: () => T, c: LibContext): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CidrError) return c.fail(e.message);
    throw e;
  }
}

/** As Jinja's indent: blank lines stay empty unless `blank`, the first line only when `first`. */
function indentText(s: string, width: number, first: boolean, blank: boolean): string {
  const pad = ' '.repeat(width);
  return s.split('\n').map((line, i) => ((line === '' && !blank) || (i === 0 && !first) ? line : pad + line)).join('\n');
}

/** Python's `re` syntax in JavaScript's: named groups and their back references. */
function pyPattern(p: string): string {
  return p.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}

/** A Python replacement (`\1`, `\g<name>`) as JavaScript's (`$1`, `$<name>`); a `$` stays a `$`. */
function pyReplacement(r: string): string {
  return r.replace(/\$/g, '$$$$').replace(/\\g<(\d+)>/g, '$$$1').replace(/\\g<(\w+)>/g, '$$<$1>').replace(/\\(\d)/g, '$$$1');
}

function pyRegex(p: unknown, c: LibContext, flags: string): RegExp {
  const s = pyPattern(text(p, c, 'the pattern'));
  try {
    return new RegExp(s, flags);
  } catch {
    return regex(s, c);
  }
}

function reFlags(c: LibContext, global: boolean): string {
  return `${global ? 'g' : ''}${pyTruthy(c.kwargs['ignorecase']) ? 'i' : ''}${pyTruthy(c.kwargs['multiline']) ? 'm' : ''}`;
}

/** Ansible's ipaddr family: a query on an address or network, false when the value is not one. */
function ipQuery(value: unknown, query: unknown, version: 4 | 6 | undefined, c: LibContext): unknown {
  const x = unwrap(value);
  if (Array.isArray(x)) return x.map((v) => ipQuery(v, query, version, c)).filter((v) => v !== false);
  if (typeof x !== 'string' && typeof x !== 'number') return false;
  const s = String(x);
  let net;
  try {
    net = parseNet(s);
  } catch {
    return false;
  }
  if (version !== undefined && net.version !== version) return false;
  const q = unwrap(query);
  if (q === undefined || q === '') return x;
  const withPrefix = s.includes('/') ? s : `${s}/${net.version === 4 ? 32 : 128}`;
  if (typeof q === 'number' || (typeof q === 'string' && /^-?\d+$/.test(q))) {
    return `${cidr(() => cidrHost(withPrefix, Number(q)), c)}/${net.prefix}`;
  }
  switch (q) {
    case 'address': return cidrAddress(withPrefix);
    case 'prefix': return cidrPrefix(withPrefix);
    case 'netmask': return cidrNetmask(withPrefix);
    case 'network': return cidrNetwork(withPrefix);
    case 'broadcast': return net.version === 4 ? cidrBroadcast(withPrefix) : false;
    case 'host': return withPrefix;
    case 'net': return cidrNetwork(withPrefix) === cidrAddress(withPrefix) ? withPrefix : false;
    case 'network/prefix':
    case 'subnet': return `${cidrNetwork(withPrefix)}/${net.prefix}`;
    case 'size': return 2 ** ((net.version === 4 ? 32 : 128) - net.prefix);
    case 'version': return net.version;
    default:
      return c.fail(`ipaddr: unknown query ${JSON.stringify(q)}`,
        "queries: address, prefix, netmask, network, broadcast, host, net, network/prefix, size, version, or a host number: x | ipaddr(5)");
  }
}

/** Jinja's comparison tests, as select() and selectattr() take them. */
const COMPARE_TESTS: Readonly<Record<string, (a: unknown, b: unknown) => boolean>> = {
  equalto: deepEqual, eq: deepEqual, '==': deepEqual, sameas: deepEqual,
  ne: (a, b) => !deepEqual(a, b), '!=': (a, b) => !deepEqual(a, b),
  lt: (a, b) => cmpAny(a, b) < 0, '<': (a, b) => cmpAny(a, b) < 0, le: (a, b) => cmpAny(a, b) <= 0, '<=': (a, b) => cmpAny(a, b) <= 0,
  gt: (a, b) => cmpAny(a, b) > 0, '>': (a, b) => cmpAny(a, b) > 0, ge: (a, b) => cmpAny(a, b) >= 0, '>=': (a, b) => cmpAny(a, b) >= 0,
};

/** Whether an item passes the named test (undefined stands for a missing attribute). */
function passes(v: unknown, args: readonly unknown[], c: LibContext, what: string): boolean {
  const [name, ...rest] = args;
  if (name === undefined) return pyTruthy(v);
  const n = text(name, c, what);
  if (n === 'defined' || n === 'undefined') return (v !== undefined) === (n === 'defined');
  const cmp = COMPARE_TESTS[n];
  if (cmp) return v !== undefined && cmp(unwrap(v), unwrap(rest[0]));
  const t = tests[n];
  if (!t) return c.fail(`${what}: unknown test ${JSON.stringify(n)}`, `tests: defined, undefined, ${Object.keys(COMPARE_TESTS).join(', ')}, ${Object.keys(tests).join(', ')}`);
  return v !== undefined && t.call(v, rest, c);
}

function select(xs: unknown, args: readonly unknown[], c: LibContext, keep: boolean, what: string): unknown[] {
  return seq(xs, c, what).filter((v) => passes(v, args, c, what) === keep);
}

function attrOf(item: unknown, path: string): unknown {
  let cur = unwrap(item);
  for (const part of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, part)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

function selectAttr(xs: unknown, args: readonly unknown[], c: LibContext, keep: boolean, what: string): unknown[] {
  const [attr, ...testArgs] = args;
  const path = text(attr, c, what);
  return seq(xs, c, what).filter((v) => passes(attrOf(v, path), testArgs, c, what) === keep);
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    out[k] = recursive && isPlainObject(old) && isPlainObject(v) ? merge(old, v, true) : v;
  }
  return out;
}

function flatten(xs: unknown[], levels: number | undefined): unknown[] {
  return xs.flatMap((x) => (Array.isArray(x) && (levels === undefined || levels > 0) ? flatten(x, levels === undefined ? undefined : levels - 1) : [x]));
}

function pyType(v: unknown): string {
  const x = unwrap(v);
  if (x === null || x === undefined) return 'NoneType';
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  if (typeof x === 'string') return 'str';
  return Array.isArray(x) ? 'list' : 'dict';
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}

function setOp(a: unknown, b: unknown, c: LibContext, what: string, keep: (inB: boolean) => boolean): unknown[] {
  const xs = seq(a, c, what);
  const ys = seq(b, c, what);
  return xs.filter((x, i) => keep(ys.some((y) => deepEqual(x, y))) && xs.findIndex((w) => deepEqual(w, x)) === i);
}

const HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

const cidrFilter = (name: string, fn: (s: string) => unknown): Filter => f(`x | ${name}`, 0, 0, (x, _a, c) => cidr(() => fn(text(x, c, `| ${name}`)), c));

export const filters: Readonly<Record<string, Filter>> = {
  length: f('x | length', 0, 0, (x, _a, c) => {
    const v = unwrap(x);
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    return c.fail(`| length needs a list, text or mapping, got ${typeName(v)}`);
  }),
  int: f('x | int', 0, 1, (x, a) => toInt(x, a.length > 0 ? a[0] : 0)),
  float: f('x | float', 0, 1, (x, a) => toFloat(x, a.length > 0 ? a[0] : 0)),
  bool: f('x | bool', 0, 0, (x, _a, c) => toBool(x, c)),
  string: f('x | string', 0, 0, (x) => keepSecret(x, pyStr(x))),
  lower: f('x | lower', 0, 0, (x, _a, c) => keepSecret(x, text(x, c, '| lower').toLowerCase())),
  upper: f('x | upper', 0, 0, (x, _a, c) => keepSecret(x, text(x, c, '| upper').toUpperCase())),
  capitalize: f('x | capitalize', 0, 0, (x, _a, c) => { const s = text(x, c, '| capitalize'); return keepSecret(x, s.charAt(0).toUpperCase() + s.slice(1).toLowerCase()); }),
  title: f('x | title', 0, 0, (x, _a, c) => keepSecret(x, text(x, c, '| title').toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase()))),
  trim: f('x | trim', 0, 0, (x, _a, c) => keepSecret(x, text(x, c, '| trim').trim())),
  replace: f('x | replace(old, new)', 2, 2, (x, [a, b], c) => keepSecret(x, text(x, c, '| replace').split(text(a, c, '| replace')).join(text(b, c, '| replace')))),
  split: f('x | split(sep)', 0, 1, (x, [sep], c) => {
    const s = text(x, c, '| split');
    return sep === undefined ? (s.trim() === '' ? [] : s.trim().split(/\s+/)) : s.split(text(sep, c, '| split'));
  }),
  indent: f('x | indent(width=4, first=false, blank=false)', 0, 3, (x, [w, first, blank], c) => keepSecret(x, indentText(text(x, c, '| indent'),
    int(c.kwargs['width'] ?? w ?? 4, c, '| indent width'), pyTruthy(c.kwargs['first'] ?? first), pyTruthy(c.kwargs['blank'] ?? blank))), ['width', 'first', 'blank']),
  regex_replace: f("x | regex_replace('pattern', 'replacement')", 1, 2, (x, [p, r], c) => keepSecret(x, text(x, c, '| regex_replace')
    .replace(pyRegex(p, c, reFlags(c, true)), pyReplacement(r === undefined ? '' : text(r, c, '| regex_replace')))), ['ignorecase', 'multiline']),
  regex_search: f("x | regex_search('pattern')", 1, Infinity, (x, [p, ...groups], c) => {
    const m = pyRegex(p, c, reFlags(c, false)).exec(text(x, c, '| regex_search'));
    if (!m) return null;
    if (groups.length === 0) return m[0];
    return groups.map((g) => {
      const s = text(g, c, '| regex_search group');
      const k = /^\\(\d+)$/.exec(s)?.[1] ?? /^\\g<(\d+)>$/.exec(s)?.[1];
      if (k !== undefined) return m[Number(k)] ?? null;
      const name = /^\\g<(\w+)>$/.exec(s)?.[1];
      return name !== undefined ? m.groups?.[name] ?? null : c.fail(`| regex_search: ${JSON.stringify(s)} names no group`, "name groups as '\\\\1' or '\\\\g<name>'");
    });
  }, ['ignorecase', 'multiline']),
  regex_findall: f("x | regex_findall('pattern')", 1, 1, (x, [p], c) => [...text(x, c, '| regex_findall').matchAll(pyRegex(p, c, reFlags(c, true)))]
    .map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1))), ['ignorecase', 'multiline']),
  first: f('x | first', 0, 0, (x, _a, c) => seq(x, c, '| first')[0] ?? null),
  last: f('x | last', 0, 0, (x, _a, c) => seq(x, c, '| last').at(-1) ?? null),
  join: f('x | join(sep)', 0, 1, (x, [sep], c) => seq(x, c, '| join').map(pyStr).join(sep === undefined ? '' : text(sep, c, '| join'))),
  list: f('x | list', 0, 0, (x, _a, c) => [...seq(x, c, '| list')]),
  unique: f('x | unique', 0, 0, (x, _a, c) => seq(x, c, '| unique').filter((v, i, all) => all.findIndex((w) => deepEqual(v, w)) === i)),
  sort: f('x | sort', 0, 0, (x, _a, c) => {
    const attr = c.kwargs['attribute'];
    const key = (v: unknown): unknown => (attr === undefined ? v : attrOf(v, text(attr, c, '| sort attribute')));
    const out = [...seq(x, c, '| sort')].sort((a, b) => cmpAny(key(a), key(b)));
    return pyTruthy(c.kwargs['reverse']) ? out.reverse() : out;
  }, ['attribute', 'reverse']),
  reverse: f('x | reverse', 0, 0, (x, _a, c) => (typeof unwrap(x) === 'string' ? [...(unwrap(x) as string)].reverse().join('') : [...seq(x, c, '| reverse')].reverse())),
  min: f('x | min', 0, 0, (x, _a, c) => [...seq(x, c, '| min')].sort(cmpAny)[0] ?? null),
  max: f('x | max', 0, 0, (x, _a, c) => [...seq(x, c, '| max')].sort(cmpAny).at(-1) ?? null),
  sum: f('x | sum', 0, 0, (x, _a, c) => seq(x, c, '| sum').reduce((acc: number, v) => acc + num(v, c, '| sum'), 0)),
  abs: f('x | abs', 0, 0, (x, _a, c) => Math.abs(num(x, c, '| abs'))),
  round: f('x | round(digits)', 0, 1, (x, [d], c) => {
    const k = 10 ** (d === undefined ? 0 : num(d, c, '| round'));
    return Math.round(num(x, c, '| round') * k) / k;
  }),
  flatten: f('x | flatten(levels)', 0, 1, (x, [levels], c) => flatten(seq(x, c, '| flatten'), levels === undefined ? undefined : int(levels, c, '| flatten'))),
  difference: f('x | difference(other)', 1, 1, (x, [y], c) => setOp(x, y, c, '| difference', (inB) => !inB)),
  intersect: f('x | intersect(other)', 1, 1, (x, [y], c) => setOp(x, y, c, '| intersect', (inB) => inB)),
  union: f('x | union(other)', 1, 1, (x, [y], c) => setOp([...seq(x, c, '| union'), ...seq(y, c, '| union')], [], c, '| union', () => true)),
  symmetric_difference: f('x | symmetric_difference(other)', 1, 1, (x, [y], c) => [...setOp(x, y, c, '| symmetric_difference', (inB) => !inB), ...setOp(y, x, c, '| symmetric_difference', (inB) => !inB)]),
  map: f("xs | map('filter', args...) or xs | map(attribute='name')", 0, Infinity, (x, [name, ...rest], c) => {
    const items = seq(x, c, '| map');
    if (c.kwargs['attribute'] !== undefined) {
      const path = text(c.kwargs['attribute'], c, '| map attribute');
      return items.map((v) => attrOf(v, path) ?? (c.kwargs['default'] !== undefined ? c.kwargs['default'] : c.fail(`| map: an item has no "${path}"`, `give a default: map(attribute='${path}', default='')`)));
    }
    if (name === undefined) return c.fail('| map needs a filter name or attribute=', "xs | map('upper'), xs | map(attribute='name')");
    const fl = filters[text(name, c, '| map')];
    if (!fl) return c.fail(`| map: unknown filter ${JSON.stringify(name)}`, "xs | map('upper'), xs | map(attribute='name')");
    return items.map((v) => fl.call(v, rest, { ...c, kwargs: {} }));
  }, ['attribute', 'default']),
  select: f("xs | select('test', args...)", 0, Infinity, (x, args, c) => select(x, args, c, true, '| select')),
  reject: f("xs | reject('test', args...)", 0, Infinity, (x, args, c) => select(x, args, c, false, '| reject')),
  selectattr: f("xs | selectattr('name', 'test', args...)", 1, Infinity, (x, args, c) => selectAttr(x, args, c, true, '| selectattr')),
  rejectattr: f("xs | rejectattr('name', 'test', args...)", 1, Infinity, (x, args, c) => selectAttr(x, args, c, false, '| rejectattr')),
  combine: f('x | combine(other, ..., recursive=false)', 0, Infinity, (x, args, c) => args.reduce((acc: Record<string, unknown>, d) => merge(acc, mapping(d, c, '| combine'), pyTruthy(c.kwargs['recursive'])), mapping(x, c, '| combine')), ['recursive']),
  dict2items: f('x | dict2items', 0, 0, (x, _a, c) => Object.entries(mapping(x, c, '| dict2items')).map(([key, value]) => ({ key, value }))),
  items2dict: f("xs | items2dict(key_name='key', value_name='value')", 0, 0, (x, _a, c) => {
    const k = c.kwargs['key_name'] === undefined ? 'key' : text(c.kwargs['key_name'], c, '| items2dict');
    const v = c.kwargs['value_name'] === undefined ? 'value' : text(c.kwargs['value_name'], c, '| items2dict');
    return Object.fromEntries(seq(x, c, '| items2dict').map((item) => { const m = mapping(item, c, '| items2dict item'); return [pyStr(m[k]), m[v]]; }));
  }, ['key_name', 'value_name']),
  ternary: f('cond | ternary(if_true, if_false, if_none)', 2, 3, (x, [yes, no, none]) => (unwrap(x) === null && none !== undefined ? none : pyTruthy(x) ? yes : no)),
  basename: f('path | basename', 0, 0, (x, _a, c) => text(x, c, '| basename').replace(/.*\//, '')),
  dirname: f('path | dirname', 0, 0, (x, _a, c) => { const s = text(x, c, '| dirname'); const i = s.lastIndexOf('/'); return i < 0 ? '' : i === 0 ? '/' : s.slice(0, i); }),
  quote: f('x | quote', 0, 0, (x, _a, c) => keepSecret(x, shellQuote(text(x, c, '| quote')))),
  hash: f("x | hash('sha256')", 0, 1, (x, [alg], c) => {
    const a = alg === undefined ? 'sha1' : text(alg, c, '| hash');
    if (!HASHES.has(a)) return c.fail(`| hash: unknown algorithm ${JSON.stringify(a)}`, `one of ${[...HASHES].join(', ')}`);
    return createHash(a).update(isSecret(x) ? x.reveal() : text(x, c, '| hash')).digest('hex');
  }),
  checksum: f('x | checksum', 0, 0, (x, _a, c) => createHash('sha1').update(isSecret(x) ? x.reveal() : text(x, c, '| checksum')).digest('hex')),
  // Marks text as a secret (a token read from a command's output): masked in output from then on.
  secret: f('x | secret', 0, 0, (x, _a, c) => (isSecret(x) ? x : new Secret(text(x, c, '| secret')))),
  b64encode: f('x | b64encode', 0, 0, (x, _a, c) => keepSecret(x, Buffer.from(text(x, c, '| b64encode'), 'utf8').toString('base64'))),
  b64decode: f('x | b64decode', 0, 0, (x, _a, c) => {
    const s = text(x, c, '| b64decode');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s.replace(/\s+/g, ''))) c.fail('| b64decode: the text is not base64');
    return keepSecret(x, Buffer.from(s, 'base64').toString('utf8'));
  }),
  to_json: f('x | to_json', 0, 0, (x) => JSON.stringify(x) ?? 'null'),
  to_nice_json: f('x | to_nice_json(indent=4)', 0, 0, (x, _a, c) => JSON.stringify(x, null, int(c.kwargs['indent'] ?? 4, c, '| to_nice_json indent')) ?? 'null', ['indent']),
  to_yaml: f('x | to_yaml', 0, 0, (x) => toYamlText(x, { lineWidth: 0 }).replace(/\n$/, ''), ['indent']),
  to_nice_yaml: f('x | to_nice_yaml(indent=2)', 0, 0, (x, _a, c) => toYamlText(x, { lineWidth: 0, indent: int(c.kwargs['indent'] ?? 2, c, '| to_nice_yaml indent') }), ['indent']),
  from_json: f('text | from_json', 0, 0, (x, _a, c) => {
    try { return JSON.parse(text(x, c, '| from_json')) as unknown; } catch (e) { return c.fail(`| from_json: ${(e as Error).message}`); }
  }),
  from_yaml: f('text | from_yaml', 0, 0, (x, _a, c) => {
    try { return parseYamlText(text(x, c, '| from_yaml')) as unknown; } catch (e) { return c.fail(`| from_yaml: ${(e as Error).message.split('\n')[0]}`); }
  }),
  // Ansible's from_yaml_all: every document of a multi-document text, empty ones dropped.
  from_yaml_all: f('text | from_yaml_all', 0, 0, (x, _a, c) => {
    const docs = parseAllDocuments(text(x, c, '| from_yaml_all'));
    const list = Array.isArray(docs) ? docs : [docs];
    const bad = list.find((d) => d.errors.length > 0);
    if (bad) return c.fail(`| from_yaml_all: ${bad.errors[0]!.message.split('\n')[0]}`);
    return list.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
  }),
  type_debug: f('x | type_debug', 0, 0, (x) => pyType(x)),
  ipaddr: f("x | ipaddr('address')", 0, 1, (x, [q], c) => ipQuery(x, q, undefined, c)),
  ipv4: f("x | ipv4('address')", 0, 1, (x, [q], c) => ipQuery(x, q, 4, c)),
  ipv6: f("x | ipv6('address')", 0, 1, (x, [q], c) => ipQuery(x, q, 6, c)),
  cidr_address: cidrFilter('cidr_address', cidrAddress),
  cidr_prefix: cidrFilter('cidr_prefix', cidrPrefix),
  cidr_netmask: cidrFilter('cidr_netmask', cidrNetmask),
  cidr_network: cidrFilter('cidr_network', cidrNetwork),
  cidr_broadcast: cidrFilter('cidr_broadcast', cidrBroadcast),
  cidr_host: f('cidr | cidr_host(n)', 1, 1, (x, [n], c) => cidr(() => cidrHost(text(x, c, '| cidr_host'), int(n, c, '| cidr_host')), c)),
  cidr_contains: f('cidr | cidr_contains(address)', 1, 1, (x, [a], c) => cidr(() => cidrContains(text(x, c, '| cidr_contains'), text(a, c, '| cidr_contains')), c)),
};

/** Names the evaluator itself handles, beside the registry. */
export const SPECIAL_FILTERS = ['default', 'mandatory'] as const;

/** Filter names Ansible users know under another name. */
export const FILTER_ALIASES: Readonly<Record<string, string>> = { count: 'length', d: 'default' };
