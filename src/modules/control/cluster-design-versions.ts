import type { Findings, Inst } from './cluster-design.js';

/** "1.31.4", "v1.31", "1.31.4-1.1" (a package's revision): major and minor. */
export function parseKubeVersion(text: string): { major: number; minor: number; shown: string } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+~][0-9A-Za-z.~+-]*)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), shown: `${m[1]}.${m[2]}` } : undefined;
}

/**
 * Kubernetes' version skew policy: a kubelet may be older than the API server by up to 3 minor
 * versions (2 before 1.28), never newer; kubectl within one minor version either way.
 */
export function versionSkewFindings(insts: readonly Inst[], f: Findings): void {
  for (const inst of insts) {
    const { kubernetes_version: k8s, kubelet_version: kubelet, kubectl_version: kubectl } = inst.params;
    if (!k8s) continue;
    const api = parseKubeVersion(k8s);
    const one = [inst];
    if (!api) {
      f.once(one, 'version_skew', 'error', ['kubernetes_version'], `kubernetes_version ${JSON.stringify(k8s)} is not a Kubernetes version`, 'a full version such as "1.31.4"');
      continue;
    }
    const older = api.major === 1 && api.minor >= 28 ? 3 : 2;
    const check = (name: 'kubelet_version' | 'kubectl_version', text: string | null | undefined): void => {
      if (!text) return;
      const v = parseKubeVersion(text);
      if (!v) { f.once(one, 'version_skew', 'error', [name], `${name} ${JSON.stringify(text)} is not a Kubernetes version`, 'a full version such as "1.31.4", or "{{ kubernetes_version }}"'); return; }
      const d = v.major !== api.major ? Infinity * Math.sign(v.major - api.major) : v.minor - api.minor;
      if (name === 'kubelet_version' && d > 0) {
        f.once(one, 'version_skew', 'error', [name], `kubelet_version ${text} is newer than the API server's (kubernetes_version ${k8s}): Kubernetes does not support a kubelet newer than its API server, which may lack the APIs the kubelet calls`,
          'kubelet_version at most kubernetes_version ("{{ kubernetes_version }}")');
      } else if (name === 'kubelet_version' && -d > older) {
        f.once(one, 'version_skew', 'error', [name], `kubelet_version ${text} is more than ${older} minor versions older than the API server's (kubernetes_version ${k8s}): outside Kubernetes' skew policy, the API server may have dropped what the kubelet uses`,
          `kubelet_version ${api.shown}.x down to ${api.major}.${api.minor - older}.x`);
      } else if (name === 'kubectl_version' && Math.abs(d) > 1) {
        f.once(one, 'version_skew', 'error', [name], `kubectl_version ${text} is more than one minor version from the API server's (kubernetes_version ${k8s}): outside Kubernetes' skew policy, kubectl may send or expect objects the server does not know`,
          `kubectl_version within one minor version of ${api.shown} ("{{ kubernetes_version }}")`);
      }
    };
    check('kubelet_version', kubelet);
    check('kubectl_version', kubectl);
  }
}

/**
 * The version asked for against the version a control plane runs (its kube-apiserver manifest,
 * the kube_apiserver_version fact): kubeadm upgrades one minor version at a time and never down.
 * A host without the manifest (a fresh cluster) has nothing to compare.
 */
export function upgradeFindings(insts: readonly Inst[], f: Findings): void {
  for (const inst of insts) {
    const running = inst.facts?.kube_apiserver_version;
    const want = inst.params.kubernetes_version;
    if (typeof running !== 'string' || !running || !want) continue;
    const r = parseKubeVersion(running);
    const w = parseKubeVersion(want);
    if (!r || !w) continue;
    if (w.major === r.major && w.minor - r.minor <= 1 && w.minor >= r.minor) continue;
    const up = w.major > r.major || (w.major === r.major && w.minor > r.minor);
    f.add(inst, 'upgrade_skip', 'error', ['kubernetes_version'], up
      ? `${inst.host} runs Kubernetes ${running} (its kube-apiserver manifest) and kubernetes_version asks for ${want}: that skips ${w.major === r.major ? `${w.minor - r.minor - 1} minor version${w.minor - r.minor - 1 === 1 ? '' : 's'}` : 'a major version'}; kubeadm upgrades one minor version at a time, and a skipped one leaves stored objects and APIs the new version no longer reads`
      : `${inst.host} runs Kubernetes ${running} (its kube-apiserver manifest) and kubernetes_version asks for ${want}, an older minor version: kubeadm does not downgrade, and etcd's data may not be readable by the older API server`,
    up ? `upgrade through ${r.major}.${r.minor + 1} first (kubernetes_version: "${r.major}.${r.minor + 1}.x"), one minor version per run` : `keep kubernetes_version at ${r.shown}.x or later`);
  }
}
