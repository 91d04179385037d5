import type {
  CpuFacts, InitSystem, KernelFacts, MemoryFacts, PackageManager, UserFacts, VirtualizationFacts,
} from './host-types.js';

/** `key=value` lines (the script's own small sections); later keys win, blanks are kept. */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

function nonNegativeInt(v: string | undefined): number | null {
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
}

export function kernelFactsFrom(uname: string): { kernel: KernelFacts; machine: string } {
  const kv = parseKeyValues(uname);
  return {
    kernel: { name: kv.get('sysname') ?? '', release: kv.get('release') ?? '', version: kv.get('version') ?? '' },
    machine: kv.get('machine') ?? '',
  };
}

export function cpuFactsFrom(text: string): CpuFacts {
  const kv = parseKeyValues(text);
  const nproc = nonNegativeInt(kv.get('nproc'));
  const processors = nonNegativeInt(kv.get('processors'));
  // "model name\t: AMD EPYC" (x86), "Model\t: Raspberry Pi 4" / "Hardware\t: ..." (arm)
  const model = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const count = nproc && nproc > 0 ? nproc : processors && processors > 0 ? processors : 0;
  return { count, model };
}

/** /proc/meminfo, in MiB (kB / 1024, rounded down, as Ansible's memtotal_mb). */
export function memoryFactsFrom(meminfo: string): MemoryFacts {
  const kb = new Map<string, number>();
  for (const m of meminfo.matchAll(/^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/gm)) {
    kb.set(m[1] ?? '', Number(m[2]));
  }
  const mb = (k: number | undefined) => Math.floor((k ?? 0) / 1024);
  // MemAvailable is missing before Linux 3.14; free + buffers + page cache is its old estimate.
  const available = kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  return {
    total_mb: mb(kb.get('MemTotal')),
    available_mb: mb(available),
    swap_total_mb: mb(kb.get('SwapTotal')),
    swap_free_mb: mb(kb.get('SwapFree')),
  };
}

export function initSystemFrom(text: string): { init_system: InitSystem; pid1: string } {
  const kv = parseKeyValues(text);
  const pid1 = kv.get('comm') ?? '';
  const openrc = kv.get('openrc') === '1';
  let init: InitSystem;
  if (pid1 === 'systemd') init = 'systemd';
  else if (pid1 === 'runit' || pid1 === 'runit-init') init = 'runit';
  else if (pid1 === 'openrc-init') init = 'openrc';
  // sysvinit and busybox init both call themselves "init"; OpenRC runs under either.
  else if (pid1 === 'init') init = openrc ? 'openrc' : 'sysvinit';
  // /proc/1/comm unreadable: fall back to systemd's own "am I booted" marker.
  else if (pid1 === '') init = kv.get('run_systemd') === '1' ? 'systemd' : openrc ? 'openrc' : 'other';
  else init = 'other';
  return { init_system: init, pid1 };
}

const PKG_BY_TOOL: readonly (readonly [string, PackageManager])[] = [
  ['apt-get', 'apt'], ['dnf', 'dnf'], ['yum', 'yum'], ['zypper', 'zypper'], ['apk', 'apk'], ['pacman', 'pacman'],
];

/** The first present in preference order: dnf before yum (RHEL 8+ ships both names). */
export function packageManagerFrom(text: string): PackageManager {
  const present = new Set(text.split('\n').map((l) => l.trim()));
  return PKG_BY_TOOL.find(([tool]) => present.has(tool))?.[1] ?? 'unknown';
}

/** systemd-detect-virt's container names; anything else it prints is a VM or "none". */
const CONTAINER_TYPES = new Set([
  'openvz', 'lxc', 'lxc-libvirt', 'systemd-nspawn', 'docker', 'podman', 'rkt', 'wsl', 'proot',
  'pouch', 'container-other',
]);

const DMI_VMS: readonly (readonly [RegExp, string])[] = [
  [/KVM/, 'kvm'], [/QEMU/, 'qemu'], [/VMware/i, 'vmware'], [/VirtualBox|innotek/i, 'oracle'],
  [/Microsoft Corporation/, 'microsoft'], [/Xen/, 'xen'], [/Amazon EC2/, 'amazon'],
  [/Google/, 'google'], [/Parallels/, 'parallels'], [/Bochs/, 'bochs'],
];

/** Field 9 of a mountinfo line: the filesystem type, after the " - " separator. */
export function rootFsTypeOf(mountinfoLine: string): string {
  const fields = mountinfoLine.trim().split(/\s+/);
  const sep = fields.indexOf('-', 6);
  return sep >= 0 ? (fields[sep + 1] ?? '') : '';
}

/**
 * systemd-detect-virt when the host has it (innermost layer: a container inside a VM says
 * "docker"); otherwise container markers, then DMI strings, then the CPU's hypervisor flag.
 */
export function virtualizationFrom(virt: string, cgroup: string, rootMount: string): VirtualizationFacts {
  const kv = parseKeyValues(virt);
  const of = (type: string): VirtualizationFacts => ({ type, container: CONTAINER_TYPES.has(type) });
  const detected = kv.get('detect');
  if (detected) return of(detected);
  const declared = kv.get('systemd_container');
  if (declared) return of(declared === 'oci' ? 'container-other' : declared);
  if (kv.get('dockerenv') === '1') return of('docker');
  if (kv.get('containerenv') === '1') return of('podman');
  if (/\/docker[/-]/.test(cgroup)) return of('docker');
  if (/\/lxc[/.]/.test(cgroup)) return of('lxc');
  if (/kubepods|containerd|libpod/.test(cgroup)) return of('container-other');
  if (['overlay', 'aufs', 'fuse-overlayfs'].includes(rootFsTypeOf(rootMount))) return of('container-other');
  const dmi = `${kv.get('dmi_vendor') ?? ''} ${kv.get('dmi_product') ?? ''}`;
  const vm = DMI_VMS.find(([re]) => re.test(dmi));
  if (vm) return of(vm[1]);
  if (kv.get('hypervisor') === '1') return of('vm-other');
  return of('none');
}

export function userFactsFrom(text: string): UserFacts {
  const kv = parseKeyValues(text);
  return { uid: nonNegativeInt(kv.get('uid')), name: kv.get('name') ?? '' };
}

/** `image: registry.k8s.io/kube-apiserver:v1.31.4` (the manifest's image line) -> "1.31.4"; null without one. */
export function kubeApiserverVersionFrom(text: string): string | null {
  const m = /^\s*(?:-\s*)?image:\s*["']?\S*kube-apiserver[^:\s"']*:v?([0-9][0-9A-Za-z.+-]*)/m.exec(text);
  return m ? m[1]! : null;
}
