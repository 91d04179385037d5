import { fileFact } from '../../facts/file.js';
import type { KubectlTarget } from '../../facts/k8s.js';
import { failureReason } from '../../facts/types.js';
import { K8sbmError } from '../../source/errors.js';
import { BUILTIN_GROUPS, checkManifest, flattenManifest, type ManifestObject, manifestStdin, objectLabel, parseManifestText } from './k8s_apply-manifest.js';
import {
  classifyKubectlError, countReady, FETCH_SCRIPT, fetchArgv, kubectlDiffArgv, type KubectlOptions, READINESS_SCRIPT,
  readinessArgv, readinessTargets,
} from './k8s_apply-kubectl.js';
import { K8S_APPLY_DOC, K8S_APPLY_SCHEMA, type K8sApplyParams, NAMESPACE_RULE, resolveCrdPaths, VALIDATE_ONLY_RULE, type WaitOptions } from './k8s_apply-params.js';
import { changePlanOf, dependencyPlan, kubectlFailure, newClusterPlan } from './k8s_apply-plan.js';
import { loadCrdFiles, splitApiVersion } from './k8s-schemas.js';
import { apiGroupsOf, shippedCrdFiles } from './shipped-crds.js';
import { ActionFailed, defineModule, type Plan, type PlanContext } from '../types.js';

export function kubectlOptionsOf(p: K8sApplyParams): KubectlOptions {
  return {
    kubectl: p.kubectl ?? 'kubectl',
    kubeconfig: p.kubeconfig ?? '/etc/kubernetes/admin.conf',
    namespace: p.namespace,
    fieldManager: p.field_manager ?? 'k8sbm',
    forceConflicts: p.force_conflicts === true,
  };
}

/** The manifest's documents, from whichever source the task names (url costs one exec). */
async function manifestDocs(ctx: PlanContext, p: K8sApplyParams): Promise<unknown[] | Plan> {
  if (p.src !== undefined) {
    const path = ctx.findLocal('files', p.src);
    return parseManifestText((await ctx.readLocal(path)).toString('utf8'), path);
  }
  if (p.template !== undefined) {
    const path = ctx.findLocal('templates', p.template);
    const text = ctx.renderTemplate((await ctx.readLocal(path)).toString('utf8'), path);
    // Positions are those of the rendered text: the file name says so.
    return parseManifestText(text, `${path} (rendered)`);
  }
  if (p.url !== undefined) {
    const res = await ctx.probe(fetchArgv(p.url, 60), { stdin: FETCH_SCRIPT });
    if (res.code !== 0) {
      return { kind: 'fail', msg: `cannot fetch ${p.url} on ${ctx.host}: ${failureReason(res, undefined, 2)}` };
    }
    return parseManifestText(res.stdout, p.url);
  }
  if (typeof p.definition === 'string') return parseManifestText(p.definition, `definition of the task at ${ctx.loc?.file ?? 'the playbook'}`);
  return flattenManifest(p.definition);
}

/** The readiness exec, when the task waits for something among these objects. */
function readiness(o: KubectlOptions, objects: readonly ManifestObject[], w: WaitOptions | undefined): { argv: string[]; count: number } | undefined {
  const targets = w ? readinessTargets(objects, w) : [];
  if (targets.length === 0) return undefined;
  return { argv: readinessArgv(o, targets, w?.timeout ?? 300), count: targets.length };
}

/** validate_only: the checks passed; nothing was sent and nothing will be. */
function validatedPlan(objects: readonly ManifestObject[]): Plan {
  const custom = objects.filter((o) => !BUILTIN_GROUPS.has(splitApiVersion(o.apiVersion).group)).length;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return {
    kind: 'ok',
    reason: `${plural(objects.length, 'object')} checked on the controller${custom ? ` (${plural(custom, 'custom resource')} against the CRD schemas)` : ''}: validate_only, nothing sent`,
    result: { objects: objects.map(objectLabel), validated: true },
  };
}

