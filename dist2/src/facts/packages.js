import { FactParseError, factCommandFailed } from './types.js';
// Names arrive as positional parameters. dpkg-query prints nothing for a name it never heard
// of (and says so on stderr, dropped); rpm -q says "package X is not installed" on stdout.
// The apt lists' age is read here too, so cache_valid_time needs no second trip: the
// update-success stamp (APT::Update::Post-Invoke-Success on Debian/Ubuntu, and our own
// update touches it) or else the lists directory itself.
const PACKAGES_SCRIPT = `mgr=$1 cand=$2
shift 2
if [ "$mgr" = auto ]; then
  if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then mgr=apt
  elif command -v dnf >/dev/null 2>&1 && command -v rpm >/dev/null 2>&1; then mgr=dnf
  else mgr=unknown; fi
fi
echo 'k8sbm-packages 1'
printf 'manager=%s\\n' "$mgr"
printf 'now=%s\\n' "$(date +%s)"
case $mgr in
apt)
  for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do
    if [ -e "$f" ]; then printf 'cache_mtime=%s\\n' "$(stat -c %Y -- "$f")"; fi
  done
  echo '@dpkg'
  if [ $# -gt 0 ]; then dpkg-query -W -f='\${Package}\\t\${Architecture}\\t\${Version}\\t\${db:Status-Abbrev}\\n' -- "$@" 2>/dev/null; fi
  if [ "$cand" = 1 ] && [ $# -gt 0 ]; then echo '@policy'; LC_ALL=C apt-cache policy -- "$@" 2>/dev/null; fi
  ;;
dnf)
  echo '@rpm'
  if [ $# -gt 0 ]; then rpm -q --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}}:{0}|:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n' -- "$@" 2>/dev/null; fi
  echo '@versionlock'
  cat /etc/dnf/plugins/versionlock.list 2>/dev/null
  if [ "$cand" = 1 ] && [ $# -gt 0 ]; then
    echo '@repoquery'
    dnf -q repoquery --latest-limit=1 --qf '%{name}\\t%{epoch}:%{version}-%{release}\\t%{arch}\\n' -- "$@" 2>/dev/null
  fi
  ;;
esac
echo '@end'
`;
/** One spelling per query, so check-mode predictions line up with later reads. */
export function packageFactKey(q) {
    return [...new Set(q.names)].sort().join(' ');
}
export function packagesFactArgv(q) {
    return ['sh', '-c', PACKAGES_SCRIPT, 'k8sbm-packages', q.manager, q.candidates ? '1' : '0', ...new Set(q.names)];
}
function sectionsOf(stdout) {
    const lines = stdout.split('\n');
    const start = lines.indexOf('k8sbm-packages 1');
    if (start < 0)
        throw new FactParseError('packages', `unexpected output: ${stdout.slice(0, 200)}`);
    const head = new Map();
    const sections = new Map();
    let current;
    for (const line of lines.slice(start + 1)) {
        if (line.startsWith('@')) {
            current = [];
            sections.set(line.slice(1), current);
        }
        else if (current) {
            current.push(line);
        }
        else {
            const eq = line.indexOf('=');
            if (eq > 0) {
                const k = line.slice(0, eq);
                // cache_mtime appears up to twice: the newest refresh wins.
                head.set(k, k === 'cache_mtime' && head.has(k) ? String(Math.max(Number(head.get(k)), Number(line.slice(eq + 1)))) : line.slice(eq + 1));
            }
        }
    }
    if (!sections.has('end'))
        throw new FactParseError('packages', 'the package query stopped early (no end marker)');
    return { head, sections };
}
const DPKG_CURRENT = {
    n: 'not-installed', c: 'config-files', H: 'half-installed', U: 'unpacked', F: 'half-configured',
    W: 'triggers-awaited', t: 'triggers-pending', i: 'installed',
};
/** dpkg-query lines -> state per queried name (a name with `:arch` matches that architecture). */
export function parseDpkgQuery(lines, names) {
    const rows = lines.map((l) => l.split('\t')).filter((f) => f.length >= 4)
        .map(([pkg, arch, version, abbrev]) => ({ pkg: pkg, arch: arch, version: version, abbrev: abbrev }));
    const out = {};
    for (const name of names) {
        const colon = name.indexOf(':');
        const base = colon > 0 ? name.slice(0, colon) : name;
        const arch = colon > 0 ? name.slice(colon + 1) : undefined;
        const matching = rows.filter((r) => r.pkg === base && (arch === undefined || r.arch === arch));
        const isInstalled = (r) => ['i', 'W', 't'].includes(r.abbrev[1] ?? '');
        const row = matching.find(isInstalled) ?? matching[0];
        if (!row) {
            out[name] = { installed: false };
            continue;
        }
        const installed = isInstalled(row);
        const status = DPKG_CURRENT[row.abbrev[1] ?? ''] ?? 'unknown';
        out[name] = {
            installed,
            ...(installed ? { version: row.version, arch: row.arch } : status !== 'not-installed' ? { version: row.version || undefined } : {}),
            ...(row.abbrev[0] === 'h' ? { held: true } : {}),
            ...(status !== 'installed' && status !== 'not-installed' ? { status } : {}),
        };
    }
    return out;
}
/** `apt-cache policy` -> the candidate per name; "(none)" and unknown names are null. */
export function parseAptPolicy(lines, names) {
    const found = new Map();
    let current;
    for (const line of lines) {
        const head = /^(\S+):$/.exec(line);
        if (head) {
            current = head[1];
            continue;
        }
        const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
        if (cand && current !== undefined)
            found.set(current, cand[1] === '(none)' ? null : cand[1]);
    }
    // apt-cache names a native-architecture package without its ":arch".
    const lookup = (n) => found.get(n) ?? (n.includes(':') ? found.get(n.slice(0, n.indexOf(':'))) : undefined);
    return Object.fromEntries(names.map((n) => [n, lookup(n) ?? null]));
}
/** `rpm -q --qf` lines -> state per name; "package X is not installed" lines are simply absent. */
export function parseRpmQuery(lines, names, locked) {
    const rows = new Map();
    for (const line of lines) {
        const f = line.split('\t');
        if (f.length < 3 || rows.has(f[0]))
            continue;
        rows.set(f[0], { version: f[1].replace(/^0:/, ''), arch: f[2] });
    }
    const out = {};
    for (const name of names) {
        const r = rows.get(name);
        out[name] = r
            ? { installed: true, version: r.version, arch: r.arch, ...(locked.has(name) ? { held: true } : {}) }
            : { installed: false, ...(locked.has(name) ? { held: true } : {}) };
    }
    return out;
}
/**
 * /etc/dnf/plugins/versionlock.list -> locked package names. Entries are NEVRA globs such as
 * "kubelet-0:1.31.2-150500.1.1.*"; "!" lines are excludes, not locks.
 */
