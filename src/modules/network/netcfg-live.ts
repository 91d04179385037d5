import { parseIpAddrJson, parseJsonArray } from '../../facts/host-network.js';
import type { InterfaceFacts } from '../../facts/host-types.js';
import type { Renderer } from './netcfg-spec.js';
import { SSH_CONNECTION_SH } from './ssh-connection-script.js';

/**
 * The network_config module's one probe, run as ['sh', '-c', NETCFG_PROBE, 'k8sbm-netcfg']:
 *
 * - `--- tools`: what the node uses for its network (netplan with files of its own, a running
 *   systemd-networkd, ifupdown and whether /etc/network/interfaces sources interfaces.d);
 * - `--- files`: every file a renderer of ours owns, of all three renderers (so a renderer that
 *   changed leaves none behind), as `@ PATH MODE` and the content in base64;
 * - `--- addr`, `--- route4`, `--- route6`: the live links, addresses and routes (`ip -j`);
 * - `--- ssh`: $SSH_CONNECTION of this login (found up the process tree when sudo cleared it).
 */
export const NETCFG_PROBE = `echo '--- tools'
have() { command -v "$1" >/dev/null 2>&1; }
if have netplan; then echo netplan=1; fi
n=0
for f in /etc/netplan/*.yaml /lib/netplan/*.yaml /run/netplan/*.yaml; do
  case "$f" in */60-k8sbm.yaml) continue ;; esac
  [ -f "$f" ] && n=$((n + 1))
done
echo "netplan_files=$n"
if [ -d /run/systemd/system ]; then echo systemd=1; fi
if [ -d /run/systemd/netif/links ] || { have systemctl && systemctl is-active -q systemd-networkd 2>/dev/null; }; then echo networkd=1; fi
if have ifup; then echo ifupdown=1; fi
if [ -f /etc/network/interfaces ] && grep -Eq '^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces\\.d' /etc/network/interfaces; then echo interfaces_source=1; fi
if ! have ip; then echo ip_missing=1; fi
echo '--- files'
for f in /etc/netplan/60-k8sbm*.yaml /etc/systemd/network/10-k8sbm-* /etc/network/interfaces.d/k8sbm; do
  [ -f "$f" ] || continue
  printf '@ %s %s\\n' "$f" "$(stat -c %a "$f")"
  base64 < "$f"
done
echo '--- addr'
ip -j -d addr show 2>/dev/null
echo
echo '--- route4'
ip -j -4 route show table main 2>/dev/null
echo
echo '--- route6'
ip -j -6 route show table main 2>/dev/null
echo
echo '--- ssh'
${SSH_CONNECTION_SH}`;

export interface LiveRoute {
  readonly family: 4 | 6;
  /** "default" or a network in CIDR notation. */
  readonly to: string;
  readonly via?: string | undefined;
  readonly metric?: number | undefined;
  readonly dev: string;
  /** kernel, boot, static, dhcp, ra ... */
  readonly proto: string;
}

export interface LiveFile {
  readonly mode: string;
  readonly content: string;
}

export interface NetProbe {
  readonly tools: ReadonlySet<string>;
  readonly netplanFiles: number;
  /** Files of ours now on the node, by path. */
  readonly files: ReadonlyMap<string, LiveFile>;
  readonly links: Readonly<Record<string, InterfaceFacts>>;
  readonly routes: readonly LiveRoute[];
  /** The address this run's SSH connection arrived at, when known. */
  readonly sshServer: string | null;
}

function sectionsOf(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^--- (\w+)$/.exec(line);
    if (m) { cur = []; out.set(m[1]!, cur); continue; }
    cur?.push(line);
  }
  return out;
}

function routesOf(text: string, family: 4 | 6): LiveRoute[] {
  return parseJsonArray(text).flatMap((r) => {
    const dev = typeof r.dev === 'string' ? r.dev : null;
    const dst = typeof r.dst === 'string' ? r.dst : null;
    if (!dev || !dst) return [];
    // A host route prints without its length: "10.0.0.5" is "10.0.0.5/32".
    const to = dst === 'default' || dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`;
    return [{
      family, to, dev,
      via: typeof r.gateway === 'string' ? r.gateway : undefined,
      metric: typeof r.metric === 'number' ? r.metric : undefined,
      proto: typeof r.protocol === 'string' ? r.protocol : 'boot',
    }];
  });
}

export function parseNetProbe(stdout: string): NetProbe {
  const s = sectionsOf(stdout);
  const tools = new Set<string>();
  let netplanFiles = 0;
  for (const line of s.get('tools') ?? []) {
    const m = /^(\w+)=(\d+)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'netplan_files') netplanFiles = Number(m[2]);
    else if (m[2] === '1') tools.add(m[1]!);
  }
  const files = new Map<string, LiveFile>();
  let path: string | undefined;
  let mode = '';
  let b64: string[] = [];
  const flush = (): void => {
    if (path !== undefined) files.set(path, { mode: mode.padStart(4, '0'), content: Buffer.from(b64.join(''), 'base64').toString('utf8') });
  };
  for (const line of s.get('files') ?? []) {
    const m = /^@ (\S+) ([0-7]+)$/.exec(line);
    if (m) { flush(); path = m[1]!; mode = m[2]!; b64 = []; continue; }
    b64.push(line.trim());
  }
  flush();
  const ssh = (s.get('ssh') ?? []).join(' ').trim().split(/\s+/);
  return {
    tools, netplanFiles, files,
    links: parseIpAddrJson((s.get('addr') ?? []).join('\n')),
    routes: [...routesOf((s.get('route4') ?? []).join('\n'), 4), ...routesOf((s.get('route6') ?? []).join('\n'), 6)],
    sshServer: ssh.length >= 3 && ssh[2] ? ssh[2] : null,
  };
}

/**
 * What writes this node's network when the operator leaves it to us: netplan when it has files
 * of its own (Ubuntu), else a running systemd-networkd, else ifupdown (Debian's default).
 */
export function detectRenderer(probe: NetProbe): { renderer: Renderer; why: string } | { renderer: null; why: string } {
  if (probe.tools.has('netplan') && probe.netplanFiles > 0) return { renderer: 'netplan', why: 'netplan is installed and /etc/netplan has files' };
  if (probe.tools.has('networkd')) return { renderer: 'networkd', why: 'systemd-networkd runs' };
  if (probe.tools.has('ifupdown')) return { renderer: 'ifupdown', why: 'ifupdown is installed' };
  return { renderer: null, why: 'neither netplan (with files in /etc/netplan), a running systemd-networkd nor ifupdown is found' };
}
