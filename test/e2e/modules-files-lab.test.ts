/**
 * blockinfile and fetch on lab nodes through the CLI: apply, a second run with changed=0, check
 * mode leaving nodes (and, for fetch, the workstation) untouched, diffs, exec counts.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeRootPath } from '../../src/lab/index.js';
import { jsonEvents, k8sbm, recapOf, treeHash } from '../helpers/cli.js';
import { startLab, type TestLab } from '../helpers/lab.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

// These tests count each module's own round trips, as a task reading its facts alone does:
// facts read ahead (many tasks' facts in one exec) are tested in read-ahead-lab and round-trips,
// and by every role test. The CLI runs below inherit this.
process.env.K8SBM_READ_AHEAD = '0';

let lab: TestLab;
const work = tempDir('files-lab');
before(async () => { lab = await startLab({ name: 'fileslab', nodes: 3 }); });
after(async () => {
  await lab?.down();
  removeTempDir(work);
});

let seq = 0;
/** A project directory of its own (the workstation side of fetch lands in it). */
function project(files: Record<string, string>): string {
  const dir = join(work, `p${seq++}`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const nodePath = (node: string, path: string): string => join(nodeRootPath(lab.lab, node), path);
const hashNodes = (sub: string): string => lab.nodes.map((n) => treeHash(nodePath(n.name, sub))).join(',');
const base = (): string[] => ['-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile];
type Ev = Record<string, unknown>;
const resultsOf = (stdout: string, task: string): Ev[] => jsonEvents(stdout).filter((e) => e.event === 'task_result' && e.task === task);

const ANSIBLE_BLOCK = '# BEGIN ANSIBLE MANAGED BLOCK\nold=1\n# END ANSIBLE MANAGED BLOCK\n';

const blockSite = `
- hosts: all
  gather_facts: false
  tasks:
    - name: api endpoint in /etc/hosts
      blockinfile:
        path: /etc/hosts
        marker: "# {mark} k8sbm api endpoint"
        block: |
          10.0.0.10 api.k8s.local
          10.0.0.11 cp1.k8s.local
    - name: a block Ansible wrote
      blockinfile:
        path: /etc/k8sbm-files/app.conf
        block: "new=2"
        mode: "0640"
    - name: a new file with a block
      blockinfile:
        path: /etc/k8sbm-files/created.conf
        block: "x=1"
        create: true
`;

describe('blockinfile on lab nodes', () => {
  it('check mode predicts and changes nothing; apply edits in place; the second run changes nothing', () => {
    for (const n of lab.nodes) {
      mkdirSync(nodePath(n.name, '/etc/k8sbm-files'), { recursive: true });
      writeFileSync(nodePath(n.name, '/etc/k8sbm-files/app.conf'), `head=1\n${ANSIBLE_BLOCK}tail=1\n`);
    }
    const hostsBefore = lab.nodes.map((n) => readFileSync(nodePath(n.name, '/etc/hosts'), 'utf8'));
    const dir = project({ 'site.yml': blockSite });
    const before = hashNodes('/etc');

    const plan = k8sbm(['plan', 'site.yml', ...base(), '--json'], dir);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.equal(hashNodes('/etc'), before, 'check mode changed a node');
    const predicted = resultsOf(plan.stdout, 'a block Ansible wrote');
    assert.equal(predicted.length, 3);
    for (const e of predicted) {
      assert.equal(e.status, 'changed');
      assert.equal(e.execs, 1);
      const diff = JSON.stringify(e.diff);
      assert.match(diff, /old=1/);
      assert.match(diff, /new=2/);
    }

    const pretty = k8sbm(['run', 'site.yml', ...base(), '--diff'], dir);
    assert.equal(pretty.code, 0, pretty.stdout + pretty.stderr);
    assert.match(pretty.stdout, /^\+10\.0\.0\.10 api\.k8s\.local$/m, 'the diff shows the added block');
    assert.match(pretty.stdout, /^-old=1$/m);
    for (const [i, n] of lab.nodes.entries()) {
      assert.equal(readFileSync(nodePath(n.name, '/etc/hosts'), 'utf8'),
        `${hostsBefore[i]}# BEGIN k8sbm api endpoint\n10.0.0.10 api.k8s.local\n10.0.0.11 cp1.k8s.local\n# END k8sbm api endpoint\n`);
      const app = nodePath(n.name, '/etc/k8sbm-files/app.conf');
      assert.equal(readFileSync(app, 'utf8'), 'head=1\n# BEGIN ANSIBLE MANAGED BLOCK\nnew=2\n# END ANSIBLE MANAGED BLOCK\ntail=1\n');
      assert.equal(statSync(app).mode & 0o7777, 0o640);
      assert.equal(readFileSync(nodePath(n.name, '/etc/k8sbm-files/created.conf'), 'utf8'), '# BEGIN ANSIBLE MANAGED BLOCK\nx=1\n# END ANSIBLE MANAGED BLOCK\n');
    }

    const second = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const [h, c] of Object.entries(recapOf(second.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    for (const e of jsonEvents(second.stdout).filter((x) => x.event === 'task_result')) {
      assert.equal(e.execs, 1, `${e.host} ${e.task}: a no-op costs one exec`);
    }
  });
});

const fetchSite = `
- hosts: all
  gather_facts: false
  tasks:
    - name: per-host tree
      fetch:
        src: /etc/kubernetes/admin.conf
        dest: fetched
    - name: flat
      fetch:
        src: /etc/kubernetes/admin.conf
        dest: "kubeconfigs/{{ inventory_hostname }}.conf"
        flat: true
`;

function writeAdminConfs(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of lab.nodes) {
    const text = `apiVersion: v1\nkind: Config\n# ${n.name} ${tag}\nclusters:\n- name: k8sbm\n  cluster: {server: "https://${n.address}:6443"}\n`;
    const p = nodePath(n.name, '/etc/kubernetes/admin.conf');
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    chmodSync(p, 0o600);
    out.set(n.name, text);
  }
  return out;
}

describe('fetch from lab nodes', () => {
  it('copies each node\'s file into per-host folders and flat paths; second run changed=0; check mode writes nothing anywhere', () => {
    const confs = writeAdminConfs('v1');
    const dir = project({ 'site.yml': fetchSite });
    const nodesBefore = hashNodes('/etc/kubernetes');

    const plan = k8sbm(['plan', 'site.yml', ...base(), '--json'], dir);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.equal(existsSync(join(dir, 'fetched')), false, 'check mode wrote on the workstation');
    assert.equal(existsSync(join(dir, 'kubeconfigs')), false, 'check mode wrote on the workstation');
    assert.equal(hashNodes('/etc/kubernetes'), nodesBefore);
    for (const e of resultsOf(plan.stdout, 'per-host tree')) {
      assert.equal(e.status, 'changed');
      assert.equal(e.execs, 1);
      assert.match(JSON.stringify(e.diff), new RegExp(`${String(e.host)} v1`));
    }

    const first = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const [h, c] of Object.entries(recapOf(first.stdout))) assert.equal(c.changed, 2, h);
    for (const e of jsonEvents(first.stdout).filter((x) => x.event === 'task_result')) assert.equal(e.execs, 2, `${e.host} ${e.task}`);
    for (const n of lab.nodes) {
      for (const local of [join(dir, 'fetched', n.name, 'etc/kubernetes/admin.conf'), join(dir, 'kubeconfigs', `${n.name}.conf`)]) {
        assert.equal(readFileSync(local, 'utf8'), confs.get(n.name));
        assert.equal(statSync(local).mode & 0o777, 0o600, `${local} keeps the node's 0600`);
      }
    }
    assert.equal(hashNodes('/etc/kubernetes'), nodesBefore, 'fetch changed a node');

    const second = k8sbm(['run', 'site.yml', ...base(), '--json'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const [h, c] of Object.entries(recapOf(second.stdout))) assert.equal(c.changed, 0, `${h} changed on the second run`);
    for (const e of jsonEvents(second.stdout).filter((x) => x.event === 'task_result')) assert.equal(e.execs, 1, `${e.host} ${e.task}`);

    // One node's file changes: check mode shows the diff and leaves the local copy; run updates it.
    const node = lab.nodes[1]!.name;
    const changed = confs.get(node)!.replace(`# ${node} v1`, `# ${node} v2`);
    writeFileSync(nodePath(node, '/etc/kubernetes/admin.conf'), changed);
    const local = join(dir, 'fetched', node, 'etc/kubernetes/admin.conf');
    const drift = k8sbm(['plan', 'site.yml', ...base(), '--json', '-l', node], dir);
    assert.equal(drift.code, 2, drift.stdout + drift.stderr);
    const [d] = resultsOf(drift.stdout, 'per-host tree');
    assert.deepEqual((d!.diff as Ev[]).map((x) => [x.before, x.after]), [[confs.get(node), changed]]);
    assert.equal(readFileSync(local, 'utf8'), confs.get(node), 'check mode rewrote the local copy');
    const update = k8sbm(['run', 'site.yml', ...base(), '--diff'], dir);
    assert.equal(update.code, 0, update.stdout + update.stderr);
    assert.match(update.stdout, new RegExp(`^-# ${node} v1$`, 'm'));
    assert.match(update.stdout, new RegExp(`^\\+# ${node} v2$`, 'm'));
    assert.equal(readFileSync(local, 'utf8'), changed);
  });

  it('a missing file fails unless fail_on_missing is false', () => {
    const dir = project({
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: optional
      fetch: { src: /etc/k8sbm-not-there.conf, dest: out, fail_on_missing: false }
    - name: required
      fetch: { src: /etc/k8sbm-not-there.conf, dest: out }
`,
    });
    const r = k8sbm(['run', 'site.yml', ...base(), '--json', '-l', lab.nodes[0]!.name], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const [optional] = resultsOf(r.stdout, 'optional');
    const [required] = resultsOf(r.stdout, 'required');
    assert.equal(optional!.status, 'ok');
    assert.equal(required!.status, 'failed');
    assert.match(String(required!.msg), /does not exist on/);
    assert.equal(existsSync(join(dir, 'out')), false);
  });
});
