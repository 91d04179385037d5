/** os-release(5): KEY=value lines, values optionally quoted with shell-like escapes. */
export function parseOsRelease(text) {
    const out = {};
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            continue;
        const eq = line.indexOf('=');
        if (eq <= 0)
            continue;
        const key = line.slice(0, eq).trim();
        if (!/^[A-Z0-9_]+$/.test(key))
            continue;
        out[key] = unquoteOsReleaseValue(line.slice(eq + 1).trim());
    }
    return out;
}
function unquoteOsReleaseValue(v) {
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) {
        const inner = v.slice(1, -1);
        return q === '"' ? inner.replace(/\\([\\"$`])/g, '$1') : inner;
    }
    return v;
}
const FAMILY_BY_ID = {
    debian: 'debian', ubuntu: 'debian', raspbian: 'debian', linuxmint: 'debian', pop: 'debian',
    kali: 'debian', devuan: 'debian', elementary: 'debian', neon: 'debian',
    rhel: 'redhat', centos: 'redhat', rocky: 'redhat', almalinux: 'redhat', fedora: 'redhat',
    ol: 'redhat', amzn: 'redhat', scientific: 'redhat', eurolinux: 'redhat', cloudlinux: 'redhat',
    virtuozzo: 'redhat', circle: 'redhat', navy: 'redhat', openeuler: 'redhat', anolis: 'redhat',
    sles: 'suse', sled: 'suse', opensuse: 'suse', 'opensuse-leap': 'suse',
    'opensuse-tumbleweed': 'suse', 'opensuse-microos': 'suse', 'sle-micro': 'suse',
    arch: 'arch', archarm: 'arch', manjaro: 'arch', endeavouros: 'arch', artix: 'arch',
    alpine: 'alpine', postmarketos: 'alpine',
    gentoo: 'gentoo',
};
/** ID first, then each ID_LIKE word (rocky: "rhel centos fedora"; pop: "ubuntu debian"). */
export function osFamilyOf(id, idLike) {
    for (const candidate of [id, ...idLike]) {
        const family = FAMILY_BY_ID[candidate.toLowerCase()];
        if (family)
            return family;
        if (candidate.toLowerCase().startsWith('opensuse'))
            return 'suse';
    }
    return 'unknown';
}
export const EMPTY_OS = {
    family: 'unknown', distribution: '', name: '', version: '', version_id: '', major_version: '',
    codename: '', pretty_name: '', id_like: [],
};
function majorOf(versionId) {
    return versionId.split('.')[0] ?? '';
}
/** Facts from os-release, or from the older release files when there is none. */
export function osFactsFrom(osRelease, releaseFiles) {
    const rel = parseOsRelease(osRelease);
    if (rel.ID || rel.NAME) {
        const id = (rel.ID ?? '').toLowerCase();
        const idLike = (rel.ID_LIKE ?? '').split(/\s+/).filter(Boolean);
        const versionId = rel.VERSION_ID ?? '';
        return {
            family: osFamilyOf(id, idLike),
            distribution: id,
            name: rel.NAME ?? '',
            version: rel.VERSION ?? versionId,
            version_id: versionId,
            major_version: majorOf(versionId),
            codename: rel.VERSION_CODENAME ?? rel.UBUNTU_CODENAME ?? codenameFromVersion(rel.VERSION ?? ''),
            pretty_name: rel.PRETTY_NAME ?? rel.NAME ?? '',
            id_like: idLike,
        };
    }
    return osFactsFromReleaseFiles(releaseFiles);
}
/** "9.4 (Blue Onyx)" -> "Blue Onyx"; RHEL-likes carry the codename only here. */
function codenameFromVersion(version) {
    return /\(([^)]+)\)/.exec(version)?.[1] ?? '';
}
const REDHAT_NAMES = [
    [/red hat/i, 'rhel'], [/centos/i, 'centos'], [/rocky/i, 'rocky'], [/alma/i, 'almalinux'],
    [/fedora/i, 'fedora'], [/oracle/i, 'ol'], [/scientific/i, 'scientific'], [/amazon/i, 'amzn'],
];
export function osFactsFromReleaseFiles(files) {
    const redhat = files.get('/etc/redhat-release');
    if (redhat !== undefined) {
        // "Rocky Linux release 9.3 (Blue Onyx)", "CentOS Linux release 7.9.2009 (Core)"
        const m = /^(.*?)\s+release\s+([0-9][0-9.]*)\s*(?:\(([^)]*)\))?/.exec(redhat);
        const name = m?.[1] ?? redhat;
        const versionId = m?.[2] ?? '';
        const id = REDHAT_NAMES.find(([re]) => re.test(name))?.[1] ?? 'redhat';
        return {
            ...EMPTY_OS, family: 'redhat', distribution: id, name, version_id: versionId,
            version: m?.[3] ? `${versionId} (${m[3]})` : versionId, major_version: majorOf(versionId),
            codename: m?.[3] ?? '', pretty_name: redhat,
        };
    }
    const simple = [
        ['/etc/alpine-release', 'alpine', 'alpine', 'Alpine Linux'],
        ['/etc/SuSE-release', 'suse', 'suse', 'SUSE Linux'],
        ['/etc/arch-release', 'arch', 'arch', 'Arch Linux'],
        ['/etc/gentoo-release', 'gentoo', 'gentoo', 'Gentoo'],
        ['/etc/debian_version', 'debian', 'debian', 'Debian GNU/Linux'],
    ];
    for (const [file, id, family, name] of simple) {
        const line = files.get(file);
        if (line === undefined)
            continue;
        // debian_version holds "12.5" or, on testing, "trixie/sid"
        const versionId = /[0-9][0-9.]*/.exec(line)?.[0] ?? '';
        const codename = family === 'debian' && !versionId ? (line.split('/')[0] ?? '') : '';
        return {
            ...EMPTY_OS, family, distribution: id, name, version: versionId || line, version_id: versionId,
            major_version: majorOf(versionId), codename, pretty_name: line ? `${name} ${line}` : name,
        };
    }
    return EMPTY_OS;
}
const DEB_ARCH = {
    x86_64: 'amd64', amd64: 'amd64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'armhf',
    armv8l: 'armhf', armv6l: 'armel', armv5tel: 'armel', i386: 'i386', i486: 'i386', i586: 'i386',
    i686: 'i386', ppc64le: 'ppc64el', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64',
    loongarch64: 'loong64', mips64: 'mips64el',
};
/** uname -m -> Debian's architecture name (the one release downloads are named after). */
export function debArchitectureOf(machine) {
    return DEB_ARCH[machine] ?? machine;
}
//# sourceMappingURL=host-os.js.map