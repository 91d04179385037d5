import type { ExecResult } from '../transport/connection.js';
import { parseFileSections, systemFact, systemFactArgv, systemFactSections, type HostFile } from './system-files.js';
import { FactParseError } from './types.js';

/**
 * Kernel modules: what is loaded (/proc/modules, whole), whether the modules asked about are
 * built into the kernel, where modprobe is, and the modules-load.d / modprobe.d files of those
 * modules, in one exec. Host-wide (key ""), like the sysctl fact: predictions of earlier tasks
 * accumulate, and a later task's missing names or files cost one more read in check mode only.
 */

export interface LoadedModule {
  readonly refcount: number;
  /** Modules that depend on it ("used by" column). */
  readonly usedBy: readonly string[];
}

export interface KmodFacts {
  /** false: no /proc/modules, the kernel cannot load modules at all (built-ins only). */
  readonly loadable: boolean;
  /** Absolute path of modprobe, or null when the host has none. */
  readonly modprobe: string | null;
  /** Loaded modules by kernel name (underscores). */
  readonly loaded: Readonly<Record<string, LoadedModule>>;
  /** By kernel name: built into the running kernel. */
  readonly builtin: Readonly<Record<string, boolean>>;
  readonly files: Readonly<Record<string, HostFile>>;
}

export interface KmodQuery {
  readonly names: readonly string[];
  readonly files: readonly string[];
}

/** The kernel's spelling of a module name: '-' and '_' are the same to it, /proc/modules shows '_'. */
export function kernelModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * The kernel configuration symbol that builds a module, for the modules nodes commonly load or
 * blacklist. Only consulted when /sys/module and modules.builtin do not answer: a kernel built
 * without module support (no /proc/modules) may ship neither, and a built-in module without
 * parameters has no /sys/module entry; its configuration (/proc/config.gz, /boot/config-RELEASE)
 * still says SYMBOL=y.
 */
export const KCONFIG_SYMBOLS: Readonly<Record<string, string>> = {
  overlay: 'OVERLAY_FS', br_netfilter: 'BRIDGE_NETFILTER', bridge: 'BRIDGE', veth: 'VETH',
  nf_conntrack: 'NF_CONNTRACK', nf_nat: 'NF_NAT', nf_tables: 'NF_TABLES', ip_tables: 'IP_NF_IPTABLES',
  ip6_tables: 'IP6_NF_IPTABLES', ip_vs: 'IP_VS', xt_conntrack: 'NETFILTER_XT_MATCH_CONNTRACK',
  vxlan: 'VXLAN', ipip: 'NET_IPIP', wireguard: 'WIREGUARD', bonding: 'BONDING', '8021q': 'VLAN_8021Q',
  dummy: 'DUMMY', loop: 'BLK_DEV_LOOP', nbd: 'BLK_DEV_NBD', rbd: 'BLK_DEV_RBD', ceph: 'CEPH_FS',
  dm_mod: 'BLK_DEV_DM', dm_crypt: 'DM_CRYPT', iscsi_tcp: 'ISCSI_TCP',
  cramfs: 'CRAMFS', freevxfs: 'VXFS_FS', jffs2: 'JFFS2_FS', hfs: 'HFS_FS', hfsplus: 'HFSPLUS_FS',
  udf: 'UDF_FS', squashfs: 'SQUASHFS', vfat: 'VFAT_FS', usb_storage: 'USB_STORAGE', firewire_core: 'FIREWIRE',
  dccp: 'IP_DCCP', sctp: 'IP_SCTP', rds: 'RDS', tipc: 'TIPC',
};

const KCONFIG_CASES = Object.entries(KCONFIG_SYMBOLS).map(([m, sym]) => `    ${m}) echo ${sym} ;;`).join('\n');

