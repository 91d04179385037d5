import { stringify } from 'yaml';
import { K8sbmError } from '../../source/errors.js';
import { keyPosOf, locOf } from '../../source/loc.js';
import { parseYamlAll } from '../../source/yaml.js';
import { splitApiVersion } from './k8s-schemas.js';
/**
 * API groups of Kubernetes itself: their kinds get the minimal check (apiVersion, kind,
 * metadata.name) and the server does the rest. Any other group is a custom resource and needs its
 * CRD's schema.
 */
export const BUILTIN_GROUPS = new Set([
    '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
    'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
    'discovery.k8s.io', 'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io', 'events.k8s.io', 'apiregistration.k8s.io',
    'resource.k8s.io', 'internal.apiserver.k8s.io', 'storagemigration.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io',
]);
/** Built-in kinds that live outside namespaces. */
export const CLUSTER_SCOPED_KINDS = new Set([
    'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass',
    'VolumeAttachment', 'CSIDriver', 'CSINode', 'PriorityClass', 'RuntimeClass', 'IngressClass', 'APIService',
    'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'ComponentStatus', 'DeviceClass',
]);
const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Documents -> objects: lists and `kind: List` are flattened, empty documents dropped. */
export function flattenManifest(raw) {
    if (raw === null || raw === undefined)
        return [];
    if (Array.isArray(raw))
        return raw.flatMap(flattenManifest);
    if (isRecord(raw) && raw.kind === 'List' && Array.isArray(raw.items) && (raw.apiVersion === 'v1' || raw.apiVersion === undefined)) {
        return raw.items.flatMap(flattenManifest);
    }
    return [raw];
}
/** A YAML or JSON text (one or many documents) -> its objects, with their places remembered. */
export function parseManifestText(text, file) {
    return parseYamlAll(text, file).flatMap(flattenManifest);
}
/** The deepest place of a JSON pointer inside an object that came from YAML. */
export function locAtPointer(root, pointer) {
    let node = root;
    let best = locOf(root);
    for (const raw of pointer.split('/').slice(1)) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (node === null || typeof node !== 'object')
            break;
        const k = Array.isArray(node) ? Number(key) : key;
        const pos = keyPosOf(node, k);
        if (!pos)
            break;
        best = pos.value;
        node = node[key];
    }
    return best;
}
export function objectLabel(o) {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
function invalid(code, label, p, more, root, opts, extra = []) {
    return new K8sbmError(code, `${label}: ${p.pointer} ${p.message}`, {
        loc: locAtPointer(root, p.pointer) ?? opts.loc,
        details: [...more.map((m) => `also ${m.pointer} ${m.message}`), ...extra],
        hint: p.hint,
    });
}
function minimalProblems(o) {
    const out = [];
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '')
        out.push({ pointer: '/apiVersion', message: 'is required (a string)', hint: 'e.g. apiVersion: apps/v1, or metallb.io/v1beta1 for a custom resource' });
    if (typeof o.kind !== 'string' || o.kind === '')
        out.push({ pointer: '/kind', message: 'is required (a string)', hint: 'e.g. kind: Deployment' });
    const md = o.metadata;
    if (!isRecord(md))
        out.push({ pointer: '/metadata', message: 'is required (a mapping with name)', hint: 'metadata: { name: ..., namespace: ... }' });
    else {
        if (typeof md.name !== 'string' || md.name === '') {
            out.push({ pointer: '/metadata/name', message: 'is required (a string)', hint: 'server-side apply needs a name: generateName cannot be applied twice to the same object' });
        }
        if (md.namespace !== undefined && (typeof md.namespace !== 'string' || md.namespace === ''))
            out.push({ pointer: '/metadata/namespace', message: 'must be a non-empty string' });
    }
    return out;
}
/**
 * Checks every object before anything is sent: the minimal shape for all, and for custom kinds
 * the CRD's schema (CRDs in the manifest itself count too). Throws a K8sbmError at the first bad
 * object, pointing at the field (file:line:col when the object came from YAML) with a hint.
 */
