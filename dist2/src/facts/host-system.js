/** `key=value` lines (the script's own small sections); later keys win, blanks are kept. */
export function parseKeyValues(text) {
    const out = new Map();
    for (const line of text.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0)
            out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    return out;
}
function nonNegativeInt(v) {
    return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
}
export function kernelFactsFrom(uname) {
    const kv = parseKeyValues(uname);
    return {
        kernel: { name: kv.get('sysname') ?? '', release: kv.get('release') ?? '', version: kv.get('version') ?? '' },
        machine: kv.get('machine') ?? '',
    };
}
export function cpuFactsFrom(text) {
    const kv = parseKeyValues(text);
    const nproc = nonNegativeInt(kv.get('nproc'));
    const processors = nonNegativeInt(kv.get('processors'));
    // "model name\t: AMD EPYC" (x86), "Model\t: Raspberry Pi 4" / "Hardware\t: ..." (arm)
    const model = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
    const count = nproc && nproc > 0 ? nproc : processors && processors > 0 ? processors : 0;
    return { count, model };
}
/** /proc/meminfo, in MiB (kB / 1024, rounded down, as Ansible's memtotal_mb). */
export function memoryFactsFrom(meminfo) {
    const kb = new Map();
    for (const m of meminfo.matchAll(/^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/gm)) {
        kb.set(m[1] ?? '', Number(m[2]));
    }
    const mb = (k) => Math.floor((k ?? 0) / 1024);
    // MemAvailable is missing before Linux 3.14; free + buffers + page cache is its old estimate.
    const available = kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
    return {
        total_mb: mb(kb.get('MemTotal')),
        available_mb: mb(available),
        swap_total_mb: mb(kb.get('SwapTotal')),
        swap_free_mb: mb(kb.get('SwapFree')),
    };
}
export function initSystemFrom(text) {
    const kv = parseKeyValues(text);
    const pid1 = kv.get('comm') ?? '';
    const openrc = kv.get('openrc') === '1';
    let init;
    if (pid1 === 'systemd')
        init = 'systemd';
    else if (pid1 === 'runit' || pid1 === 'runit-init')
        init = 'runit';
    else if (pid1 === 'openrc-init')
        init = 'openrc';
    // sysvinit and busybox init both call themselves "init"; OpenRC runs under either.
    else if (pid1 === 'init')
        init = openrc ? 'openrc' : 'sysvinit';
    // /proc/1/comm unreadable: fall back to systemd's own "am I booted" marker.
    else if (pid1 === '')
        init = kv.get('run_systemd') === '1' ? 'systemd' : openrc ? 'openrc' : 'other';
    else
        init = 'other';
    return { init_system: init, pid1 };
}
const PKG_BY_TOOL = [
    ['apt-get', 'apt'], ['dnf', 'dnf'], ['yum', 'yum'], ['zypper', 'zypper'], ['apk', 'apk'], ['pacman', 'pacman'],
];
/** The first present in preference order: dnf before yum (RHEL 8+ ships both names). */
export function packageManagerFrom(text) {
    const present = new Set(text.split('\n').map((l) => l.trim()));
    return PKG_BY_TOOL.find(([tool]) => present.has(tool))?.[1] ?? 'unknown';
}
/** systemd-detect-virt's container names; anything else it prints is a VM or "none". */
const CONTAINER_TYPES = new Set([
    'openvz', 'lxc', 'lxc-libvirt', 'systemd-nspawn', 'docker', 'podman', 'rkt', 'wsl', 'proot',
    'pouch', 'container-other',
]);
const DMI_VMS = [
    [/KVM/, 'kvm'], [/QEMU/, 'qemu'], [/VMware/i, 'vmware'], [/VirtualBox|innotek/i, 'oracle'],
    [/Microsoft Corporation/, 'microsoft'], [/Xen/, 'xen'], [/Amazon EC2/, 'amazon'],
    [/Google/, 'google'], [/Parallels/, 'parallels'], [/Bochs/, 'bochs'],
];
/** Field 9 of a mountinfo line: the filesystem type, after the " - " separator. */
export function rootFsTypeOf(mountinfoLine) {
    const fields = mountinfoLine.trim().split(/\s+/);
    const sep = fields.indexOf('-', 6);
    return sep >= 0 ? (fields[sep + 1] ?? '') : '';
}
/**
 * systemd-detect-virt when the host has it (innermost layer: a container inside a VM says
 * "docker"); otherwise container markers, then DMI strings, then the CPU's hypervisor flag.
 */
export function virtualizationFrom(virt, cgroup, rootMount) {
    const kv = parseKeyValues(virt);
    const of = (type) => ({ type, container: CONTAINER_TYPES.has(type) });
    const detected = kv.get('detect');
    if (detected)
        return of(detected);
    const declared = kv.get('systemd_container');
    if (declared)
        return of(declared === 'oci' ? 'container-other' : declared);
    if (kv.get('dockerenv') === '1')
        return of('docker');
    if (kv.get('containerenv') === '1')
        return of('podman');
    if (/\/docker[/-]/.test(cgroup))
        return of('docker');
    if (/\/lxc[/.]/.test(cgroup))
        return of('lxc');
    if (/kubepods|containerd|libpod/.test(cgroup))
        return of('container-other');
    if (['overlay', 'aufs', 'fuse-overlayfs'].includes(rootFsTypeOf(rootMount)))
        return of('container-other');
    const dmi = `${kv.get('dmi_vendor') ?? ''} ${kv.get('dmi_product') ?? ''}`;
    const vm = DMI_VMS.find(([re]) => re.test(dmi));
    if (vm)
        return of(vm[1]);
    if (kv.get('hypervisor') === '1')
        return of('vm-other');
    return of('none');
}
export function userFactsFrom(text) {
    const kv = parseKeyValues(text);
    return { uid: nonNegativeInt(kv.get('uid')), name: kv.get('name') ?? '' };
}
//# sourceMappingURL=host-system.js.map