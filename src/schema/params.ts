import { lazyRequire } from '../util/lazy.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { ParamsSpec } from '../contract/schema.js';
import { K8sbmError } from '../source/errors.js';
import { type Loc, formatLoc, valueLocOf } from '../source/loc.js';
import { isTemplated } from './coerce.js';
import { ERROR_ANNOTATIONS, FORMATS } from './formats.js';
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

function paramsAjv(): Ajv2020 {
  if (ajv) return ajv;
  // strict: a sloppy module schema is a k8sbm bug and should fail loudly in its own tests. Only
  // strictRequired is off: it rejects the standard `oneOf: [{required: [a]}, {required: [b]}]`.
  ajv = new (ajv2020().Ajv2020)({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
  for (const [name, spec] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: (s: string) => spec.problem(s) === undefined });
  for (const keyword of ERROR_ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: 'string' });
  return ajv;
}

/** The compiled validator of a module's params (compiled once per module). */
export function paramsValidator(module: ParamsSpec): ValidateFunction {
  let v = compiled.get(module);
  if (!v) {
    try {
      v = paramsAjv().compile(module.schema as Record<string, unknown>);
    } catch (e) {
      throw new Error(`module ${module.name}: its params schema does not compile: ${(e as Error).message}`);
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
