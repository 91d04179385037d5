import { lazyRequire } from '../util/lazy.js';
import { compactHosts } from '../report/hosts.js';
import type { ClusterGraph, Finding, GraphHost } from './model.js';

/**
 * The cluster's picture as SVG, laid out by ELK (elkjs, the Eclipse Layout Kernel): a layered
 * drawing from the top down, services (the API's VIP, etcd, Ceph, MetalLB and its BGP peers)
 * above the hosts, the networks below them. The control planes are drawn one by one, with an
 * edge to each from the VIP (its VRRP priority), etcd and Ceph's mons; workers and other hosts
 * are packed into a box of their own, so 200 of them stay readable. A host with a design
 * finding is outlined in its level's colour and numbered; the findings are listed in a box.
 * Every element carries data-* attributes naming what it stands for (tests read them).
 */
export async function drawCluster(g: ClusterGraph): Promise<string> {
  const { root, boxes } = elkGraph(g);
  const laid = await elk().layout(root);
  return svgOf(g, laid, boxes);
}

// ---- sizes: one monospace font, so a line's width is its length ----
const FONT = 12;
const CHAR_W = 7.3;
const LINE_H = 16;
const PAD = 8;
const GROUP_TOP = 28;
const TITLE_H = 40;
/** Findings listed in the picture (all of them go to stderr), and their width in characters. */
const MAX_FINDINGS = 30;
const FINDING_WIDTH = 100;

interface Line { readonly text: string; readonly cls?: string | undefined }
interface Box {
  readonly id: string;
  readonly cls: string;
  readonly lines: readonly Line[];
  readonly data: Readonly<Record<string, string>>;
}

interface ElkNode {
  id: string; x?: number; y?: number; width?: number; height?: number;
  children?: ElkNode[]; edges?: ElkEdge[]; layoutOptions?: Record<string, string>;
  labels?: { text: string; width: number; height: number; x?: number; y?: number }[];
}
interface ElkEdge {
  id: string; sources: string[]; targets: string[];
  labels?: { text: string; width: number; height: number; x?: number; y?: number; layoutOptions?: Record<string, string> }[];
  sections?: { startPoint: Pt; endPoint: Pt; bendPoints?: Pt[] }[];
}
interface Pt { x: number; y: number }
interface Elk { layout(g: ElkNode): Promise<ElkNode> }

const elkModule = lazyRequire<{ default: new () => Elk }>('elkjs/lib/elk.bundled.js');
function elk(): Elk {
  const ELK = elkModule().default;
  return new ELK();
}

function sized(b: Box): ElkNode {
  const w = Math.max(...b.lines.map((l) => l.text.length)) * CHAR_W + 2 * PAD;
  return { id: b.id, width: Math.ceil(w), height: b.lines.length * LINE_H + 2 * PAD - 4 };
}

function edge(id: string, from: string, to: string, label?: string): ElkEdge {
  return {
    id, sources: [from], targets: [to],
    // A label sits at the edge's head, beside the host it describes.
    ...(label ? { labels: [{ text: label, width: Math.ceil(label.length * CHAR_W * 0.92) + 4, height: LINE_H, layoutOptions: { 'elk.edgeLabels.placement': 'HEAD' } }] } : {}),
  };
}

const hostId = (h: string): string => `host:${h}`;

function hostBox(h: GraphHost, findings: readonly Finding[]): Box {
  const lines: Line[] = [{ text: h.name, cls: 'name' }];
  if (h.address) lines.push({ text: h.address, cls: 'muted' });
  const what = [h.kind === 'control-plane' ? 'control plane' : h.kind === 'worker' ? 'worker' : undefined,
    ...h.roles.filter((r) => r !== 'vip' && r !== 'ceph-osd').map((r) => (r === 'ceph-mon' ? 'ceph mon' : r))].filter(Boolean);
  if (what.length) lines.push({ text: what.join(' · ') });
  if (h.vipPriority !== undefined) lines.push({ text: `VIP holder, priority ${h.vipPriority}` });
  if (h.roles.includes('ceph-osd')) lines.push({ text: `ceph osd${h.osdDevices.length ? ` ${h.osdDevices.join(' ')}` : ''}` });
  if (h.bond) lines.push({ text: `${h.bond.name} ${h.bond.mode ?? ''} ${h.bond.members.join('+')}${h.bond.mtu ? ` mtu ${h.bond.mtu}` : ''}`.replace(/\s+/g, ' ').trim() });
  for (const a of h.addresses) lines.push({ text: `${a.link ?? a.purpose} ${a.address}`, cls: 'addr' });
  const errors = h.findings.filter((i) => findings[i]!.level === 'error');
  const warnings = h.findings.filter((i) => findings[i]!.level === 'warning');
  if (errors.length) lines.push({ text: `✖ ${errors.length} error${errors.length > 1 ? 's' : ''}: ${numbers(errors)}`, cls: 'error' });
  if (warnings.length) lines.push({ text: `⚠ ${warnings.length} warning${warnings.length > 1 ? 's' : ''}: ${numbers(warnings)}`, cls: 'warning' });
  const level = errors.length ? 'error' : warnings.length ? 'warning' : 'ok';
  return {
    id: hostId(h.name), cls: `host ${h.kind} finding-${level}`, lines,
    data: { host: h.name, kind: h.kind, roles: h.roles.join(' '), findings: level, addresses: h.addresses.map((a) => a.address).join(' ') },
  };
}

