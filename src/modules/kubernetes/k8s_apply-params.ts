import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { K8sbmError } from '../../source/errors.js';
import { expandCrdPath } from './k8s-schemas.js';
import { SHIPPED_UPSTREAMS } from './shipped-crds.js';
import type { JsonSchema, ModuleDoc, PlanContext } from '../types.js';

export const K8S_APPLY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['definition'] }, { required: ['src'] }, { required: ['template'] }, { required: ['url'] }],
  properties: {
    definition: {
      type: ['object', 'array', 'string'],
      description: 'The manifest inline: one object, a list of objects, or YAML/JSON text (several documents allowed); usually templated.',
    },
    src: { type: 'string', minLength: 1, description: "A manifest file on the controller, looked up in the role's files/ then the playbook's files/ (sent as is)." },
    template: { type: 'string', minLength: 1, description: "A manifest template on the controller (role's templates/, then the playbook's), rendered with the task's variables." },
    url: { type: 'string', pattern: '^https?://', description: 'A manifest fetched by the node (curl, wget or python3) and checked on the controller before it is applied.' },
    kubeconfig: { type: 'string', minLength: 1, default: '/etc/kubernetes/admin.conf', description: 'kubeconfig on the node that kubectl uses.' },
    kubectl: { type: 'string', minLength: 1, default: 'kubectl', description: 'The kubectl program on the node (a name on PATH or a path).' },
    namespace: { type: 'string', minLength: 1, description: 'Namespace for objects that do not name one (kubectl -n); objects naming another are refused.' },
    field_manager: { type: 'string', minLength: 1, default: 'k8sbm', description: 'Field manager of the server-side apply: who owns the fields this task sets.' },
    force_conflicts: { type: 'boolean', default: false, description: 'Take over fields another field manager owns instead of failing on the conflict.' },
    prune: { const: false, default: false, description: 'Objects missing from the manifest are never deleted (pruning is not supported).' },
    wait: {
      type: 'object',
      additionalProperties: false,
      description: 'After applying (and when nothing changed), wait until the objects are ready; one exec for all of them.',
      properties: {
        rollout: { type: 'boolean', default: false, description: 'kubectl rollout status for every Deployment, DaemonSet and StatefulSet of the manifest.' },
        condition: { type: 'string', minLength: 1, description: 'kubectl wait --for=condition=THIS (e.g. Ready) for the objects.' },
        kinds: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Kinds the condition applies to (default: every object of the manifest).' },
        timeout: { type: 'integer', minimum: 1, default: 300, description: 'Seconds for all the waiting together.' },
      },
    },
    crd_paths: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      description: 'CRD files on the controller to check custom resources against: files, directories or name patterns (crds/*.yaml). Default: the variable k8sbm_crd_paths.',
    },
    allow_unknown_kinds: { type: 'boolean', default: false, description: 'Send custom resources whose CRD is not in crd_paths with only the minimal check (apiVersion, kind, metadata.name).' },
  },
};

export const K8S_APPLY_DOC: ModuleDoc = {
  summary: 'Applies Kubernetes objects with kubectl server-side apply on a node, after checking every object (custom resources against their CRD schemas) on the controller.',
  check: 'full',
  diff: 'content',
  example: `- name: MetalLB address pool and its L2 announcement
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
