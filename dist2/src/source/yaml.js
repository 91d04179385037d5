import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, Scalar, } from 'yaml';
import { K8sbmError } from './errors.js';
import { recordKey, recordNode } from './loc.js';
// Source text by file name, so an error can quote the offending line long after loading.
const sources = new Map();
export function rememberSource(file, text) {
    sources.set(file, text.split(/\r?\n/));
}
export function sourceLine(file, line) {
    return sources.get(file)?.[line - 1];
}
export const YAML_1_2 = {
    options: { merge: true, uniqueKeys: true },
    hint: yamlHint,
    scalar: (node) => node.value,
};
/** The documents of a YAML text; the first syntax error throws K8SBM_YAML_SYNTAX at its place. */
export function parseYamlDocuments(text, file, dialect) {
    rememberSource(file, text);
    const lc = new LineCounter();
    const parsed = parseAllDocuments(text, { ...dialect.options, lineCounter: lc, keepSourceTokens: true });
    const docs = (Array.isArray(parsed) ? parsed : [parsed]);
    for (const d of docs) {
        const err = d.errors[0];
        if (err) {
            const pos = err.linePos?.[0];
            throw new K8sbmError('K8SBM_YAML_SYNTAX', firstLine(err.message), {
                loc: { file, line: pos?.line ?? 1, col: pos?.col ?? 1 },
                hint: dialect.hint(err.code),
            });
        }
    }
    return { docs, lc };
}
/** One value per document (`---` separated), anchors, aliases and `<<` merge keys resolved. */
export function parseYamlAllWith(text, file, dialect) {
    const { docs, lc } = parseYamlDocuments(text, file, dialect);
    return docs.map((doc) => yamlToData(doc, file, lc, dialect));
}
/** Parse YAML 1.2 into plain data while keeping file:line:col of every mapping, sequence, key and value. */
export function parseYamlAll(text, file) {
    return parseYamlAllWith(text, file, YAML_1_2);
}
export function parseYaml(text, file) {
    return onlyDocument(parseYamlAll(text, file), file);
}
/** The one document of a file (none gives null); more than one is an error. */
export function onlyDocument(all, file) {
    if (all.length > 1) {
        throw new K8sbmError('K8SBM_YAML_MULTIDOC', `expected one YAML document, found ${all.length}`, {
            loc: { file, line: 1, col: 1 },
            hint: 'remove the extra `---` separators or split the file',
        });
    }
    return all[0] ?? null;
}
export function readYamlFile(file) {
    let text;
    try {
        text = readFileSync(file, 'utf8');
    }
    catch (e) {
        throw new K8sbmError('K8SBM_FILE_UNREADABLE', `cannot read ${file}: ${e.code ?? String(e)}`, {
            hint: 'check the path (relative paths are taken from the file that names them)',
        });
    }
    return parseYaml(text, file);
}
function firstLine(s) {
    return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
function yamlHint(code) {
    switch (code) {
        case 'DUPLICATE_KEY': return 'a key may appear only once in a mapping; merge the two entries';
        case 'BAD_INDENT':
        case 'MISSING_CHAR':
        case 'UNEXPECTED_TOKEN': return 'check the indentation (spaces only, children indented deeper than their parent)';
        case 'TAB_AS_INDENT': return 'YAML does not allow tabs for indentation; use spaces';
        case 'BLOCK_AS_IMPLICIT_KEY': return 'a value that starts with `{{` must be quoted: key: "{{ var }}"';
        default: return 'see the YAML 1.2 rules near the marked place; quote values that contain `: ` or start with `{`, `[`, `*`, `&` or `!`';
    }
}
function locAt(lc, file, offset) {
    const p = lc.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
}
/** A plain, untagged `<<` key (the parser gives it as a symbol when it resolves merges itself). */
function isMergeKey(node) {
    if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag)
        return false;
    const v = node.value;
    return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}
/** The data of a document, every mapping and sequence remembering where it and its entries stand. */
export function yamlToData(doc, file, lc, dialect) {
    const at = (offset) => locAt(lc, file, offset);
    const seen = new Set();
    const walk = (node) => {
        if (node === null || node === undefined)
            return null;
        if (isAlias(node)) {
            const target = node.resolve(doc);
            if (!target)
                return null;
            if (seen.has(target))
                throw new K8sbmError('K8SBM_YAML_SYNTAX', 'recursive alias', { loc: at(node.range?.[0]) });
            seen.add(target);
            const v = walk(target);
            seen.delete(target);
            return v;
        }
        if (isScalar(node))
            return dialect.scalar(node, () => at(node.range?.[0]));
        if (isSeq(node)) {
            const arr = [];
            recordNode(arr, at(node.range?.[0]));
            node.items.forEach((item, i) => {
                const itemNode = item;
                arr.push(walk(itemNode));
                const l = at(itemNode?.range?.[0]);
                recordKey(arr, i, { key: l, value: l, ...scalarRaw(itemNode) });
            });
            return arr;
        }
        if (isMap(node)) {
            const obj = {};
            recordNode(obj, at(node.range?.[0]));
            const merges = [];
            for (const pair of node.items) {
                const keyNode = pair.key;
                const valNode = pair.value;
                if (isMergeKey(keyNode)) {
                    const m = walk(valNode);
                    for (const x of Array.isArray(m) ? m : [m])
                        if (x && typeof x === 'object')
                            merges.push(x);
                    continue;
                }
                const keyVal = walk(keyNode);
                const key = keyText(keyVal);
                if (typeof keyVal !== 'string')
                    dialect.nonStringKey?.(obj, key);
                obj[key] = walk(valNode);
                const kl = at(keyNode?.range?.[0]);
                recordKey(obj, key, { key: kl, value: valNode?.range ? at(valNode.range[0]) : kl, ...scalarRaw(valNode) });
            }
            for (const m of merges)
                for (const [k, v] of Object.entries(m))
                    if (!(k in obj))
                        obj[k] = v;
            return obj;
        }
        return null;
    };
    return walk(doc.contents);
}
/** The property name a mapping key gives: `1:` -> "1", `true:` -> "true", a flow mapping as JSON. */
function keyText(v) {
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
}
function scalarRaw(node) {
    if (!isScalar(node))
        return {};
    const tok = node.srcToken;
    return { raw: tok?.source, plain: node.type === Scalar.PLAIN };
}
//# sourceMappingURL=yaml.js.map