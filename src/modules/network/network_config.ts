import { NETCFG_APPLY } from './netcfg-apply.js';
import { carriesL3, changeText, compareLive, staleLinks, type LinkDelta } from './netcfg-compare.js';
import { networkDesignFindings } from './netcfg-design.js';
import { detectRenderer, NETCFG_PROBE, parseNetProbe, type NetProbe } from './netcfg-live.js';
import { normalizeNetParams, parentsOf } from './netcfg-normalize.js';
import { RENDERERS, type RenderedFile } from './netcfg-render.js';
import { NetParams, type LinkSpec, type NetSpec, type Renderer } from './netcfg-spec.js';
import { defineModule, type Diff, type Plan } from '../types.js';

/** Link names a file of ours configured: netplan's keys, networkd's file names, ifupdown's stanzas. */
export function linksOfFile(path: string, content: string): string[] {
  if (path.endsWith('.netdev') || path.endsWith('.network')) {
    const m = /10-k8sbm-(.+)\.(netdev|network)$/.exec(path);
    return m ? [m[1]!] : [];
  }
  if (path.endsWith('.yaml')) {
    // Names are the keys two levels under ethernets/bonds/vlans/bridges.
    const out: string[] = [];
    let inSection = false;
    for (const line of content.split('\n')) {
      if (/^ {2}(ethernets|bonds|vlans|bridges):\s*$/.test(line)) { inSection = true; continue; }
      if (/^ {2}\S/.test(line)) inSection = false;
      const m = /^ {4}"?([A-Za-z0-9_.:@-]+)"?:\s*$/.exec(line);
      if (inSection && m) out.push(m[1]!);
    }
    return out;
  }
  return [...content.matchAll(/^\s*iface\s+(\S+)\s+inet6?\s/gm)].map((m) => m[1]!).filter((n, i, a) => a.indexOf(n) === i);
}

/** ifupdown's file, cut into each interface's stanzas, to see which links a new file changes. */
function stanzasOf(content: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | undefined;
  for (const line of content.split('\n')) {
    const m = /^\s*(?:auto|allow-hotplug|iface)\s+(\S+)/.exec(line);
    if (m) cur = m[1];
    else if (/^\S/.test(line)) cur = undefined;
    if (cur !== undefined && line.trim() !== '' && !line.trimStart().startsWith('#')) out.set(cur, `${out.get(cur) ?? ''}${line.trim()}\n`);
  }
  return out;
}

/** Links whose own configuration text differs between the files on the node and the new ones. */
function linksWithNewText(renderer: Renderer, spec: NetSpec, files: readonly RenderedFile[], probe: NetProbe): Set<string> {
  const out = new Set<string>();
  if (renderer === 'ifupdown') {
    const path = `${RENDERERS.ifupdown.dir}/k8sbm`;
    const before = stanzasOf(probe.files.get(path)?.content ?? '');
    const after = stanzasOf(files.find((f) => f.path === path)?.content ?? '');
    for (const l of spec.links) if (before.get(l.name) !== after.get(l.name)) out.add(l.name);
  } else if (renderer === 'networkd') {
    for (const f of files) {
      if (probe.files.get(f.path)?.content !== f.content) for (const n of linksOfFile(f.path, f.content)) out.add(n);
    }
  } else {
    const f = files[0];
    if (f && probe.files.get(f.path)?.content !== f.content) for (const l of spec.links) out.add(l.name);
  }
  return out;
}

