import { conditionText } from '../schema/conditions.js';
/**
 * The module reference (docs/modules.md), generated from the registry: every
 * module's doc and a parameter table derived from its params schema, so the reference cannot
 * drift from what the engine accepts. `npm run docs` writes it between the markers below.
 */
export const MODULES_BEGIN = '<!-- modules:begin -->';
export const MODULES_END = '<!-- modules:end -->';
const asSchema = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
const asList = (v) => (Array.isArray(v) ? v : []);
const code = (v) => `\`${typeof v === 'string' && v !== '' ? v : JSON.stringify(v)}\``;
function jsonType(v) {
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'list';
    if (typeof v === 'number')
        return Number.isInteger(v) ? 'integer' : 'number';
    if (typeof v === 'object')
        return 'mapping';
    return typeof v;
}
const TYPE_NAMES = { object: 'mapping', array: 'list' };
/** A param's type in words: "string", "string or integer", "list of string", "any". */
export function describeSchemaType(s) {
    const names = typeNames(s);
    return names.length === 0 ? 'any' : names.join(' or ');
}
function typeNames(s) {
    const names = [];
    const add = (n) => { if (!names.includes(n))
        names.push(n); };
    const types = typeof s.type === 'string' ? [s.type] : asList(s.type).filter((t) => typeof t === 'string');
    for (const t of types) {
        const items = asSchema(s.items);
        const of = items ? typeNames(items) : [];
        add(t === 'array' && of.length > 0 ? `list of ${of.length > 1 ? `(${of.join(' or ')})` : of[0]}` : TYPE_NAMES[t] ?? t);
    }
    if (types.length === 0) {
        if (Array.isArray(s.enum))
            s.enum.forEach((v) => add(jsonType(v)));
        else if ('const' in s)
            add(jsonType(s.const));
        for (const alt of [...asList(s.anyOf), ...asList(s.oneOf)]) {
            const a = asSchema(alt);
            if (a)
                typeNames(a).forEach(add);
        }
    }
    return names;
}
/** Names of the params each alternative of a oneOf/anyOf of `required` lists, or undefined. */
function requiredAlternatives(alts) {
    const list = asList(alts);
    if (list.length === 0)
        return undefined;
    const out = [];
    for (const alt of list) {
        const a = asSchema(alt);
        if (!a || Object.keys(a).some((k) => k !== 'required'))
            return undefined;
        out.push(asList(a.required).map(String));
    }
    return out;
}
/** The schema's conditionals: its own if/then/else and those of its allOf. */
function conditionals(schema) {
    return [schema, ...asList(schema.allOf).map(asSchema).filter((s) => s !== undefined)].filter((s) => 'if' in s);
}
function requiredText(schema, name) {
    if (asList(schema.required).includes(name))
        return 'yes';
    for (const key of ['oneOf', 'anyOf']) {
        const alts = requiredAlternatives(schema[key]);
        if (alts?.some((a) => a.includes(name)))
            return `one of ${alts.map((a) => a.map((n) => `\`${n}\``).join(' + ')).join(', ')}`;
    }
    const when = [];
    for (const c of conditionals(schema)) {
        const cond = conditionText(c.if, { verb: true });
        if (cond === undefined)
            continue;
        if (asList(asSchema(c.then)?.required).includes(name))
            when.push(`when ${cond}`);
        if (asList(asSchema(c.else)?.required).includes(name))
            when.push(`unless ${cond}`);
    }
    return when.length > 0 ? when.join('; ') : 'no';
}
/**
 * Prose from a schema or doc as one line of Markdown: `<name>` would be swallowed as an HTML tag
 * and `*` could start emphasis, so outside code spans both are escaped.
 */
function oneLine(text) {
    return text.replace(/\s*\n\s*/g, ' ').trim()
        .split(/(`[^`]*`)/)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/\*/g, '\\*')))
        .join('');
}
/** The rows of a params schema's table, in the schema's own order. */
export function paramRows(schema) {
    const rows = [];
    for (const [name, raw] of Object.entries(asSchema(schema.properties) ?? {})) {
        const p = asSchema(raw) ?? {};
        rows.push({
            name: code(name),
            type: describeSchemaType(p),
            required: requiredText(schema, name),
            default: 'default' in p ? code(p.default) : '',
            choices: Array.isArray(p.enum) ? p.enum.map(code).join(', ') : 'const' in p ? code(p.const) : '',
            description: typeof p.description === 'string' ? oneLine(p.description) : '',
        });
    }
    for (const [pattern, raw] of Object.entries(asSchema(schema.patternProperties) ?? {})) {
        const p = asSchema(raw) ?? {};
        rows.push({
            name: `any name matching ${code(pattern)}`,
            type: describeSchemaType(p),
            required: 'no',
            default: '',
            choices: '',
            description: typeof p.description === 'string' ? oneLine(p.description) : '',
        });
    }
    return rows;
}
/** A table cell: pipes escaped (also inside code spans, as GitHub's tables want). */
const cell = (text) => text.replace(/\|/g, '\\|');
function paramTable(schema) {
    const rows = paramRows(schema);
    if (rows.length === 0)
        return ['No parameters.'];
    return [
        '| param | type | required | default | choices | description |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows.map((r) => `| ${[r.name, r.type, r.required, r.default, r.choices, r.description].map(cell).join(' | ')} |`),
    ];
}
const CHECK_TEXT = {
    full: 'full (the plan is exact and changes nothing)',
    partial: 'partial (it says what it cannot know)',
    none: 'none',
};
const DIFF_TEXT = {
    content: 'content (unified diff)',
    state: 'state (before/after)',
    'content and state': 'content (unified diff) and state (before/after)',
    none: 'none',
};
function moduleSection(name, m) {
    const doc = m.doc;
    const out = [`### \`${name}\``, ''];
    out.push(doc ? doc.summary : '_No reference documentation yet._', '');
    out.push(...paramTable(m.schema), '');
    const traits = [];
    if (m.freeForm)
        traits.push(`Free form: \`${name}: TEXT\` sets \`${m.freeForm}\`.`);
    if (m.controllerOnly)
        traits.push('Runs on the controller: no connection to the host.');
    if (m.secretParams?.length)
        traits.push(`Shown as \`***\` in output: ${m.secretParams.map((s) => `\`${s}\``).join(', ')}.`);
    if (doc)
        traits.push(`Check mode: ${CHECK_TEXT[doc.check]}. Diff: ${DIFF_TEXT[doc.diff]}.`);
    if (traits.length)
        out.push(traits.join(' '), '');
    for (const note of doc?.notes ?? [])
        out.push(`- ${oneLine(note)}`);
    if (doc?.notes?.length)
        out.push('');
    if (doc)
        out.push('```yaml', doc.example.replace(/\s+$/, ''), '```', '');
    return out;
}
/** Markdown for every module, in the registry's order: an index, then one section per module. */
export function renderModuleReference(modules) {
    const names = Object.keys(modules);
    const out = [
        '<!-- generated from each module\'s schema and doc by `npm run docs`; edit those, not this -->',
        '',
        '| module | what it does |',
        '| --- | --- |',
        ...names.map((n) => `| [\`${n}\`](#${n.toLowerCase()}) | ${cell(oneLine(modules[n].doc?.summary ?? ''))} |`),
        '',
    ];
    for (const n of names)
        out.push(...moduleSection(n, modules[n]));
    return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
/** `text` with what stands between two markers (the module markers unless given) replaced by `body`. */
export function replaceMarkedSection(text, body, markers = { begin: MODULES_BEGIN, end: MODULES_END }) {
    const begin = text.indexOf(markers.begin);
    const end = text.indexOf(markers.end);
    if (begin < 0 || end < begin)
        throw new Error(`no ${markers.begin} ... ${markers.end} section`);
    return `${text.slice(0, begin + markers.begin.length)}\n${body}${text.slice(end)}`;
}
//# sourceMappingURL=modules.js.map