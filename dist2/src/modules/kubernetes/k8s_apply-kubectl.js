import { kubectlResourceType } from '../../facts/k8s.js';
/**
 * kubectl diff runs this program on its LIVE and MERGED directories. Full context (one hunk per
 * object holding every line) lets the plan rebuild both sides exactly, so --diff shows real
 * before/after texts. Only letters, digits and dashes pass kubectl's filter of these arguments.
 */
export const KUBECTL_EXTERNAL_DIFF = 'diff -N -U 1000000';
const common = (o) => [o.kubectl, '--kubeconfig', o.kubeconfig];
const serverSide = (o) => [
    '--server-side', `--field-manager=${o.fieldManager}`, ...(o.forceConflicts ? ['--force-conflicts'] : []),
    ...(o.namespace !== undefined ? ['-n', o.namespace] : []), '-f', '-',
];
/** Read-only: the server dry-runs the apply and kubectl diffs live against merged (manifest on stdin). */
export function kubectlDiffArgv(o) {
    return ['env', `KUBECTL_EXTERNAL_DIFF=${KUBECTL_EXTERNAL_DIFF}`, ...common(o), 'diff', ...serverSide(o)];
}
export function kubectlApplyArgv(o) {
    return [...common(o), 'apply', ...serverSide(o)];
}
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const baseName = (path) => path.slice(path.lastIndexOf('/') + 1);
/**
 * Pure: kubectl diff's output (unified diffs of LIVE-x/NAME against MERGED-y/NAME) -> both sides
 * of every object. Hunk lengths are honoured, so a YAML line that starts with "---" is content.
 * With full context (KUBECTL_EXTERNAL_DIFF) the sides are the whole objects; with kubectl's
 * default three lines they are only the changed regions.
 */
export function parseKubectlDiff(stdout) {
    const lines = stdout.split('\n');
    const out = [];
    let i = 0;
    while (i < lines.length) {
        if (!(lines[i].startsWith('--- ') && lines[i + 1]?.startsWith('+++ '))) {
            i++;
            continue;
        }
        const name = baseName(lines[i + 1].slice(4).split('\t')[0].trim());
        i += 2;
        const before = [];
        const after = [];
        let beforeAbsent = false;
        let afterAbsent = false;
        while (i < lines.length) {
            const m = HUNK.exec(lines[i]);
            if (!m)
                break;
            let oldLeft = m[2] === undefined ? 1 : Number(m[2]);
            let newLeft = m[4] === undefined ? 1 : Number(m[4]);
            if (oldLeft === 0 && Number(m[1]) === 0)
                beforeAbsent = true;
            if (newLeft === 0 && Number(m[3]) === 0)
                afterAbsent = true;
            i++;
            while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
                const l = lines[i];
                const text = l.slice(1);
                if (l.startsWith('\\')) {
                    i++;
                    continue;
                }
                if (l.startsWith('-')) {
                    before.push(text);
                    oldLeft--;
                }
                else if (l.startsWith('+')) {
                    after.push(text);
                    newLeft--;
                }
                else {
                    before.push(text);
                    after.push(text);
                    oldLeft--;
                    newLeft--;
                }
                i++;
            }
            while (i < lines.length && lines[i].startsWith('\\'))
                i++;
        }
        const text = (ls) => (ls.length ? `${ls.join('\n')}\n` : '');
        out.push({ name, before: beforeAbsent ? null : text(before), after: afterAbsent ? null : text(after) });
    }
    return out;
}
/** Pure: kubectl's stderr -> the failures a plan can reason about (a dependency not there yet). */
export function classifyKubectlError(stderr) {
    const ns = [...stderr.matchAll(/namespaces? "([^"]+)" not found/g)].map((m) => m[1]);
    const kinds = [...stderr.matchAll(/no matches for kind "([^"]+)" in version "([^"]+)"/g)].map((m) => ({ kind: m[1], apiVersion: m[2] }));
    const uniq = (xs, key) => [...new Map(xs.map((x) => [key(x), x])).values()];
    return { missingNamespaces: uniq(ns, (x) => x), missingKinds: uniq(kinds, (k) => `${k.apiVersion} ${k.kind}`) };
}
// ---- Waiting for what was applied: one exec on the node, one shared deadline. ----
/**
 * `sh -s -- KUBECTL KUBECONFIG TIMEOUT [MODE REF NAMESPACE]...` with this on stdin. MODE is
 * `rollout` (kubectl rollout status) or `condition=NAME` (kubectl wait --for); each object gets
 * what is left of TIMEOUT seconds. Stops at the first object that is not ready, with kubectl's
 * words on stderr.
 */
