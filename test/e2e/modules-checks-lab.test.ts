/**
 * wait_for, uri and k8s_apply on a lab node through the CLI: a tiny HTTP server started inside
 * the node, and kubectl replaced (in the node's own layer only) by the test double of
 * test/doubles/kubectl, since no API server can run here. The MetalLB CRDs are the ones the
 * project ships with the metallb role.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { URI_SCRIPT, uriArgv, parseUriOutput, type UriTool } from '../../src/modules/network/uri-script.js';
import { parseWaitForOutput, WAIT_FOR_SCRIPT, waitForArgv, type WaitTool } from '../../src/modules/network/wait_for-script.js';
import type { ExecResult } from '../../src/transport/connection.js';
import { jsonEvents, recapOf, treeHash } from '../helpers/cli.js';
import { writeTree } from '../helpers/engine.js';
import { labSsh, startLab, type TestLab } from '../helpers/lab.js';
import { repoRoot } from '../helpers/paths.js';

// These tests count each module's own round trips, as a task reading its facts alone does:
// facts read ahead (many tasks' facts in one exec) are tested in read-ahead-lab and round-trips,
// and by every role test. The CLI runs below inherit this.
process.env.K8SBM_READ_AHEAD = '0';

let lab: TestLab;
let node: string;
let root: string;
const PORT = 18080;
const CLOSED = 18081;

before(async () => {
  lab = await startLab({ name: 'modchecks', nodes: 1 });
  node = lab.nodes[0]!.name;
  root = nodeRootPath(lab.lab, node);
  // The double goes into the node's layer: the machine's own /usr/local/bin is not touched.
  copyFileSync(join(repoRoot, 'test', 'doubles', 'kubectl'), join(root, 'usr/local/bin/kubectl'));
  chmodSync(join(root, 'usr/local/bin/kubectl'), 0o755);
  mkdirSync(join(root, 'etc/kubernetes'), { recursive: true });
  writeFileSync(join(root, 'etc/kubernetes/admin.conf'), '# kubeconfig read by the kubectl test double only\n');
  mkdirSync(join(root, 'var/lib/kubectl-double/ready'), { recursive: true });
  const started = await labSsh(lab, node,
    `mkdir -p /srv/www && echo 'k8sbm node ok' > /srv/www/index.html && cd /srv/www && nohup python3 -m http.server ${PORT} --bind 127.0.0.1 >/var/log/k8sbm-httpd.log 2>&1 </dev/null & echo started`);
  assert.equal(started.stdout.trim(), 'started', started.stderr);
});
after(async () => { await lab?.down(); });

/** The CLI of the same build as this test file (bin/ points at dist/, which may be another build). */
function cli(args: readonly string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const main = new URL('../../src/cli/main.js', import.meta.url).href;
  const shim = join(cwd, '.k8sbm-cli.mjs');
  writeFileSync(shim, `import { main } from ${JSON.stringify(main)};\nmain(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n`);
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [shim, ...args], { cwd, encoding: 'utf8', env, timeout: 180_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '--json'];
const results = (stdout: string): Record<string, unknown>[] => jsonEvents(stdout).filter((e) => e.event === 'task_result');
/** labSsh, shaped as the transport's result for the parsers. */
async function onNode(argv: readonly string[], script: string): Promise<ExecResult> {
  const r = await labSsh(lab, node, argv, { stdin: script });
  return { code: r.code, signal: null, stdout: r.stdout, stderr: r.stderr };
}

const byTask = (stdout: string, task: string): Record<string, unknown> => {
  const r = results(stdout).find((e) => e.task === task);
  assert.ok(r, `no result for "${task}" in:\n${stdout}`);
  return r;
};

describe('wait_for and uri against a server inside the node', () => {
  const site = `
- hosts: all
  gather_facts: false
  tasks:
    - name: the server listens
      wait_for: { port: ${PORT}, timeout: 30, sleep: 0.2 }
    - name: the page is there
      wait_for: { path: /srv/www/index.html, search_regex: "node ok$" }
    - name: the page is served
      uri: { url: "http://127.0.0.1:${PORT}/", body_contains: k8sbm node ok, return_content: true }
      register: page
    - name: what came back
      assert: { that: ['page.status == 200', 'page.content == "k8sbm node ok\\n"'] }
`;

  it('waits for the port, then probes the page: ok, one exec each, never changed (check mode too)', () => {
    const dir = writeTree({ 'site.yml': site });
    for (const mode of ['run', 'plan']) {
      const r = cli([mode, 'site.yml', ...base()], dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const recap = recapOf(r.stdout)[node]!;
      assert.deepEqual([recap.changed, recap.failed], [0, 0], `${mode}: ${JSON.stringify(recap)}`);
      for (const task of ['the server listens', 'the page is there', 'the page is served']) {
        const e = byTask(r.stdout, task);
        assert.equal(e.status, 'ok', `${mode}: ${JSON.stringify(e)}`);
        assert.equal(e.execs, 1, `${mode}: ${task} took ${String(e.execs)} execs`);
      }
      assert.match(String(byTask(r.stdout, 'the server listens').msg), new RegExp(`^port ${PORT} on 127\\.0\\.0\\.1 open after \\d+\\.\\ds$`));
      assert.match(String(byTask(r.stdout, 'the page is there').msg), /^\/srv\/www\/index\.html has a line matching \/node ok\$\/ after/);
      assert.match(String(byTask(r.stdout, 'the page is served').msg), new RegExp(`^GET http://127\\.0\\.0\\.1:${PORT}/ returned 200 in [\\d.]+s, body contains "k8sbm node ok"$`));
    }
  });

  it('a closed port fails within its timeout, saying what the last check saw; so does a request to it', () => {
    const dir = writeTree({
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: nobody listens
      wait_for: { port: ${CLOSED}, timeout: 2, sleep: 0.2 }
      ignore_errors: true
    - name: nobody answers
      uri: { url: "http://127.0.0.1:${CLOSED}/", timeout: 2 }
      ignore_errors: true
    - name: wrong status
      uri: { url: "http://127.0.0.1:${PORT}/missing", status_code: [200, 204] }
      ignore_errors: true
`,
    });
    const r = cli(['run', 'site.yml', ...base()], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const wait = byTask(r.stdout, 'nobody listens');
    assert.equal(wait.status, 'failed');
    assert.match(String(wait.msg), new RegExp(`^timed out after 2s waiting for port ${CLOSED} on 127\\.0\\.0\\.1 to be open \\(last check: Connection refused\\); \\d+ checks with bash$`));
    assert.ok(Number(wait.durationMs) >= 2000 && Number(wait.durationMs) < 8000, `took ${String(wait.durationMs)} ms`);
    assert.equal(wait.execs, 1);
    assert.match(String(byTask(r.stdout, 'nobody answers').msg), new RegExp(`^GET http://127\\.0\\.0\\.1:${CLOSED}/: no response \\(cannot connect: curl: \\(7\\)`));
    assert.match(String(byTask(r.stdout, 'wrong status').msg), /returned 404, expected 200 or 204 \(body: </);
  });

  it('every tool the scripts can use works on the node (bash and python3 for ports; curl, wget and python3 for HTTP)', async () => {
    for (const tool of ['bash', 'python3'] as WaitTool[]) {
      for (const [port, state, result] of [[PORT, 'started', 'ok'], [CLOSED, 'started', 'timeout'], [CLOSED, 'stopped', 'ok']] as const) {
        const argv = waitForArgv({ what: 'port', host: '127.0.0.1', port, state, timeout: 1, delay: 0, sleep: 0.2, connectTimeout: 2, tool });
        const o = parseWaitForOutput(await onNode(argv, WAIT_FOR_SCRIPT));
        assert.deepEqual([o.tool, o.result], [tool, result], `${tool} ${port} ${state}: ${JSON.stringify(o)}`);
        if (port === CLOSED) assert.equal(o.last, 'Connection refused');
      }
    }
    for (const tool of ['curl', 'wget', 'python3'] as UriTool[]) {
      for (const [path, status] of [['/index.html', 200], ['/missing', 404]] as const) {
        const argv = uriArgv({ url: `http://127.0.0.1:${PORT}${path}`, method: 'GET', timeout: 5, validateCerts: true, followRedirects: false, tool });
        const r = parseUriOutput(await onNode(argv, URI_SCRIPT));
        assert.deepEqual([r.tool, r.status], [tool, status], `${tool} ${path}: ${JSON.stringify(r)}`);
        if (status === 200) assert.equal(r.body, 'k8sbm node ok\n');
      }
      const head = parseUriOutput(await onNode(uriArgv({ url: `http://127.0.0.1:${PORT}/index.html`, method: 'HEAD', timeout: 5, validateCerts: true, followRedirects: false, tool }), URI_SCRIPT));
      assert.deepEqual([head.status, head.body], [200, ''], `${tool} HEAD`);
    }
  });
});

describe('k8s_apply with the kubectl test double', () => {
  const upstream = join(repoRoot, 'roles', 'metallb', 'files', 'upstream', 'crds');
  const state = (): string => join(root, 'var/lib/kubectl-double');
  const calls = (): string[][] => {
    const log = join(root, 'var/log/kubectl-double.log');
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : [];
  };
  const verbsSince = (n: number): string[] => calls().slice(n).map((argv) => argv.find((a, i) => i > 0 && !a.startsWith('-') && argv[i - 1] !== '--kubeconfig')!);
  const project = (): string => writeTree({
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    k8sbm_crd_paths: ["${upstream}/*.yaml"]
    pool_name: lan
    pool_range: 10.0.0.200-10.0.0.220
  tasks:
    - name: namespace
      k8s_apply:
        definition: { apiVersion: v1, kind: Namespace, metadata: { name: metallb-system } }
    - name: CRDs
      k8s_apply: { src: "${upstream}/metallb.io_{{ item }}.yaml" }
      loop: [ipaddresspools, l2advertisements]
    - name: address pool
      k8s_apply:
        template: pool.yaml.j2
        wait: { condition: Ready, kinds: [IPAddressPool], timeout: 20 }
`,
    'templates/pool.yaml.j2': `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: {{ pool_name }}
  namespace: metallb-system
spec:
  addresses:
    - {{ pool_range }}
  autoAssign: true
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: {{ pool_name }}
  namespace: metallb-system
spec:
  ipAddressPools: [{{ pool_name }}]
`,
    'invalid.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: a pool with a number for its addresses
      k8s_apply:
        definition:
          apiVersion: metallb.io/v1beta1
          kind: IPAddressPool
          metadata: { name: broken, namespace: metallb-system }
          spec:
            addresses: 5
`,
  });

  it('check mode on an empty cluster: everything predicted (the pool through the CRDs before it), nothing stored', () => {
    const dir = project();
    // The readiness flag is there before any run: the wait is satisfied without sleeping.
    writeFileSync(join(state(), 'ready', 'ipaddresspool.metallb-system.lan'), '');
    const before = treeHash(state());
    const n = calls().length;
    const r = cli(['plan', 'site.yml', ...base()], dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(treeHash(state()), before, 'check mode changed the double\'s state');
    assert.ok(!verbsSince(n).includes('apply'), `check mode sent: ${verbsSince(n).join(', ')}`);
    const pool = byTask(r.stdout, 'address pool');
    assert.equal(pool.status, 'changed', JSON.stringify(pool));
    assert.equal(pool.predicted, true);
    assert.match(String(pool.msg), /IPAddressPool \(metallb\.io\/v1beta1\) is served once an earlier task's CRD is applied/);
    assert.match(JSON.stringify(pool.diff), /10\.0\.0\.200-10\.0\.0\.220/);
  });

  it('applies, waits on Ready, and a second run is ok (changed=0) at one exec per unwaited task', () => {
    const dir = project();
    const first = cli(['run', 'site.yml', ...base()], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(recapOf(first.stdout)[node]!.changed, 3);
    const stored = JSON.parse(readFileSync(join(state(), 'objects/metallb.io/IPAddressPool/metallb-system/lan.json'), 'utf8')) as Record<string, any>;
    assert.deepEqual(stored.spec, { addresses: ['10.0.0.200-10.0.0.220'], autoAssign: true });
    assert.equal(stored.metadata.managedFields[0].manager, 'k8sbm');
    assert.ok(existsSync(join(state(), 'objects/metallb.io/L2Advertisement/metallb-system/lan.json')));
    const pool = byTask(first.stdout, 'address pool');
    assert.equal(pool.execs, 3, 'diff, apply, wait');
    assert.equal(byTask(first.stdout, 'namespace').execs, 2, 'diff, apply');

    const n = calls().length;
    const second = cli(['run', 'site.yml', ...base()], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.equal(recapOf(second.stdout)[node]!.changed, 0);
    assert.equal(byTask(second.stdout, 'namespace').execs, 1);
    assert.match(String(byTask(second.stdout, 'namespace').msg), /^1 object already as declared \(kubectl diff --server-side: no changes\)$/);
    const again = byTask(second.stdout, 'address pool');
    assert.equal(again.execs, 2, 'diff, then the readiness check');
    assert.match(String(again.msg), /2 objects already as declared .*; 1 readiness check passed$/);
    assert.deepEqual([...new Set(verbsSince(n))].sort(), ['diff', 'wait']);
  });

  it('a changed variable shows as a before/after diff; check mode leaves the state byte-identical', () => {
    const dir = project();
    const before = treeHash(state());
    const r = cli(['plan', 'site.yml', ...base(), '-e', 'pool_range=10.0.0.230-10.0.0.240'], dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(treeHash(state()), before);
    const pool = byTask(r.stdout, 'address pool');
    assert.match(String(pool.msg), /update IPAddressPool metallb-system\/lan/);
    const diff = (pool.diff as { subject: string; before: string; after: string }[])[0]!;
    assert.equal(diff.subject, 'IPAddressPool metallb-system/lan (metallb.io/v1beta1)');
    assert.match(diff.before, /- 10\.0\.0\.200-10\.0\.0\.220/);
    assert.match(diff.after, /- 10\.0\.0\.230-10\.0\.0\.240/);
    assert.equal(byTask(r.stdout, 'namespace').status, 'ok');
  });

  it('a manifest by URL is fetched by the node; a wait that times out fails, and holds until the object is ready', () => {
    writeFileSync(join(root, 'srv/www/settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: metallb-system }\ndata: { mode: l2 }\n');
    const dir = writeTree({
      'url.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: settings
      k8s_apply:
        url: http://127.0.0.1:${PORT}/settings.yaml
        wait: { condition: Ready, timeout: 1 }
`,
    });
    const first = cli(['run', 'url.yml', ...base()], dir);
    assert.equal(first.code, 1, first.stdout + first.stderr);
    const failed = byTask(first.stdout, 'settings');
    assert.equal(failed.execs, 4, 'fetch, diff, apply, wait');
    assert.equal(failed.msg, 'K8SBM_K8S_NOT_READY: applied, but not ready within the wait timeout');
    assert.match(JSON.stringify(failed.detail), /timed out waiting for the condition on configmaps\/settings/);
    assert.ok(existsSync(join(state(), 'objects/core/ConfigMap/metallb-system/settings.json')), 'applied before the wait');
    // Unchanged is not taken for ready: the next run still fails until the object is.
    const stuck = cli(['run', 'url.yml', ...base()], dir);
    assert.equal(stuck.code, 1, stuck.stdout + stuck.stderr);
    assert.match(String(byTask(stuck.stdout, 'settings').msg), /^1 object already as declared .*, but not ready \(exit 1\): error: timed out waiting for the condition on configmaps\/settings$/);
    writeFileSync(join(state(), 'ready', 'configmap.metallb-system.settings'), '');
    const ready = cli(['run', 'url.yml', ...base()], dir);
    assert.equal(ready.code, 0, ready.stdout + ready.stderr);
    const ok = byTask(ready.stdout, 'settings');
    assert.deepEqual([ok.status, ok.execs], ['ok', 3], 'fetch, diff, readiness');
  });

  it('an invalid manifest fails at its line before anything reaches the node (no crd_paths: the shipped MetalLB CRDs)', () => {
    const dir = project();
    const n = calls().length;
    const r = cli(['run', 'invalid.yml', ...base()], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const e = byTask(r.stdout, 'a pool with a number for its addresses');
    assert.equal(e.status, 'failed');
    assert.equal(e.execs, 0);
    assert.equal(e.msg, 'K8SBM_K8S_SCHEMA: IPAddressPool metallb-system/broken: /spec/addresses must be array, got integer');
    const detail = (e.detail as string[]).join('\n');
    // The error stands at the value in the playbook: line 12, column 24 (the caret under "5").
    assert.match(detail, /> 12 \| {13}addresses: 5\n {5}\| {24}\^/);
    assert.match(detail, /schema: IPAddressPool metallb\.io\/v1beta1 from .*roles\/metallb\/files\/upstream\/crds\/metallb\.io_ipaddresspools\.yaml/);
    assert.match(detail, /hint: A list of IP address ranges/);
    assert.equal(calls().length, n, 'kubectl was called');
  });
});
