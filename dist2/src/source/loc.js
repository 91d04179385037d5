// Positions ride alongside the plain objects the YAML loader returns, so the rest of the code
// works with ordinary data and still can point at file:line:col when something is wrong.
const positions = new WeakMap();
export function recordNode(node, self) {
    positions.set(node, { self, keys: new Map() });
}
export function recordKey(node, key, pos) {
    const p = positions.get(node);
    if (p)
        p.keys.set(key, pos);
}
/** Location of a mapping or sequence that came from YAML. */
export function locOf(node) {
    return node !== null && typeof node === 'object' ? positions.get(node)?.self : undefined;
}
/** Location of `node[key]` (the key's own place and its value's). */
export function keyPosOf(node, key) {
    return node !== null && typeof node === 'object' ? positions.get(node)?.keys.get(key) : undefined;
}
/** Best location for `node[key]`'s value, falling back to the key, then to the node. */
export function valueLocOf(node, key) {
    return keyPosOf(node, key)?.value ?? locOf(node);
}
/** Copy the recorded positions of one node onto another (after a shallow clone). */
export function copyPositions(from, to) {
    const p = positions.get(from);
    if (p)
        positions.set(to, { self: p.self, keys: new Map(p.keys) });
}
/** `file:line:col`; just `file` for a place without lines (line 0), such as a command line. */
export function formatLoc(loc) {
    if (!loc)
        return '<unknown>';
    return loc.line > 0 ? `${loc.file}:${loc.line}:${loc.col}` : loc.file;
}
//# sourceMappingURL=loc.js.map