import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { removeTempDir, tempDir } from './temp.js';
const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          k8sbm-demo
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: k8sbm demo daemon
### END INIT INFO
PIDFILE=/run/k8sbm-demo.pid
DAEMON=/usr/sbin/k8sbm-demod
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
  start)
    running && exit 0
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$PIDFILE" --startas "$DAEMON"
    ;;
  stop)
    start-stop-daemon --stop --quiet --retry 5 --pidfile "$PIDFILE" --remove-pidfile
    rc=$?
    [ "$rc" -eq 1 ] && rc=0
    exit "$rc"
    ;;
  restart|reload|force-reload)
    "$0" stop && "$0" start
    ;;
  status)
    if running; then echo "k8sbm-demo is running"; exit 0; fi
    if [ -f "$PIDFILE" ]; then exit 1; fi
    exit 3
    ;;
  *)
    echo "Usage: $0 {start|stop|restart|reload|force-reload|status}" >&2
    exit 2
    ;;
esac
`;
const daemon = (version) => `#!/bin/sh
mkdir -p /run/k8sbm-demo
{ echo "version=${version}"; cat /etc/k8sbm-demo.conf; } > /run/k8sbm-demo/started
exec sleep 2147483647
`;
const PACKAGES = [
    ...['1.0-1', '1.1-1'].map((version) => ({
        name: 'k8sbm-demo',
        version,
        files: {
            'usr/sbin/k8sbm-demod': { content: daemon(version), mode: 0o755 },
            'etc/init.d/k8sbm-demo': { content: INIT_SCRIPT, mode: 0o755 },
            'etc/k8sbm-demo.conf': { content: `message=packaged ${version}\n`, mode: 0o644 },
        },
        conffiles: ['/etc/k8sbm-demo.conf'],
    })),
    { name: 'k8sbm-tool', version: '2.0-1', files: { 'usr/share/k8sbm-tool/README': { content: 'k8sbm test tool\n', mode: 0o644 } } },
];
function buildDeb(stage, pool, pkg) {
    const root = join(stage, `${pkg.name}_${pkg.version}`);
    mkdirSync(join(root, 'DEBIAN'), { recursive: true });
    for (const [rel, f] of Object.entries(pkg.files)) {
        mkdirSync(dirname(join(root, rel)), { recursive: true, mode: 0o755 });
        writeFileSync(join(root, rel), f.content);
        chmodSync(join(root, rel), f.mode);
    }
    writeFileSync(join(root, 'DEBIAN', 'control'), [
        `Package: ${pkg.name}`, `Version: ${pkg.version}`, 'Architecture: all', 'Maintainer: k8sbm tests <tests@k8sbm.test>',
        'Section: misc', 'Priority: optional', `Description: ${pkg.name} for k8sbm's package tests`, '',
    ].join('\n'));
    if (pkg.conffiles)
        writeFileSync(join(root, 'DEBIAN', 'conffiles'), `${pkg.conffiles.join('\n')}\n`);
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, join(pool, `${pkg.name}_${pkg.version}_all.deb`)], { stdio: 'pipe' });
}
function sha256(data) {
    return createHash('sha256').update(data).digest('hex');
}
/** Builds the repository for the node's architecture (`dpkg --print-architecture`). */
export function buildDemoRepo() {
    const work = tempDir('debrepo');
    const gnupg = join(work, 'gnupg');
    const dir = join(work, 'repo');
    const cleanup = () => {
        spawnSync('gpgconf', ['--homedir', gnupg, '--kill', 'all'], { stdio: 'ignore' });
        removeTempDir(work);
    };
    try {
        mkdirSync(gnupg, { mode: 0o700 });
        const pool = join(dir, 'pool', 'main');
        mkdirSync(pool, { recursive: true, mode: 0o755 });
        for (const p of PACKAGES)
            buildDeb(join(work, 'stage'), pool, p);
        const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
        const listDir = join(dir, 'dists', 'stable', 'main', `binary-${arch}`);
        mkdirSync(listDir, { recursive: true });
        const packages = execFileSync('dpkg-scanpackages', ['--multiversion', 'pool', '/dev/null'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        writeFileSync(join(listDir, 'Packages'), packages);
        const rel = `main/binary-${arch}/Packages`;
        const release = [
            'Origin: k8sbm-tests', 'Label: k8sbm-tests', 'Suite: stable', 'Codename: stable',
            `Date: ${new Date().toUTCString()}`, `Architectures: ${arch} all`, 'Components: main',
            'Description: k8sbm package tests', 'SHA256:', ` ${sha256(packages)} ${packages.length} ${rel}`, '',
        ].join('\n');
        writeFileSync(join(dir, 'dists', 'stable', 'Release'), release);
        const gpg = (args, input) => execFileSync('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { input, stdio: ['pipe', 'pipe', 'pipe'] });
        gpg(['--quick-gen-key', 'k8sbm test repository <repo@k8sbm.test>', 'ed25519', 'sign', 'never']);
        gpg(['--yes', '--clearsign', '--output', join(dir, 'dists', 'stable', 'InRelease'), join(dir, 'dists', 'stable', 'Release')]);
        const armoredKey = gpg(['--armor', '--export', 'repo@k8sbm.test']).toString('utf8');
        const binaryKey = gpg(['--export', 'repo@k8sbm.test']);
        writeFileSync(join(dir, 'key.asc'), armoredKey);
        // apt reads file: repositories as its unprivileged _apt user.
        chmodTree(dir);
        return { dir, armoredKey, binaryKey, cleanup };
    }
    catch (e) {
        cleanup();
        throw e;
    }
}
function chmodTree(dir) {
    execFileSync('chmod', ['-R', 'u=rwX,go=rX', dir]);
    if ((statSync(dir).mode & 0o005) !== 0o005)
        throw new Error(`${dir} is not world-readable`);
}
/** The sha256 of a file, or "absent". */
export function fileSha256(path) {
    try {
        return sha256(readFileSync(path));
    }
    catch {
        return 'absent';
    }
}
//# sourceMappingURL=package-repo.js.map