export function parseVersionlockList(lines) {
    const names = new Set();
    for (const raw of lines) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#') || line.startsWith('!'))
            continue;
        const m = /^(.+?)-(?:\d+:)?\d/.exec(line);
        if (m)
            names.add(m[1]);
    }
    return names;
}
/** `dnf repoquery --qf name\tepoch:version-release\tarch` -> the newest per name. */
export function parseRepoquery(lines, names) {
    const found = new Map();
    for (const line of lines) {
        const f = line.split('\t');
        if (f.length >= 2 && !found.has(f[0]))
            found.set(f[0], f[1].replace(/^0:/, ''));
    }
    return Object.fromEntries(names.map((n) => [n, found.get(n) ?? null]));
}
/** Pure: the script's output -> PackageFacts. */
export function parsePackagesOutput(res, q) {
    if (res.code !== 0) {
        throw factCommandFailed('packages', `cannot query packages`, res);
    }
    const { head, sections } = sectionsOf(res.stdout);
    const manager = head.get('manager');
    const names = [...new Set(q.names)];
    if (manager === 'apt') {
        const now = Number(head.get('now'));
        const mtime = head.get('cache_mtime');
        let packages = parseDpkgQuery(sections.get('dpkg') ?? [], names);
        if (sections.has('policy')) {
            const cands = parseAptPolicy(sections.get('policy'), names);
            packages = Object.fromEntries(Object.entries(packages).map(([n, s]) => [n, { ...s, candidate: cands[n] ?? null }]));
        }
        return { manager, packages, cacheAge: mtime === undefined || !Number.isFinite(now) ? null : Math.max(0, now - Number(mtime)) };
    }
    if (manager === 'dnf') {
        const locked = parseVersionlockList(sections.get('versionlock') ?? []);
        let packages = parseRpmQuery(sections.get('rpm') ?? [], names, locked);
        if (sections.has('repoquery')) {
            const cands = parseRepoquery(sections.get('repoquery'), names);
            packages = Object.fromEntries(Object.entries(packages).map(([n, s]) => [n, { ...s, candidate: cands[n] ?? null }]));
        }
        return { manager, packages, cacheAge: null };
    }
    return { manager: 'unknown', packages: Object.fromEntries(names.map((n) => [n, { installed: false }])), cacheAge: null };
}
export const packagesFact = {
    name: 'packages',
    key: packageFactKey,
    argv: packagesFactArgv,
    parse: parsePackagesOutput,
};
//# sourceMappingURL=packages.js.map