// A built-in module with parameters has /sys/module/NAME without initstate (loaded ones have it);
// modules.builtin lists the rest by file name, where the name may be spelled with dashes (grep
// picks the candidate lines: the shell's read takes a system call per byte, and the list has
// thousands of lines); the kernel's configuration answers for the modules of KCONFIG_SYMBOLS
// when neither does.
const KMOD_SCRIPT = `echo '@@k8sbm kmod 1'
if [ -r /proc/modules ]; then echo '@@k8sbm modules'; cat /proc/modules; else echo '@@k8sbm no-modules'; fi
mp=$(command -v modprobe 2>/dev/null) || mp=
for c in /usr/sbin/modprobe /sbin/modprobe; do [ -n "$mp" ] || { [ -x "$c" ] && mp=$c; }; done
printf '@@k8sbm modprobe %s\\n' "$mp"
rel=$(uname -r)
list=/lib/modules/$rel/modules.builtin
ksym() {
  case $1 in
${KCONFIG_CASES}
    *) return 1 ;;
  esac
}
kconfig() {
  if [ -r /proc/config.gz ]; then gzip -dc /proc/config.gz 2>/dev/null
  elif [ -r "/boot/config-$rel" ]; then cat "/boot/config-$rel"
  fi
}
while [ $# -gt 0 ] && [ "$1" != @@files ]; do
  u=$1 d=$2; shift 2
  b=0
  if [ -e "/sys/module/$u/initstate" ]; then b=0
  elif [ -d "/sys/module/$u" ]; then b=1
  elif [ -r "$list" ]; then
    grep -F -e "/$u.ko" -e "/$d.ko" -- "$list" 2>/dev/null | { while IFS= read -r l; do case $l in */"$u".ko|*/"$d".ko) exit 0 ;; esac; done; exit 1; } && b=1
  fi
  if [ "$b" = 0 ] && [ ! -e "/sys/module/$u/initstate" ] && ks=$(ksym "$u"); then
    kconfig | grep -qx "CONFIG_$ks=y" && b=1
  fi
  printf '@@k8sbm builtin %s %s\\n' "$u" "$b"
done
shift
read_files "$@"
`;

export function kmodFactArgv(q: KmodQuery): string[] {
  const args = q.names.flatMap((n) => [kernelModuleName(n), n.replace(/_/g, '-')]);
  return systemFactArgv('kmod', KMOD_SCRIPT, args, q.files);
}

/** Pure: /proc/modules text -> loaded modules. */
export function parseProcModules(text: string): Record<string, LoadedModule> {
  const out: Record<string, LoadedModule> = {};
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[0] === '') continue;
    const refcount = Number(f[2]);
    if (!Number.isInteger(refcount)) throw new FactParseError('kmod', `cannot read /proc/modules line: ${line}`);
    out[f[0]!] = { refcount, usedBy: f[3] === '-' ? [] : f[3]!.split(',').filter(Boolean) };
  }
  return out;
}

export function parseKmodFactOutput(res: ExecResult, q: KmodQuery): KmodFacts {
  const sections = systemFactSections(res, 'kmod', 'kernel modules');
  let loadable = false;
  let loaded: Record<string, LoadedModule> = {};
  let modprobe: string | null = null;
  const builtin: Record<string, boolean> = {};
  for (const s of sections) {
    if (s.tag === 'modules') {
      loadable = true;
      loaded = parseProcModules(s.body);
    } else if (s.tag === 'modprobe') {
      modprobe = s.args.join(' ') || null;
    } else if (s.tag === 'builtin') {
      builtin[s.args[0] ?? ''] = s.args[1] === '1';
    }
  }
  for (const n of q.names) {
    if (!(kernelModuleName(n) in builtin)) throw new FactParseError('kmod', `no answer for ${n}`);
  }
  return { loadable, modprobe, loaded, builtin, files: parseFileSections(sections, q.files, res.stderr) };
}

// What is loaded comes whole with every read: a prediction of it is kept, never refreshed.
export const kmodFact = systemFact('kmod', kmodFactArgv, parseKmodFactOutput, { query: 'names', fact: 'builtin', nameOf: kernelModuleName });
