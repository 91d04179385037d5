import { K8sbmError } from '../source/errors.js';
import { shellQuote } from '../transport/quote.js';
import { LAB_APT_DIR } from './lab-packages.js';
import { CONTROL_PLANE_SIZE } from './names.js';

/** The files `lab up` writes for its users and into its nodes. Pure text, tested as such. */

export interface RenderNode {
  readonly name: string;
  readonly address: string;
  /** `ssh-ed25519 AAAA...` (no comment). */
  readonly hostKey?: string | undefined;
}

export interface RenderFiles {
  readonly keyFile: string;
  readonly knownHostsFile: string;
}

/**
 * Ansible INI inventory: the first nodes are the control plane, the rest workers, all of them in
 * k8s_cluster. Connection settings go to [all:vars] whose values run to the end of the line, so a
 * key path with spaces needs no quoting there; the ssh arguments are a shell-quoted word list.
 */
export function renderInventory(labName: string, nodes: readonly RenderNode[], files: RenderFiles): string {
  const control = nodes.slice(0, CONTROL_PLANE_SIZE);
  const workers = nodes.slice(CONTROL_PLANE_SIZE);
  const hostLine = (n: RenderNode): string => `${n.name} ansible_host=${n.address}`;
  // Two levels: ssh splits an option's value at spaces unless double-quoted, and Ansible splits
  // the whole string like a shell.
  const sshArgs = ['-o', `UserKnownHostsFile=${sshConfigPath(files.knownHostsFile)}`, '-o', 'StrictHostKeyChecking=yes'].map(shellQuote).join(' ');
  return [
    `# k8sbm lab "${labName}": written by \`k8sbm lab up\`, removed by \`k8sbm lab down\``,
    '[control_plane]',
    ...control.map(hostLine),
    '',
    '[workers]',
    ...workers.map(hostLine),
    '',
    '[k8s_cluster:children]',
    'control_plane',
    'workers',
    '',
    '# stacked etcd: the etcd members are the control plane',
    '[etcd:children]',
    'control_plane',
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${files.keyFile}`,
    `ansible_ssh_common_args=${sshArgs}`,
    '',
  ].join('\n');
}

/**
 * group_vars/all.yml beside the lab's inventory: the inventory contract's values for the lab
 * (inventories/example has the reference cluster's). The machine reaches the nodes from the
 * lab bridge's address, so that is the one admin network; the lab's /24 is the node, storage
 * and cluster network; the VIP is the /24's last usable address.
 */
export function renderLabVars(subnet: string, gateway: string | undefined): string {
  const base = subnet.replace(/\.0\/24$/, '');
  const admin = gateway ?? `${base}.1`;
  return [
    '# k8sbm lab: the inventory contract\'s values for the lab, written by `k8sbm lab up`',
    'cluster_name: lab',
    `admin_cidrs: [${admin}/32]`,
    `api_vip: ${base}.250`,
    `api_vip_cidr: ${base}.250/24`,
    'api_port: 6443',
    'haproxy_frontend_port: 8443',
    'control_plane_endpoint: "{{ api_vip }}:{{ haproxy_frontend_port }}"',
    `node_cidr: ${subnet}`,
    `storage_cidr: ${subnet}`,
    'pod_cidr: 10.244.0.0/16',
    'service_cidr: 10.96.0.0/12',
    'cni: calico',
    'kubernetes_version: "1.31.4"',
    'kubelet_version: "{{ kubernetes_version }}"',
    'kubectl_version: "{{ kubernetes_version }}"',
    '# The kube_packages role installs kubeadm, kubelet and kubectl from the lab\'s own signed package',
    `# repository in each node (${LAB_APT_DIR}: TEST DOUBLE packages, one flat repository per minor`,
    '# release, as pkgs.k8s.io has them); the nodes reach no mirror.',
    `kube_packages_repo_url: "file://${LAB_APT_DIR}/v{{ kubernetes_version | regex_search('^[0-9]+[.][0-9]+') }}/"`,
    `kube_packages_key_url: "file://${LAB_APT_DIR}/Release.key"`,
    'metallb_mode: l2',
    '# MetalLB\'s service addresses: the top of the lab\'s /24, below the VIP (no node has them).',
    `metallb_pool: ${base}.240-${base}.249`,
    '# keepalived\'s VRRP router id for the API VIP: each lab has a bridge (an L2 segment) of its own.',
    'keepalived_router_id: 51',
    '# kubeadm: lab nodes have one address (no Kubernetes VLAN, so no kubernetes_address).',
    'kubeadm_advertise_address_var: ansible_host',
    'bgp_peers: []',
    '# The network role on lab nodes: no bond or VLAN can exist here (docs/lab.md), so each node\'s',
    '# eth0 is configured by ifupdown, for real: its address, MTU and a static route (TEST-NET-3',
    '# through the machine) that only this configuration gives it.',
    'network_renderer: ifupdown',
    'network_ethernets:',
    '  eth0:',
    '    address: "{{ ansible_host }}/24"',
    '    mtu: 1500',
    `    routes: [{ to: 203.0.113.0/24, via: ${admin} }]`,
    '',
  ].join('\n');
}

