import { readFileSync } from 'node:fs';
import { renderMarkdown } from './report.js';
/** `node dist/bench/show.js bench/results/FILE.json...`: the tables of recorded results, again. */
const files = process.argv.slice(2);
if (files.length === 0) {
    process.stderr.write('usage: node dist/bench/show.js RESULTS.json...\n');
    process.exitCode = 2;
}
for (const f of files) {
    process.stdout.write(`${renderMarkdown(JSON.parse(readFileSync(f, 'utf8')))}\n`);
}
//# sourceMappingURL=show.js.map