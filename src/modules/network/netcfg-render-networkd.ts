import type { NetSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/** Stub: the networkd renderer (to be written). */
export function renderNetworkd(_spec: NetSpec): RenderedFile[] {
  return [];
}
