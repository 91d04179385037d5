/**
 * A host's basic facts as playbooks see them (`facts.os.family`, `facts.default_ipv4.address`).
 * Plain JSON-able data with snake_case keys. Unknown strings are '', unknown numbers 0 unless
 * zero would be misleading (uid: null), missing structures null or empty.
 */

export type OsFamily = 'debian' | 'redhat' | 'suse' | 'arch' | 'alpine' | 'gentoo' | 'unknown';
export type InitSystem = 'systemd' | 'openrc' | 'sysvinit' | 'runit' | 'other';
export type PackageManager = 'apt' | 'dnf' | 'yum' | 'zypper' | 'apk' | 'pacman' | 'unknown';

export interface OsFacts {
  readonly family: OsFamily;
  /** os-release ID: debian, ubuntu, rocky, rhel, ... */
  readonly distribution: string;
  readonly name: string;
  /** "12 (bookworm)" */
  readonly version: string;
  /** "12", "24.04", "9.4" */
  readonly version_id: string;
  /** "12", "24", "9" */
  readonly major_version: string;
  readonly codename: string;
  readonly pretty_name: string;
  /** os-release ID_LIKE, split on blanks. */
  readonly id_like: readonly string[];
}

export interface KernelFacts {
  /** uname -s */
  readonly name: string;
  /** uname -r */
  readonly release: string;
  /** uname -v */
  readonly version: string;
}

export interface CpuFacts {
  /** Processors this host offers (nproc, else /proc/cpuinfo), 0 when unknown. */
  readonly count: number;
  readonly model: string;
}

export interface MemoryFacts {
  readonly total_mb: number;
  readonly available_mb: number;
  readonly swap_total_mb: number;
  readonly swap_free_mb: number;
}

export interface Ipv4AddressFacts {
  readonly address: string;
  readonly prefixlen: number;
  readonly netmask: string;
  readonly network: string;
  readonly broadcast: string | null;
  /** global, link, host */
  readonly scope: string;
  readonly secondary: boolean;
  readonly label: string | null;
}

export interface Ipv6AddressFacts {
  readonly address: string;
  readonly prefixlen: number;
  readonly scope: string;
  /** Privacy (RFC 4941) address. */
  readonly temporary: boolean;
  /** preferred lifetime has run out: not used as a source address. */
  readonly deprecated: boolean;
}

export interface BondFacts {
  /** 802.3ad, active-backup, balance-rr, ... */
  readonly mode: string;
  readonly miimon: number | null;
  readonly xmit_hash_policy: string | null;
  readonly lacp_rate: string | null;
  readonly min_links: number | null;
  readonly active_slave: string | null;
}

export interface VlanFacts {
  readonly id: number;
  /** 802.1Q or 802.1ad */
  readonly protocol: string;
}

export interface BridgeFacts {
  readonly stp: boolean;
  readonly vlan_filtering: boolean;
}

/** How this interface belongs to its master (bond or bridge). */
export interface SlaveFacts {
  /** bond, bridge, ... (iproute2's info_slave_kind) */
  readonly kind: string;
  /** bond: ACTIVE/BACKUP; bridge port: forwarding/blocking/... */
  readonly state: string | null;
  readonly mii_status: string | null;
  /** The NIC's own MAC; a bond slave's `mac` is the bond's. */
  readonly perm_mac: string | null;
}

export interface InterfaceFacts {
  readonly name: string;
  readonly index: number;
  readonly mac: string;
  readonly mtu: number;
  /** operstate as the kernel says it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN */
  readonly state: string;
  /** Administratively up (the UP flag). */
  readonly up: boolean;
  readonly flags: readonly string[];
  /** link_type: ether, loopback, none, ... */
  readonly link_type: string;
  /** linkinfo.info_kind: bond, vlan, bridge, veth, vxlan, ...; null for a physical NIC. */
  readonly kind: string | null;
  readonly altnames: readonly string[];
  /** The device this one sits on (a VLAN's bond, a veth's peer). */
  readonly parent: string | null;
  /** The bond or bridge this interface is enslaved to. */
  readonly master: string | null;
  readonly slave: SlaveFacts | null;
  /** Interfaces enslaved to this bond or bridge, in ifindex order. */
  readonly slaves: readonly string[];
  readonly bond: BondFacts | null;
  readonly vlan: VlanFacts | null;
  readonly bridge: BridgeFacts | null;
  readonly ipv4: readonly Ipv4AddressFacts[];
  readonly ipv6: readonly Ipv6AddressFacts[];
}

/** Like Ansible's default_ipv4: the default route and the address a host is reached at. */
export interface DefaultIpv4Facts {
  readonly interface: string;
  readonly gateway: string | null;
  readonly address: string | null;
  readonly prefixlen: number | null;
  readonly netmask: string | null;
  readonly network: string | null;
  readonly broadcast: string | null;
  readonly mac: string | null;
  readonly mtu: number | null;
  readonly kind: string | null;
}

export interface DefaultIpv6Facts {
  readonly interface: string;
  readonly gateway: string | null;
  readonly address: string | null;
  readonly prefixlen: number | null;
  readonly mac: string | null;
  readonly mtu: number | null;
  readonly kind: string | null;
}

export interface VirtualizationFacts {
  /** systemd-detect-virt's vocabulary: none, kvm, qemu, vmware, docker, podman, lxc, ... */
  readonly type: string;
  readonly container: boolean;
}

export interface UserFacts {
  readonly uid: number | null;
  readonly name: string;
}

export interface HostFacts {
  /** The kernel's host name, as `hostname` prints it. */
  readonly hostname: string;
  readonly fqdn: string;
  readonly domain: string;
  readonly os: OsFacts;
  readonly kernel: KernelFacts;
  /** uname -m: x86_64, aarch64 */
  readonly architecture: string;
  /** Debian's name for it: amd64, arm64 */
  readonly deb_architecture: string;
  readonly cpu: CpuFacts;
  readonly memory: MemoryFacts;
  readonly interfaces: Readonly<Record<string, InterfaceFacts>>;
  /** Global and link-scope addresses, loopback excluded. */
  readonly all_ipv4_addresses: readonly string[];
  readonly all_ipv6_addresses: readonly string[];
  readonly default_ipv4: DefaultIpv4Facts | null;
  readonly default_ipv6: DefaultIpv6Facts | null;
  readonly init_system: InitSystem;
  /** /proc/1/comm */
  readonly pid1: string;
  readonly pkg_mgr: PackageManager;
  readonly virtualization: VirtualizationFacts;
  readonly user: UserFacts;
  /**
   * The Kubernetes version a control plane runs: the tag of kube-apiserver's image in
   * /etc/kubernetes/manifests/kube-apiserver.yaml (kubeadm writes it); null without that file.
   */
  readonly kube_apiserver_version: string | null;
}
