import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pictureOf } from '../../src/graph/index.js';
import { exampleClusterSvg } from '../../src/docs/graph.js';
import { loadInventory } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

type Attrs = Record<string, string>;

async function graphOf(inventoryDir: string): Promise<{ svg: string; nodes: Attrs[]; edges: Attrs[] }> {
  const inventory = await loadInventory([inventoryDir]);
  const loader = new PlaybookLoader({ modules, rolesPath: [join(repoRoot, 'roles')] });
  const playbook = loader.loadPlaybook(join(repoRoot, 'playbooks', 'site.yml'));
  const { svg } = await pictureOf(playbook, { inventory, loader, modules, extraVars: [] });
  return { svg, nodes: elements(svg, 'node'), edges: elements(svg, 'edge') };
}

/** The attributes of each <g class="KIND ..."> of the picture. */
function elements(svg: string, kind: string): Attrs[] {
  return [...svg.matchAll(new RegExp(`<g class="${kind}( [^"]*)?"([^>]*)>`, 'g'))].map((m) => {
    const a: Attrs = { class: `${kind}${m[1] ?? ''}` };
    for (const [, k, v] of m[2]!.matchAll(/ ([a-z-]+)="([^"]*)"/g)) a[k!] = v!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return a;
  });
}

function node(nodes: Attrs[], id: string): Attrs {
  const n = nodes.find((x) => x['data-id'] === id);
  assert.ok(n, `no ${id} in the picture: ${nodes.map((x) => x['data-id']).join(', ')}`);
  return n;
}

/** Every opened tag is closed in order: the file is well-formed XML (there are no comments or CDATA). */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `</${m[2]}> closes another element`);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(svg.replace(/<style>[\s\S]*?<\/style>/, ''), /&(?!amp;|lt;|gt;|quot;)/);
}

