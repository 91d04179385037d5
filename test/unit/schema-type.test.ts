import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Type as TypeBox } from '@sinclair/typebox';
import { Type } from '../../src/schema/type.js';
import { tempDir } from '../helpers/temp.js';

const KIND = Symbol.for('TypeBox.Kind');
const OPTIONAL = Symbol.for('TypeBox.Optional');

/** JSON with TypeBox's symbols spelled out, keys in their order: equal means equal for ajv, docs and types. */
function spell(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(spell);
  if (x === null || typeof x !== 'object') return x;
  const o = x as Record<string | symbol, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = spell(o[k]);
  if (o[KIND] !== undefined) out['@kind'] = o[KIND];
  if (o[OPTIONAL] !== undefined) out['@optional'] = o[OPTIONAL];
  return out;
}

type B = typeof Type;
const opts = { description: 'd', default: 'x', examples: ['e'] };
/** Every builder this project uses, with and without options, nested. */
const cases: Record<string, (T: B) => unknown> = {
  string: (T) => T.String(),
  stringOpts: (T) => T.String({ pattern: '^a$', minLength: 1, ...opts }),
  boolean: (T) => T.Boolean({ description: 'b' }),
  integer: (T) => T.Integer({ minimum: 0, maximum: 9 }),
  number: (T) => T.Number(),
  null: (T) => T.Null(),
  unknown: (T) => T.Unknown({ description: 'u' }),
  unsafe: (T) => T.Unsafe<string | number>({ type: ['string', 'integer'], description: 'n' }),
  literalString: (T) => T.Literal('present'),
  literalNumber: (T) => T.Literal(3, { description: 'three' }),
  literalBoolean: (T) => T.Literal(true),
  optional: (T) => T.Optional(T.String({ description: 'o' })),
  array: (T) => T.Array(T.Union([T.String(), T.Integer()]), { minItems: 1, uniqueItems: true }),
  union0: (T) => T.Union([]),
  union1: (T) => T.Union([T.String({ minLength: 2 })], { description: 'one' }),
  union3: (T) => T.Union([T.String(), T.Number(), T.Null()], { description: 'three' }),
  record: (T) => T.Record(T.String(), T.Boolean()),
  recordPattern: (T) => T.Record(T.String({ pattern: '^[a-z]+$' }), T.Array(T.String()), { description: 'r' }),
  recordInteger: (T) => T.Record(T.Integer(), T.String()),
  object: (T) => T.Object({
    a: T.String(),
    b: T.Optional(T.Boolean({ default: false })),
    c: T.Optional(T.Object({ d: T.Integer() }, { additionalProperties: false })),
    e: T.Array(T.Object({ f: T.Optional(T.String()) })),
  }, { additionalProperties: false, description: 'o' }),
  objectAllOptional: (T) => T.Object({ a: T.Optional(T.String()) }),
  objectEmpty: (T) => T.Object({}),
  optionalObject: (T) => T.Optional(T.Object({ a: T.String() }, { oneOf: [{ required: ['a'] }] })),
};

describe('schema/type: the TypeBox builders k8sbm uses, without loading TypeBox', () => {
  for (const [name, make] of Object.entries(cases)) {
    it(`builds ${name} as TypeBox does (keys, order, Kind and Optional)`, () => {
      assert.deepEqual(JSON.stringify(spell(make(Type))), JSON.stringify(spell(make(TypeBox as unknown as B))));
    });
  }

  it('refuses a Record key it cannot express, rather than guessing', () => {
    assert.throws(() => Type.Record(Type.Boolean() as never, Type.String()), /not supported/);
  });

  describe('every module and format schema of the project', () => {
    const dir = tempDir('schema-type', { after });
    const modulesUrl = new URL('../../src/modules/index.js', import.meta.url).href;
    const typeUrl = new URL('../../src/schema/type.js', import.meta.url).href;
    const typeboxUrl = import.meta.resolve('@sinclair/typebox');
    const dump = join(dir, 'dump.mjs');
    writeFileSync(dump, [
      `const { modules } = await import(${JSON.stringify(modulesUrl)});`,
      'const K = Symbol.for("TypeBox.Kind"), O = Symbol.for("TypeBox.Optional");',
      'const spell = (x) => Array.isArray(x) ? x.map(spell) : x === null || typeof x !== "object" ? x',
      '  : Object.assign(Object.fromEntries(Object.keys(x).map((k) => [k, spell(x[k])])), x[K] !== undefined ? { "@kind": x[K] } : {}, x[O] !== undefined ? { "@optional": x[O] } : {});',
      'process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(modules).map(([n, m]) => [n, spell(m.schema)]))));',
    ].join('\n'));
    const hook = join(dir, 'hook.mjs');
    writeFileSync(hook, [
      'export async function resolve(spec, ctx, next) {',
      '  const r = await next(spec, ctx);',
      `  if (process.env.SWAP_TYPEBOX && r.url === ${JSON.stringify(typeUrl)})`,
      `    return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(`export { Type } from ${JSON.stringify(typeboxUrl)};`)}`)}, shortCircuit: true };`,
      // Without the swap, loading any of TypeBox's files fails the dump: the modules must not need it.
      '  if (!process.env.SWAP_TYPEBOX && r.url.includes("/@sinclair/typebox/")) throw new Error("TypeBox loaded at run time: " + r.url);',
      '  return r;',
      '}',
    ].join('\n'));
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    const run = (env: Record<string, string>): string =>
      execFileSync(process.execPath, ['--import', pathToFileURL(register).href, dump], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });

    it('are the same JSON, Kind and Optional as when TypeBox builds them, and load none of TypeBox', () => {
      const ours = run({});
      const theirs = run({ SWAP_TYPEBOX: '1' });
      const parsed = JSON.parse(ours) as Record<string, unknown>;
      assert.ok(Object.keys(parsed).length >= 30, `only ${Object.keys(parsed).length} modules dumped`);
      for (const [name, schema] of Object.entries(JSON.parse(theirs) as Record<string, unknown>)) {
        assert.deepEqual(JSON.stringify(parsed[name]), JSON.stringify(schema), `module ${name}`);
      }
      assert.equal(ours, theirs);
    });
  });
});
