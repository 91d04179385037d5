import { k8sKindFact, k8sObjectFact, type KubectlTarget } from '../../facts/k8s.js';
import type { ExecResult } from '../../transport/connection.js';
import { splitApiVersion } from './k8s-schemas.js';
import { type KubectlErrorKinds, type KubectlOptions, kubectlApplyArgv, parseKubectlDiff, READINESS_SCRIPT } from './k8s_apply-kubectl.js';
import { kubectlDiffName, type ManifestObject, objectLabel, objectYaml } from './k8s_apply-manifest.js';
import type { Action, ChangePlan, Diff, Effect, FailPlan, PlanContext } from '../types.js';

/** From what kubectl diff said to a plan: pure except dependencyPlan's look-ups in check mode. */

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
const subjectOf = (o: ManifestObject): string => `${objectLabel(o)} (${o.apiVersion})`;

/** Predictions for check mode: every object exists as declared; every CRD's kinds are served. */
export function effectsOf(objects: readonly ManifestObject[], t: KubectlTarget): Effect[] {
  const out: Effect[] = [];
  for (const o of objects) {
    out.push({
      fact: k8sObjectFact.name,
      key: k8sObjectFact.key({ ...t, apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name }),
      value: { exists: true, object: o.object },
    });
    if (o.kind !== 'CustomResourceDefinition' || !o.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = (o.object.spec ?? {}) as { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
    if (typeof spec.group !== 'string' || typeof spec.names?.kind !== 'string' || !Array.isArray(spec.versions)) continue;
    for (const v of spec.versions as { name?: unknown; served?: unknown }[]) {
      if (typeof v?.name !== 'string' || v.served === false) continue;
      out.push({ fact: k8sKindFact.name, key: k8sKindFact.key({ ...t, apiVersion: `${spec.group}/${v.name}`, kind: spec.names.kind }), value: { served: true } });
    }
  }
  return out;
}

function actionsOf(o: KubectlOptions, stdin: string, readyArgv: readonly string[] | undefined): Action[] {
  const apply: Action = { kind: 'exec', argv: kubectlApplyArgv(o), stdin };
  return readyArgv ? [apply, { kind: 'exec', argv: readyArgv, stdin: READINESS_SCRIPT }] : [apply];
}

function summaryOf(created: readonly string[], updated: readonly string[], total: number, fm: string): string {
  const parts: string[] = [];
  const list = (xs: readonly string[]): string => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`);
  if (created.length) parts.push(`create ${list(created)}`);
  if (updated.length) parts.push(`update ${list(updated)}`);
  return `server-side apply of ${plural(total, 'object')} (field manager ${fm}): ${parts.join('; ') || 'changes'}`;
}

/** kubectl diff found differences: its before/after per object become the plan's diffs. */
export function changePlanOf(objects: readonly ManifestObject[], diffText: string, o: KubectlOptions, stdin: string, readyArgv: readonly string[] | undefined, t: KubectlTarget): ChangePlan {
  const byName = new Map(objects.map((x) => [kubectlDiffName(x), x]));
  const diffs: Diff[] = [];
  const created: string[] = [];
  const updated: string[] = [];
  for (const d of parseKubectlDiff(diffText)) {
    const obj = byName.get(d.name);
    const label = obj ? objectLabel(obj) : d.name;
    (d.before === null ? created : updated).push(label);
    diffs.push({ kind: 'text', subject: obj ? subjectOf(obj) : d.name, before: d.before, after: d.after });
  }
  return {
    kind: 'change',
    summary: summaryOf(created, updated, objects.length, o.fieldManager),
    diffs,
    actions: actionsOf(o, stdin, readyArgv),
    effects: effectsOf(objects, t),
    result: { objects: objects.map(objectLabel), created, updated, diff: diffText },
  };
}

/**
 * Check mode before the cluster exists (kubectl or the kubeconfig comes from an earlier play of
 * the run): every object is new, as it will be when the run gets here.
 */
export function newClusterPlan(objects: readonly ManifestObject[], why: string, o: KubectlOptions, stdin: string, readyArgv: readonly string[] | undefined, t: KubectlTarget): ChangePlan {
  const created = objects.map(objectLabel);
  return {
    kind: 'change',
    summary: `${summaryOf(created, [], objects.length, o.fieldManager)} (${why}: an earlier play of the run provides it, so every object is new)`,
    diffs: objects.map((x): Diff => ({ kind: 'text', subject: subjectOf(x), before: null, after: objectYaml(x) })),
    actions: actionsOf(o, stdin, readyArgv),
    effects: effectsOf(objects, t),
    result: { objects: created, created, dependencies: [why] },
  };
}

/** kubectl's complaint, without client-go's log noise, as a failed plan. */
export function kubectlFailure(what: string, res: ExecResult): FailPlan {
  const lines = `${res.stderr}\n${res.stdout}`.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^[EWI]\d{4} /.test(l) && !l.startsWith('k8sbm-ready '));
  const tail = lines.slice(-4).join('; ');
  return { kind: 'fail', msg: `${what} (exit ${res.code ?? res.signal})${tail ? `: ${tail}` : ''}`, result: { rc: res.code ?? -1, stderr: res.stderr } };
}

/**
 * kubectl diff could not dry-run because a namespace or a kind does not exist yet. When this
 * manifest creates the namespace, or (check mode) an earlier task of the run is predicted to
 * create it or the kind's CRD, the plan is a change: objects that need it are new. Otherwise a
 * failure that says what is missing. undefined: the error was something else.
 */
export async function dependencyPlan(
  ctx: PlanContext, objects: readonly ManifestObject[], missing: KubectlErrorKinds, o: KubectlOptions, stdin: string,
  readyArgv: readonly string[] | undefined, t: KubectlTarget,
): Promise<ChangePlan | FailPlan | undefined> {
  if (missing.missingNamespaces.length === 0 && missing.missingKinds.length === 0) return undefined;
  const why: string[] = [];
  for (const ns of missing.missingNamespaces) {
    if (objects.some((x) => x.kind === 'Namespace' && x.apiVersion === 'v1' && x.name === ns)) { why.push(`namespace ${ns} is created by this manifest`); continue; }
    if (ctx.check && (await ctx.fact(k8sObjectFact, { ...t, apiVersion: 'v1', kind: 'Namespace', namespace: '', name: ns })).exists) {
      why.push(`namespace ${ns} is created by an earlier task`);
      continue;
    }
    return { kind: 'fail', msg: `namespace ${ns} does not exist, and neither this manifest nor an earlier task creates it`, result: { missing_namespace: ns } };
  }
  for (const k of missing.missingKinds) {
    const crdHere = objects.some((x) => x.kind === 'CustomResourceDefinition' && (x.object.spec as { names?: { kind?: unknown }; group?: unknown } | undefined)?.names?.kind === k.kind
      && (x.object.spec as { group?: unknown }).group === splitApiVersion(k.apiVersion).group);
    if (crdHere) {
      return {
        kind: 'fail',
        msg: `${k.kind} (${k.apiVersion}) is defined by a CRD in the same manifest: kubectl cannot map it until the CRD is established. Apply the CRDs in an earlier k8s_apply task`,
        result: { missing_kind: `${k.apiVersion} ${k.kind}` },
      };
    }
    if (ctx.check && (await ctx.fact(k8sKindFact, { ...t, apiVersion: k.apiVersion, kind: k.kind })).served) {
      why.push(`${k.kind} (${k.apiVersion}) is served once an earlier task's CRD is applied`);
      continue;
    }
    return {
      kind: 'fail',
      msg: `the cluster does not serve ${k.kind} (${k.apiVersion}): install its CRD first (an earlier k8s_apply of the CRDs)`,
      result: { missing_kind: `${k.apiVersion} ${k.kind}` },
    };
  }
  const needs = (x: ManifestObject): boolean => missing.missingNamespaces.includes(x.namespace)
    || missing.missingKinds.some((k) => k.kind === x.kind && k.apiVersion === x.apiVersion)
    || (x.kind === 'Namespace' && missing.missingNamespaces.includes(x.name));
  const created = objects.filter(needs);
  const unknown = objects.filter((x) => !needs(x));
  const diffs: Diff[] = [
    ...created.map((x): Diff => ({ kind: 'text', subject: subjectOf(x), before: null, after: objectYaml(x) })),
    ...unknown.map((x): Diff => ({ kind: 'text', subject: subjectOf(x), before: '', after: '', note: `not diffed: the server's dry run stopped at the missing dependency (${why.join('; ')})` })),
  ];
  return {
    kind: 'change',
    summary: `${summaryOf(created.map(objectLabel), [], objects.length, o.fieldManager)}${unknown.length ? `; ${plural(unknown.length, 'other object')} not diffed` : ''} (${why.join('; ')})`,
    diffs,
    actions: actionsOf(o, stdin, readyArgv),
    effects: effectsOf(objects, t),
    result: { objects: objects.map(objectLabel), created: created.map(objectLabel), dependencies: why },
  };
}