export const k8s_apply = defineModule({
  name: 'k8s_apply',
  waits: true,
  schema: K8S_APPLY_SCHEMA,
  rules: [NAMESPACE_RULE, VALIDATE_ONLY_RULE],
  doc: K8S_APPLY_DOC,
  async plan(ctx, p) {
    const o = kubectlOptionsOf(p);
    const docs = await manifestDocs(ctx, p);
    if (!Array.isArray(docs)) return docs;
    const crdFiles = resolveCrdPaths(ctx, p.crd_paths);
    // The shipped MetalLB and Rook CRDs first: a kind the task's own CRD files define wins.
    const registry = loadCrdFiles([...shippedCrdFiles(apiGroupsOf(docs)), ...crdFiles]);
    // Every object is checked before anything leaves the controller.
    const objects = checkManifest(docs, registry, { namespace: p.namespace, allowUnknownKinds: p.allow_unknown_kinds, loc: ctx.loc, crdPathsGiven: crdFiles.length > 0 });
    if (objects.length === 0) return { kind: 'fail', msg: 'the manifest holds no objects' };
    if (p.validate_only === true) return validatedPlan(objects);
    const stdin = manifestStdin(objects);
    const target: KubectlTarget = { kubectl: o.kubectl, kubeconfig: o.kubeconfig };
    const ready = readiness(o, objects, p.wait);
    const res = await ctx.probe(kubectlDiffArgv(o), { stdin });
    if (res.code === 0) {
      const same = `${objects.length} object${objects.length === 1 ? '' : 's'} already as declared (kubectl diff --server-side: no changes)`;
      if (!ready) return { kind: 'ok', reason: same, result: { objects: objects.map(objectLabel) } };
      // Unchanged is not ready: a rollout an earlier run started may still be going (or stuck).
      const r = await ctx.probe(ready.argv, { stdin: READINESS_SCRIPT });
      if (r.code !== 0) return kubectlFailure(`${same}, but not ready`, r);
      return { kind: 'ok', reason: `${same}; ${ready.count} readiness check${ready.count === 1 ? '' : 's'} passed`, result: { objects: objects.map(objectLabel) } };
    }
    if (res.code === 1 && res.stdout.trim() !== '') return changePlanOf(objects, res.stdout, o, stdin, ready?.argv, target);
    if (ctx.check && p.cluster_from_earlier_plays === true) {
      // The kubeconfig is looked at only now: a reachable cluster costs no extra exec.
      const absent = res.code === 127 ? `${o.kubectl} is not installed on ${ctx.host} yet`
        : !(await ctx.fact(fileFact, o.kubeconfig)).exists ? `${o.kubeconfig} does not exist on ${ctx.host} yet` : undefined;
      if (absent) return newClusterPlan(objects, absent, o, stdin, ready?.argv, target);
    }
    if (res.code === 127) {
      return { kind: 'fail', msg: `${o.kubectl} is not installed on ${ctx.host} (exit 127): run k8s_apply on a node with kubectl (delegate_to a control-plane node), or set kubectl: to its path` };
    }
    const dependency = await dependencyPlan(ctx, objects, classifyKubectlError(res.stderr), o, stdin, ready?.argv, target);
    return dependency ?? kubectlFailure('kubectl diff failed', res);
  },
  async apply(ctx, plan) {
    const [applyAction, readyAction] = plan.actions;
    const applied = await ctx.run(applyAction!);
    const out: Record<string, unknown> = { applied: applied.stdout.split('\n').filter(Boolean) };
    if (readyAction) {
      try {
        out.ready = countReady((await ctx.run(readyAction)).stdout);
      } catch (e) {
        if (e instanceof ActionFailed) {
          throw new K8sbmError('K8SBM_K8S_NOT_READY', `applied, but not ready within the wait timeout`, {
            loc: ctx.loc,
            details: e.result.stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-8),
            hint: 'look at the objects with kubectl describe; raise wait.timeout when they are only slow',
          });
        }
        throw e;
      }
    }
    return out;
  },
});
