import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The shape of the house, checked on the sources: data flows one way (a folder imports only
 * folders below it), files stay readable, and nothing reads outside the repository.
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const src = join(repo, 'src');

/** Lowest first. A folder may import only folders before it in this list. */
const LAYERS = [
  'source', 'util', 'vault', 'contract', 'transport', 'report', 'facts', 'template', 'vars', 'inventory', 'schema',
  'modules', 'playbook', 'engine', 'graph', 'config', 'lab', 'cli', 'docs',
] as const;

function filesUnder(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

describe('the house', () => {
  it('every folder of src/ has a place in the layer order', () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    assert.deepEqual(folders, [...LAYERS].sort());
  });

  it('no import points from a lower folder to a higher one', () => {
    const upward: string[] = [];
    for (const file of filesUnder(src, (p) => p.endsWith('.ts'))) {
      const from = relative(src, file).split('/')[0] as (typeof LAYERS)[number];
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? '';
        if (!spec.startsWith('.')) continue;
        const to = relative(src, resolve(dirname(file), spec)).split('/')[0] as (typeof LAYERS)[number];
        if (to === from) continue;
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) upward.push(`${relative(repo, file)} imports ${spec} (${from} -> ${to})`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('no source file is over 400 lines', () => {
    const big = filesUnder(src, (p) => p.endsWith('.ts'))
      .map((f) => [relative(repo, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 400);
    assert.deepEqual(big, []);
  });

  it('nothing in the repository reads the shared folder beside a checkout', () => {
    // A user's clone has nothing beside it: whatever the project needs, it ships.
    const up = '.'.repeat(2);
    const needle = `${up}/shared`;
    const needle2 = `'${up}', 'shared'`;
    const texts = filesUnder(repo, (p) => statSync(p).size < 2_000_000 && !/\.(png|gz|tgz)$/.test(p));
    const hits = texts.filter((f) => {
      const t = readFileSync(f, 'utf8');
      return t.includes(needle) || t.includes(needle2);
    });
    assert.deepEqual(hits.map((f) => relative(repo, f)), []);
  });
});
