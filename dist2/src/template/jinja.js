import { lineColAt } from './origin.js';
function at(text, index, message, hint) {
    const { line, col0 } = lineColAt(text, index);
    return { line, col0, message, hint };
}
const STATEMENT = /\{%[-+]?\s*(\w+)([\s\S]*?)[-+]?%\}/g;
const COMMENT = /(^|[^{])\{#[\s\S]*?#\}/g;
/** `{% if %}`, `{% for %}`, `{# comment #}`: checked before parsing, as handlebars takes them for text. */
export function findJinjaStatement(text) {
    if (!text.includes('{%') && !text.includes('{#'))
        return undefined;
    STATEMENT.lastIndex = 0;
    const m = STATEMENT.exec(text);
    if (m) {
        const word = m[1];
        const body = m[2].trim();
        return at(text, m.index, `Jinja statement {% ${word} %} is not supported: templates are handlebars`, statementHint(word, body));
    }
    COMMENT.lastIndex = 0;
    const c = COMMENT.exec(text);
    if (c) {
        return at(text, c.index + c[1].length, 'Jinja comment {# #} is not supported: templates are handlebars', 'write comments as {{!-- comment --}}');
    }
    return undefined;
}
function statementHint(word, body) {
    switch (word) {
        case 'if':
        case 'elif':
            return `use {{#if ${body}}} ... {{else if other}} ... {{else}} ... {{/if}}`;
        case 'else':
        case 'endif':
            return 'use {{#if cond}} ... {{else}} ... {{/if}}';
        case 'for': {
            const m = /^(\w+)\s+in\s+(.+)$/s.exec(body);
            return m
                ? `use {{#each ${m[2].trim()} as |${m[1]}|}} ... {{/each}} (@index is the position)`
                : 'use {{#each list as |item|}} ... {{/each}}';
        }
        case 'endfor':
            return 'use {{#each list as |item|}} ... {{/each}}';
        case 'set':
            return 'templates cannot set variables: define it under vars (or use {{#with value as |name|}} ... {{/with}})';
        case 'raw':
        case 'endraw':
            return 'to keep {{ }} literal, write \\{{ or wrap the text in {{{{raw}}}} ... {{{{/raw}}}}';
        default:
            return 'see the helpers in the template docs: {{#if}}, {{#each}}, {{#with}}, {{default x "y"}}';
    }
}
/** Jinja words handlebars would take for variable names: `{{#if a and b}}`, `{{ x if y else z }}`. */
export const JINJA_WORDS = new Set(['and', 'or', 'not', 'if', 'else', 'is', 'in']);
export function jinjaWordHint(word) {
    switch (word) {
        case 'and':
        case 'or':
            return `handlebars has helpers for these: {{#if (${word} a b)}}`;
        case 'not':
            return 'use {{#unless x}} or (not x)';
        case 'if':
        case 'else':
            return 'handlebars has no inline if: use {{#if cond}}a{{else}}b{{/if}}';
        case 'is':
            return 'use {{#if x}} (true when x is set and not empty), or {{default x "y"}}';
        default:
            return 'handlebars has no `in`: compute the value in vars, or loop with {{#each}}';
    }
}
//# sourceMappingURL=jinja.js.map