export function checkManifest(docs, registry, opts) {
    const out = [];
    docs.forEach((doc, i) => {
        const index = i + 1;
        if (!isRecord(doc)) {
            throw new K8sbmError('K8SBM_K8S_MANIFEST_INVALID', `object ${index} of the manifest is not a mapping (got ${Array.isArray(doc) ? 'a list' : typeof doc})`, {
                loc: locOf(doc) ?? opts.loc, hint: 'a manifest is a Kubernetes object, a list of them, or YAML documents separated by ---',
            });
        }
        const label0 = `object ${index}${typeof doc.kind === 'string' ? ` (${doc.kind}${isRecord(doc.metadata) && typeof doc.metadata.name === 'string' ? ` ${doc.metadata.name}` : ''})` : ''}`;
        const minimal = minimalProblems(doc);
        if (minimal.length)
            throw invalid('K8SBM_K8S_MANIFEST_INVALID', label0, minimal[0], minimal.slice(1), doc, opts);
        const apiVersion = doc.apiVersion;
        const kind = doc.kind;
        const md = doc.metadata;
        const { group } = splitApiVersion(apiVersion);
        const found = registry.lookup(apiVersion, kind);
        let namespaced = !CLUSTER_SCOPED_KINDS.has(kind);
        if (found.found === 'crd')
            namespaced = found.crd.namespaced;
        const ownNs = typeof md.namespace === 'string' ? md.namespace : undefined;
        const namespace = namespaced ? ownNs ?? opts.namespace ?? 'default' : '';
        const o = { object: doc, apiVersion, kind, name: md.name, namespace, namespaced, index };
        const label = objectLabel(o);
        if (namespaced && opts.namespace !== undefined && ownNs !== undefined && ownNs !== opts.namespace) {
            throw invalid('K8SBM_K8S_NAMESPACE_MISMATCH', label, { pointer: '/metadata/namespace', message: `is "${ownNs}" but the task's namespace is "${opts.namespace}"`, hint: 'kubectl refuses objects from another namespace than -n: drop one of the two' }, [], doc, opts);
        }
        if (found.found === 'unserved-version') {
            throw invalid('K8SBM_K8S_VERSION_UNSERVED', label, { pointer: '/apiVersion', message: `${apiVersion} is not a served version of ${kind}`, hint: `served: ${found.versions.map((v) => `${group}/${v}`).join(', ') || 'none'} (CRD from ${found.source})` }, [], doc, opts);
        }
        if (found.found === 'crd') {
            const problems = registry.validate(doc);
            if (problems.length) {
                throw invalid('K8SBM_K8S_SCHEMA', label, problems[0], problems.slice(1, 6), doc, opts, [`schema: ${kind} ${apiVersion} from ${found.crd.source}`]);
            }
        }
        else if (!BUILTIN_GROUPS.has(group) && !opts.allowUnknownKinds) {
            throw invalid('K8SBM_K8S_KIND_UNKNOWN', label, { pointer: '/kind', message: `${kind} (${apiVersion}) is a custom resource with no CRD schema to check it against`, hint: opts.crdPathsGiven ? `none of crd_paths defines ${group}/${kind}: add its CRD file, or set allow_unknown_kinds: true` : 'give crd_paths (or the variable k8sbm_crd_paths) with its CRD files, or set allow_unknown_kinds: true' }, [], doc, opts);
        }
        if (kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io')
            registry.addCrd(doc, `the manifest (object ${index})`);
        out.push(o);
    });
    return out;
}
/** What goes to kubectl's stdin: one JSON document per object (exact types, no YAML guessing). */
export function manifestStdin(objects) {
    return objects.map((o) => JSON.stringify(o.object)).join('\n---\n').concat('\n');
}
/** An object as YAML for a client-side diff; Secret values are masked as kubectl diff does. */
export function objectYaml(o) {
    let obj = { ...o.object };
    if (o.kind === 'Secret' && o.apiVersion === 'v1') {
        for (const k of ['data', 'stringData']) {
            if (isRecord(obj[k]))
                obj = { ...obj, [k]: Object.fromEntries(Object.keys(obj[k]).map((x) => [x, '***'])) };
        }
    }
    return stringify(obj, { lineWidth: 0 });
}
/** The name kubectl diff gives an object's file: [group.]version.Kind.namespace.name. */
export function kubectlDiffName(o) {
    const { group, version } = splitApiVersion(o.apiVersion);
    return `${group ? `${group}.` : ''}${version}.${o.kind}.${o.namespace}.${o.name}`;
}
//# sourceMappingURL=k8s_apply-manifest.js.map