import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { K8sbmError } from '../../source/errors.js';
import { expandCrdPath, splitApiVersion } from './k8s-schemas.js';
import { SHIPPED_UPSTREAMS } from './shipped-crds.js';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { HttpUrl, Seconds } from '../../schema/formats.js';
import { isTemplated } from '../../schema/params.js';
import { BUILTIN_GROUPS, CLUSTER_SCOPED_KINDS, flattenManifest } from './k8s_apply-manifest.js';
import type { ModuleDoc, ParamRule, PlanContext } from '../types.js';

/** What every object needs before it is sent; the server checks the rest (custom resources: their CRD, in plan). */
const OBJECT_SHAPE = {
  type: 'object',
  // A v1 List holds the objects in items (flattened in plan, where they are checked).
  if: { properties: { kind: { not: { const: 'List' } } } },
  then: {
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: { type: 'string', minLength: 1, errorHint: 'e.g. apiVersion: apps/v1, or metallb.io/v1beta1 for a custom resource' },
      kind: { type: 'string', minLength: 1, errorHint: 'e.g. kind: Deployment' },
      metadata: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1 }, namespace: { type: 'string', minLength: 1 } },
        errorHint: 'server-side apply needs metadata.name (generateName cannot be applied twice to the same object)',
      },
    },
  },
} as const;

/**
 * The manifest inline: an object, a list of objects, or YAML text (checked in plan, like files).
 * Objects written in the playbook are checked for their shape here, at their own line, before
 * anything runs.
 */
const Definition = Type.Unsafe<unknown>({
  type: ['object', 'array', 'string'],
  description: 'The manifest inline: one object, a list of objects, or YAML/JSON text (several documents allowed); usually templated.',
  allOf: [
    { if: { type: 'object' }, then: OBJECT_SHAPE },
    { if: { type: 'array' }, then: { items: { if: { type: 'object' }, then: OBJECT_SHAPE } } },
    {
      if: { type: 'array' },
      then: { minItems: 1, errorMessage: 'definition is an empty list: the manifest holds no objects', errorHint: 'give one object, or a list of objects' },
    },
  ],
});

const Wait = Type.Object({
  rollout: Type.Optional(Type.Boolean({ default: false, description: 'kubectl rollout status for every Deployment, DaemonSet and StatefulSet of the manifest.' })),
  condition: Type.Optional(Type.String({ minLength: 1, description: 'kubectl wait --for=condition=THIS (e.g. Ready) for the objects.' })),
  kinds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Kinds the condition applies to (default: every object of the manifest).' })),
  timeout: Type.Optional(Seconds({ minimum: 1, default: 300, description: 'Seconds for all the waiting together.' })),
}, {
  additionalProperties: false,
  description: 'After applying (and when nothing changed), wait until the objects are ready; one exec for all of them.',
});

export type WaitOptions = Static<typeof Wait>;

