import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `k8sbm graph` as an operator runs it: from a folder of their own (the shipped site.yml and
 * roles are found from the package), never connecting (the example inventory's addresses are not
 * reachable from here), to SVG on stdout or in a file, and to PNG through rsvg-convert.
 */
describe('k8sbm graph', () => {
  const example = join(repoRoot, 'inventories', 'example');

  it('writes the example cluster as SVG, on stdout and to a file, from any folder', (t) => {
    const cwd = tempDir('graph-cli', t);
    const out = k8sbm(['graph', '-i', example], cwd);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(out.stdout, /data-host="worker03"/);
    assert.equal(out.stderr, '');
    const file = k8sbm(['graph', '-i', example, '-o', 'cluster.svg'], cwd);
    assert.equal(file.code, 0, file.stderr);
    assert.equal(readFileSync(join(cwd, 'cluster.svg'), 'utf8'), out.stdout);
    assert.equal(file.stderr, 'cluster.svg: 6 hosts, 0 design errors and 0 warnings drawn\n');
  });

  it('writes PNG through rsvg-convert: the picture at the SVG\'s size', (t) => {
    const cwd = tempDir('graph-png', t);
    const r = k8sbm(['graph', '-i', example, '-o', 'cluster.png'], cwd);
    assert.equal(r.code, 0, r.stderr);
    const png = readFileSync(join(cwd, 'cluster.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    const svg = k8sbm(['graph', '-i', example], cwd).stdout;
    const [, w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    assert.equal(png.readUInt32BE(16), w);
    assert.equal(png.readUInt32BE(20), h);
  });

  it('says each design error on stderr with the line to change, and draws it', (t) => {
    const cwd = tempDir('graph-errors', t);
    const inv = join(cwd, 'inventory');
    cpSync(example, inv, { recursive: true });
    const all = join(inv, 'group_vars', 'all.yml');
    // The API's VIP inside MetalLB's pool.
    writeFileSync(all, readFileSync(all, 'utf8').replace('metallb_pool: 10.30.30.0/24', 'metallb_pool: 10.30.10.96/28'));
    const r = k8sbm(['graph', '-i', inv, '-o', 'cluster.svg'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[DESIGN ERROR\]: cp1: cidr_overlap: api_vip 10\.30\.10\.100 is inside metallb_pool 10\.30\.10\.96\/28: .* \(inventory\/group_vars\/all\.yml:8:\d+\); /m);
    const svg = readFileSync(join(cwd, 'cluster.svg'), 'utf8');
    assert.match(svg, /data-errors="[1-9]/);
    assert.match(svg, /<text class="error"[^>]*>#1 ✖ cp1: cidr_overlap: api_vip 10\.30\.10\.100 is inside metallb_pool/);
  });

  it('refuses a file that is neither .svg nor .png, before drawing anything', (t) => {
    const cwd = tempDir('graph-usage', t);
    const r = k8sbm(['graph', '-i', example, '-o', 'cluster.txt'], cwd);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /K8SBM_USAGE/);
    assert.match(r.stderr, /\.svg or \.png/);
    assert.equal(existsSync(join(cwd, 'cluster.txt')), false);
  });
});
