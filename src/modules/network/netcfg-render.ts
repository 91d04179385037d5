import type { NetSpec, Renderer } from './netcfg-spec.js';
import { renderIfupdown } from './netcfg-render-ifupdown.js';
import { renderNetplan } from './netcfg-render-netplan.js';
import { renderNetworkd } from './netcfg-render-networkd.js';

/** One file a renderer writes. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
  /** Octal, 4 digits: netplan wants its YAML unreadable by others. */
  readonly mode: string;
}

/**
 * A renderer owns the files in `dir` whose names match `owns`, and only those: it removes the
 * ones it owned and no longer writes, and never touches another file there.
 */
export interface RendererDef {
  readonly dir: string;
  readonly owns: RegExp;
  readonly render: (spec: NetSpec) => RenderedFile[];
}

export const RENDERERS: Readonly<Record<Renderer, RendererDef>> = {
  netplan: { dir: '/etc/netplan', owns: /^60-k8sbm\.yaml$/, render: renderNetplan },
  networkd: { dir: '/etc/systemd/network', owns: /^10-k8sbm-[A-Za-z0-9_.:@-]+\.(netdev|network)$/, render: renderNetworkd },
  ifupdown: { dir: '/etc/network/interfaces.d', owns: /^k8sbm$/, render: renderIfupdown },
};
