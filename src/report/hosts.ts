import type { Diff } from '../contract/actions.js';

/**
 * Host names as few words as they allow, in the inventory's own range notation:
 * `node01 node02 node03 node07 cp1` becomes `cp1, node[01:03], node07`. Names that end in a
 * number share a word when they have the same prefix, suffix and digit count and the numbers
 * follow each other; any other name stands alone. Sorted, each name once.
 */
export function compactHosts(hosts: readonly string[]): string {
  // By prefix and suffix first: a number written with a leading zero sets a width (node08), and
  // a number of that many digits without one (node10) is in the same run; others are plain.
  const families = new Map<string, { prefix: string; suffix: string; digits: string[] }>();
  const loose: string[] = [];
  for (const h of new Set(hosts)) {
    const m = /^(.*?)(\d+)(\D*)$/.exec(h);
    if (!m) { loose.push(h); continue; }
    const [, prefix = '', digits = '', suffix = ''] = m;
    const key = JSON.stringify([prefix, suffix]);
    const f = families.get(key);
    if (f) f.digits.push(digits); else families.set(key, { prefix, suffix, digits: [digits] });
  }
  const words: { sort: string; text: string }[] = loose.map((h) => ({ sort: h, text: h }));
  for (const { prefix, suffix, digits } of families.values()) {
    const widths = new Set(digits.filter((d) => d.length > 1 && d.startsWith('0')).map((d) => d.length));
    const runs = new Map<number, number[]>();
    for (const d of digits) {
      const width = widths.has(d.length) ? d.length : 0;
      const list = runs.get(width);
      if (list) list.push(Number(d)); else runs.set(width, [Number(d)]);
    }
    for (const [width, nums] of runs) {
      const pad = (n: number): string => String(n).padStart(width, '0');
      nums.sort((a, b) => a - b);
      for (let i = 0; i < nums.length;) {
        let j = i;
        while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
        const text = j - i >= 2 ? `${prefix}[${pad(nums[i]!)}:${pad(nums[j]!)}]${suffix}` : nums.slice(i, j + 1).map((n) => `${prefix}${pad(n)}${suffix}`).join(', ');
        words.push({ sort: `${prefix}${pad(nums[i]!).padStart(12, '0')}${suffix}`, text });
        i = j + 1;
      }
    }
  }
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return words.sort((a, b) => order(a.sort, b.sort) || order(a.text, b.text)).map((w) => w.text).join(', ');
}

/** Diffs that were the same on several hosts: shown once, with the hosts they were on. */
export interface DiffGroup {
  readonly hosts: string[];
  readonly item: string | undefined;
  readonly diffs: readonly Diff[];
}

/**
 * Collects a task's diffs across its hosts and groups the identical ones (the same subjects,
 * before and after, loop item), in the order each was first seen.
 */
export class DiffGrouper {
  #groups = new Map<string, DiffGroup>();

  add(host: string, item: string | undefined, diffs: readonly Diff[]): void {
    if (diffs.length === 0) return;
    const key = JSON.stringify([item ?? null, diffs]);
    const g = this.#groups.get(key);
    if (g) g.hosts.push(host); else this.#groups.set(key, { hosts: [host], item, diffs });
  }

  get size(): number {
    return this.#groups.size;
  }

  /** The groups so far, in the order each was first seen. */
  get groups(): DiffGroup[] {
    return [...this.#groups.values()];
  }

  /** The groups so far, and an empty grouper after. */
  take(): DiffGroup[] {
    const out = [...this.#groups.values()];
    this.#groups.clear();
    return out;
  }
}
