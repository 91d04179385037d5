import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { packageRoot } from '../util/package-root.js';
import { buildSignedRepo, createSigningKey, type DebPackage, gpg, makeWorldReadable, type SigningKey, stopGpgAgent } from './apt-repo.js';

/**
 * The lab's Kubernetes package repository. Lab nodes reach no mirror, so `lab up` builds, on the
 * machine, a signed apt repository of TEST DOUBLE packages kubeadm, kubelet and kubectl (the
 * repository's test/doubles/, named and versioned as pkgs.k8s.io names its packages: 1.31.4-1.1)
 * and copies it into each node's own layer, at LAB_APT_DIR. Like pkgs.k8s.io it has one flat
 * repository per minor release (LAB_APT_DIR/v1.31/, v1.32/), each with its Release.key; the
 * lab's group_vars point the kube_packages role at them. Built once per lab (one signing key,
 * made then) and kept under the lab directory; built again only when the doubles change.
 */

/** Where the repository is inside every node (never under /tmp: a node has its own). */
export const LAB_APT_DIR = '/srv/k8sbm-lab-apt';
/** The Kubernetes releases the lab offers, with pkgs.k8s.io's package revision. */
export const LAB_KUBE_VERSIONS: readonly string[] = ['1.31.4', '1.32.0'];
export const LAB_KUBE_REVISION = '1.1';
/** Where the doubles are installed beside the wrappers that give them their version. */
const DOUBLES_DIR = 'usr/lib/k8sbm-lab-doubles';

const KUBELET_INIT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          kubelet
# Required-Start:    $remote_fs $network
# Required-Stop:     $remote_fs $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: kubelet TEST DOUBLE (k8sbm lab package)
### END INIT INFO
# The lab's kubelet packages carry this script because lab nodes have no systemd (the real
# package ships a systemd unit only). The daemon is the kubelet TEST DOUBLE.
PIDFILE=/run/kubelet.pid
DAEMON=/usr/bin/kubelet
[ -r /etc/default/kubelet ] && . /etc/default/kubelet
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
  start)
    running && exit 0
    start-stop-daemon --start --quiet --background --make-pidfile --pidfile "$PIDFILE" --startas "$DAEMON" -- $KUBELET_EXTRA_ARGS
    ;;
  stop)
    start-stop-daemon --stop --quiet --retry 5 --pidfile "$PIDFILE" --remove-pidfile
    rc=$?
    [ "$rc" -eq 1 ] && rc=0
    exit "$rc"
    ;;
  restart|force-reload)
    "$0" stop && "$0" start
    ;;
  status)
    if running; then echo "kubelet is running"; exit 0; fi
    if [ -f "$PIDFILE" ]; then exit 1; fi
    exit 3
    ;;
  *)
    echo "Usage: $0 {start|stop|restart|force-reload|status}" >&2
    exit 2
    ;;
esac
`;

/** /usr/bin/NAME: the double, told the package's version (an explicit environment value wins). */
export function doubleWrapper(name: string, version: string): string {
  const env = `K8SBM_${name.toUpperCase()}_DOUBLE_VERSION`;
  return [
    '#!/bin/sh',
    `# TEST DOUBLE of ${name} ${version} (k8sbm lab package ${name} ${version}-${LAB_KUBE_REVISION}): runs the`,
    `# repository's test/doubles/${name}, installed beside it in /${DOUBLES_DIR}, at this version.`,
    `${env}=\${${env}:-v${version}}`,
    `export ${env}`,
    // The lab has no controllers: what kubectl applies rolls out a second later, as in a cluster
    // (MetalLB's wait in site.yml would otherwise never end). Tests set the double's flags instead.
    ...(name === 'kubectl' ? ['K8SBM_KUBECTL_DOUBLE_READY_AFTER=${K8SBM_KUBECTL_DOUBLE_READY_AFTER:-1}', 'export K8SBM_KUBECTL_DOUBLE_READY_AFTER'] : []),
    `exec "$(dirname "$0")/../lib/k8sbm-lab-doubles/${name}" "$@"`,
    '',
  ].join('\n');
}

/** The doubles the packages carry, read from the repository. */
export function readDoubles(root: string = packageRoot()): Record<'kubeadm' | 'kubelet' | 'kubectl' | 'kube-apiserver', Buffer> {
  const read = (name: string): Buffer => {
    const file = join(root, 'test', 'doubles', name);
    if (!existsSync(file)) {
      throw new K8sbmError('K8SBM_INSTALL_BROKEN', `the lab's package repository needs the test double ${file}, which is missing`, {
        hint: 'run the lab from a complete clone of k8sbm (its test/doubles/ holds the kubeadm, kubelet and kubectl doubles the lab installs)',
      });
    }
    return readFileSync(file);
  };
  return { kubeadm: read('kubeadm'), kubelet: read('kubelet'), kubectl: read('kubectl'), 'kube-apiserver': read('kube-apiserver') };
}

