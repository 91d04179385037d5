import { readFileSync, statSync } from 'node:fs';
import { K8sbmError } from '../source/errors.js';
import type { Inventory, InventoryHost } from './model.js';
import { parseAddress } from './ranges.js';

/**
 * Host patterns as Ansible evaluates them (`hosts:` and `--limit`): `all`, `*`, names, groups,
 * globs, `~regex`, subscripts (`web[0]`, `web[1:3]`, `web[-1]`), joined with `,` or `:`, with
 * `&` (and) and `!` (not). Plain patterns are applied first, then `&`, then `!`, whatever the
 * order written. A pattern that matches nothing is a warning, as in Ansible.
 */
export interface Selection {
  readonly hosts: string[];
  readonly warnings: string[];
}

export function selectHosts(inv: Inventory, pattern: string | readonly string[]): Selection {
  const warnings: string[] = [];
  const parts = expandLimitFiles(splitHostPattern(pattern));
  const matcher = new Matcher(inv, warnings);
  const hosts = matcher.evaluate(parts);
  return { hosts: [...new Set(hosts.map((h) => h.name))], warnings };
}

/** Ansible's split_host_pattern: commas always separate; colons only when not part of an address or range. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern, true)) parts = [pattern];
  else {
    checkBrackets(pattern);
    parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  }
  for (const p of parts) checkBrackets(p);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Every `[` closed by a `]` (else the pattern would be cut into pieces that mean something else). */
function checkBrackets(pattern: string): void {
  let depth = 0;
  for (const ch of pattern) {
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    if (depth < 0 || depth > 1) break;
  }
  if (depth === 0) return;
  throw new K8sbmError('K8SBM_PATTERN_INVALID', `host pattern '${pattern}' has ${depth > 0 ? 'a [ that is not closed' : 'a ] that was not opened'}`, {
    hint: 'subscripts are web[0], web[1:3], web[-1]; globs take [abc] and [0-9]; close every [ with ]',
  });
}

/** The syntax of a pattern, without an inventory: brackets closed, subscripts of numbers, regexes that compile. */
export function checkHostPattern(pattern: string): void {
  for (const raw of splitHostPattern(pattern)) {
    if (raw.startsWith('@')) continue;
    const p = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
    compilePattern(splitSubscript(p).expr);
  }
}

/** `@file` (as --limit allows) stands for the patterns in that file, one per line. */
function expandLimitFiles(parts: string[]): string[] {
  return parts.flatMap((p) => {
    if (!p.startsWith('@')) return [p];
    const file = p.slice(1);
    let text: string;
    try {
      if (!statSync(file).isFile()) {
        throw new K8sbmError('K8SBM_LIMIT_FILE', `limit starting with "@" must be a file, not a directory: ${file}`, {
          hint: 'write one host or pattern per line in a file and pass --limit @that-file',
        });
      }
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof K8sbmError) throw e;
      throw new K8sbmError('K8SBM_LIMIT_FILE', `unable to find limit file ${file}`, {
        hint: 'the path is taken from the current directory; a .retry file from an earlier run works too',
      });
    }
    return text.split('\n').map((l) => l.trim()).filter(Boolean);
  });
}

