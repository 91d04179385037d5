import type { NetSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/** Stub: the netplan renderer (to be written). */
export function renderNetplan(_spec: NetSpec): RenderedFile[] {
  return [];
}
