/**
 * Package names as playbooks write them, and version order as dpkg and rpm define it. Pure:
 * the package module decides upgrades, downgrades and pin matches without asking the host.
 */
/** Characters a package name or version may hold, for every backend (no blanks, no quotes). */
export const PACKAGE_SPEC_PATTERN = '^[A-Za-z0-9][A-Za-z0-9.+_:~=*-]*$';
/**
 * apt: `name=version` (a trailing `*` globs, as apt itself allows). dnf: `name-version` or
 * `name-version-release`, split at the first `-` followed by a digit, which is how the
 * kube, containerd and cri-o packages are named ("kubernetes-cni-1.5.1" -> kubernetes-cni).
 */
export function parsePackageSpec(spec, backend) {
    if (backend === 'apt') {
        const eq = spec.indexOf('=');
        return eq > 0 ? { spec, name: spec.slice(0, eq), version: spec.slice(eq + 1) || undefined } : { spec, name: spec };
    }
    const m = /^(.+?)-((?:\d+:)?\d.*)$/.exec(spec);
    return m ? { spec, name: m[1], version: m[2] } : { spec, name: spec };
}
/** The argument apt/dnf take to install exactly this spec. */
export function installArgument(p, backend) {
    if (p.version === undefined)
        return p.name;
    return backend === 'apt' ? `${p.name}=${p.version}` : `${p.name}-${p.version}`;
}
// ---- dpkg version order (deb-version(7)): epoch, upstream version, revision ----
function dpkgOrder(c) {
    if (c === undefined)
        return 0;
    if (c === '~')
        return -1;
    if (/[0-9]/.test(c))
        return 0;
    if (/[A-Za-z]/.test(c))
        return c.charCodeAt(0);
    return c.charCodeAt(0) + 256;
}
/** dpkg's verrevcmp: alternate non-digit runs (with ~ sorting before everything) and numbers. */
function verrevcmp(a, b) {
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        let firstDiff = 0;
        while ((i < a.length && !/[0-9]/.test(a[i])) || (j < b.length && !/[0-9]/.test(b[j]))) {
            const ac = i < a.length ? dpkgOrder(a[i]) : 0;
            const bc = j < b.length ? dpkgOrder(b[j]) : 0;
            if (ac !== bc)
                return ac - bc;
            i++;
            j++;
        }
        while (a[i] === '0')
            i++;
        while (b[j] === '0')
            j++;
        while (i < a.length && /[0-9]/.test(a[i]) && j < b.length && /[0-9]/.test(b[j])) {
            if (!firstDiff)
                firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
            i++;
            j++;
        }
        if (i < a.length && /[0-9]/.test(a[i]))
            return 1;
        if (j < b.length && /[0-9]/.test(b[j]))
            return -1;
        if (firstDiff)
            return firstDiff;
    }
    return 0;
}
function splitDebVersion(v) {
    const colon = v.indexOf(':');
    const epoch = colon > 0 && /^\d+$/.test(v.slice(0, colon)) ? Number(v.slice(0, colon)) : 0;
    const rest = colon > 0 ? v.slice(colon + 1) : v;
    const dash = rest.lastIndexOf('-');
    return dash > 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}
/** Negative, zero or positive as `dpkg --compare-versions a lt/eq/gt b`. */
export function compareDebVersions(a, b) {
    const x = splitDebVersion(a);
    const y = splitDebVersion(b);
    if (x.epoch !== y.epoch)
        return x.epoch - y.epoch;
    return Math.sign(verrevcmp(x.upstream, y.upstream)) || Math.sign(verrevcmp(x.revision, y.revision));
}
// ---- rpm version order (rpmvercmp), on [epoch:]version-release ----
/** rpmvercmp: alphanumeric segments, numbers beat letters, `~` sorts before, `^` after the end. */
export function rpmvercmp(a, b) {
    if (a === b)
        return 0;
    let i = 0;
    let j = 0;
    const sep = (s, k) => {
        while (k < s.length && !/[A-Za-z0-9~^]/.test(s[k]))
            k++;
        return k;
    };
    for (;;) {
        i = sep(a, i);
        j = sep(b, j);
        if (a[i] === '~' || b[j] === '~') {
            if (a[i] !== '~')
                return 1;
            if (b[j] !== '~')
                return -1;
            i++;
            j++;
            continue;
        }
        if (a[i] === '^' || b[j] === '^') {
            if (i >= a.length)
                return -1;
            if (j >= b.length)
                return 1;
            if (a[i] !== '^')
                return 1;
            if (b[j] !== '^')
                return -1;
            i++;
            j++;
            continue;
        }
        if (i >= a.length || j >= b.length)
            break;
        const numeric = /[0-9]/.test(a[i]);
        const re = numeric ? /[0-9]/ : /[A-Za-z]/;
        let ei = i;
        let ej = j;
        while (ei < a.length && re.test(a[ei]))
            ei++;
        while (ej < b.length && re.test(b[ej]))
            ej++;
        let x = a.slice(i, ei);
        let y = b.slice(j, ej);
        if (y === '')
            return numeric ? 1 : -1;
        if (numeric) {
            x = x.replace(/^0+/, '');
            y = y.replace(/^0+/, '');
            if (x.length !== y.length)
                return x.length > y.length ? 1 : -1;
        }
        if (x !== y)
            return x > y ? 1 : -1;
        i = ei;
        j = ej;
    }
    if (i >= a.length && j >= b.length)
        return 0;
    return i >= a.length ? -1 : 1;
}
function splitEvr(v) {
    const colon = v.indexOf(':');
    const epoch = colon > 0 && /^\d+$/.test(v.slice(0, colon)) ? Number(v.slice(0, colon)) : 0;
    const rest = colon > 0 ? v.slice(colon + 1) : v;
    const dash = rest.lastIndexOf('-');
    return dash > 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: undefined };
}
/** Compares [epoch:]version[-release]; a side without a release compares on version only. */
export function compareRpmVersions(a, b) {
    const x = splitEvr(a);
    const y = splitEvr(b);
    if (x.epoch !== y.epoch)
        return Math.sign(x.epoch - y.epoch);
    const v = rpmvercmp(x.version, y.version);
    if (v !== 0 || x.release === undefined || y.release === undefined)
        return v;
    return rpmvercmp(x.release, y.release);
}
export function compareVersions(a, b, backend) {
    return backend === 'apt' ? compareDebVersions(a, b) : compareRpmVersions(a, b);
}
/** fnmatch-style `*` and `?` only: apt's version globs ("1.31.*"). */
function globMatch(glob, text) {
    const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return re.test(text);
}
/**
 * Whether an installed version satisfies a pin. apt: the exact version or a glob. dnf: the pin
 * names a version (any release) or a version-release; an epoch is compared only when given.
 */
export function versionSatisfies(installed, pin, backend) {
    if (backend === 'apt')
        return pin.includes('*') || pin.includes('?') ? globMatch(pin, installed) : compareDebVersions(installed, pin) === 0;
    const have = splitEvr(installed);
    const want = splitEvr(pin);
    if (pin.includes(':') && want.epoch !== have.epoch)
        return false;
    const full = `${have.version}-${have.release ?? ''}`;
    const asked = pin.includes(':') ? pin.slice(pin.indexOf(':') + 1) : pin;
    if (asked.includes('*'))
        return globMatch(asked, full) || globMatch(asked, have.version);
    return asked === have.version || asked === full;
}
/** A pin with a glob cannot say which version it will install. */
export function isExactVersion(pin) {
    return !/[*?]/.test(pin);
}
//# sourceMappingURL=package-spec.js.map