import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileFact, type FileState } from '../../src/facts/file.js';
import { modules, type ModuleName } from '../../src/modules/index.js';
import type { AnyModule, Plan } from '../../src/modules/types.js';
import { validateParams } from '../../src/schema/params.js';
import { K8sbmError } from '../../src/source/errors.js';
import { MemoryConnection, type Responder } from '../../src/transport/memory.js';
import { factId, makePlanContext, repoRoot } from '../helpers/module-harness.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Golden fixtures of the pure decision: facts in -> plan out. One JSON file per case under
 * test/modules/<module>/. Facts not listed in a case are not on the host: a module that asks
 * for one fails the case (the memory connection answers nothing). Set K8SBM_UPDATE_GOLDEN=1 to
 * rewrite `expect` after a deliberate change, then review the diff.
 */

interface GoldenCase {
  readonly description: string;
  readonly params: Record<string, unknown>;
  readonly check?: boolean;
  /** Path -> file fact; `content` is text, `contentBase64` bytes; sha256/size are derived from content. */
  readonly files?: Record<string, Record<string, unknown>>;
  /** Facts of other families, by `FACT:KEY` (e.g. "group:docker"), as their parsers return them. */
  readonly facts?: Record<string, unknown>;
  readonly probes?: readonly { argv: string[]; stdout?: string; stderr?: string; code?: number }[];
  readonly vars?: Record<string, unknown>;
  /** Controller files for copy/template, relative to the playbook dir. */
  readonly local?: Record<string, string>;
  /** The plan throws a K8sbmError with this code (a user mistake the engine reports). */
  readonly expectError?: string;
  /** The params schema refuses `params`: `expect` holds the K8SBM_PARAM_INVALID message and hint. */
  readonly expectParamError?: boolean;
  readonly expect: unknown;
}

const root = join(repoRoot(), 'test', 'modules');
const update = process.env.K8SBM_UPDATE_GOLDEN === '1';
const work = tempDir('golden', { after });

export function fileStateFromFixture(raw: Record<string, unknown>): FileState {
  const { content, contentBase64, ...rest } = raw;
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8')
    : typeof contentBase64 === 'string' ? Buffer.from(contentBase64, 'base64') : undefined;
  if (data === undefined) return rest as unknown as FileState;
  return {
    parentIsDir: true, type: 'file', readable: true,
    size: data.length, sha256: createHash('sha256').update(data).digest('hex'),
    ...rest, exists: true, content: data,
  } as FileState;
}

/** Plans hold Buffers; fixtures hold JSON: text as strings, bytes as { base64 }. */
export function toPlain(v: unknown): unknown {
  if (Buffer.isBuffer(v)) {
    const text = v.toString('utf8');
    return Buffer.from(text, 'utf8').equals(v) && !v.includes(0) ? text : { base64: v.toString('base64') };
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toPlain(x)]));
  }
  return v;
}

function caseFiles(moduleDir: string): string[] {
  return readdirSync(moduleDir).filter((f) => f.endsWith('.json')).sort();
}

const moduleDirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory() && d !== 'facts');

it('every fixture folder is a module, and every module but setup has fixtures', () => {
  for (const d of moduleDirs) assert.ok(d in modules, `test/modules/${d} is not a module name`);
  for (const name of Object.keys(modules)) {
    if (name === 'setup') continue; // its facts have their own tests
    assert.ok(moduleDirs.includes(name), `no golden fixtures for ${name}`);
  }
});

for (const dir of moduleDirs) {
  describe(`golden: ${dir}`, () => {
    for (const f of caseFiles(join(root, dir))) {
      const path = join(root, dir, f);
      const c = JSON.parse(readFileSync(path, 'utf8')) as GoldenCase;
      it(`${f.replace(/\.json$/, '')}: ${c.description}`, async () => {
        const hostFacts = new Map<string, unknown>(Object.entries(c.facts ?? {}));
        for (const [p, raw] of Object.entries(c.files ?? {})) hostFacts.set(factId(fileFact.name, fileFact.key(p)), fileStateFromFixture(raw));
        const responders: Responder[] = (c.probes ?? []).map((pr) => (req) =>
          JSON.stringify(req.argv) === JSON.stringify(pr.argv) ? { stdout: pr.stdout ?? '', stderr: pr.stderr ?? '', code: pr.code ?? 0 } : undefined);
        const conn = new MemoryConnection('node1', responders);
        const localDir = join(work, dir, f);
        for (const [rel, text] of Object.entries(c.local ?? {})) {
          mkdirSync(dirname(join(localDir, rel)), { recursive: true });
          writeFileSync(join(localDir, rel), text);
        }
        const module: AnyModule = modules[dir as ModuleName];
        if (c.expectParamError) {
          const refused = paramsRefusal(module, c.params);
          if (update) writeFileSync(path, `${JSON.stringify({ ...c, expect: refused }, null, 2)}\n`);
          else assert.deepEqual(refused, c.expect);
          return;
        }
        // The engine plans only params its schema accepts: so must every case.
        validateParams(module, c.params, { loc: { file: 'site.yml', line: 1, col: 1 }, subject: module.name }, { allowTemplates: false });
        // Golden cases decide only: nothing is applied, so plan() is called directly.
        const ctx = makePlanContext(conn, { check: c.check ?? false, vars: c.vars ?? {}, localDir, hostFacts });
        if (c.expectError !== undefined) {
          await assert.rejects(module.plan(ctx, c.params), (e: unknown) => (e as { code?: string }).code === c.expectError);
          return;
        }
        const plan: Plan = await module.plan(ctx, c.params);
        const actual = toPlain(plan);
        if (update) {
          writeFileSync(path, `${JSON.stringify({ ...c, expect: actual }, null, 2)}\n`);
          return;
        }
        assert.deepEqual(actual, c.expect);
        assertPlanContract(plan);
      });
    }
  });
}

/** The error the engine's params validation raises, as plain data (fails when it accepts them). */
function paramsRefusal(module: AnyModule, params: Record<string, unknown>): unknown {
  try {
    validateParams(module, params, { loc: { file: 'site.yml', line: 1, col: 1 }, subject: module.name }, { allowTemplates: false });
  } catch (e) {
    assert.ok(e instanceof K8sbmError, String(e));
    return toPlain({ code: e.code, message: e.message, hint: e.hint, details: e.details });
  }
  return assert.fail('the params schema accepted these params');
}

/** What every plan must satisfy, whatever the module. */
function assertPlanContract(plan: Plan): void {
  if (plan.kind === 'ok' || plan.kind === 'skip') assert.ok(plan.reason.trim() !== '', 'a no-op says why');
  if (plan.kind === 'change') {
    assert.ok(plan.actions.length > 0, 'a change has actions');
    assert.ok(plan.summary.trim() !== '');
  }
  if (plan.kind === 'fail') assert.ok(plan.msg.trim() !== '');
}
