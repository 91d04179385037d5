import { pointerSegments } from './pointer.js';
const asNode = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
/** `{properties: {state: {const: 'link'}}, required: ['state']}` -> [{param: 'state', values: ['link']}]. */
export function conditionParts(ifSchema) {
    const s = asNode(ifSchema);
    if (!s || Object.keys(s).some((k) => k !== 'properties' && k !== 'required'))
        return undefined;
    const parts = new Map();
    for (const name of Array.isArray(s.required) ? s.required.map(String) : [])
        parts.set(name, { param: name });
    for (const [name, raw] of Object.entries(asNode(s.properties) ?? {})) {
        const p = asNode(raw);
        const values = p && 'const' in p ? [p.const] : p && Array.isArray(p.enum) ? p.enum : undefined;
        if (!values)
            return undefined;
        parts.set(name, { param: name, values });
    }
    return parts.size > 0 ? [...parts.values()] : undefined;
}
/**
 * "state=link", "backrefs=true"; a param that is merely given reads "content" or, where the
 * sentence needs a verb ("unless swap is given"), "swap is given".
 */
export function conditionText(ifSchema, opts = {}) {
    const parts = conditionParts(ifSchema);
    return parts?.map((p) => (p.values ? `${p.param}=${p.values.map(String).join(' or ')}` : opts.verb ? `${p.param} is given` : p.param)).join(', ');
}
/** The schema nodes an error's schemaPath ("#/allOf/0/then/required") walks through, root first. */
export function nodesAlong(root, schemaPath) {
    const out = [];
    let node = root;
    const first = asNode(root);
    if (first)
        out.push(first);
    for (const seg of pointerSegments(schemaPath.replace(/^#/, ''))) {
        if (node === null || typeof node !== 'object')
            break;
        node = node[seg];
        const n = asNode(node);
        if (n)
            out.push(n);
    }
    return out;
}
/** The innermost `if` whose then/else the error's schemaPath goes through, when it can be put in words. */
export function enclosingCondition(root, schemaPath) {
    let node = root;
    let found;
    for (const seg of pointerSegments(schemaPath.replace(/^#/, ''))) {
        if (node === null || typeof node !== 'object')
            break;
        const n = node;
        if ((seg === 'then' || seg === 'else') && 'if' in n) {
            const text = conditionText(n.if, { verb: seg === 'else' });
            const parts = conditionParts(n.if);
            found = text !== undefined && parts ? { test: n.if, branch: seg, text, params: parts.map((p) => p.param) } : undefined;
        }
        node = n[seg];
    }
    return found;
}
//# sourceMappingURL=conditions.js.map