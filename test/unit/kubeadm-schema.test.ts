/**
 * The kubeadm v1beta4 schema the project keeps (src/schema/kubeadm-v1beta4.ts) and the template
 * module's check of rendered YAML against it: what kubeadm accepts passes, a wrong field, a
 * v1beta3-style extraArgs map, a wrong enum value or an unknown document is refused at its
 * rendered line, and that line is traced back to the template's. Last, the kubeadm role's own
 * template with one field misspelt fails `plan` with the template's file:line (local
 * connection, check mode: nothing is written).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkRenderedYaml, templateLineOf } from '../../src/modules/files/template-schema.js';
import { jsonEvents, k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const GOOD = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: "10.30.21.11"
  bindPort: 6443
nodeRegistration:
  name: cp1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - { name: node-ip, value: 10.30.21.11 }
  taints: []
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: lab
kubernetesVersion: v1.31.4
controlPlaneEndpoint: 10.30.10.100:8443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
etcd:
  local:
    dataDir: /var/lib/etcd
    extraArgs:
      - { name: quota-backend-bytes, value: "8589934592" }
apiServer:
  certSANs: ["10.30.10.100", api.example.internal]
  extraArgs:
    - { name: profiling, value: "false" }
  extraVolumes:
    - { name: audit, hostPath: /var/log/kubernetes, mountPath: /var/log/kubernetes, pathType: DirectoryOrCreate }
encryptionAlgorithm: ECDSA-P256
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    token: abcdef.0123456789abcdef
    apiServerEndpoint: 10.30.10.100:8443
    caCertHashes: ["sha256:00"]
controlPlane:
  localAPIEndpoint: { advertiseAddress: 10.30.21.12, bindPort: 6443 }
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
maxPods: 110
`;

const withLine = (from: string, to: string): string => {
  assert.ok(GOOD.includes(from), from);
  return GOOD.replace(from, to);
};
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('kubeadm v1beta4 schema', () => {
  it('accepts a configuration kubeadm accepts (init, cluster, join and kubelet documents)', () => {
    assert.deepEqual(checkRenderedYaml('kubeadm', GOOD), []);
  });

  it('refuses an unknown field at its line, naming the field and its path', () => {
    const text = withLine('  certSANs:', '  certSANz:');
    const [p] = checkRenderedYaml('kubeadm', text);
    assert.equal(p?.pointer, '/ClusterConfiguration/apiServer/certSANz');
    assert.match(p!.message, /unknown field "certSANz"/);
    assert.equal(p!.line, lineOf(text, 'certSANz'));
  });

  it('refuses v1beta3\'s extraArgs map: v1beta4 wants a list of name/value pairs', () => {
    const text = withLine('  extraArgs:\n    - { name: profiling, value: "false" }', '  extraArgs:\n    profiling: "false"');
    const [p] = checkRenderedYaml('kubeadm', text);
    assert.equal(p?.pointer, '/ClusterConfiguration/apiServer/extraArgs');
    assert.match(p!.message, /must be array/);
  });

  it('refuses a value outside an enum, and a duration kubeadm cannot read', () => {
    assert.match(checkRenderedYaml('kubeadm', withLine('cgroupDriver: systemd', 'cgroupDriver: system'))[0]!.message, /"systemd", "cgroupfs"/);
    assert.equal(checkRenderedYaml('kubeadm', withLine('4m0s', 'four minutes'))[0]!.pointer, '/InitConfiguration/timeouts/controlPlaneComponentHealthCheck');
  });

  it('refuses a document of another API version (v1beta3) or kind', () => {
    const [p] = checkRenderedYaml('kubeadm', withLine('kubeadm.k8s.io/v1beta4\nkind: InitConfiguration', 'kubeadm.k8s.io/v1beta3\nkind: InitConfiguration'));
    assert.match(p!.message, /no document of apiVersion kubeadm\.k8s\.io\/v1beta3 and kind InitConfiguration/);
    assert.equal(p!.line, 1);
  });

  it('refuses both etcd.local and etcd.external', () => {
    const [p] = checkRenderedYaml('kubeadm', withLine('value: "8589934592" }\n', 'value: "8589934592" }\n  external: { endpoints: ["https://e:2379"] }\n'));
    assert.equal(p?.pointer, '/ClusterConfiguration/etcd');
  });

  it('traces a rendered line back to the template line it came from', () => {
    const template = 'a: 1\nb:\n  c: "{{ x }}"\n  d: {{ y | to_json }}\n';
    const rendered = 'a: 1\nb:\n  c: "v"\n  d: [1, 2]\n';
    assert.equal(templateLineOf(template, rendered, 1), 1);
    assert.equal(templateLineOf(template, rendered, 3), 3);
    assert.equal(templateLineOf(template, rendered, 4), 4);
  });
});

describe('template schema: kubeadm, through the CLI', () => {
  it('the kubeadm role\'s template with a misspelt field fails plan at the template\'s line, nothing written', () => {
    const dir = tempDir('kubeadm-schema');
    cpSync(join(repoRoot, 'roles', 'kubeadm'), join(dir, 'roles', 'kubeadm'), { recursive: true });
    const tpl = join(dir, 'roles', 'kubeadm', 'templates', 'kubeadm-config.yaml.hbs');
    const text = readFileSync(tpl, 'utf8');
    assert.ok(text.includes('\n  certSANs:'));
    writeFileSync(tpl, text.replace('\n  certSANs:', '\n  certSANz:'));
    const line = lineOf(readFileSync(tpl, 'utf8'), 'certSANz');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'hosts'), `[control_plane]
cp1 ansible_host=127.0.0.1 ansible_connection=local

[all:vars]
cluster_name=t
kubernetes_version=1.31.4
api_vip=10.0.0.100
api_port=6443
control_plane_endpoint=10.0.0.100:8443
pod_cidr=10.244.0.0/16
service_cidr=10.96.0.0/12
kubeadm_advertise_address_var=ansible_host
kubeadm_config_file=${join(dir, 'out', 'kubeadm-config.yaml')}
`);
    writeFileSync(join(dir, 'play.yml'), '- hosts: control_plane\n  gather_facts: false\n  roles: [kubeadm]\n');
    const r = k8sbm(['plan', join(dir, 'play.yml'), '-i', join(dir, 'hosts'), '--roles-path', join(dir, 'roles'), '--json'], dir);
    assert.ok(r.code !== 0 && r.code !== 2, `plan exited ${r.code}`);
    const failed = jsonEvents(r.stdout).find((e) => e.event === 'task_result' && e.status === 'failed');
    assert.equal(failed?.code, 'K8SBM_TEMPLATE_SCHEMA', r.stdout);
    assert.equal(failed?.task, 'kubeadm : kubeadm configuration');
    assert.ok(String(failed?.msg).includes(`${tpl}:${line}: the rendered kubeadm v1beta4 configuration is refused`), String(failed?.msg));
    assert.match(String(failed?.msg), /\/ClusterConfiguration\/apiServer\/certSANz: unknown field "certSANz"/);
    assert.ok(!r.stdout.includes('Traceback') && !r.stderr.includes('    at '), 'no stack trace');
  });
});
