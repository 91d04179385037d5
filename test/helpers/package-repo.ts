import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSignedRepo, createSigningKey, type DebPackage, makeWorldReadable, stopGpgAgent } from '../../src/lab/apt-repo.js';
import { removeTempDir, tempDir } from './temp.js';

/**
 * A real, signed apt repository built on the machine for lab tests (src/lab/apt-repo.ts, which
 * also builds the lab's Kubernetes package repository): tiny .deb packages, a Release file signed
 * (InRelease) by a gpg key made here. Nothing is installed on the machine: packages are only
 * built into a temp directory, and the repository is then copied into a node.
 *
 *   k8sbm-demo 1.0-1 and 1.1-1: a SysV service (/etc/init.d/k8sbm-demo) whose daemon records the
 *     version and its configuration file (a conffile) in /run/k8sbm-demo/started, then waits.
 *   k8sbm-tool 2.0-1: a plain file.
 */

export interface DemoRepo {
  /** The repository root (dists/, pool/, key.asc). */
  readonly dir: string;
  /** The signing key, ASCII-armored. */
  readonly armoredKey: string;
  /** The same key as `gpg --export` gives it (what the keyring file must hold). */
  readonly binaryKey: Buffer;
  /** Removes the build directory and stops the gpg agent the key generation started. */
  cleanup(): void;
}

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

const daemon = (version: string): string => `#!/bin/sh
mkdir -p /run/k8sbm-demo
{ echo "version=${version}"; cat /etc/k8sbm-demo.conf; } > /run/k8sbm-demo/started
exec sleep 2147483647
`;

const PACKAGES: readonly DebPackage[] = [
  ...['1.0-1', '1.1-1'].map((version): DebPackage => ({
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

/** Builds the repository for the node's architecture (`dpkg --print-architecture`). */
export async function buildDemoRepo(): Promise<DemoRepo> {
  const work = tempDir('debrepo');
  const gnupg = join(work, 'gnupg');
  const dir = join(work, 'repo');
  const cleanup = (): void => {
    stopGpgAgent(gnupg);
    removeTempDir(work);
  };
  try {
    const key = await createSigningKey(gnupg, 'k8sbm test repository <repo@k8sbm.test>');
    await buildSignedRepo({ dir, layout: { suite: 'stable', component: 'main' }, packages: PACKAGES, key, stage: join(work, 'stage') });
    writeFileSync(join(dir, 'key.asc'), key.armored);
    await makeWorldReadable(dir);
    return { dir, armoredKey: key.armored, binaryKey: key.binary, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The sha256 of a file, or "absent". */
export function fileSha256(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'absent';
  }
}