export const K8S_APPLY_SCHEMA = Type.Object({
  definition: Type.Optional(Definition),
  src: Type.Optional(Type.String({ minLength: 1, description: "A manifest file on the controller, looked up in the role's files/ then the playbook's files/ (sent as is)." })),
  template: Type.Optional(Type.String({ minLength: 1, description: "A manifest template on the controller (role's templates/, then the playbook's), rendered with the task's variables." })),
  url: Type.Optional(HttpUrl({ description: 'A manifest fetched by the node (curl, wget or python3) and checked on the controller before it is applied.' })),
  kubeconfig: Type.Optional(Type.String({ minLength: 1, default: '/etc/kubernetes/admin.conf', description: 'kubeconfig on the node that kubectl uses.' })),
  kubectl: Type.Optional(Type.String({ minLength: 1, default: 'kubectl', description: 'The kubectl program on the node (a name on PATH or a path).' })),
  namespace: Type.Optional(Type.String({ minLength: 1, description: 'Namespace for objects that do not name one (kubectl -n); objects naming another are refused.' })),
  field_manager: Type.Optional(Type.String({ minLength: 1, default: 'k8sbm', description: 'Field manager of the server-side apply: who owns the fields this task sets.' })),
  force_conflicts: Type.Optional(Type.Boolean({ default: false, description: 'Take over fields another field manager owns instead of failing on the conflict.' })),
  prune: Type.Optional(Type.Literal(false, {
    default: false,
    description: 'Objects missing from the manifest are never deleted (pruning is not supported).',
    errorHint: 'k8sbm never deletes objects a manifest drops: remove them with an explicit task (kubectl delete through command)',
  })),
  wait: Type.Optional(Wait),
  crd_paths: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
    description: 'CRD files on the controller to check custom resources against: files, directories or name patterns (crds/*.yaml). Default: the variable k8sbm_crd_paths.',
  })),
  allow_unknown_kinds: Type.Optional(Type.Boolean({ default: false, description: 'Send custom resources whose CRD is not in crd_paths with only the minimal check (apiVersion, kind, metadata.name).' })),
  cluster_from_earlier_plays: Type.Optional(Type.Boolean({
    default: false,
    description: 'kubectl and the kubeconfig come from earlier plays of the same run (kube packages, kubeadm init): in check mode, where either is not on the node yet, every object is planned as new instead of failing. A run is not affected.',
  })),
  validate_only: Type.Optional(Type.Boolean({
    default: false,
    description: 'Only render and check the objects on the controller (custom resources against their CRD schemas), in a run as in check mode: nothing is sent, the node is not contacted, the task never changes anything. A first task of a role so that a wrong value is refused before any task sends anything.',
  })),
}, {
  additionalProperties: false,
  oneOf: [{ required: ['definition'] }, { required: ['src'] }, { required: ['template'] }, { required: ['url'] }],
});

export type K8sApplyParams = Static<typeof K8S_APPLY_SCHEMA>;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * An object written in the playbook that names another namespace than the task's: kubectl
 * refuses it (-n and metadata.namespace disagree), so it is refused with the playbook. Only
 * Kubernetes' own kinds are judged here: whether a custom kind is namespaced is its CRD's to say
 * (plan reads it).
 */