/** Plain patterns first, then `&` intersections, then `!` exclusions; no plain pattern means all. */
export function orderPatterns(patterns: readonly string[]): string[] {
  const regular = patterns.filter((p) => p && p[0] !== '!' && p[0] !== '&');
  const and = patterns.filter((p) => p[0] === '&');
  const not = patterns.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

class Matcher {
  readonly #cache = new Map<string, InventoryHost[]>();
  constructor(private readonly inv: Inventory, private readonly warnings: string[]) {}

  evaluate(patterns: readonly string[]): InventoryHost[] {
    let hosts: InventoryHost[] = [];
    for (const p of orderPatterns(patterns)) {
      const direct = this.inv.hosts.get(p);
      if (direct) { hosts.push(direct); continue; }
      const that = this.matchOne(p);
      if (p[0] === '!') { const s = new Set(that); hosts = hosts.filter((h) => !s.has(h)); }
      else if (p[0] === '&') { const s = new Set(that); hosts = hosts.filter((h) => s.has(h)); }
      else {
        const existing = new Set(hosts);
        hosts.push(...that.filter((h) => !existing.has(h)));
      }
    }
    return hosts;
  }

  matchOne(raw: string): InventoryHost[] {
    const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
    const cached = this.#cache.get(pattern);
    if (cached) return cached;
    const { expr, subscript, dash } = splitSubscript(pattern);
    if (dash) this.warnings.push('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
    let hosts = this.enumerate(expr);
    if (subscript && hosts.length) {
      const [start, end] = subscript;
      const picked = end ? hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1) : pyIndex(hosts, start);
      if (!picked) {
        throw new K8sbmError('K8SBM_PATTERN_SUBSCRIPT', `no hosts matched the subscripted pattern '${pattern}'`, {
          hint: `"${expr}" matches ${hosts.length} host(s); subscripts count from 0 ([0], [-1], [1:3] inclusive)`,
        });
      }
      hosts = Array.isArray(picked) ? picked : [picked];
    }
    this.#cache.set(pattern, hosts);
    return hosts;
  }

  enumerate(pattern: string): InventoryHost[] {
    const re = compilePattern(pattern);
    const results: InventoryHost[] = [];
    const groups = [...this.inv.groups.values()].filter((g) => re.test(g.name));
    for (const g of groups) results.push(...this.inv.hostsOfGroup(g));
    if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
      for (const h of this.inv.hosts.values()) if (re.test(h.name)) results.push(h);
    }
    if (!results.length) {
      const implicit = this.inv.implicitHost(pattern);
      if (implicit) results.push(implicit);
    }
    if (!results.length && !groups.length && pattern !== 'all') {
      this.warnings.push(`Could not match supplied host pattern, ignoring: ${pattern}`);
    }
    return results;
  }
}

function pyIndex<T>(items: readonly T[], i: number): T | undefined {
  return items[i < 0 ? items.length + i : i];
}

function splitSubscript(pattern: string): { expr: string; subscript: [number, number | undefined] | undefined; dash: boolean } {
  const m = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
  if (!m && pattern[0] !== '~' && /\[[^\]]*:[^\]]*\]$/.test(pattern)) {
    throw new K8sbmError('K8SBM_PATTERN_SUBSCRIPT', `host pattern '${pattern}' has a subscript that is not numbers`, {
      hint: 'a subscript picks hosts by position from 0: web[0], web[-1], web[1:3] (inclusive), web[2:]',
    });
  }
  if (!m) return { expr: pattern, subscript: undefined, dash: false };
  if (m[2] !== undefined) return { expr: m[1]!, subscript: [Number(m[2]), undefined], dash: false };
  return { expr: m[1]!, subscript: [Number(m[3]), m[5] ? Number(m[5]) : -1], dash: m[4] === '-' };
}

/** `~regex` (matched from the start, like Python's re.match) or a shell glob (fnmatch). */
export function compilePattern(pattern: string): RegExp {
  try {
    if (pattern[0] === '~') {
      const src = pattern.slice(1).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
      return new RegExp(`^(?:${src})`);
    }
    return new RegExp(`^(?:${globToRegex(pattern)})$`, 's');
  } catch (e) {
    throw new K8sbmError('K8SBM_PATTERN_INVALID', `invalid host list pattern: ${pattern}`, {
      hint: 'a pattern starting with ~ is a regular expression; check its brackets and escapes',
      cause: e,
    });
  }
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; an unclosed `[` is literal. */
export function globToRegex(pat: string): string {
  let out = '';
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++]!;
    if (c === '*') {
      while (pat[i] === '*') i++;
      out += '.*';
    } else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) { out += '\\['; continue; }
      let stuff = pat.slice(i, j).replace(/\\/g, '\\\\').replace(/\]/g, '\\]');
      i = j + 1;
      if (!stuff) out += '(?!)';
      else if (stuff === '!') out += '.';
      else {
        if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
        else if (stuff[0] === '^' || stuff[0] === '[') stuff = '\\' + stuff;
        out += `[${stuff}]`;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}
