import { locOf, valueLocOf } from '../source/loc.js';
/** JSON pointers into params as the YAML loader gave them (with positions). */
export function pointerSegments(pointer) {
    if (pointer === '')
        return [];
    return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
export function valueAt(data, pointer) {
    let node = data;
    for (const seg of pointerSegments(pointer)) {
        if (node === null || typeof node !== 'object')
            return undefined;
        node = node[seg];
    }
    return node;
}
/** The closest recorded place of the value at `pointer` (walking down as far as positions go). */
export function locAt(data, pointer) {
    let node = data;
    let loc = locOf(data);
    for (const seg of pointerSegments(pointer)) {
        if (node === null || typeof node !== 'object')
            break;
        const key = Array.isArray(node) ? Number(seg) : seg;
        loc = valueLocOf(node, key) ?? loc;
        node = node[seg];
    }
    return loc;
}
//# sourceMappingURL=pointer.js.map