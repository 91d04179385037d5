import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { k8sKindFact, k8sObjectFact, kubectlResourceType, parseApiResourceList, parseKubectlGet } from '../../src/facts/k8s.js';
import { FactError } from '../../src/facts/types.js';
import { classifyKubectlError, countReady, kubectlDiffArgv, parseKubectlDiff, readinessTargets } from '../../src/modules/kubernetes/k8s_apply-kubectl.js';
import { checkManifest, kubectlDiffName, manifestStdin, objectYaml, parseManifestText } from '../../src/modules/kubernetes/k8s_apply-manifest.js';
import { effectsOf } from '../../src/modules/kubernetes/k8s_apply-plan.js';
import { K8sSchemaRegistry } from '../../src/modules/kubernetes/k8s-schemas.js';
import { K8sbmError } from '../../src/source/errors.js';
import { fixture } from '../helpers/paths.js';
/** k8s_apply's pure parts: kubectl's output read back, manifests checked and serialised, predictions. */
const captured = (name) => {
    const c = JSON.parse(readFileSync(fixture('facts', 'k8s', name), 'utf8'));
    return { argv: c.argv, code: c.code, signal: null, stdout: c.stdout, stderr: c.stderr };
};
describe('parseKubectlDiff', () => {
    it('full context (KUBECTL_EXTERNAL_DIFF): both sides whole; a new object has no before', () => {
        const out = [
            'diff -N -U 1000000 /tmp/LIVE-1/v1.ConfigMap.kube-public.info /tmp/MERGED-2/v1.ConfigMap.kube-public.info',
            '--- /tmp/LIVE-1/v1.ConfigMap.kube-public.info\t2026-01-01 00:00:00.000000000 +0000',
            '+++ /tmp/MERGED-2/v1.ConfigMap.kube-public.info\t2026-01-01 00:00:00.000000000 +0000',
            '@@ -1,4 +1,4 @@',
            ' apiVersion: v1',
            ' data:',
            '-  a: "1"',
            '+  a: "2"',
            ' kind: ConfigMap',
            'diff -N -U 1000000 /tmp/LIVE-1/metallb.io.v1beta1.IPAddressPool.metallb-system.lan /tmp/MERGED-2/metallb.io.v1beta1.IPAddressPool.metallb-system.lan',
            '--- /tmp/LIVE-1/metallb.io.v1beta1.IPAddressPool.metallb-system.lan\t1970-01-01 00:00:00.000000000 +0000',
            '+++ /tmp/MERGED-2/metallb.io.v1beta1.IPAddressPool.metallb-system.lan\t2026-01-01 00:00:00.000000000 +0000',
            '@@ -0,0 +1,2 @@',
            '+apiVersion: metallb.io/v1beta1',
            '+kind: IPAddressPool',
            '',
        ].join('\n');
        assert.deepEqual(parseKubectlDiff(out), [
            { name: 'v1.ConfigMap.kube-public.info', before: 'apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\n', after: 'apiVersion: v1\ndata:\n  a: "2"\nkind: ConfigMap\n' },
            { name: 'metallb.io.v1beta1.IPAddressPool.metallb-system.lan', before: null, after: 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\n' },
        ]);
    });
    it('hunk lengths decide: a removed line "-- x" and a YAML "---" are content, not headers', () => {
        const out = [
            '--- /tmp/LIVE-1/v1.ConfigMap.default.c\t2026-01-01',
            '+++ /tmp/MERGED-2/v1.ConfigMap.default.c\t2026-01-01',
            '@@ -1,3 +1,3 @@',
            ' data:',
            '---- x',
            '++++ y',
            '   k: v',
            '\\ No newline at end of file',
        ].join('\n');
        assert.deepEqual(parseKubectlDiff(out), [{ name: 'v1.ConfigMap.default.c', before: 'data:\n--- x\n  k: v\n', after: 'data:\n+++ y\n  k: v\n' }]);
    });
    it('kubectl\'s default three lines of context: only the hunks, in order', () => {
        const out = '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a: 1\n+a: 2\n b: 1\n@@ -9 +9 @@\n-z: 1\n+z: 2\n';
        assert.deepEqual(parseKubectlDiff(out), [{ name: 'x', before: 'a: 1\nb: 1\nz: 1\n', after: 'a: 2\nb: 1\nz: 2\n' }]);
    });
    it('no output, no objects', () => {
        assert.deepEqual(parseKubectlDiff(''), []);
    });
});
describe('classifyKubectlError', () => {
    it('missing namespaces and kinds, as kubectl words them', () => {
        const stderr = [
            'Error from server (NotFound): namespaces "metallb-system" not found',
            'error: resource mapping not found for name: "lan" namespace: "metallb-system" from "STDIN": no matches for kind "IPAddressPool" in version "metallb.io/v1beta1"',
            'ensure CRDs are installed first',
            'Error from server (NotFound): error when creating "STDIN": namespaces "metallb-system" not found',
        ].join('\n');
        assert.deepEqual(classifyKubectlError(stderr), {
            missingNamespaces: ['metallb-system'],
            missingKinds: [{ kind: 'IPAddressPool', apiVersion: 'metallb.io/v1beta1' }],
        });
    });
    it('anything else is neither (a refused connection, captured from kubectl)', () => {
        assert.deepEqual(classifyKubectlError(captured('diff-refused.json').stderr), { missingNamespaces: [], missingKinds: [] });
    });
});
describe('k8s facts: parsers', () => {
    it('an APIResourceList tells whether a kind is served (subresources do not count)', () => {
        const list = JSON.stringify({
            kind: 'APIResourceList', groupVersion: 'apps/v1',
            resources: [{ name: 'deployments', kind: 'Deployment' }, { name: 'deployments/scale', kind: 'Scale' }],
        });
        const ok = { code: 0, signal: null, stdout: list, stderr: '' };
        assert.deepEqual(parseApiResourceList(ok, { apiVersion: 'apps/v1', kind: 'Deployment' }), { served: true });
        assert.deepEqual(parseApiResourceList(ok, { apiVersion: 'apps/v1', kind: 'Scale' }), { served: false });
        const missing = { code: 1, signal: null, stdout: '', stderr: 'Error from server (NotFound): the server could not find the requested resource\n' };
        assert.deepEqual(parseApiResourceList(missing, { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' }), { served: false });
    });
    it('kubectl failures captured from a real kubectl are errors, not answers', () => {
        for (const f of ['get-raw-refused.json', 'get-raw-no-kubeconfig.json']) {
            const c = captured(f);
            assert.throws(() => parseApiResourceList(c, { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' }), (e) => {
                assert.ok(e instanceof FactError);
                assert.equal(e.code, 'K8SBM_FACT_FAILED');
                assert.match(e.message, /refused|no such file/);
                return true;
            });
        }
        const ns = captured('get-namespace-refused.json');
        assert.deepEqual(k8sObjectFact.argv({ kubectl: 'kubectl', kubeconfig: '/etc/kubernetes/admin.conf', apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'metallb-system' }), ns.argv);
        assert.throws(() => parseKubectlGet(ns, { kind: 'Namespace', namespace: '', name: 'metallb-system' }), FactError);
    });
    it('kubectl get -o json --ignore-not-found: nothing means absent', () => {
        assert.deepEqual(parseKubectlGet({ code: 0, signal: null, stdout: '', stderr: '' }, { kind: 'Namespace', namespace: '', name: 'x' }), { exists: false });
        const st = parseKubectlGet({ code: 0, signal: null, stdout: '{"kind":"Namespace","metadata":{"name":"x"}}', stderr: '' }, { kind: 'Namespace', namespace: '', name: 'x' });
        assert.equal(st.exists, true);
        assert.equal((st.object?.metadata).name, 'x');
    });
    it('argv and keys', () => {
        const t = { kubectl: 'kubectl', kubeconfig: '/etc/kubernetes/admin.conf' };
        assert.deepEqual(k8sKindFact.argv({ ...t, apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' }), captured('get-raw-refused.json').argv);
        assert.deepEqual(k8sKindFact.argv({ ...t, apiVersion: 'v1', kind: 'Namespace' }).slice(-1), ['/api/v1']);
        assert.equal(kubectlResourceType('apps/v1', 'Deployment'), 'deployment.v1.apps');
        assert.equal(kubectlResourceType('v1', 'Namespace'), 'namespace');
    });
});
describe('manifests', () => {
    const reg = new K8sSchemaRegistry();
    const text = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec: { replicas: 2 }
---
apiVersion: v1
kind: Secret
metadata: { name: token, namespace: shop }
stringData: { token: s3cr3t }
`;
    const objs = checkManifest(parseManifestText(text, 'm.yaml'), reg, { loc: undefined, crdPathsGiven: false, namespace: 'shop' });
    it('namespaces: cluster-scoped have none, others their own or the task\'s', () => {
        assert.deepEqual(objs.map((o) => [o.kind, o.namespace, o.namespaced]), [['Namespace', '', false], ['Deployment', 'shop', true], ['Secret', 'shop', true]]);
        assert.deepEqual(objs.map(kubectlDiffName), ['v1.Namespace..shop', 'apps.v1.Deployment.shop.web', 'v1.Secret.shop.token']);
    });
    it('stdin holds one exact JSON document per object', () => {
        const docs = manifestStdin(objs).split('\n---\n').map((d) => JSON.parse(d));
        assert.deepEqual(docs.map((d) => d.kind), ['Namespace', 'Deployment', 'Secret']);
        assert.equal(docs[1].spec.replicas, 2);
    });
    it('client-side YAML of a Secret masks its values', () => {
        const y = objectYaml(objs[2]);
        assert.doesNotMatch(y, /s3cr3t/);
        assert.match(y, /token: "\*\*\*"/);
    });
    it('readiness: rollout for workloads, a condition for the kinds asked', () => {
        assert.deepEqual(readinessTargets(objs, { rollout: true }), [['rollout', 'deployment.v1.apps/web', 'shop']]);
        assert.deepEqual(readinessTargets(objs, { condition: 'Ready', kinds: ['Namespace'] }), [['condition=Ready', 'namespace/shop', '']]);
        assert.equal(countReady('k8sbm-ready ok rollout deployment.v1.apps/web shop\nnoise\n'), 1);
    });
    it('predicted effects: every object, and the kinds a CRD serves', () => {
        const crd = checkManifest([{
                apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
                spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }, { name: 'v0', served: false }] },
            }], new K8sSchemaRegistry(), { loc: undefined, crdPathsGiven: false });
        const t = { kubectl: 'kubectl', kubeconfig: '/etc/kubernetes/admin.conf' };
        assert.deepEqual(effectsOf(crd, t).map((e) => [e.fact, e.key, e.value]), [
            ['k8s_object', '/etc/kubernetes/admin.conf apiextensions.k8s.io/v1 CustomResourceDefinition /widgets.example.com', { exists: true, object: crd[0].object }],
            ['k8s_kind', '/etc/kubernetes/admin.conf example.com/v1 Widget', { served: true }],
        ]);
        // The keys line up with what the facts look up.
        assert.equal(effectsOf(crd, t)[1].key, k8sKindFact.key({ ...t, apiVersion: 'example.com/v1', kind: 'Widget' }));
    });
    it('the diff argv carries the full-context diff program and no manifest', () => {
        const argv = kubectlDiffArgv({ kubectl: 'kubectl', kubeconfig: '/k', fieldManager: 'k8sbm', forceConflicts: false });
        assert.deepEqual(argv, ['env', 'KUBECTL_EXTERNAL_DIFF=diff -N -U 1000000', 'kubectl', '--kubeconfig', '/k', 'diff', '--server-side', '--field-manager=k8sbm', '-f', '-']);
    });
    it('a document that is not a mapping is refused with its number', () => {
        assert.throws(() => checkManifest(parseManifestText('- a\n- b\n', 'x.yaml'), reg, { loc: undefined, crdPathsGiven: false }), (e) => e instanceof K8sbmError && e.code === 'K8SBM_K8S_MANIFEST_INVALID' && /object 1 /.test(e.message));
    });
});
//# sourceMappingURL=k8s_apply.test.js.map