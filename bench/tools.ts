import { assertNever } from '../src/util/assert-never.js';

/**
 * How each tool is invoked: its command line, its environment and its configuration (Ansible's
 * ansible.cfg, pyinfra's inventory). Pure: the runner writes the files and starts the processes.
 */

export type Tool = 'k8sbm' | 'ansible' | 'pyinfra';
/** The tools k8sbm is compared with. */
export type Peer = Exclude<Tool, 'k8sbm'>;
export type Phase = 'first-apply' | 'converged' | 'check-diff';
export const TOOLS: readonly Tool[] = ['k8sbm', 'ansible', 'pyinfra'];
export const PEERS: readonly Peer[] = ['ansible', 'pyinfra'];
export const TOOL_LABEL: Readonly<Record<Tool, string>> = { k8sbm: 'k8sbm', ansible: 'Ansible', pyinfra: 'pyinfra' };
export const PHASES: readonly Phase[] = ['first-apply', 'converged', 'check-diff'];

export interface AnsibleCfgOptions {
  readonly forks: number;
  /** Ansible's local temp dir (its default is ~/.ansible/tmp). */
  readonly localTmp: string;
  /** Where the ControlMaster sockets go: a fresh directory per run. */
  readonly controlPathDir: string;
}

/**
 * Ansible at its fastest for this scenario: as many forks as hosts, pipelining (the module goes
 * to python3's stdin: no temp file, no sftp for the module itself), one multiplexed ssh
 * connection per host (ControlMaster) kept 60 s, no fact gathering, a fixed interpreter (no
 * discovery round trip). Compression (-C, in Ansible's default ssh_args) is left out: on a local
 * link it only costs CPU. Host keys are checked strictly against the lab's known_hosts (the lab
 * inventory's ansible_ssh_common_args names it).
 */
export function renderAnsibleCfg(o: AnsibleCfgOptions): string {
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
export function toolEnv(tool: Tool, home: string, ansibleCfg: string): Record<string, string> {
  const base = { PATH, HOME: home, LANG: 'C.UTF-8', TERM: 'dumb', NO_COLOR: '1' };
  return tool === 'ansible' ? { ...base, ANSIBLE_CONFIG: ansibleCfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' } : base;
}

export interface CommandInputs {
  readonly node: string;
  /** The k8sbm CLI entry (a .js file node runs). */
  readonly k8sbmCli: string;
  readonly ansiblePlaybook: string;
  /** The pyinfra executable. */
  readonly pyinfra: string;
  readonly playbook: string;
  /** The same scenario as a pyinfra deploy file. */
  readonly pyinfraDeploy: string;
  readonly inventory: string;
  /** The lab's nodes as a pyinfra inventory (renderPyinfraInventory). */
  readonly pyinfraInventory: string;
  readonly knownHosts: string;
  /** How many hosts pyinfra works on at once (Ansible's forks are in its ansible.cfg). */
  readonly parallel: number;
  /** More options for k8sbm (the site scenario: the repository's roles, run from elsewhere). */
  readonly k8sbmExtra?: readonly string[] | undefined;
}

/**
 * k8sbm with its defaults (forks: every host up to 50) and its JSON events on stdout. pyinfra:
 * `-y` runs the operations without its confirmation step (and without the change detection
 * before it, which would evaluate every operation twice); its dry run is `--dry`, which lists
 * the changes it detects and stops (pyinfra 3.1 has no diff).
 */
export function toolArgv(tool: Tool, phase: Phase, c: CommandInputs): string[] {
  const check = phase === 'check-diff' ? ['--check', '--diff'] : [];
  switch (tool) {
    case 'k8sbm': return [c.node, c.k8sbmCli, 'run', c.playbook, '-i', c.inventory, '--known-hosts', c.knownHosts, ...(c.k8sbmExtra ?? []), '--json', ...check];
    case 'ansible': return [c.ansiblePlaybook, '-i', c.inventory, c.playbook, ...check];
    case 'pyinfra': return [c.pyinfra, phase === 'check-diff' ? '--dry' : '-y', '--parallel', String(c.parallel), c.pyinfraInventory, c.pyinfraDeploy];
    default: return assertNever(tool);
  }
}

export interface PyinfraHost {
  readonly name: string;
  readonly address: string;
}

export interface PyinfraInventoryOptions {
  readonly key: string;
  readonly knownHosts: string;
  /** The scenario's play variables, given to every host as `scenario_vars`. */
  readonly vars: Readonly<Record<string, unknown>>;
}

/**
 * The lab's nodes as a pyinfra inventory (a Python file): root with the lab's key, host keys
 * checked strictly against the lab's known_hosts (`ssh_strict_host_key_checking: yes`; pyinfra's
 * default, accept-new, would trust an unknown key), no ssh agent, no ~/.ssh/config (HOME is the
 * benchmark's own). The data is one JSON document, which Python's json module reads back, so no
 * value needs quoting for Python.
 */
export function renderPyinfraInventory(hosts: readonly PyinfraHost[], o: PyinfraInventoryOptions): string {
  const data = hosts.map((h) => ({
    name: h.name,
    data: {
      ssh_hostname: h.address, ssh_port: 22, ssh_user: 'root', ssh_key: o.key,
      ssh_known_hosts_file: o.knownHosts, ssh_strict_host_key_checking: 'yes', ssh_allow_agent: false,
      scenario_vars: o.vars,
    },
  }));
  return [
    '# The benchmark\'s lab nodes for pyinfra, written by bench/bench.ts.',
    'import json',
    '',
    `hosts = [(h["name"], h["data"]) for h in json.loads(${JSON.stringify(JSON.stringify(data))})]`,
    '',
  ].join('\n');
}
