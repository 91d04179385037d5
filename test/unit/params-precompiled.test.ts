import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modules } from '../../src/modules/index.js';
import { defineModule } from '../../src/modules/types.js';
import { precompiledSource } from '../../src/modules/params-build.js';
import { newParamsAjv, paramsValidator, paramsValidatorOrigin, PRECOMPILED_DIR } from '../../src/schema/params.js';
import { Type } from '../../src/schema/type.js';

/** Inputs that make each module's validator speak: nothing, each param of a wrong type, an unknown param. */
function probes(schema: { properties?: Record<string, { type?: unknown }> }): Record<string, unknown>[] {
  const names = Object.keys(schema.properties ?? {});
  const out: Record<string, unknown>[] = [{}, { no_such_param: 1 }];
  for (const n of names) {
    out.push({ [n]: 12345 }, { [n]: 'x' }, { [n]: ['a', 1] }, { [n]: { a: null } }, { [n]: true });
  }
  out.push(Object.fromEntries(names.map((n) => [n, '/etc/x'])));
  return out;
}

const spell = (errors: unknown): string => JSON.stringify(errors);

describe('params validators compiled at build time', () => {
  it('the build wrote one file per module from the current modules (rebuilt, each is the same)', () => {
    const dir = fileURLToPath(new URL(`../../src/schema/${PRECOMPILED_DIR}/`, import.meta.url));
    assert.deepEqual(readdirSync(dir).sort(), Object.keys(modules).map((n) => `${n}.cjs`).sort());
    for (const mod of Object.values(modules)) assert.equal(readFileSync(`${dir}${mod.name}.cjs`, 'utf8'), precompiledSource(mod), mod.name);
  });

  for (const [name, mod] of Object.entries(modules)) {
    it(`${name}: uses the build's validator, which judges as one compiled here`, () => {
      assert.equal(paramsValidatorOrigin(mod), 'build');
      const here = newParamsAjv().compile(mod.schema as Record<string, unknown>);
      const built = paramsValidator(mod);
      let failures = 0;
      for (const p of probes(mod.schema as never)) {
        const a = built(p);
        const b = here(p);
        assert.equal(a, b, `${JSON.stringify(p)}: valid ${a} against ${b}`);
        if (!a) failures++;
        assert.equal(spell(built.errors ?? null), spell(here.errors ?? null), JSON.stringify(p));
      }
      assert.ok(failures > 0, 'no probe was refused: the comparison showed nothing');
    });
  }

  it('a module whose schema is not the one built (a test\'s, or changed since the build) is compiled here', () => {
    const changed = defineModule({
      ...modules.stat,
      schema: Type.Object({ path: Type.String(), extra: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    } as never);
    assert.equal(paramsValidatorOrigin(changed), 'here');
    const v = paramsValidator(changed);
    assert.equal(v({ path: '/x', extra: true }), true);
    assert.equal(v({ path: '/x', other: 1 }), false);
  });
});
