/**
 * A place in a user's file. Lines and columns are 1-based, as editors show them; line 0 is a
 * source without lines as a whole (the command line of `exec -m`).
 */
export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** Where a key and its value stand in the source, plus the raw text of a plain scalar. */
export interface KeyPos {
  readonly key: Loc;
  readonly value: Loc;
  /** Raw source text of the value when it is a scalar (e.g. `0644` before YAML reads it as 644). */
  readonly raw?: string;
  /** True when the scalar value was written without quotes. */
  readonly plain?: boolean;
}

interface NodePositions {
  self: Loc;
  keys: Map<string | number, KeyPos>;
}

// Positions ride alongside the plain objects the YAML loader returns, so the rest of the code
// works with ordinary data and still can point at file:line:col when something is wrong.
const positions = new WeakMap<object, NodePositions>();

export function recordNode(node: object, self: Loc): void {
  positions.set(node, { self, keys: new Map() });
}

export function recordKey(node: object, key: string | number, pos: KeyPos): void {
  const p = positions.get(node);
  if (p) p.keys.set(key, pos);
}

/** Location of a mapping or sequence that came from YAML. */
export function locOf(node: unknown): Loc | undefined {
  return node !== null && typeof node === 'object' ? positions.get(node)?.self : undefined;
}

/** Location of `node[key]` (the key's own place and its value's). */
export function keyPosOf(node: unknown, key: string | number): KeyPos | undefined {
  return node !== null && typeof node === 'object' ? positions.get(node)?.keys.get(key) : undefined;
}

/** Best location for `node[key]`'s value, falling back to the key, then to the node. */
export function valueLocOf(node: unknown, key: string | number): Loc | undefined {
  return keyPosOf(node, key)?.value ?? locOf(node);
}

/** Copy the recorded positions of one node onto another (after a shallow clone). */
export function copyPositions(from: object, to: object): void {
  const p = positions.get(from);
  if (p) positions.set(to, { self: p.self, keys: new Map(p.keys) });
}

/** `file:line:col`; just `file` for a place without lines (line 0), such as a command line. */
export function formatLoc(loc: Loc | undefined): string {
  if (!loc) return '<unknown>';
  return loc.line > 0 ? `${loc.file}:${loc.line}:${loc.col}` : loc.file;
}