function elkGraph(g: ClusterGraph): { root: ElkNode; boxes: Map<string, Box> } {
  const boxes = new Map<string, Box>();
  const add = (b: Box): ElkNode => { boxes.set(b.id, b); return sized(b); };
  const children: ElkNode[] = [];
  const edges: ElkEdge[] = [];
  const cps = g.hosts.filter((h) => h.kind === 'control-plane');
  const packed: [string, string, GraphHost[]][] = [
    ['group:workers', 'workers', g.hosts.filter((h) => h.kind === 'worker')],
    ['group:other', 'other hosts', g.hosts.filter((h) => h.kind === 'other')],
  ];
  // Where an edge to a host goes: the host itself (a control plane), else its packed group.
  const groupOf = new Map<string, string>();
  if (cps.length) {
    boxes.set('group:control-plane', { id: 'group:control-plane', cls: 'group', lines: [{ text: `control plane (${cps.length})` }], data: { group: 'control_plane', hosts: cps.map((h) => h.name).join(' ') } });
    children.push({
      id: 'group:control-plane', layoutOptions: { 'elk.padding': `[top=${GROUP_TOP},left=12,bottom=12,right=12]` },
      children: cps.map((h) => { groupOf.set(h.name, hostId(h.name)); return add(hostBox(h, g.findings)); }),
    });
  }
  for (const [id, title, hosts] of packed) {
    if (!hosts.length) continue;
    boxes.set(id, { id, cls: 'group', lines: [{ text: `${title} (${hosts.length})` }], data: { group: title, hosts: hosts.map((h) => h.name).join(' ') } });
    children.push({
      id,
      layoutOptions: {
        'elk.algorithm': 'rectpacking', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
        'elk.padding': `[top=${GROUP_TOP},left=12,bottom=12,right=12]`, 'elk.spacing.nodeNode': '12',
        'elk.aspectRatio': '2.2',
      },
      children: hosts.map((h) => { groupOf.set(h.name, id); return add(hostBox(h, g.findings)); }),
    });
  }
  const toHosts = (from: string, names: readonly string[], label: (n: string) => string | undefined): void => {
    const seen = new Set<string>();
    for (const n of names) {
      const to = groupOf.get(n);
      if (!to || seen.has(to)) continue;
      seen.add(to);
      edges.push(edge(`${from}->${to}`, from, to, to.startsWith('host:') ? label(n) : undefined));
    }
  };

  if (g.vip) {
    const holders = g.hosts.filter((h) => h.vipPriority !== undefined);
    const lines: Line[] = [
      { text: `API VIP ${g.vip.cidr ?? g.vip.address}`, cls: 'name' },
      { text: `haproxy :${g.vip.port ?? '?'} → kube-apiserver :${g.vip.apiPort ?? '6443'}` },
      { text: `keepalived VRRP${g.vip.routerId ? `, router id ${g.vip.routerId}` : ''}` },
      { text: `may hold it: ${holders.map((h) => h.name).join(', ') || 'no control plane'}` },
    ];
    children.push(add({ id: 'vip', cls: 'service vip', lines, data: { address: g.vip.address, holders: holders.map((h) => h.name).join(' ') } }));
    toHosts('vip', holders.map((h) => h.name), (n) => `priority ${g.hosts.find((h) => h.name === n)!.vipPriority}`);
  }
  if (g.etcd.length) {
    const stacked = g.etcd.every((n) => cps.some((h) => h.name === n));
    children.push(add({
      id: 'etcd', cls: 'service etcd',
      lines: [{ text: `etcd (${g.etcd.length} member${g.etcd.length > 1 ? 's' : ''})`, cls: 'name' }, { text: stacked ? 'stacked on the control plane' : 'members: ' + g.etcd.join(', ') }],
      data: { members: g.etcd.join(' ') },
    }));
    toHosts('etcd', g.etcd, () => undefined);
  }
  if (g.ceph) {
    const lines: Line[] = [{ text: 'Ceph (Rook)', cls: 'name' }, { text: `${g.ceph.mons.length} mon${g.ceph.mons.length === 1 ? '' : 's'}, OSDs on ${g.ceph.osds.length} host${g.ceph.osds.length === 1 ? '' : 's'}` }];
    if (g.ceph.publicNetwork) lines.push({ text: `public network ${g.ceph.publicNetwork}` });
    children.push(add({ id: 'ceph', cls: 'service ceph', lines, data: { mons: g.ceph.mons.join(' '), osds: g.ceph.osds.join(' ') } }));
    toHosts('ceph', g.ceph.mons, () => undefined);
    const osdGroups = new Set(g.ceph.osds.map((n) => groupOf.get(n)).filter((x): x is string => x !== undefined && !x.startsWith('host:')));
    for (const to of osdGroups) if (!edges.some((e) => e.id === `ceph->${to}`)) edges.push(edge(`ceph->${to}`, 'ceph', to, 'OSDs'));
  }
  if (g.metallb) {
    const m = g.metallb;
    const lines: Line[] = [{ text: `MetalLB (${m.mode === 'bgp' ? 'BGP' : m.mode === 'l2' ? 'L2' : m.mode})`, cls: 'name' }];
    for (const p of m.pools) lines.push({ text: `pool ${p.name}: ${p.addresses.join(', ') || '?'}` });
    if (m.mode === 'bgp' && m.localAsn) lines.push({ text: `local AS ${m.localAsn}` });
    children.push(add({ id: 'metallb', cls: 'service metallb', lines, data: { mode: m.mode, pools: m.pools.flatMap((p) => p.addresses).join(' ') } }));
    m.peers.forEach((p, i) => {
      const id = `peer:${i}`;
      children.push(add({ id, cls: 'peer', lines: [{ text: `BGP peer ${p.name ?? p.address}`, cls: 'name' }, ...(p.name ? [{ text: p.address }] : []), { text: `AS ${p.asn ?? '?'}` }], data: { address: p.address, asn: p.asn ?? '' } }));
      edges.push(edge(`${id}->metallb`, id, 'metallb', 'BGP'));
    });
    if (packed[0]![2].length) edges.push(edge('metallb->group:workers', 'metallb', 'group:workers', m.mode === 'bgp' ? 'speakers peer' : 'speakers answer ARP'));
  }
  for (const n of g.networks) {
    const id = `net:${n.purpose}`;
    const lines: Line[] = [{ text: `${n.purpose}${n.id !== undefined ? ` (VLAN ${n.id})` : ''}`, cls: 'name' }, { text: `${n.link ?? ''} ${n.cidr ?? ''}`.trim() }];
    if (n.gateway) lines.push({ text: `gateway ${n.gateway}` });
    children.push(add({ id, cls: 'network', lines, data: { purpose: n.purpose, vlan: n.id === undefined ? '' : String(n.id), cidr: n.cidr ?? '', link: n.link ?? '' } }));
    for (const grp of ['group:control-plane', ...packed.map((p) => p[0])]) {
      const members = grp === 'group:control-plane' ? cps : packed.find((p) => p[0] === grp)![2];
      if (members.some((h) => h.addresses.some((a) => a.purpose === n.purpose) || h.bond)) edges.push(edge(`${grp}->${id}`, grp, id));
    }
  }
  if (g.findings.length) {
    const lines: Line[] = [{ text: `Design findings (${g.findings.length})`, cls: 'name' }];
    g.findings.slice(0, MAX_FINDINGS).forEach((f, i) => {
      const head = `#${i + 1} ${f.level === 'error' ? '✖' : '⚠'} ${compactHosts(f.hosts)}: `;
      wrap(`${f.msg} (${f.at})`, FINDING_WIDTH - head.length).forEach((t, j) => lines.push({ text: j === 0 ? head + t : ' '.repeat(head.length) + t, cls: f.level }));
    });
    if (g.findings.length > MAX_FINDINGS) lines.push({ text: `… and ${g.findings.length - MAX_FINDINGS} more: k8sbm graph lists every finding on stderr`, cls: 'muted' });
    // A legend below the drawing, not a node of it: the layout would put it among the services.
    boxes.set('findings', { id: 'findings', cls: 'findings', lines, data: { errors: String(g.findings.filter((f) => f.level === 'error').length), warnings: String(g.findings.filter((f) => f.level === 'warning').length) } });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered', 'elk.direction': 'DOWN', 'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48', 'elk.spacing.nodeNode': '28', 'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF', 'elk.edgeRouting': 'ORTHOGONAL',
      // Hosts stay in the inventory's order (cp1 cp2 cp3), not the order fewest crossings give.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children, edges,
  };
  return { root, boxes };
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** #1 #2 #3 … #15: a host's finding numbers, the first few of them. */
function numbers(ids: readonly number[]): string {
  const shown = ids.slice(0, 4).map((i) => `#${i + 1}`);
  return ids.length > 4 ? `${shown.join(' ')} … #${ids[ids.length - 1]! + 1}` : shown.join(' ');
}

const CSS = `
text { font: ${FONT}px ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; fill: #1f2937; }
.title { font-size: 16px; font-weight: bold; }
.name { font-weight: bold; }
.muted { fill: #6b7280; }
.addr { fill: #334155; }
text.error { fill: #b91c1c; font-weight: bold; }
text.warning { fill: #b45309; font-weight: bold; }
.group > rect { fill: #f8fafc; stroke: #94a3b8; stroke-dasharray: 6 4; }
.host > rect { fill: #ffffff; stroke: #475569; }
.host.control-plane > rect { fill: #eef4ff; stroke: #1d4ed8; }
.host.worker > rect { fill: #effaf1; stroke: #15803d; }
.host.finding-error > rect { stroke: #dc2626; stroke-width: 3; }
.host.finding-warning > rect { stroke: #d97706; stroke-width: 2.5; }
.service > rect { fill: #fff7e6; stroke: #b45309; }
.peer > rect { fill: #f5f0ff; stroke: #7c3aed; }
.network > rect { fill: #f1f5f9; stroke: #334155; }
.findings > rect { fill: #fef2f2; stroke: #b91c1c; }
.edge path { fill: none; stroke: #64748b; stroke-width: 1.4; }
.edge text { fill: #475569; font-size: 11px; }
`;

function svgOf(g: ClusterGraph, laid: ElkNode, boxes: ReadonlyMap<string, Box>): string {
  const legend = boxes.get('findings');
  const legendNode = legend ? { ...sized(legend), x: 0, y: Math.ceil(laid.height ?? 0) + 16 } : undefined;
  const w = Math.ceil(Math.max(laid.width ?? 0, legendNode?.width ?? 0)) + 24;
  const h = Math.ceil(legendNode ? legendNode.y + legendNode.height! : laid.height ?? 0) + TITLE_H + 12;
  const errors = g.findings.filter((f) => f.level === 'error').length;
  const warnings = g.findings.length - errors;
  const title = `cluster ${g.name}: ${g.hosts.length} host${g.hosts.length === 1 ? '' : 's'}, ${errors} design error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" data-cluster="${esc(g.name)}" data-errors="${errors}" data-warnings="${warnings}">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
    `<text class="title" x="12" y="26">${esc(title)}</text>`,
    `<g transform="translate(12,${TITLE_H})">`,
  ];
  const drawNode = (n: ElkNode, dx: number, dy: number): void => {
    const x = dx + (n.x ?? 0);
    const y = dy + (n.y ?? 0);
    const b = boxes.get(n.id);
    if (b) {
      const data = Object.entries(b.data).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
      out.push(`<g class="node ${b.cls}" data-id="${esc(n.id)}"${data}>`);
      out.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(n.width ?? 0)}" height="${r(n.height ?? 0)}" rx="6"/>`);
      if (b.cls === 'group') out.push(`<text class="name" x="${r(x + 12)}" y="${r(y + 19)}">${esc(b.lines[0]!.text)}</text>`);
      else {
        b.lines.forEach((l, i) => {
          out.push(`<text${l.cls ? ` class="${l.cls}"` : ''} x="${r(x + PAD)}" y="${r(y + PAD + FONT + i * LINE_H - 2)}">${esc(l.text)}</text>`);
        });
      }
      out.push('</g>');
    }
    for (const c of n.children ?? []) drawNode(c, x, y);
  };
  for (const c of laid.children ?? []) drawNode(c, 0, 0);
  if (legendNode) drawNode(legendNode, 0, 0);
  for (const e of laid.edges ?? []) {
    const from = e.sources[0]!;
    const to = e.targets[0]!;
    out.push(`<g class="edge" data-from="${esc(from)}" data-to="${esc(to)}">`);
    for (const s of e.sections ?? []) {
      const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
      out.push(`<path d="M${pts.map((p) => `${r(p.x)},${r(p.y)}`).join(' L')}" marker-end="url(#arrow)"/>`);
    }
    for (const l of e.labels ?? []) out.push(`<text x="${r(l.x ?? 0)}" y="${r((l.y ?? 0) + 12)}">${esc(l.text)}</text>`);
    out.push('</g>');
  }
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
