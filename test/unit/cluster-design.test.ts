import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeApiserverVersionFrom } from '../../src/facts/host-system.js';
import { clusterDesignFindings } from '../../src/modules/control/cluster-design.js';
import { rangeOf, networkOf, overlaps } from '../../src/modules/control/cluster-design-nets.js';
import { parseKubeVersion } from '../../src/modules/control/cluster-design-versions.js';

/** The pure parts of the cluster design checks (the role's tests run them through the engine). */
describe('cluster design: parsers and ranges', () => {
  it('reads the version from a kube-apiserver manifest\'s image line, as kubeadm writes it', () => {
    const manifest = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.31.4\n    imagePullPolicy: IfNotPresent\n';
    assert.equal(kubeApiserverVersionFrom(manifest), '1.31.4');
    assert.equal(kubeApiserverVersionFrom('    image: "my.registry:5000/k8s/kube-apiserver:v1.30.0-rc.1"'), '1.30.0-rc.1');
    assert.equal(kubeApiserverVersionFrom(''), null);
    assert.equal(kubeApiserverVersionFrom('    image: registry.k8s.io/etcd:3.5.15-0'), null);
  });

  it('parses Kubernetes versions, with a package revision or a v', () => {
    assert.deepEqual(parseKubeVersion('1.31.4'), { major: 1, minor: 31, shown: '1.31' });
    assert.deepEqual(parseKubeVersion('v1.30'), { major: 1, minor: 30, shown: '1.30' });
    assert.deepEqual(parseKubeVersion('1.31.4-1.1'), { major: 1, minor: 31, shown: '1.31' });
    assert.equal(parseKubeVersion('latest'), undefined);
  });

  it('networks and first-last ranges overlap by their addresses', () => {
    assert.ok(overlaps(rangeOf('10.96.0.0/12')!, rangeOf('10.100.0.0/16')!));
    assert.ok(!overlaps(rangeOf('10.96.0.0/12')!, rangeOf('10.244.0.0/16')!));
    assert.ok(overlaps(rangeOf('10.0.1.200-10.0.1.220')!, rangeOf('10.0.1.210/32')!));
    assert.ok(!overlaps(rangeOf('10.0.0.0/8')!, rangeOf('fd00::/8')!));
    assert.equal(rangeOf('10.0.1.220-10.0.1.200'), undefined);
    assert.equal(networkOf('10.0.1.17/24', undefined), '10.0.1.0/24');
    assert.equal(networkOf('10.0.1.17', 26), '10.0.1.0/26');
  });

  it('no instances, no findings; a check with nothing to check says nothing', () => {
    assert.deepEqual(clusterDesignFindings([]), []);
    assert.deepEqual(clusterDesignFindings([{ host: 'a', params: {}, facts: undefined }]), []);
  });
});
