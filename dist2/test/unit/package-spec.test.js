import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDebVersions, compareRpmVersions, installArgument, parsePackageSpec, versionSatisfies, } from '../../src/modules/packages/package-spec.js';
import { queryNames } from '../../src/modules/packages/package.js';
describe('package specs', () => {
    it('apt pins use =, dnf pins use -VERSION; plain names have no version', () => {
        assert.deepEqual(parsePackageSpec('kubelet=1.31.2-1.1', 'apt'), { spec: 'kubelet=1.31.2-1.1', name: 'kubelet', version: '1.31.2-1.1' });
        assert.deepEqual(parsePackageSpec('libc6:i386', 'apt'), { spec: 'libc6:i386', name: 'libc6:i386' });
        assert.deepEqual(parsePackageSpec('kubelet-1.31.2', 'dnf'), { spec: 'kubelet-1.31.2', name: 'kubelet', version: '1.31.2' });
        assert.deepEqual(parsePackageSpec('kubernetes-cni-1.5.1-150500.1.1', 'dnf'), { spec: 'kubernetes-cni-1.5.1-150500.1.1', name: 'kubernetes-cni', version: '1.5.1-150500.1.1' });
        assert.deepEqual(parsePackageSpec('podman-2:4.9.4', 'dnf'), { spec: 'podman-2:4.9.4', name: 'podman', version: '2:4.9.4' });
        assert.deepEqual(parsePackageSpec('python3-dnf-plugin-versionlock', 'dnf'), { spec: 'python3-dnf-plugin-versionlock', name: 'python3-dnf-plugin-versionlock' });
        assert.equal(installArgument(parsePackageSpec('kubelet=1.31.*', 'apt'), 'apt'), 'kubelet=1.31.*');
        assert.equal(installArgument(parsePackageSpec('kubelet-1.31.2', 'dnf'), 'dnf'), 'kubelet-1.31.2');
    });
    it('without a known backend, an ambiguous name is asked both ways; an = pin only as apt', () => {
        assert.deepEqual(queryNames(['libgtk-3-0', 'kubelet=1.31.2-1.1', 'jq'], 'auto'), ['libgtk-3-0', 'libgtk', 'kubelet', 'jq']);
        assert.deepEqual(queryNames(['kubelet-1.31.2'], 'dnf'), ['kubelet']);
        assert.deepEqual(queryNames(['kubelet-1.31.2'], 'apt'), ['kubelet-1.31.2']);
    });
});
describe('dpkg version order', () => {
    // Each expectation is what `dpkg --compare-versions A lt|eq|gt B` answers.
    const cases = [
        ['1.0', '1.0-1', -1],
        ['1.0~rc1', '1.0', -1],
        ['1:0.9', '2.0', 1],
        ['1.31.2-1.1', '1.31.10-1.1', -1],
        ['7.88.1-10+deb12u14', '7.88.1-10+deb12u5', 1],
        ['1.0a', '1.0', 1],
        ['1.0-1', '1.0-1~bpo1', 1],
        ['2.36-9+deb12u14', '2.36-9+deb12u14', 0],
        ['0.1', '0.01', 0],
        ['1.0+b1', '1.0', 1],
        ['1.0.0', '1.0', 1],
        ['1.2.3~~', '1.2.3~', -1],
        ['0:1.0', '1.0', 0],
    ];
    for (const [a, b, want] of cases) {
        it(`${a} vs ${b}`, () => {
            assert.equal(Math.sign(compareDebVersions(a, b)), want);
            assert.equal(Math.sign(compareDebVersions(b, a)), want === 0 ? 0 : -want);
        });
    }
});
describe('rpm version order', () => {
    // From rpm's own rpmvercmp test table.
    const cases = [
        ['1.0', '1.0', 0],
        ['1.0', '2.0', -1],
        ['2.0.1', '2.0', 1],
        ['2.0.1a', '2.0.1', 1],
        ['5.5p1', '5.5p2', -1],
        ['5.5p10', '5.5p1', 1],
        ['10xyz', '10.1xyz', -1],
        ['xyz.4', '8', -1],
        ['5.5p2', '5.6p1', -1],
        ['1.0~rc1', '1.0', -1],
        ['1.0~rc1', '1.0~rc2', -1],
        ['1.0^', '1.0', 1],
        ['1b.fc17', '1.fc17', -1],
        ['2_0', '2.0', 0],
        ['1:1.0-1', '2.0-1', 1],
        ['1.31.2-150500.1.1', '1.31.2-150500.1.10', -1],
    ];
    for (const [a, b, want] of cases) {
        it(`${a} vs ${b}`, () => {
            assert.equal(compareRpmVersions(a, b), want);
            assert.equal(compareRpmVersions(b, a), want === 0 ? 0 : -want);
        });
    }
});
describe('pins against installed versions', () => {
    it('apt: exact (epoch 0 is no epoch) or glob', () => {
        assert.ok(versionSatisfies('1.31.2-1.1', '1.31.2-1.1', 'apt'));
        assert.ok(versionSatisfies('1.0', '0:1.0', 'apt'));
        assert.ok(versionSatisfies('1.31.2-1.1', '1.31.*', 'apt'));
        assert.ok(!versionSatisfies('1.31.2-1.1', '1.31.2', 'apt'));
        assert.ok(!versionSatisfies('1.32.0-1.1', '1.31.*', 'apt'));
    });
    it('dnf: version alone matches any release; an epoch counts only when given', () => {
        assert.ok(versionSatisfies('1.31.2-150500.1.1', '1.31.2', 'dnf'));
        assert.ok(versionSatisfies('1.31.2-150500.1.1', '1.31.2-150500.1.1', 'dnf'));
        assert.ok(!versionSatisfies('1.31.2-150500.1.1', '1.31.2-150500.1.2', 'dnf'));
        assert.ok(versionSatisfies('2:4.9.4-1.el9', '4.9.4', 'dnf'));
        assert.ok(!versionSatisfies('2:4.9.4-1.el9', '1:4.9.4', 'dnf'));
        assert.ok(versionSatisfies('1.31.2-150500.1.1', '1.31.*', 'dnf'));
    });
});
//# sourceMappingURL=package-spec.test.js.map