import { K8sbmError } from '../source/errors.js';
import { shellQuote } from '../transport/quote.js';
import { CONTROL_PLANE_SIZE } from './names.js';
/**
 * Ansible INI inventory: the first nodes are the control plane, the rest workers, all of them in
 * k8s_cluster. Connection settings go to [all:vars] whose values run to the end of the line, so a
 * key path with spaces needs no quoting there; the ssh arguments are a shell-quoted word list.
 */
export function renderInventory(labName, nodes, files) {
    const control = nodes.slice(0, CONTROL_PLANE_SIZE);
    const workers = nodes.slice(CONTROL_PLANE_SIZE);
    const hostLine = (n) => `${n.name} ansible_host=${n.address}`;
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
        '[all:vars]',
        'ansible_user=root',
        `ansible_ssh_private_key_file=${files.keyFile}`,
        `ansible_ssh_common_args=${sshArgs}`,
        '',
    ].join('\n');
}
/**
 * ssh_config: each node answers to its name and to its address, so `ssh -F ssh_config node01`
 * and `ssh -F ssh_config <address>` (what Ansible runs) both pick the lab key and known_hosts.
 */
export function renderSshConfig(nodes, files) {
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
function sshConfigPath(path) {
    if (/["\n\r]/.test(path)) {
        throw new K8sbmError('K8SBM_LAB_DIR_INVALID', `the lab directory path cannot be written into ssh_config: ${JSON.stringify(path)}`, {
            hint: 'choose a lab directory (--dir) whose path has no double quote or line break',
        });
    }
    const escaped = path.replace(/%/g, '%%');
    return /[\s#]/.test(escaped) ? `"${escaped}"` : escaped;
}
/** One line per node, by address: the lab's ssh_config and inventory point StrictHostKeyChecking here. */
export function renderKnownHosts(nodes) {
    return nodes.map((n) => {
        if (!n.hostKey)
            throw new Error(`no host key for ${n.name}`);
        return `${n.address} ${n.hostKey}\n`;
    }).join('');
}
/** `ssh-ed25519 AAAA... root@node01` -> `ssh-ed25519 AAAA...` */
export function parsePublicKey(text) {
    const [type, blob] = text.trim().split(/\s+/);
    if (!type || !blob || !/^(ssh-|ecdsa-)/.test(type))
        throw new Error(`not an OpenSSH public key: ${text.slice(0, 40)}`);
    return `${type} ${blob}`;
}
/** Key-only login on the node's own address; the node's config replaces the machine's. */
export function renderSshdConfig(address, opts = {}) {
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
export function renderSudoers() {
    return [
        '# k8sbm lab users',
        `${LAB_SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL`,
        `${LAB_SUDO_PASSWORD_USER} ALL=(ALL:ALL) ALL`,
        '',
    ].join('\n');
}
/** Every node knows every other node by name, as a cluster's nodes usually do. */
export function renderEtcHosts(self, nodes) {
    const lines = ['127.0.0.1\tlocalhost', `${self.address}\t${self.name}`, '::1\tlocalhost ip6-localhost ip6-loopback'];
    for (const n of nodes)
        if (n.name !== self.name)
            lines.push(etcHostsLine(n));
    return `${lines.join('\n')}\n`;
}
function etcHostsLine(n) {
    return `${n.address}\t${n.name}`;
}
/**
 * A running node's /etc/hosts after the lab gained or lost nodes: only the lines the lab writes
 * for those nodes come or go; whatever else the file holds (an operator's own lines) stays.
 */
export function editEtcHosts(text, add, remove) {
    const gone = new Set(remove.map(etcHostsLine));
    const endsWithNewline = text.endsWith('\n');
    const body = endsWithNewline ? text.slice(0, -1) : text;
    const kept = (text === '' ? [] : body.split('\n')).filter((l) => !gone.has(l));
    const added = add.map(etcHostsLine).filter((l) => !kept.includes(l));
    const lines = [...kept, ...added];
    return lines.length === 0 ? '' : `${lines.join('\n')}${endsWithNewline || added.length > 0 ? '\n' : ''}`;
}
//# sourceMappingURL=render.js.map