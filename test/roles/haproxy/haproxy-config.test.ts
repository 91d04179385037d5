/**
 * The haproxy role's configuration for 3 and 5 control planes, rendered by the real CLI and
 * checked with the haproxy on this machine (`haproxy -c`), without a lab: the role's `config`
 * entry point (tasks_from: config) in check mode, against an inventory of 3 or 5 control planes
 * reached by the local connection, with the reference inventory's contract values
 * (inventories/example/group_vars/all.yml). Check mode sends the rendered file in its diff; nothing
 * is written, and the machine's haproxy is not touched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jsonEvents, k8sbm } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTempDir, tempDir } from '../../helpers/temp.js';

const TASK = 'haproxy : load balancer configuration';
const work = tempDir('role-haproxy-config');
after(() => removeTempDir(work));

writeFileSync(join(work, 'config.yml'), [
  '- hosts: control_plane',
  '  tasks:',
  '    - import_role: { name: haproxy, tasks_from: config }',
  '      vars:',
  '        haproxy_config_file: "{{ out_dir }}/{{ inventory_hostname }}.cfg"',
  '',
].join('\n'));

/** An inventory of `n` local control planes (cp1 at .11 ...) with the reference contract values. */
function inventory(n: number): string {
  const dir = join(work, `cp${n}`);
  mkdirSync(join(dir, 'group_vars'), { recursive: true });
  mkdirSync(join(dir, 'out'), { recursive: true });
  copyFileSync(join(repoRoot, 'inventories', 'example', 'group_vars', 'all.yml'), join(dir, 'group_vars', 'all.yml'));
  const hosts = Array.from({ length: n }, (_, i) => `cp${i + 1} ansible_host=10.30.10.${11 + i} ansible_connection=local`);
  writeFileSync(join(dir, 'hosts'), `[control_plane]\n${hosts.join('\n')}\n\n[all:vars]\nout_dir=${join(dir, 'out')}\n`);
  return dir;
}

/** host -> the rendered configuration, from the check run's diffs. */
function rendered(dir: string, extra: readonly string[] = []): Record<string, string> {
  const r = k8sbm(['plan', 'config.yml', '-i', join(dir, 'hosts'), '--roles-path', join(repoRoot, 'roles'), '--json', ...extra], work);
  assert.equal(r.code, 2, `plan exited ${r.code}\n${r.stdout}${r.stderr}`);
  const out: Record<string, string> = {};
  for (const e of jsonEvents(r.stdout)) {
    if (e.event !== 'task_result' || e.task !== TASK) continue;
    assert.equal(e.status, 'changed', JSON.stringify(e));
    const diff = (e.diff as { kind: string; after: string | null }[]).find((d) => d.kind === 'text');
    assert.ok(diff?.after, JSON.stringify(e));
    out[String(e.host)] = diff.after;
  }
  assert.deepEqual(readdirSync(join(dir, 'out')), [], 'check mode wrote nothing');
  return out;
}

function haproxyCheck(dir: string, host: string, text: string): { code: number | null; output: string } {
  const file = join(dir, `${host}.cfg`);
  writeFileSync(file, text);
  const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

describe('haproxy configuration for 3 and 5 control planes', () => {
  it('haproxy is on this machine', () => assert.ok(existsSync('/usr/sbin/haproxy'), 'install haproxy to run these tests'));

  for (const n of [3, 5]) {
    it(`${n} control planes: one server line each, the frontend on the VIP, accepted by haproxy -c`, () => {
      const dir = inventory(n);
      const configs = rendered(dir);
      assert.deepEqual(Object.keys(configs).sort(), Array.from({ length: n }, (_, i) => `cp${i + 1}`));
      const first = configs.cp1!;
      for (const [host, text] of Object.entries(configs)) {
        assert.equal(text, first, `${host}: every control plane runs the same configuration`);
        const check = haproxyCheck(dir, host, text);
        assert.equal(check.code, 0, `${host}: haproxy -c refused it:\n${check.output}\n${text}`);
      }
      assert.match(first, /^# Managed by k8sbm \(role haproxy\)/);
      assert.match(first, /^ {4}bind 10\.30\.10\.100:8443$/m);
      const servers = first.match(/^ {4}server .*$/gm) ?? [];
      assert.deepEqual(servers, Array.from({ length: n }, (_, i) => `    server cp${i + 1} 10.30.10.${11 + i}:6443`));
      assert.match(first, /^ {4}option httpchk GET \/healthz$/m);
      assert.match(first, /^ {4}default-server check check-ssl verify none inter 2s fall 3 rise 2 slowstart 60s$/m);
      for (const t of ['client 4h', 'server 4h', 'tunnel 4h']) assert.match(first, new RegExp(`^ {4}timeout ${t}$`, 'm'));
      assert.match(first, /^ {4}stats socket \/run\/haproxy\/admin\.sock mode 660 level admin$/m);
    });
  }

  it('a backend address given as a CIDR (kubernetes_address) is cut to its address', () => {
    const dir = inventory(3);
    for (let i = 1; i <= 3; i++) {
      mkdirSync(join(dir, 'host_vars'), { recursive: true });
      writeFileSync(join(dir, 'host_vars', `cp${i}.yml`), `kubernetes_address: 10.30.21.${10 + i}/24\n`);
    }
    const configs = rendered(dir, ['-e', 'haproxy_backend_address_var=kubernetes_address']);
    assert.deepEqual(configs.cp2!.match(/^ {4}server .*$/gm), ['    server cp1 10.30.21.11:6443', '    server cp2 10.30.21.12:6443', '    server cp3 10.30.21.13:6443']);
    assert.equal(haproxyCheck(dir, 'cp2', configs.cp2!).code, 0);
  });

  it('a timeout haproxy cannot read renders, and haproxy -c refuses it (the role\'s validate: keeps it off the node)', () => {
    const dir = inventory(3);
    const configs = rendered(dir, ['-e', 'haproxy_timeout_server=4x']);
    const check = haproxyCheck(dir, 'cp1', configs.cp1!);
    assert.notEqual(check.code, 0);
    assert.match(check.output, /timeout server/);
  });
});
