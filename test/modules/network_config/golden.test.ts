import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeNetParams } from '../../../src/modules/network/netcfg-normalize.js';
import { RENDERERS } from '../../../src/modules/network/netcfg-render.js';
import type { Renderer } from '../../../src/modules/network/netcfg-spec.js';
import { repoRoot } from '../../helpers/paths.js';
import { CASES } from './cases.js';

/**
 * Golden files of the three network_config renderers, for review: each case of cases.ts goes
 * through normalizeNetParams and every renderer, and the files must be byte for byte those under
 * test/modules/network_config/golden/CASE/RENDERER/, at their absolute path below that folder
 * (golden/reference/netplan/etc/netplan/60-k8sbm.yaml). FILES lists each file with its mode, so
 * a file too many or too few, or a changed mode, fails as well.
 *
 * After a deliberate change, regenerate them and review the diff:
 *   K8SBM_UPDATE_GOLDEN=1 node --test dist/test/modules/network_config/golden.test.js
 * Without the variable, any difference fails.
 */

const GOLDEN = join(repoRoot, 'test', 'modules', 'network_config', 'golden');
const MANIFEST = 'FILES';
const update = process.env.K8SBM_UPDATE_GOLDEN === '1';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The files of one golden folder, by absolute target path, and its manifest. */
function readGolden(dir: string): { files: Record<string, string>; manifest: string } {
  const files: Record<string, string> = {};
  for (const p of walk(dir).sort()) {
    const rel = relative(dir, p);
    if (rel !== MANIFEST) files[`/${rel}`] = readFileSync(p, 'utf8');
  }
  return { files, manifest: readFileSync(join(dir, MANIFEST), 'utf8') };
}

for (const [name, params] of Object.entries(CASES)) {
  describe(`network_config golden: ${name}`, () => {
    const { spec, problems } = normalizeNetParams(params);

    it('the parameters are sound', () => {
      assert.deepEqual(problems, []);
    });

    for (const renderer of Object.keys(RENDERERS) as Renderer[]) {
      it(renderer, () => {
        const def = RENDERERS[renderer];
        const rendered = def.render(spec);
        const files = Object.fromEntries(rendered.map((f) => [f.path, f.content]));
        const manifest = rendered.map((f) => `${f.mode} ${f.path}\n`).sort().join('');
        for (const f of rendered) {
          assert.equal(dirname(f.path), def.dir, `${f.path} is outside ${def.dir}`);
          assert.match(f.path.slice(def.dir.length + 1), def.owns, `${renderer} does not own ${f.path}`);
        }
        const dir = join(GOLDEN, name, renderer);
        if (update) {
          rmSync(dir, { recursive: true, force: true });
          for (const f of rendered) {
            mkdirSync(dirname(join(dir, f.path)), { recursive: true });
            writeFileSync(join(dir, f.path), f.content);
          }
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, MANIFEST), manifest);
        }
        const golden = readGolden(dir);
        assert.equal(manifest, golden.manifest, `files and modes differ from ${relative(repoRoot, join(dir, MANIFEST))}`);
        for (const [path, content] of Object.entries(golden.files)) {
          assert.equal(files[path], content, `${path} differs from ${relative(repoRoot, join(dir, path))}`);
        }
        assert.deepEqual(Object.keys(files).sort(), Object.keys(golden.files));
      });
    }

    it('renders the same bytes twice', () => {
      for (const def of Object.values(RENDERERS)) assert.deepEqual(def.render(spec), def.render(normalizeNetParams(params).spec));
    });
  });
}
