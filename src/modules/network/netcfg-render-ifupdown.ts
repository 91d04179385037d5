import type { NetSpec } from './netcfg-spec.js';
import type { RenderedFile } from './netcfg-render.js';

/** Stub: the ifupdown renderer (to be written). */
export function renderIfupdown(_spec: NetSpec): RenderedFile[] {
  return [];
}