describe('k8sbm graph: the example inventory', () => {
  it('draws the control planes, workers, etcd and Ceph members, the VIP and its holders, VLANs, MetalLB and its peers', async () => {
    const { svg, nodes, edges } = await graphOf(join(repoRoot, 'inventories', 'example'));
    assertWellFormed(svg);
    assert.match(svg, /<svg [^>]*data-cluster="lab" data-errors="0" data-warnings="0"/);
    const hosts = nodes.filter((n) => n.class.includes(' host '));
    assert.deepEqual(hosts.map((h) => h['data-host']).sort(), ['cp1', 'cp2', 'cp3', 'worker01', 'worker02', 'worker03']);
    for (const cp of ['cp1', 'cp2', 'cp3']) {
      const h = node(nodes, `host:${cp}`);
      assert.equal(h['data-kind'], 'control-plane');
      assert.deepEqual(h['data-roles']!.split(' ').sort(), ['ceph-mon', 'etcd', 'vip']);
      // Each holder is joined to the VIP, with its VRRP priority (from the inventory's hosts file).
      assert.ok(edges.some((e) => e['data-from'] === 'vip' && e['data-to'] === `host:${cp}`), `vip -> ${cp}`);
      assert.ok(edges.some((e) => e['data-from'] === 'etcd' && e['data-to'] === `host:${cp}`), `etcd -> ${cp}`);
      assert.ok(edges.some((e) => e['data-from'] === 'ceph' && e['data-to'] === `host:${cp}`), `ceph mon ${cp}`);
    }
    assert.match(svg, /VIP holder, priority 150/);
    assert.match(svg, /VIP holder, priority 130/);
    for (const w of ['worker01', 'worker02', 'worker03']) {
      const h = node(nodes, `host:${w}`);
      assert.equal(h['data-kind'], 'worker');
      assert.deepEqual(h['data-roles']!.split(' '), ['ceph-osd']);
    }
    assert.equal(node(nodes, 'host:worker02')['data-addresses'], '10.30.20.22/24 10.30.21.22/24 10.30.10.22/24');
    assert.match(svg, /bond0 802\.3ad eno1\+eno2 mtu 9000/);
    const vip = node(nodes, 'vip');
    assert.equal(vip['data-address'], '10.30.10.100');
    assert.equal(vip['data-holders'], 'cp1 cp2 cp3');
    assert.equal(node(nodes, 'etcd')['data-members'], 'cp1 cp2 cp3');
    assert.equal(node(nodes, 'ceph')['data-mons'], 'cp1 cp2 cp3');
    assert.equal(node(nodes, 'ceph')['data-osds'], 'worker01 worker02 worker03');
    const nets = Object.fromEntries(nodes.filter((n) => n.class.includes('network')).map((n) => [n['data-purpose'], `${n['data-vlan']} ${n['data-link']} ${n['data-cidr']}`]));
    assert.deepEqual(nets, { storage: '2000 bond0.2000 10.30.20.0/24', kubernetes: '2001 bond0.2001 10.30.21.0/24', management: '10 bond0.10 10.30.10.0/24' });
    for (const purpose of ['storage', 'kubernetes', 'management']) {
      assert.ok(edges.some((e) => e['data-from'] === 'group:control-plane' && e['data-to'] === `net:${purpose}`));
      assert.ok(edges.some((e) => e['data-from'] === 'group:workers' && e['data-to'] === `net:${purpose}`));
    }
    const metallb = node(nodes, 'metallb');
    assert.equal(metallb['data-mode'], 'bgp');
    assert.equal(metallb['data-pools'], '10.30.30.0/24');
    const peers = nodes.filter((n) => n.class.includes('peer'));
    assert.deepEqual(peers.map((p) => `${p['data-address']} AS${p['data-asn']}`), ['10.30.10.1 AS64512', '10.30.10.2 AS64512']);
    for (const p of peers) assert.ok(edges.some((e) => e['data-from'] === p['data-id'] && e['data-to'] === 'metallb'));
    assert.equal(nodes.filter((n) => n.class.includes('findings')).length, 0);
  });

  it('draws a design error on the host it is about, and lists it with the inventory line to change', async (t) => {
    const dir = tempDir('graph-bad', t);
    cpSync(join(repoRoot, 'inventories', 'example'), dir, { recursive: true });
    // cp2 takes cp1's storage address.
    const cp2 = join(dir, 'host_vars', 'cp2.yml');
    writeFileSync(cp2, readFileSync(cp2, 'utf8').replace('storage_address: 10.30.20.12/24', 'storage_address: 10.30.20.11/24'));
    const { svg, nodes } = await graphOf(dir);
    assertWellFormed(svg);
    const errors = Number(/data-errors="(\d+)"/.exec(svg)![1]);
    assert.ok(errors >= 2, svg.slice(0, 400));
    for (const h of ['cp1', 'cp2']) assert.equal(node(nodes, `host:${h}`)['data-findings'], 'error', h);
    for (const h of ['cp3', 'worker01']) assert.equal(node(nodes, `host:${h}`)['data-findings'], 'ok', h);
    const legend = node(nodes, 'findings');
    assert.equal(legend['data-errors'], String(errors));
    assert.match(svg, /duplicate_address: storage_address 10\.30\.20\.11 of cp2 is also cp1's/);
    assert.match(svg, /host_vars\/cp2\.yml:2:\d+\)/);
    assert.match(svg, /<text class="error"[^>]*>✖ \d errors?: #\d/);
  });

  it('packs 120 workers into a box: every host drawn, the picture wider than tall at most 3 to 1', async (t) => {
    const dir = tempDir('graph-big', t);
    cpSync(join(repoRoot, 'inventories', 'example'), dir, { recursive: true });
    const hosts = readFileSync(join(dir, 'hosts'), 'utf8').replace('worker[01:03]', 'worker[001:120]').replace(/\[ceph_osd\]\nworker\[01:03\]/, '[ceph_osd]\nworker[001:003]');
    writeFileSync(join(dir, 'hosts'), hosts);
    const { svg, nodes } = await graphOf(dir);
    assertWellFormed(svg);
    assert.equal(nodes.filter((n) => n['data-kind'] === 'worker').length, 120);
    assert.equal(node(nodes, 'group:workers')['data-hosts']!.split(' ').length, 120);
    const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    assert.ok(w! < 3 * h! && h! < 3 * w!, `${w} x ${h}`);
  });

  it('docs/images/example-cluster.svg is the example drawn today (else: npm run docs)', async () => {
    const drawn = await exampleClusterSvg(repoRoot);
    assert.ok(readFileSync(join(repoRoot, 'docs', 'images', 'example-cluster.svg'), 'utf8') === drawn, 'docs/images/example-cluster.svg is out of date: run npm run docs');
  });
});