export const NAMESPACE_RULE: ParamRule<K8sApplyParams> = {
  params: ['definition', 'namespace'],
  check(p) {
    if (p.namespace === undefined || typeof p.definition === 'string') return undefined;
    for (const o of flattenManifest(p.definition)) {
      if (!isRecord(o) || !isRecord(o.metadata) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
      const { name, namespace } = o.metadata;
      if (typeof namespace !== 'string' || isTemplated(namespace) || namespace === p.namespace) continue;
      if (!BUILTIN_GROUPS.has(splitApiVersion(o.apiVersion).group) || CLUSTER_SCOPED_KINDS.has(o.kind)) continue;
      return {
        message: `namespace is "${p.namespace}" but ${o.kind} ${String(name)} says metadata.namespace: "${namespace}"`,
        hint: 'kubectl refuses objects from another namespace than -n: drop one of the two',
        param: 'namespace',
      };
    }
    return undefined;
  },
};

/**
 * validate_only contacts no node: a manifest the node would fetch (url) cannot be checked that way,
 * and there is nothing applied to wait for.
 */
export const VALIDATE_ONLY_RULE: ParamRule<K8sApplyParams> = {
  params: ['validate_only', 'url', 'wait'],
  check(p) {
    if (p.validate_only !== true) return undefined;
    if (p.url !== undefined) {
      return { message: 'validate_only checks on the controller, but url is fetched by the node', hint: 'check a manifest the controller holds (src, template or definition), or drop validate_only', param: 'url' };
    }
    if (p.wait !== undefined) {
      return { message: 'validate_only sends nothing, so there is nothing to wait for', hint: 'drop wait from the validate_only task (the task that applies the objects waits)', param: 'wait' };
    }
    return undefined;
  },
};

export const K8S_APPLY_DOC: ModuleDoc = {
  summary: 'Applies Kubernetes objects with kubectl server-side apply on a node, after checking every object (custom resources against their CRD schemas) on the controller.',
  check: 'full',
  diff: 'content',
  example: `- name: the pool's objects checked against their CRDs before anything is sent
  k8s_apply:
    template: metallb-pool.yaml.j2
    crd_paths: [crds/metallb/*.yaml]
    validate_only: true

- name: MetalLB address pool and its L2 announcement
  k8s_apply:
    template: metallb-pool.yaml.j2
    crd_paths: [crds/metallb/*.yaml]
  delegate_to: "{{ groups['control_plane'][0] }}"
  run_once: true

- name: the dashboard, ready before the play goes on
  k8s_apply:
    src: dashboard.yaml
    namespace: kubernetes-dashboard
    wait: { rollout: true, timeout: 180 }
`,
  notes: [
    `Before anything is sent, every object must have apiVersion, kind and metadata.name, and a custom resource must fit its CRD's openAPIV3Schema (from crd_paths, k8sbm_crd_paths, a CRD in the same manifest, or for MetalLB and Rook objects the CRDs k8sbm ships with the roles that deploy them: ${SHIPPED_UPSTREAMS.map((u) => `${u.project} ${u.version}`).join(', ')}): the error names the file, line and JSON pointer of the field.`,
    'The plan is `kubectl diff --server-side` (one exec, manifest on stdin, never on the command line): no difference is ok with the reason, a difference is a change whose --diff shows each object before and after. Applying is one more exec, the wait one more; with wait, an unchanged run still checks readiness (a second exec), so a rollout an earlier run left unfinished is not taken for done.',
    'Check mode runs only the diff, a server-side dry run. A namespace or CRD that an earlier task of the same check run would create is taken into account: the objects that need it are planned as new instead of failing.',
    'Run it on a node that has kubectl and the kubeconfig (delegate_to a control-plane node, run_once). Objects dropped from a manifest are not deleted (no pruning).',
    'validate_only: true makes a task that only renders and checks its objects on the controller (the checks above), in a run as in check mode, and reports ok with the number of objects checked: no exec on the node, nothing sent. A role puts one first, with the same template or definition as the task that applies it later, so a value only a CRD schema refuses stops the play before any earlier task (a manifest, a wait) has sent anything. It cannot be combined with url (the node fetches it) or wait.',
    'On fresh nodes an earlier play of the same run installs kubectl and creates the cluster: with cluster_from_earlier_plays, check mode plans every object as new where kubectl is missing (exit 127) or the kubeconfig does not exist (one more exec, only then), so plan predicts what the run does. A run still fails when either is missing.',
  ],
};

/**
 * crd_paths (or the variable k8sbm_crd_paths) -> absolute CRD files. Relative entries are found
 * like other controller files (role, then playbook); a pattern's directory is found that way and
 * its last part matched against the names in it.
 */
export function resolveCrdPaths(ctx: PlanContext, given: readonly string[] | undefined): string[] {
  const fromVars = ctx.vars.k8sbm_crd_paths;
  const entries = given ?? (typeof fromVars === 'string' ? [fromVars] : Array.isArray(fromVars) ? fromVars.map(String) : []);
  const files: string[] = [];
  for (const entry of entries) {
    const wild = /[*?]/.test(basename(entry));
    const base = wild ? dirname(entry) : entry;
    const found = isAbsolute(base) ? base : ctx.findLocal('files', base);
    if (!existsSync(found)) {
      throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `crd_paths entry "${entry}" does not exist`, { loc: ctx.loc, hint: 'give CRD files, directories or patterns such as crds/*.yaml' });
    }
    const expanded = expandCrdPath(wild ? join(found, basename(entry)) : found);
    if (expanded.length === 0) {
      throw new K8sbmError('K8SBM_K8S_CRD_PATH_EMPTY', `crd_paths entry "${entry}" names no file`, {
        loc: ctx.loc, hint: `nothing in ${found} matches ${basename(entry)}`,
      });
    }
    files.push(...expanded);
  }
  return [...new Set(files)];
}
