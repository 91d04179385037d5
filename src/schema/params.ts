import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { ParamsSpec } from '../contract/schema.js';
import { K8sbmError } from '../source/errors.js';
import { type Loc, formatLoc, keyPosOf } from '../source/loc.js';
import { dropTemplatedErrors, describeParamErrors } from './param-errors.js';

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
  // strict: a sloppy module schema is a k8sbm bug and should fail loudly in its own tests. Only
  // strictRequired is off: it rejects the standard `oneOf: [{required: [a]}, {required: [b]}]`.
  ajv ??= new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
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
 * Check a task's params against its module's schema. With `allowTemplates`, values that are
 * templated strings are not judged yet (the engine validates again after rendering, with
 * allowTemplates false). Throws K8SBM_PARAM_INVALID (or K8SBM_MODE_UNQUOTED) at the param's line.
 */
export function validateParams(module: ParamsSpec, args: Record<string, unknown>, where: ParamsWhere, opts: { allowTemplates: boolean }): void {
  checkUnquotedMode(args, where);
  const validate = paramsValidator(module);
  if (validate(args)) return;
  const errors = opts.allowTemplates ? dropTemplatedErrors(validate.errors ?? [], args) : [...(validate.errors ?? [])];
  if (errors.length === 0) return;
  const problems = describeParamErrors(errors, args, module);
  const first = problems[0];
  if (!first) return;
  const details = problems.slice(1).map((p) => (p.loc && p.loc.file === (first.loc ?? where.loc).file ? `line ${p.loc.line}: ${p.message}` : `${p.loc ? `${formatLoc(p.loc)}: ` : ''}${p.message}`));
  throw new K8sbmError('K8SBM_PARAM_INVALID', first.message, { loc: first.loc ?? where.loc, subject: where.subject, details, hint: first.hint });
}

/**
 * `mode: 0644` unquoted: YAML 1.2 reads it as the decimal integer 644, which as a file mode is
 * nonsense (Ansible guesses; we refuse). Only the raw source text can tell, so this looks at the
 * positions the YAML loader recorded.
 */
function checkUnquotedMode(args: Record<string, unknown>, where: ParamsWhere): void {
  for (const key of ['mode', 'directory_mode']) {
    const v = args[key];
    if (typeof v !== 'number') continue;
    const pos = keyPosOf(args, key);
    if (!pos || !pos.plain || pos.raw === undefined) continue;
    const raw = pos.raw.trim();
    const digits = /^0o?([0-7]{3,4})$/.exec(raw)?.[1] ?? (/^[0-7]{3}$/.test(raw) ? raw : undefined);
    const suggestion = digits ? (digits.length === 3 ? `0${digits}` : digits) : '0644';
    throw new K8sbmError('K8SBM_MODE_UNQUOTED', `${key}: ${raw} is read by YAML as the number ${v}, not as an octal mode`, {
      loc: pos.value,
      subject: where.subject,
      hint: `quote it: ${key}: "${suggestion}"`,
    });
  }
}
