import type { ExecResult } from '../transport/connection.js';
import { HOST_FACTS_SCRIPT, SECTION_MARKER } from './host-script.js';
import { EMPTY_OS, debArchitectureOf, osFactsFrom } from './host-os.js';
import { allAddresses, defaultIpv4Of, defaultIpv6Of, parseDefaultRoute, parseIpAddrJson } from './host-network.js';
import {
  cpuFactsFrom, initSystemFrom, kernelFactsFrom, memoryFactsFrom, packageManagerFrom,
  kubeApiserverVersionFrom, userFactsFrom, virtualizationFrom,
} from './host-system.js';
import type { FactDef } from './types.js';
import type { HostFacts } from './host-types.js';

export type * from './host-types.js';
export { HOST_FACTS_SCRIPT } from './host-script.js';

/**
 * Splits the script's output into its named sections. Text before the first marker is dropped;
 * a repeated name keeps the last one. Each section loses the blank line the script prints
 * before the next marker, and nothing else.
 */
export function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) sections.set(name, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.replace(/\r\n/g, '\n').split('\n')) {
    const m = SECTION_MARKER.exec(line);
    if (m) {
      flush();
      name = m[1];
      lines = [];
    } else if (name !== undefined) {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

/** "/etc/redhat-release<TAB>Rocky Linux release 9.3 (Blue Onyx)" lines -> path => first line. */
function parseReleaseFiles(text: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) files.set(line.slice(0, tab), line.slice(tab + 1).trim());
  }
  return files;
}

/** Facts of a host that answered nothing: what `parse` builds from an empty output. */
export const EMPTY_HOST_FACTS: HostFacts = {
  hostname: '', fqdn: '', domain: '', os: EMPTY_OS,
  kernel: { name: '', release: '', version: '' }, architecture: '', deb_architecture: '',
  cpu: { count: 0, model: '' },
  memory: { total_mb: 0, available_mb: 0, swap_total_mb: 0, swap_free_mb: 0 },
  interfaces: {}, all_ipv4_addresses: [], all_ipv6_addresses: [], default_ipv4: null, default_ipv6: null,
  init_system: 'other', pid1: '', pkg_mgr: 'unknown',
  virtualization: { type: 'none', container: false }, user: { uid: null, name: '' },
  kube_apiserver_version: null,
};

/** Pure and total: any text gives HostFacts; a missing or garbled section gives its defaults. */
export function parseHostFacts(stdout: string): HostFacts {
  const sec = splitSections(stdout);
  const get = (name: string) => sec.get(name) ?? '';

  const hostname = get('hostname').split('\n')[0]?.trim() ?? '';
  const fqdnLine = get('fqdn').split('\n')[0]?.trim() ?? '';
  // `hostname -f` falls back to the short name when nothing resolves; an error message or an
  // empty line means it had nothing to say.
  const fqdn = /^[A-Za-z0-9_.-]+$/.test(fqdnLine) ? fqdnLine : hostname;
  const dot = fqdn.indexOf('.');
  const domain = dot > 0 ? fqdn.slice(dot + 1) : '';

  const { kernel, machine } = kernelFactsFrom(get('uname'));
  const interfaces = parseIpAddrJson(get('ip_addr'));
  const { v4, v6 } = allAddresses(interfaces);

  return {
    hostname,
    fqdn,
    domain,
    os: osFactsFrom(get('os_release'), parseReleaseFiles(get('release_files'))),
    kernel,
    architecture: machine,
    deb_architecture: machine ? debArchitectureOf(machine) : '',
    cpu: cpuFactsFrom(get('cpu')),
    memory: memoryFactsFrom(get('meminfo')),
    interfaces,
    all_ipv4_addresses: v4,
    all_ipv6_addresses: v6,
    default_ipv4: defaultIpv4Of(parseDefaultRoute(get('route4')), interfaces),
    default_ipv6: defaultIpv6Of(parseDefaultRoute(get('route6')), interfaces),
    ...initSystemFrom(get('init')),
    pkg_mgr: packageManagerFrom(get('pkg')),
    virtualization: virtualizationFrom(get('virt'), get('cgroup'), get('root_mount')),
    user: userFactsFrom(get('user')),
    kube_apiserver_version: kubeApiserverVersionFrom(get('kube_apiserver')),
  };
}

const HOST_FACTS_ARGV: readonly string[] = Object.freeze(['sh', '-c', HOST_FACTS_SCRIPT]);

/** A host's basic facts in one exec (see host-script.ts for what it runs). */
export const hostFacts: FactDef<void | undefined, HostFacts> = {
  name: 'host',
  key: () => '',
  argv: () => HOST_FACTS_ARGV,
  parse: (res: ExecResult) => parseHostFacts(res.stdout),
  default: EMPTY_HOST_FACTS,
};