/** kubeadm, kubelet and kubectl at one release, named as pkgs.k8s.io names them. */
export function labKubePackages(version: string, doubles: ReturnType<typeof readDoubles>): DebPackage[] {
  const deb = `${version}-${LAB_KUBE_REVISION}`;
  const pkg = (name: 'kubeadm' | 'kubelet' | 'kubectl', extra: DebPackage['files'] = {}): DebPackage => ({
    name,
    version: deb,
    description: `TEST DOUBLE of ${name} ${version} for the k8sbm lab (not Kubernetes)`,
    files: {
      [`usr/bin/${name}`]: { content: doubleWrapper(name, version), mode: 0o755 },
      [`${DOUBLES_DIR}/${name}`]: { content: doubles[name], mode: 0o755 },
      ...extra,
    },
  });
  return [
    // The kubeadm double starts the kube-apiserver double (as the kubelet would start the static
    // pod) and looks for it beside itself.
    pkg('kubeadm', { [`${DOUBLES_DIR}/kube-apiserver-double`]: { content: doubles['kube-apiserver'], mode: 0o755 } }),
    pkg('kubelet', { 'etc/init.d/kubelet': { content: KUBELET_INIT, mode: 0o755 } }),
    pkg('kubectl'),
  ];
}

/** "1.31.4" -> "v1.31": the folder of its minor release. */
export function minorDirOf(version: string): string {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new Error(`not a full Kubernetes version: ${version}`);
  return `v${m[1]}.${m[2]}`;
}

/** What the built repository depends on: a change rebuilds it. */
export function labRepoInputsHash(doubles: ReturnType<typeof readDoubles>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ versions: LAB_KUBE_VERSIONS, revision: LAB_KUBE_REVISION, layout: 3 }));
  for (const [name, data] of Object.entries(doubles)) h.update(name).update(data);
  h.update(KUBELET_INIT);
  return h.digest('hex');
}

export interface LabAptRepo {
  /** The repository tree, as it goes to LAB_APT_DIR in each node. */
  readonly dir: string;
  /** False when the cached one was current. */
  readonly built: boolean;
}

/**
 * The repository under `cacheDir` (the lab's apt/ folder), built when missing or out of date.
 * The signing key is made once and kept there (secret part 0600); gpg works in a short-lived
 * home under the machine's temporary folder (its agent socket needs a short path), stopped after.
 */
export async function ensureLabAptRepo(cacheDir: string, root: string = packageRoot()): Promise<LabAptRepo> {
  const doubles = readDoubles(root);
  const hash = labRepoInputsHash(doubles);
  const dir = join(cacheDir, 'repo');
  const stamp = join(cacheDir, 'inputs.sha256');
  if (existsSync(dir) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return { dir, built: false };

  mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
  const home = mkdtempSync(join(tmpdir(), 'k8sbm-gpg-'));
  try {
    return await buildLabAptRepo(cacheDir, home, dir, stamp, hash, doubles);
  } catch (e) {
    if (e instanceof K8sbmError) throw e;
    throw new K8sbmError('K8SBM_LAB_COMMAND_FAILED', 'building the lab\'s package repository failed', {
      details: [`| ${(e as Error).message}`],
      hint: 'it needs dpkg-deb, dpkg-scanpackages and gpg (Debian\'s dpkg-dev and gnupg); `k8sbm lab down` cleans up, then try again',
    });
  } finally {
    stopGpgAgent(home);
    rmSync(home, { recursive: true, force: true });
  }
}

async function buildLabAptRepo(cacheDir: string, home: string, dir: string, stamp: string, hash: string, doubles: ReturnType<typeof readDoubles>): Promise<LabAptRepo> {
  const key = await signingKey(cacheDir, home);
  const next = join(cacheDir, 'repo.new');
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  await Promise.all(LAB_KUBE_VERSIONS.map((version) => buildSignedRepo({
    dir: join(next, minorDirOf(version)), layout: { flat: true }, packages: labKubePackages(version, doubles), key,
    stage: join(cacheDir, 'stage', version), label: 'k8sbm-lab',
  })));
  rmSync(join(cacheDir, 'stage'), { recursive: true, force: true });
  writeFileSync(join(next, 'Release.key'), key.armored);
  await makeWorldReadable(next);
  rmSync(dir, { recursive: true, force: true });
  renameSync(next, dir);
  writeFileSync(stamp, `${hash}\n`);
  return { dir, built: true };
}

async function signingKey(cacheDir: string, home: string): Promise<SigningKey> {
  const secret = join(cacheDir, 'signing-key.asc');
  const uid = 'k8sbm lab packages <lab-packages@k8sbm.test>';
  if (!existsSync(secret)) {
    const key = await createSigningKey(home, uid);
    writeFileSync(secret, await gpg(home, ['--armor', '--export-secret-keys', key.uid]), { mode: 0o600 });
    return key;
  }
  await gpg(home, ['--import', secret]);
  const email = 'lab-packages@k8sbm.test';
  return { gnupgHome: home, uid: email, armored: (await gpg(home, ['--armor', '--export', email])).toString('utf8'), binary: await gpg(home, ['--export', email]) };
}

/**
 * Copies the repository into a node's own layer, through its root as the machine sees it.
 * Asynchronous: a lab of many nodes keeps waiting for the others' sshd meanwhile.
 */
export async function installLabAptRepo(repoDir: string, nodeRoot: string): Promise<void> {
  const dest = join(nodeRoot, LAB_APT_DIR);
  await rm(dest, { recursive: true, force: true });
  await mkdir(join(nodeRoot, 'srv'), { recursive: true, mode: 0o755 });
  await cp(repoDir, dest, { recursive: true });
}
