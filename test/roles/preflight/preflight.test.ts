/**
 * The preflight role (roles/preflight, the cluster_design module's checks): each design rule of
 * docs/preflight.md refused from an inventory that breaks it, with its check's name, the inventory
 * line that gave the value and the override in the hint, before any task runs on any host. No
 * lab: the role runs from a copy beside the test's playbook against in-memory hosts, which answer
 * only the fact gathering (read-only, and where a control plane tells the version it runs).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { HOST_FACTS_SCRIPT } from '../../../src/facts/host.js';
import type { RunEvent, WarningEvent } from '../../../src/report/events.js';
import { K8sbmError } from '../../../src/source/errors.js';
import { formatLoc } from '../../../src/source/loc.js';
import { runEngine, type EngineRun } from '../../helpers/engine.js';
import { repoRoot } from '../../helpers/paths.js';

/** The shipped role's files, under roles/preflight/ of the test's tree. */
function roleFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const root = join(repoRoot, 'roles', 'preflight');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[join('roles', 'preflight', relative(root, p))] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

const HOSTS = `[control_plane]
cp1 ansible_host=10.0.1.11
cp2 ansible_host=10.0.1.12
cp3 ansible_host=10.0.1.13

[workers]
w1 ansible_host=10.0.1.21
w2 ansible_host=10.0.1.22

[ceph_mon]
cp1
cp2
cp3

# stacked etcd
[etcd:children]
control_plane

[k8s_cluster:children]
control_plane
workers
`;

const ALL = `kubernetes_version: "1.31.4"
kubelet_version: "{{ kubernetes_version }}"
kubectl_version: "{{ kubernetes_version }}"
api_vip: 10.0.1.100
api_vip_cidr: 10.0.1.100/24
pod_cidr: 10.244.0.0/16
service_cidr: 10.96.0.0/12
node_cidr: 10.0.1.0/24
storage_cidr: 10.0.2.0/24
metallb_mode: l2
metallb_pool: 10.0.1.200-10.0.1.220
keepalived_router_id: 51
`;

const SITE = `- name: The cluster's design
  hosts: all
  roles: [preflight]

- name: the rest of the site
  hosts: all
  gather_facts: false
  tasks:
    - name: a change
      command: touch /tmp/changed
`;

interface Case {
  readonly files?: Record<string, string>;
  /** Each host's kube-apiserver manifest image line, as the fact gathering reads it. */
  readonly running?: Record<string, string>;
  readonly extraVars?: readonly string[];
}

const factsOutput = (image: string | undefined): string => `\n@@k8sbm:hostname@@\nnode\n${image ? `\n@@k8sbm:kube_apiserver@@\n    image: ${image}\n` : ''}\n@@k8sbm:end@@\n`;

async function run(c: Case): Promise<{ run?: EngineRun; error?: K8sbmError; events: RunEvent[]; calls: Map<string, string[][]> }> {
  const events: RunEvent[] = [];
  const calls = new Map<string, string[][]>();
  const files = { 'inv/hosts.ini': HOSTS, 'inv/group_vars/all.yml': ALL, 'site.yml': SITE, ...roleFiles(), ...c.files };
  try {
    const r = await runEngine({
      files, inventory: 'inv/hosts.ini', extraVars: c.extraVars,
      onEvent: (e) => events.push(e),
      responders: [(req, host) => {
        (calls.get(host) ?? calls.set(host, []).get(host)!).push([...req.argv]);
        if (req.argv[0] === 'sh' && req.argv[2] === HOST_FACTS_SCRIPT) return { stdout: factsOutput(c.running?.[host]) };
        return { stdout: '' };
      }],
    });
    return { run: r, events, calls };
  } catch (e) {
    assert.ok(e instanceof K8sbmError, String(e));
    return { error: e, events, calls };
  }
}

const rel = (s: string): string => s.replace(/\/\S*?k8sbm-engine-[^/]+\//g, '');

/** The run was refused before any task: the design error, nothing but fact gathering sent to any host. */
async function refused(c: Case): Promise<{ lines: string[]; loc: string; hint: string }> {
  const r = await run(c);
  assert.ok(r.error, `the run was not refused: ${r.run?.lines.join('; ')}`);
  assert.equal(r.error.code, 'K8SBM_DESIGN_INVALID', r.error.message);
  assert.deepEqual(r.events.filter((e) => e.event === 'task_result' && e.module !== 'setup'), [], 'a task ran');
  for (const [host, argvs] of r.calls) {
    assert.ok(argvs.every((a) => a[2] === HOST_FACTS_SCRIPT), `${host} was sent more than fact gathering: ${JSON.stringify(argvs)}`);
  }
  assert.match(r.error.subject ?? '', /nothing was sent$/);
  return { lines: rel(r.error.message).split('\n'), loc: rel(formatLoc(r.error.loc)), hint: r.error.hint ?? '' };
}

const withAll = (edit: (all: string) => string, more: Record<string, string> = {}): Case => ({ files: { 'inv/group_vars/all.yml': edit(ALL), ...more } });

describe('role preflight: the cluster design checked before anything is sent', () => {
  it('a sound design passes silently and the play goes on', async () => {
    const r = await run({});
    assert.ok(r.run, r.error?.message);
    assert.equal(r.run.outcome.exitCode, 0);
    assert.deepEqual(r.events.filter((e): e is WarningEvent => e.event === 'warning').map((w) => w.msg), []);
    assert.ok(r.run.lines.includes('cp1 a change changed'), r.run.lines.join('\n'));
  });

  it('etcd_quorum: an even number of etcd members, at the group\'s line in the inventory', async () => {
    const f = await refused({ files: { 'inv/hosts.ini': HOSTS.replace('[etcd:children]\ncontrol_plane\n', '[etcd]\ncp1\ncp2\n') } });
    assert.deepEqual(f.lines, ['cp1: etcd_quorum: etcd has 2 members (cp1, cp2): its quorum is 2, so it survives the loss of 0 members, as 1 would; the even member is one more that can fail and costs every write one more round trip (inv/hosts.ini:16:2)']);
    assert.equal(f.loc, 'inv/hosts.ini:16:2');
    assert.equal(f.hint, 'make etcd 1 or 3 hosts; or accept the risk with preflight_ignore: [etcd_quorum]');
  });
});