/** Every link above these (a VLAN on a recreated bond, a bridge over it): deleting one takes them. */
function withDependents(spec: NetSpec, names: ReadonlySet<string>): Set<string> {
  const out = new Set(names);
  for (let grew = true; grew;) {
    grew = false;
    for (const l of spec.links) {
      if (!out.has(l.name) && parentsOf(l).some((p) => out.has(p))) { out.add(l.name); grew = true; }
    }
  }
  return out;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export const network_config = defineModule({
  name: 'network_config',
  doc: {
    summary: 'Keeps a node\'s links (bond, VLANs, bridges, NICs), addresses, routes and DNS as the inventory describes them, with netplan, systemd-networkd or ifupdown, comparing with the live links.',
    check: 'full',
    diff: 'content and state',
    example: `- name: links, addresses and routes, in a commit_confirmed block in the network role
  network_config:
    bond: "{{ bond }}"
    vlans: "{{ vlans }}"
    addresses: { storage: "{{ storage_address }}", kubernetes: "{{ kubernetes_address }}" }
`,
    notes: [
      'One exec plans: the files of ours on the node (all three renderers\' own names), the live links, addresses and routes (ip -j), and what the node uses. A link changed by hand (an MTU, an address, a bond\'s mode) is drift: plan shows it ("bond0: MTU 1500 → 9000").',
      'A change is one more exec: the files are staged and checked by the renderer\'s tool (ifup --no-act, netplan generate), then a worker in a session of its own applies them, so a change that moves this session\'s address cannot cut it short.',
      'A bond whose mode or settings differ, a VLAN whose id differs, a link that becomes another kind is deleted and made anew (networkd and netplan will not change them in place); links our files configured and no longer do are taken down, virtual ones deleted.',
      'Apply it inside a commit_confirmed block with runtime `links` of the links it manages: see the network role.',
      'Needs root, iproute2 and the renderer\'s own tools on the node.',
    ],
  },
  schema: NetParams,
  preflight: networkDesignFindings,
  async plan(ctx, p): Promise<Plan> {
    const { spec, problems } = normalizeNetParams(p);
    if (problems.length) return { kind: 'fail', msg: problems.map((x) => `${x.path.join('.')}: ${x.msg} (${x.hint})`).join('; ') };
    const res = await ctx.probe(['sh', '-c', NETCFG_PROBE, 'k8sbm-netcfg']);
    if (res.code !== 0) return { kind: 'fail', msg: `reading the network state failed (exit ${res.code}): ${res.stderr.trim()}` };
    const probe = parseNetProbe(res.stdout);
    if (probe.tools.has('ip_missing')) return { kind: 'fail', msg: 'ip is not installed on this host (package iproute2)' };

    const chosen = p.renderer === undefined || p.renderer === 'auto' ? detectRenderer(probe) : { renderer: p.renderer, why: 'as asked' };
    if (chosen.renderer === null) return { kind: 'fail', msg: `no renderer for the network: ${chosen.why}; set renderer (network_renderer)` };
    const renderer = chosen.renderer;
    const toolMissing = renderer === 'netplan' && !probe.tools.has('netplan') ? 'netplan is not installed (package netplan.io)'
      : renderer === 'ifupdown' && !probe.tools.has('ifupdown') ? 'ifup is not installed (package ifupdown)'
      : renderer === 'ifupdown' && !probe.tools.has('interfaces_source') ? '/etc/network/interfaces does not read /etc/network/interfaces.d (add "source /etc/network/interfaces.d/*")'
      : renderer === 'networkd' && !probe.tools.has('systemd') ? 'systemd is not running here, so neither is systemd-networkd'
      : undefined;
    if (toolMissing) return { kind: 'fail', msg: `renderer ${renderer}: ${toolMissing}` };

    const files = RENDERERS[renderer].render(spec);
    const want = new Map(files.map((f) => [f.path, f]));
    const writes = files.filter((f) => { const live = probe.files.get(f.path); return !live || live.content !== f.content || live.mode !== f.mode.padStart(4, '0'); });
    const removes = [...probe.files.keys()].filter((path) => !want.has(path)).sort();

    const unmanaged = new Set(p.unmanaged_addresses ?? []);
    const cmp = compareLive(spec, probe.links, probe.routes, unmanaged);
    if (cmp.missingNics.length) {
      const nics = Object.values(probe.links).filter((l) => l.kind === null && l.link_type === 'ether').map((l) => l.name);
      return { kind: 'fail', msg: `${cmp.missingNics.join(', ')}: no such NIC on this host (it has ${nics.join(', ') || 'none'}); nothing was changed` };
    }
    const previously = [...new Set([...probe.files].flatMap(([path, f]) => linksOfFile(path, f.content)))];
    const stale = staleLinks(previously, spec, probe.links);
    const result = { renderer, files: files.map((f) => f.path) };
    if (!writes.length && !removes.length && !cmp.deltas.length && !stale.length) {
      return { kind: 'ok', reason: `${spec.links.length} links are as configured, live and in ${files.map((f) => f.path).join(', ') || 'no files'} (${renderer}: ${chosen.why})`, result };
    }

    const byName = new Map(spec.links.map((l) => [l.name, l]));
    const recreate = new Set(cmp.deltas.filter((d) => d.recreate).map((d) => d.link));
    // A recreated bond takes its members again: they are brought up (reconfigured) with it.
    const members = spec.links.flatMap((l) => (l.kind === 'bond' && recreate.has(l.name) ? l.members : []));
    const touched = withDependents(spec, new Set([...cmp.deltas.map((d) => d.link), ...members, ...linksWithNewText(renderer, spec, files, probe)]));
    const ups = spec.links.filter((l) => touched.has(l.name)).map((l) => l.name);
    const oldIfaces = new Set(linksOfFile(`${RENDERERS.ifupdown.dir}/k8sbm`, probe.files.get(`${RENDERERS.ifupdown.dir}/k8sbm`)?.content ?? ''));
    // networkd and netplan leave a link they no longer configure as it is: the worker sets it down.
    const downs = renderer === 'ifupdown' ? [...stale.map((s) => s.name), ...[...ups].reverse()].filter((n) => oldIfaces.has(n)) : stale.filter((s) => !s.delete).map((s) => s.name);
    const deletes = [...stale.filter((s) => s.delete).map((s) => s.name), ...[...recreate].filter((n) => probe.links[n] !== undefined)];
    const cleanup = cmp.deltas.flatMap((d) => cleanupOf(d, byName.get(d.link)));

    // Detached when this session arrived at an address that the change takes off its link.
    const wanted = new Set(spec.links.flatMap((l) => (carriesL3(l) ? l.addresses.map((a) => a.split('/')[0]!) : [])));
    const sshLink = probe.sshServer === null ? undefined : Object.values(probe.links).find((l) => [...l.ipv4, ...l.ipv6].some((a) => a.address === probe.sshServer));
    // (or whose link is deleted to be made anew: its addresses go with it for a while).
    const gone = withDependents(spec, new Set(deletes));
    const cut = sshLink !== undefined && probe.sshServer !== null && (gone.has(sshLink.name)
      || (!wanted.has(probe.sshServer) && [...ups, ...downs, ...stale.map((s) => s.name)].includes(sshLink.name)));

    const lines = [
      ...cmp.deltas.flatMap((d) => d.changes.map((c) => `${d.link}: ${changeText(c)}`)),
      ...stale.map((s) => `${s.name}: no longer configured, ${s.delete ? 'link is deleted' : 'taken down'}`),
      ...writes.map((f) => `${probe.files.has(f.path) ? 'update' : 'create'} ${f.path}`),
      ...removes.map((f) => `remove ${f}`),
      ...(cut ? [`this run's connection arrived at ${probe.sshServer} on ${sshLink!.name}, which the change ${withDependents(spec, recreate).has(sshLink!.name) ? 'deletes and makes anew' : 'takes away'}: applied in the background, confirmed over a new connection`] : []),
    ];
    const diffs: Diff[] = [
      ...writes.map((f): Diff => ({ kind: 'text', subject: f.path, before: probe.files.get(f.path)?.content ?? null, after: f.content })),
      ...removes.map((f): Diff => ({ kind: 'text', subject: f, before: probe.files.get(f)!.content, after: null })),
    ];
    if (cmp.deltas.length || stale.length) {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const d of cmp.deltas) for (const c of d.changes) { before[`${d.link} ${c.what}`] = c.before; after[`${d.link} ${c.what}`] = c.after; }
      for (const s of stale) { before[`${s.name}`] = 'configured'; after[`${s.name}`] = s.delete ? 'deleted' : 'down'; }
      diffs.push({ kind: 'state', subject: 'links (live)', before, after });
    }
    const stdin = [
      ...writes.map((f) => `W ${f.path} ${f.mode} ${b64(f.content)}`),
      ...removes.map((f) => `R ${f}`),
    ].join('\n') + '\n';
    return {
      kind: 'change',
      summary: lines.join('; '),
      diffs,
      actions: [{ kind: 'exec', argv: ['sh', '-c', NETCFG_APPLY, 'k8sbm-netcfg-apply', renderer, cut ? 'detach' : 'wait', downs.join(' '), deletes.join(' '), ups.join(' '), cleanup.join('\n')], stdin }],
      effects: [],
      result: { ...result, links: ups, recreated: [...recreate], detached: cut },
    };
  },
});

/** What a daemon would leave behind: an address or a static route the spec no longer has. */
function cleanupOf(d: LinkDelta, link: LinkSpec | undefined): string[] {
  if (!link) return [];
  return d.changes.filter((c) => c.after === 'absent').flatMap((c) => {
    const m = /^(address|route) (.+)$/.exec(c.what);
    if (!m) return [];
    return m[1] === 'address' ? [`addr del ${m[2]} dev ${d.link}`] : [`route del ${m[2]} dev ${d.link}`];
  });
}
