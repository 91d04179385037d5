import { FILTER_ALIASES, filters } from '../template/expr-filters.js';
import { TEST_ALIASES, tests } from '../template/expr-lib.js';
import { LOOKUPS } from '../template/expr-lookup.js';
/**
 * The lists of docs/language.md that the code holds: every filter, test and lookup of the
 * expression language, from their registries (`npm run docs` writes them between the markers).
 */
export const LANGUAGE_BEGIN = '<!-- BEGIN GENERATED: expression language (npm run docs) -->';
export const LANGUAGE_END = '<!-- END GENERATED: expression language -->';
function aliasesOf(aliases, name) {
    return Object.entries(aliases).filter(([, to]) => to === name).map(([a]) => `\`${a}\``);
}
function row(usage, aliases) {
    return `| \`${usage.replace(/\|/g, '\\|')}\` | ${aliases.join(', ')} |`;
}
export function renderLanguageReference() {
    const out = [];
    out.push('Filters (`x | name(args)`, in conditions and inside `{{ }}` alike):', '', '| usage | also written |', '|---|---|');
    out.push(row("x | default('value') or x | default('value', true)", aliasesOf(FILTER_ALIASES, 'default')));
    out.push(row("x | mandatory('message')", []));
    for (const name of Object.keys(filters).sort())
        out.push(row(filters[name].usage, aliasesOf(FILTER_ALIASES, name)));
    out.push('', 'Tests (`x is name`, `x is not name(args)`):', '', '| usage | also written |', '|---|---|');
    out.push(row('x is defined', []), row('x is undefined', []));
    for (const name of Object.keys(tests).sort())
        out.push(row(tests[name].usage, aliasesOf(TEST_ALIASES, name)));
    out.push('', "Functions: `lookup(plugin, terms...)` gives one value (several terms joined by commas), `query()` / `q()` a list:", '');
    for (const name of Object.keys(LOOKUPS).sort()) {
        const l = LOOKUPS[name];
        out.push(`- \`${l.usage}\`${l.kwargs.length ? ` (keyword arguments: ${l.kwargs.map((k) => `\`${k}=\``).join(', ')})` : ''}`);
    }
    return `${out.join('\n')}\n`;
}
//# sourceMappingURL=language.js.map