export const READINESS_SCRIPT = `k8sbm_k8s_ready() {
kubectl=$1 kubeconfig=$2 timeout=$3
shift 3
end=$(( $(date +%s) + timeout ))
while [ $# -ge 3 ]; do
  mode=$1 ref=$2 ns=$3
  shift 3
  left=$(( end - $(date +%s) ))
  [ "$left" -ge 1 ] || left=1
  case $mode in
    rollout) out=$("$kubectl" --kubeconfig "$kubeconfig" rollout status "$ref" \${ns:+-n "$ns"} --timeout="\${left}s" 2>&1) ;;
    *) out=$("$kubectl" --kubeconfig "$kubeconfig" wait --for="$mode" "$ref" \${ns:+-n "$ns"} --timeout="\${left}s" 2>&1) ;;
  esac
  rc=$?
  if [ $rc -ne 0 ]; then
    printf '%s\\n' "$out" >&2
    printf 'k8sbm-ready fail %s %s %s\\n' "$mode" "$ref" "$ns" >&2
    return $rc
  fi
  printf 'k8sbm-ready ok %s %s %s\\n' "$mode" "$ref" "$ns"
done
}
k8sbm_k8s_ready "$@" </dev/null
`;
const ROLLOUT_KINDS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);
/** What to wait for, object by object: [mode, ref, namespace] triples. */
export function readinessTargets(objects, w) {
    const out = [];
    for (const o of objects) {
        const ref = `${kubectlResourceType(o.apiVersion, o.kind)}/${o.name}`;
        if (w.rollout && o.apiVersion === 'apps/v1' && ROLLOUT_KINDS.has(o.kind))
            out.push(['rollout', ref, o.namespace]);
        if (w.condition !== undefined && (w.kinds === undefined || w.kinds.includes(o.kind)))
            out.push([`condition=${w.condition}`, ref, o.namespace]);
    }
    return out;
}
export function readinessArgv(o, targets, timeout) {
    return ['sh', '-s', '--', o.kubectl, o.kubeconfig, String(timeout), ...targets.flat()];
}
/** Pure: the readiness script's stdout -> how many objects were confirmed ready. */
export function countReady(stdout) {
    return stdout.split('\n').filter((l) => l.startsWith('k8sbm-ready ok ')).length;
}
// ---- Fetching a manifest by URL on the node (it may reach what the controller cannot). ----
/** `sh -s -- URL TIMEOUT`: the body on stdout with curl, else wget, else python3. */
export const FETCH_SCRIPT = `k8sbm_k8s_fetch() {
url=$1 timeout=$2
if command -v curl >/dev/null 2>&1; then curl -fsSL --max-time "$timeout" -- "$url"
elif command -v wget >/dev/null 2>&1; then wget -q -O - -T "$timeout" -- "$url"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read())' "$url" "$timeout"
else echo 'no program to fetch a URL with (curl, wget or python3)' >&2; return 127
fi
}
k8sbm_k8s_fetch "$@" </dev/null
`;
export function fetchArgv(url, timeout) {
    return ['sh', '-s', '--', url, String(timeout)];
}
//# sourceMappingURL=k8s_apply-kubectl.js.map