import { assertNever } from '../src/util/assert-never.js';
export const TOOLS = ['k8sbm', 'ansible'];
export const PHASES = ['first-apply', 'converged', 'check-diff'];
/**
 * Ansible at its fastest for this scenario: as many forks as hosts, pipelining (the module goes
 * to python3's stdin: no temp file, no sftp for the module itself), one multiplexed ssh
 * connection per host (ControlMaster) kept 60 s, no fact gathering, a fixed interpreter (no
 * discovery round trip). Compression (-C, in Ansible's default ssh_args) is left out: on a local
 * link it only costs CPU. Host keys are checked strictly against the lab's known_hosts (the lab
 * inventory's ansible_ssh_common_args names it).
 */
export function renderAnsibleCfg(o) {
    return [
        '[defaults]',
        `forks = ${o.forks}`,
        'host_key_checking = True',
        'interpreter_python = /usr/bin/python3',
        'gathering = explicit',
        `local_tmp = ${o.localTmp}`,
        'retry_files_enabled = False',
        'nocows = True',
        'stdout_callback = default',
        '',
        '[ssh_connection]',
        'pipelining = True',
        'ssh_args = -o ControlMaster=auto -o ControlPersist=60s',
        `control_path_dir = ${o.controlPathDir}`,
        '',
    ].join('\n');
}
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/**
 * A clean environment: nothing of the caller's ANSIBLE_*, K8SBM_* or ssh agent, and a HOME of
 * the benchmark's own (no ~/.ansible, ~/.ssh/config, ~/.ansible.cfg of the machine).
 */
export function toolEnv(tool, home, ansibleCfg) {
    const base = { PATH, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
    return tool === 'ansible' ? { ...base, ANSIBLE_CONFIG: ansibleCfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' } : base;
}
/** k8sbm with its defaults (forks: every host up to 50) and its JSON events on stdout. */
export function toolArgv(tool, phase, c) {
    const check = phase === 'check-diff' ? ['--check', '--diff'] : [];
    switch (tool) {
        case 'k8sbm': return [c.node, c.k8sbmCli, 'run', c.playbook, '-i', c.inventory, '--known-hosts', c.knownHosts, '--json', ...check];
        case 'ansible': return [c.ansiblePlaybook, '-i', c.inventory, c.playbook, ...check];
        default: return assertNever(tool);
    }
}
//# sourceMappingURL=tools.js.map