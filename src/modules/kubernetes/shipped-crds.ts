import { join } from 'node:path';
import { packageRoot } from '../../util/package-root.js';
import { expandCrdPath, splitApiVersion } from './k8s-schemas.js';

/**
 * The upstream releases k8sbm ships, pinned, under the roles that deploy them (files/upstream/
 * with LICENSE, VERSION and SHA256SUMS; scripts/fetch-upstream.sh replaces a release). Their CRDs
 * are what k8s_apply checks MetalLB and Rook objects against when crd_paths does not define the
 * kind. A test holds each VERSION file to the version pinned here.
 */
export interface ShippedUpstream {
  readonly project: 'metallb' | 'rook';
  readonly version: string;
  /** Folder of the release, relative to the package root. */
  readonly dir: string;
  /** Its CRD files, relative to dir (a file, a folder or a pattern, as crd_paths takes them). */
  readonly crds: string;
  /** The API groups those CRDs define. */
  readonly groups: readonly string[];
}

export const SHIPPED_UPSTREAMS: readonly ShippedUpstream[] = [
  { project: 'metallb', version: 'v0.16.1', dir: 'roles/metallb/files/upstream', crds: 'crds/*.yaml', groups: ['metallb.io'] },
  { project: 'rook', version: 'v1.20.6', dir: 'roles/rook_ceph/files/upstream', crds: 'crds.yaml', groups: ['ceph.rook.io', 'objectbucket.io'] },
];

/** Absolute folder of a shipped release inside the installed package. */
export function shippedDir(u: ShippedUpstream): string {
  return join(packageRoot(), u.dir);
}

/**
 * The shipped CRD files that define any of these API groups, and only those: Rook's CRDs are a
 * megabyte of YAML, not worth reading for a manifest that holds no Rook object.
 */
export function shippedCrdFiles(groups: ReadonlySet<string>): string[] {
  return SHIPPED_UPSTREAMS.filter((u) => u.groups.some((g) => groups.has(g))).flatMap((u) => expandCrdPath(join(shippedDir(u), u.crds)));
}

/** The API groups of a manifest's objects ('' for the core group). */
export function apiGroupsOf(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const apiVersion = o !== null && typeof o === 'object' ? (o as Record<string, unknown>).apiVersion : undefined;
    if (typeof apiVersion === 'string') out.add(splitApiVersion(apiVersion).group);
  }
  return out;
}
