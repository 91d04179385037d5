import { FactParseError, factCommandFailed, failureReason } from './types.js';
function groupVersion(apiVersion) {
    const slash = apiVersion.lastIndexOf('/');
    return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
/** "kind.version.group" as kubectl takes it for a resource type ("namespace" for the core group). */
export function kubectlResourceType(apiVersion, kind) {
    const { group, version } = groupVersion(apiVersion);
    return group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${version}.${group}`;
}
const NOT_FOUND = /\bNotFound\b|the server could not find the requested resource/;
// kubectl's klog lines (E0102 ...) repeat what its last line says, less readably.
function failure(fact, what, res) {
    return factCommandFailed(fact, `kubectl could not tell ${what}`, res, failureReason(res, (l) => !/^E\d{4} /.test(l), 2));
}
/** Pure: `kubectl get --raw /apis/GROUP/VERSION` (an APIResourceList) -> is the kind served. */
export function parseApiResourceList(res, arg) {
    const what = `whether ${arg.apiVersion} ${arg.kind} is served`;
    if (res.code !== 0) {
        if (NOT_FOUND.test(res.stderr))
            return { served: false };
        throw failure('k8s_kind', what, res);
    }
    let list;
    try {
        list = JSON.parse(res.stdout);
    }
    catch {
        throw new FactParseError('k8s_kind', `not an API resource list: ${res.stdout.slice(0, 120)}`);
    }
    const resources = list.resources;
    if (!Array.isArray(resources))
        throw new FactParseError('k8s_kind', `no resources in the API resource list of ${arg.apiVersion}`);
    // Subresources (deployments/scale) share the kind of something else: only top-level names count.
    return { served: resources.some((r) => r.kind === arg.kind && !String(r.name ?? '').includes('/')) };
}
/** Pure: `kubectl get TYPE NAME -o json --ignore-not-found` -> the object, or that there is none. */
export function parseKubectlGet(res, arg) {
    const what = `whether ${arg.kind} ${arg.namespace ? `${arg.namespace}/` : ''}${arg.name} exists`;
    if (res.code !== 0)
        throw failure('k8s_object', what, res);
    if (res.stdout.trim() === '')
        return { exists: false };
    try {
        return { exists: true, object: JSON.parse(res.stdout) };
    }
    catch {
        throw new FactParseError('k8s_object', `kubectl get printed something that is not JSON: ${res.stdout.slice(0, 120)}`);
    }
}
export const k8sKindFact = {
    name: 'k8s_kind',
    key: (a) => `${a.kubeconfig} ${a.apiVersion} ${a.kind}`,
    argv: (a) => {
        const { group, version } = groupVersion(a.apiVersion);
        return [a.kubectl, '--kubeconfig', a.kubeconfig, 'get', '--raw', group === '' ? `/api/${version}` : `/apis/${group}/${version}`];
    },
    parse: parseApiResourceList,
};
export const k8sObjectFact = {
    name: 'k8s_object',
    key: (a) => `${a.kubeconfig} ${a.apiVersion} ${a.kind} ${a.namespace}/${a.name}`,
    argv: (a) => [
        a.kubectl, '--kubeconfig', a.kubeconfig, 'get', kubectlResourceType(a.apiVersion, a.kind), a.name,
        ...(a.namespace ? ['-n', a.namespace] : []), '-o', 'json', '--ignore-not-found',
    ],
    parse: parseKubectlGet,
};
//# sourceMappingURL=k8s.js.map