/**
 * ssh_config: each node answers to its name and to its address, so `ssh -F ssh_config node01`
 * and `ssh -F ssh_config <address>` (what Ansible runs) both pick the lab key and known_hosts.
 */
export function renderSshConfig(nodes: readonly RenderNode[], files: RenderFiles): string {
  const key = sshConfigPath(files.keyFile);
  const known = sshConfigPath(files.knownHostsFile);
  const blocks = nodes.map((n) => [
    `Host ${n.name} ${n.address}`,
    `  HostName ${n.address}`,
    '  User root',
    `  IdentityFile ${key}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${known}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  PasswordAuthentication no',
    '  BatchMode yes',
    '  ConnectTimeout 10',
    '',
  ].join('\n'));
  return `# k8sbm lab nodes: ssh -F THIS_FILE node01\n\n${blocks.join('\n')}`;
}

/** ssh_config arguments: double quotes for spaces, %% for a literal % (ssh expands %-tokens). */
function sshConfigPath(path: string): string {
  if (/["\n\r]/.test(path)) {
    throw new K8sbmError('K8SBM_LAB_DIR_INVALID', `the lab directory path cannot be written into ssh_config: ${JSON.stringify(path)}`, {
      hint: 'choose a lab directory (--dir) whose path has no double quote or line break',
    });
  }
  const escaped = path.replace(/%/g, '%%');
  return /[\s#]/.test(escaped) ? `"${escaped}"` : escaped;
}

/** One line per node, by address: the lab's ssh_config and inventory point StrictHostKeyChecking here. */
export function renderKnownHosts(nodes: readonly RenderNode[]): string {
  return nodes.map((n) => {
    if (!n.hostKey) throw new Error(`no host key for ${n.name}`);
    return `${n.address} ${n.hostKey}\n`;
  }).join('');
}

/** `ssh-ed25519 AAAA... root@node01` -> `ssh-ed25519 AAAA...` */
export function parsePublicKey(text: string): string {
  const [type, blob] = text.trim().split(/\s+/);
  if (!type || !blob || !/^(ssh-|ecdsa-)/.test(type)) throw new Error(`not an OpenSSH public key: ${text.slice(0, 40)}`);
  return `${type} ${blob}`;
}

/** sshd's own levels; VERBOSE logs one "Starting session" line per exec, which benchmarks count. */
export type SshdLogLevel = 'QUIET' | 'FATAL' | 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG1';

export interface SshdConfigOptions {
  /** Default: sshd's own (INFO). */
  readonly logLevel?: SshdLogLevel | undefined;
}

/** Key-only login on the node's own address; the node's config replaces the machine's. */
export function renderSshdConfig(address: string, opts: SshdConfigOptions = {}): string {
  return [
    '# k8sbm lab node: key-only login',
    `ListenAddress ${address}:22`,
    ...(opts.logLevel ? [`LogLevel ${opts.logLevel}`] : []),
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM session stack: nodes run no systemd-logind; sudo still authenticates through PAM.
    'UsePAM no',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
}

export const LAB_SUDO_USER = 'ops';
export const LAB_SUDO_PASSWORD_USER = 'opspw';
/** A published lab credential (for --ask-become-pass tests), not a secret. */
export const LAB_SUDO_PASSWORD = 'opspw-lab-password';

export function renderSudoers(): string {
  return [
    '# k8sbm lab users',
    `${LAB_SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL`,
    `${LAB_SUDO_PASSWORD_USER} ALL=(ALL:ALL) ALL`,
    '',
  ].join('\n');
}

/** Every node knows every other node by name, as a cluster's nodes usually do. */
export function renderEtcHosts(self: RenderNode, nodes: readonly RenderNode[]): string {
  const lines = ['127.0.0.1\tlocalhost', `${self.address}\t${self.name}`, '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const n of nodes) if (n.name !== self.name) lines.push(etcHostsLine(n));
  return `${lines.join('\n')}\n`;
}

function etcHostsLine(n: RenderNode): string {
  return `${n.address}\t${n.name}`;
}

/**
 * A running node's /etc/hosts after the lab gained or lost nodes: only the lines the lab writes
 * for those nodes come or go; whatever else the file holds (an operator's own lines) stays.
 */
export function editEtcHosts(text: string, add: readonly RenderNode[], remove: readonly RenderNode[]): string {
  const gone = new Set(remove.map(etcHostsLine));
  const endsWithNewline = text.endsWith('\n');
  const body = endsWithNewline ? text.slice(0, -1) : text;
  const kept = (text === '' ? [] : body.split('\n')).filter((l) => !gone.has(l));
  const added = add.map(etcHostsLine).filter((l) => !kept.includes(l));
  const lines = [...kept, ...added];
  return lines.length === 0 ? '' : `${lines.join('\n')}${endsWithNewline || added.length > 0 ? '\n' : ''}`;
}
