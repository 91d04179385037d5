import { join } from 'node:path';
import { packageRoot } from '../../util/package-root.js';
import { expandCrdPath, splitApiVersion } from './k8s-schemas.js';
export const SHIPPED_UPSTREAMS = [
    { project: 'metallb', version: 'v0.16.1', dir: 'roles/metallb/files/upstream', crds: 'crds/*.yaml', groups: ['metallb.io'] },
    { project: 'rook', version: 'v1.20.6', dir: 'roles/rook_ceph/files/upstream', crds: 'crds.yaml', groups: ['ceph.rook.io', 'objectbucket.io'] },
];
/** Absolute folder of a shipped release inside the installed package. */
export function shippedDir(u) {
    return join(packageRoot(), u.dir);
}
/**
 * The shipped CRD files that define any of these API groups, and only those: Rook's CRDs are a
 * megabyte of YAML, not worth reading for a manifest that holds no Rook object.
 */
export function shippedCrdFiles(groups) {
    return SHIPPED_UPSTREAMS.filter((u) => u.groups.some((g) => groups.has(g))).flatMap((u) => expandCrdPath(join(shippedDir(u), u.crds)));
}
/** The API groups of a manifest's objects ('' for the core group). */
export function apiGroupsOf(objects) {
    const out = new Set();
    for (const o of objects) {
        const apiVersion = o !== null && typeof o === 'object' ? o.apiVersion : undefined;
        if (typeof apiVersion === 'string')
            out.add(splitApiVersion(apiVersion).group);
    }
    return out;
}
//# sourceMappingURL=shipped-crds.js.map