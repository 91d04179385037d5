import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { checkManifest, parseManifestText } from '../../src/modules/kubernetes/k8s_apply-manifest.js';
import { expandCrdPath, K8sSchemaRegistry, loadCrdFiles, toAjvSchema, validatorOf } from '../../src/modules/kubernetes/k8s-schemas.js';
import { SHIPPED_UPSTREAMS, shippedDir } from '../../src/modules/kubernetes/shipped-crds.js';
import { K8sbmError } from '../../src/source/errors.js';
import { fixture } from '../helpers/paths.js';
/**
 * The CRD schema registry against the real upstream CRDs the project ships (MetalLB and Rook,
 * under the roles that deploy them), found where k8s_apply finds them.
 */
const shipped = (project) => shippedDir(SHIPPED_UPSTREAMS.find((u) => u.project === project));
const metallbCrds = join(shipped('metallb'), 'crds', '*.yaml');
const rook = (f) => join(shipped('rook'), f);
let reg;
before(() => {
    reg = loadCrdFiles([...expandCrdPath(metallbCrds), rook('crds.yaml')]);
});
/** The single problem list of one object, as "pointer message". */
function problems(obj) {
    return reg.validate(obj).map((p) => `${p.pointer} ${p.message}`);
}
function objectsOf(file) {
    return parseManifestText(readFileSync(file, 'utf8'), file);
}
const clone = (v) => JSON.parse(JSON.stringify(v));
describe('k8s-schemas: loading the upstream CRDs', () => {
    it('knows every MetalLB and Rook kind, with their served versions', () => {
        const kinds = reg.kinds();
        for (const k of ['IPAddressPool', 'L2Advertisement', 'BGPPeer', 'BGPAdvertisement', 'BFDProfile', 'Community'])
            assert.ok(kinds.includes(`metallb.io/${k}`), k);
        for (const k of ['CephCluster', 'CephBlockPool', 'CephFilesystem', 'CephObjectStore', 'CephNFS', 'CephClient'])
            assert.ok(kinds.includes(`ceph.rook.io/${k}`), k);
        assert.equal(kinds.filter((k) => k.startsWith('metallb.io/')).length, 6);
        assert.equal(kinds.filter((k) => k.startsWith('ceph.rook.io/') || k.startsWith('objectbucket.io/')).length, 21);
        // BGPPeer serves v1beta1 (deprecated) and v1beta2; the storage version is what a kind alone gets.
        assert.equal(reg.preferred('metallb.io', 'BGPPeer')?.version, 'v1beta2');
        const old = reg.lookup('metallb.io/v1beta1', 'BGPPeer');
        assert.ok(old.found === 'crd' && old.crd.version === 'v1beta1' && !old.crd.storage);
        const none = reg.lookup('metallb.io/v1', 'IPAddressPool');
        assert.deepEqual(none.found === 'unserved-version' ? none.versions : none, ['v1beta1']);
    });
    it('a directory, a pattern and a file name the same files', () => {
        const dir = expandCrdPath(join(shipped('metallb'), 'crds'));
        assert.deepEqual(dir, expandCrdPath(metallbCrds));
        assert.equal(dir.length, 6);
        assert.deepEqual(expandCrdPath(rook('crds.yaml')), [rook('crds.yaml')]);
    });
    it('every served version of every upstream CRD compiles', () => {
        let n = 0;
        for (const kind of reg.kinds()) {
            const [group, k] = [kind.slice(0, kind.lastIndexOf('/')), kind.slice(kind.lastIndexOf('/') + 1)];
            const v = reg.preferred(group, k);
            assert.ok(v, kind);
            assert.equal(typeof validatorOf(v), 'function', kind);
            n++;
        }
        assert.equal(n, 27);
    });
});
describe('k8s-schemas: the upstream examples fit', () => {
    it('rook cluster.yaml (CephCluster) and csi-rbd-storageclass.yaml (CephBlockPool)', () => {
        const cluster = objectsOf(rook('cluster.yaml')).find((o) => o.kind === 'CephCluster');
        assert.deepEqual(problems(cluster), []);
        const pools = objectsOf(rook('csi-rbd-storageclass.yaml')).filter((o) => o.kind === 'CephBlockPool');
        assert.ok(pools.length >= 1);
        for (const p of pools)
            assert.deepEqual(problems(p), []);
    });
    it('every document of the rook files passes the whole manifest check (built-in kinds minimally)', () => {
        for (const f of ['cluster.yaml', 'common.yaml', 'csi-rbd-storageclass.yaml']) {
            const objs = checkManifest(objectsOf(rook(f)), reg, { loc: undefined, crdPathsGiven: true });
            assert.ok(objs.length >= 1, f);
        }
    });
    it('operator.yaml holds a csi.ceph.io OperatorConfig whose CRD is not among them: refused unless allowed', () => {
        const docs = objectsOf(rook('operator.yaml'));
        assert.throws(() => checkManifest(docs, reg, { loc: undefined, crdPathsGiven: true }), (e) => {
            assert.ok(e instanceof K8sbmError);
            assert.equal(e.code, 'K8SBM_K8S_KIND_UNKNOWN');
            assert.match(e.message, /^OperatorConfig rook-ceph\/ceph-csi-operator-config: \/kind/);
            assert.match(e.hint ?? '', /none of crd_paths defines csi\.ceph\.io\/OperatorConfig/);
            return true;
        });
        const objs = checkManifest(docs, reg, { loc: undefined, crdPathsGiven: true, allowUnknownKinds: true });
        assert.ok(objs.some((o) => o.kind === 'OperatorConfig'));
    });
    it('hand-written MetalLB resources of every kind', () => {
        const objs = objectsOf(fixture('k8s', 'metallb-examples.yaml'));
        assert.deepEqual(objs.map((o) => o.kind), ['IPAddressPool', 'L2Advertisement', 'BFDProfile', 'BGPPeer', 'BGPPeer', 'Community', 'BGPAdvertisement']);
        for (const o of objs)
            assert.deepEqual(problems(o), [], `${String(o.kind)} ${String(o.apiVersion)}`);
        const checked = checkManifest(objs, reg, { loc: undefined, crdPathsGiven: true });
        assert.deepEqual(checked.map((o) => o.namespace), Array(7).fill('metallb-system'));
    });
});
describe('k8s-schemas: wrong objects fail at the right pointer', () => {
    it('IPAddressPool with addresses: 5', () => {
        const pool = objectsOf(fixture('k8s', 'metallb-examples.yaml'))[0];
        const bad = clone(pool);
        bad.spec.addresses = 5;
        const [p, ...rest] = reg.validate(bad);
        assert.deepEqual({ pointer: p.pointer, message: p.message }, { pointer: '/spec/addresses', message: 'must be array, got integer' });
        assert.match(p.hint ?? '', /IP address ranges/);
        assert.deepEqual(rest, []);
    });
    it('CephCluster with mon.count: "three"', () => {
        const cluster = clone(objectsOf(rook('cluster.yaml')).find((o) => o.kind === 'CephCluster'));
        (cluster.spec.mon).count = 'three';
        assert.deepEqual(problems(cluster), ['/spec/mon/count must be integer, got string']);
    });
    it('a misspelt field gets a did-you-mean; a missing required field is named', () => {
        const pool = clone(objectsOf(fixture('k8s', 'metallb-examples.yaml'))[0]);
        const spec = pool.spec;
        spec.autoAsign = spec.autoAssign;
        delete spec.autoAssign;
        const [typo] = reg.validate(pool);
        assert.equal(typo.pointer, '/spec/autoAsign');
        assert.equal(typo.hint, 'did you mean "autoAssign"?');
        delete spec.addresses;
        assert.ok(problems(pool).includes('/spec/addresses is required'));
    });
    it('enum and int-or-string fields say what they accept', () => {
        const peer = clone(objectsOf(fixture('k8s', 'metallb-examples.yaml'))[3]);
        peer.spec.dynamicASN = 'sideways';
        assert.deepEqual(problems(peer), ['/spec/dynamicASN must be one of "internal", "external", got "sideways"']);
        const cluster = clone(objectsOf(rook('cluster.yaml')).find((o) => o.kind === 'CephCluster'));
        cluster.spec.healthCheck = { daemonHealth: { mon: { interval: true } } };
        assert.deepEqual(problems(cluster), ['/spec/healthCheck/daemonHealth/mon/interval must be string, got boolean']);
    });
    it('checkManifest throws a K8sbmError at the field\'s line in the YAML, with the CRD file named', () => {
        const file = fixture('k8s', 'metallb-examples.yaml');
        const text = readFileSync(file, 'utf8').replace('  autoAssign: true', '  autoAssign: "yes"');
        const objs = parseManifestText(text, file);
        assert.throws(() => checkManifest(objs, reg, { loc: undefined, crdPathsGiven: true }), (e) => {
            assert.ok(e instanceof K8sbmError);
            assert.equal(e.code, 'K8SBM_K8S_SCHEMA');
            assert.equal(e.message, 'IPAddressPool metallb-system/lan: /spec/autoAssign must be boolean, got string');
            const line = text.split('\n').findIndex((l) => l.includes('autoAssign')) + 1;
            assert.deepEqual(e.loc, { file, line, col: 15 });
            assert.ok(e.details.some((d) => d.includes('metallb.io_ipaddresspools.yaml')), e.details.join('\n'));
            assert.match(e.hint ?? '', /automatic allocation/);
            return true;
        });
    });
});
describe('k8s-schemas: the schema transform', () => {
    it('nullable admits null, properties close the object unless unknown fields are preserved', () => {
        const out = toAjvSchema({
            type: 'object',
            properties: {
                a: { type: 'string', nullable: true, enum: ['x'] },
                free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { k: { type: 'string' } } },
                list: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
            },
            default: { properties: 'data, not a schema', nullable: true },
        });
        assert.deepEqual(out.properties.a, { type: ['string', 'null'], enum: ['x', null] });
        assert.equal(out.additionalProperties, false);
        assert.equal(out.properties.free.additionalProperties, undefined);
        assert.equal(out.properties.list.items.additionalProperties, false);
        assert.deepEqual(out.default, { properties: 'data, not a schema', nullable: true });
    });
    it('null fields are pruned as the API server does (commented-out children leave "key:" behind)', () => {
        const cluster = clone(objectsOf(rook('cluster.yaml')).find((o) => o.kind === 'CephCluster'));
        cluster.spec.dashboard = null;
        assert.deepEqual(problems(cluster), []);
    });
    it('a CRD document with no group or kind is refused, naming its source', () => {
        const r = new K8sSchemaRegistry();
        assert.throws(() => r.addCrd({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: { versions: [] } }, 'broken.yaml'), (e) => e instanceof K8sbmError && e.code === 'K8SBM_K8S_CRD_INVALID' && e.message.includes('broken.yaml'));
        assert.equal(r.addCrd({ apiVersion: 'v1', kind: 'ConfigMap' }, 'x.yaml'), 0);
    });
});
//# sourceMappingURL=k8s-schemas.test.js.map