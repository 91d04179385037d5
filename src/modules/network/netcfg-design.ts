import type { PreflightFinding, PreflightInstance } from '../types.js';
import type { NetParamsT } from './netcfg-spec.js';

/** Stub: the network design checks across hosts (to be written). */
export function networkDesignFindings(_instances: readonly PreflightInstance<NetParamsT>[]): PreflightFinding[] {
  return [];
}
