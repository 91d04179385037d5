import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { join } from 'node:path';
import { lazyRequire } from '../util/lazy.js';
import { packageRoot } from '../util/package-root.js';
import type { ParamsSpec } from '../contract/schema.js';
import { K8sbmError } from '../source/errors.js';
import { type Loc, formatLoc, valueLocOf } from '../source/loc.js';
import { isTemplated } from './coerce.js';
import { ERROR_ANNOTATIONS, FORMAT_CHECKS } from './formats.js';
import { type ParamProblem, dropTemplatedErrors, describeParamErrors } from './param-errors.js';

const ajv2020 = lazyRequire<typeof import('ajv/dist/2020.js')>('ajv/dist/2020');

export { coerceParams, isTemplated, asBoolean } from './coerce.js';

export interface ParamsWhere {
  /** Fallback place (the module key) when a param's own place is not known. */
  readonly loc: Loc;
  /** e.g. `task "enable forwarding" (sysctl)`. */
  readonly subject: string;
}

let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * strict: a sloppy module schema is a k8sbm bug and should fail loudly in its own tests. Only
 * strictRequired is off: it rejects the standard `oneOf: [{required: [a]}, {required: [b]}]`.
 */
const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true } as const;

/** An ajv for module params: the options, formats and annotation keywords every validator is compiled with. */
export function newParamsAjv(code?: Record<string, unknown>): Ajv2020 {
  const a = new (ajv2020().Ajv2020)({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  for (const [name, def] of Object.entries(FORMAT_CHECKS)) a.addFormat(name, def);
  for (const keyword of ERROR_ANNOTATIONS) a.addKeyword({ keyword, schemaType: 'string' });
  return a;
}

/** What a precompiled validator was made from: the module's schema and the options above. */
export function paramsFingerprint(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(AJV_OPTIONS)).update('\0').update(JSON.stringify(schema)).digest('hex');
}

/** The build's precompiled validator of one module (see modules/params-build.ts), as its file gives it. */
interface Precompiled {
  readonly validate: ValidateFunction;
  readonly fingerprint: string;
}

/** The folder of the generated files (one per module, `NAME.cjs`), beside this one in the build. */
export const PRECOMPILED_DIR = 'params-validators';

const requireHere = createRequire(import.meta.url);
const precompiled = new Map<string, Precompiled | null>();

/**
 * Where the build put the validators: beside dist/src/schema/params.js, found from the package's
 * root rather than from this file, which may also run inside the CLI's bundle (dist/k8sbm.cjs).
 */
function precompiledDir(): string {
  return join(packageRoot(), 'dist', 'src', 'schema', PRECOMPILED_DIR);
}

/**
 * The validator the build compiled for this module, if it was compiled from the same schema and
 * options (a module defined elsewhere, such as a test's, or a schema changed since the build, is
 * compiled here instead). Compiling schemas took the largest part of a run's start-up; loading a
 * module's generated code takes a fraction of a millisecond.
 */
function precompiledFor(module: ParamsSpec): ValidateFunction | undefined {
  let p = precompiled.get(module.name);
  if (p === undefined) {
    p = null;
    if (/^[a-z][a-z0-9_]*$/.test(module.name)) {
      try {
        p = (requireHere(join(precompiledDir(), `${module.name}.cjs`)) as (checks: typeof FORMAT_CHECKS) => Precompiled)(FORMAT_CHECKS);
      } catch (e) {
        if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
      }
    }
    precompiled.set(module.name, p);
  }
  return p !== null && p.fingerprint === paramsFingerprint(module.schema) ? p.validate : undefined;
}

/** Where a module's validator comes from: the build's precompiled code, or compiled in this process. */
export function paramsValidatorOrigin(module: ParamsSpec): 'build' | 'here' {
  const built = precompiledFor(module);
  return built !== undefined && built === paramsValidator(module) ? 'build' : 'here';
}

/** The compiled validator of a module's params (compiled once per module, or at build time). */
export function paramsValidator(module: ParamsSpec): ValidateFunction {
  let v = compiled.get(module);
  if (!v) {
    v = precompiledFor(module);
    if (!v) {
      try {
        v = (ajv ??= newParamsAjv()).compile(module.schema as Record<string, unknown>);
      } catch (e) {
        throw new Error(`module ${module.name}: its params schema does not compile: ${(e as Error).message}`);
      }
    }
    compiled.set(module, v);
  }
  return v;
}

/**
 * Check a task's params against its module's schema, then its rules. With `allowTemplates`,
 * values that are templated strings are not judged yet (the engine validates again after
 * rendering, with allowTemplates false). Throws K8SBM_PARAM_INVALID (or the code of the
 * mistake, such as K8SBM_MODE_UNQUOTED) at the param's line.
 */
export function validateParams(module: ParamsSpec, args: Record<string, unknown>, where: ParamsWhere, opts: { allowTemplates: boolean }): void {
  const validate = paramsValidator(module);
  if (!validate(args)) {
    const errors = opts.allowTemplates ? dropTemplatedErrors(validate.errors ?? [], args) : [...(validate.errors ?? [])];
    if (errors.length > 0) refuse(describeParamErrors(errors, args, module), where, secretsOf(module, args));
  }
  for (const rule of module.rules ?? []) {
    if (opts.allowTemplates && rule.params.some((p) => isTemplated(args[p]))) continue;
    const failure = rule.check(args);
    if (!failure) continue;
    const at = failure.param ?? rule.params.find((p) => args[p] !== undefined);
    refuse([{ message: failure.message, hint: failure.hint, loc: at === undefined ? undefined : valueLocOf(args, at) }], where, secretsOf(module, args));
  }
}

/** The values of the module's secret params, as written: the error's source excerpt must not show them. */
function secretsOf(module: ParamsSpec, args: Record<string, unknown>): string[] {
  return (module.secretParams ?? []).map((n) => args[n]).filter((v): v is string => typeof v === 'string' && v !== '');
}

function refuse(problems: readonly ParamProblem[], where: ParamsWhere, secrets: readonly string[]): void {
  const first = problems[0];
  if (!first) return;
  const details = problems.slice(1).map((p) => (p.loc && p.loc.file === (first.loc ?? where.loc).file ? `line ${p.loc.line}: ${p.message}` : `${p.loc ? `${formatLoc(p.loc)}: ` : ''}${p.message}`));
  throw new K8sbmError(first.code ?? 'K8SBM_PARAM_INVALID', first.message, { loc: first.loc ?? where.loc, subject: where.subject, details, hint: first.hint, secrets });
}
