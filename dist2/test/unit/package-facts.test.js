import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { aptSourceKey, parseAptSourceOutput } from '../../src/facts/apt.js';
import { packageFactKey, parsePackagesOutput, parseVersionlockList } from '../../src/facts/packages.js';
import { parseServiceOutput, serviceKey, systemdUnitName } from '../../src/facts/services.js';
import { FactParseError } from '../../src/facts/types.js';
import { fixture } from '../helpers/paths.js';
/** Fact parsers of package, service and apt_repository on output captured on a lab node (Debian 12). */
const out = (dir, name) => ({ code: 0, signal: null, stdout: readFileSync(fixture('facts', dir, name), 'utf8'), stderr: '' });
const q = (names, candidates, manager = 'apt') => ({ names, manager, candidates });
describe('packages fact (dpkg-query, apt-cache policy, rpm)', () => {
    it('a held install, a removed package (no conffiles: nothing left), an unknown name, an arch-qualified name, with candidates', () => {
        const f = parsePackagesOutput(out('packages', 'apt-held-removed-candidates.txt'), q(['k8sbm-demo', 'k8sbm-tool', 'nosuchpkg', 'libc6:amd64'], true));
        assert.equal(f.manager, 'apt');
        assert.deepEqual(f.packages['k8sbm-demo'], { installed: true, version: '1.0-1', arch: 'all', held: true, candidate: '1.1-1' });
        assert.deepEqual(f.packages['k8sbm-tool'], { installed: false, candidate: '2.0-1' });
        assert.deepEqual(f.packages.nosuchpkg, { installed: false, candidate: null });
        assert.equal(f.packages['libc6:amd64'].installed, true);
        assert.equal(f.packages['libc6:amd64'].arch, 'amd64');
        assert.equal(f.packages['libc6:amd64'].candidate, f.packages['libc6:amd64'].version);
        assert.ok(f.cacheAge !== null && f.cacheAge >= 0 && f.cacheAge < 600, `the lists were refreshed just before: ${f.cacheAge}`);
    });
    it('before any refresh of the test repository: nothing installed, no candidate', () => {
        const f = parsePackagesOutput(out('packages', 'apt-before-update.txt'), q(['k8sbm-demo', 'k8sbm-tool', 'dpkg'], true, 'auto'));
        assert.deepEqual(f.packages['k8sbm-demo'], { installed: false, candidate: null });
        assert.equal(f.packages.dpkg.installed, true);
        assert.match(f.packages.dpkg.version, /^1\.\d+/);
        assert.equal(f.packages.dpkg.candidate, f.packages.dpkg.version);
    });
    it('a package dpkg remembers with its configuration files only (rc)', () => {
        const text = 'k8sbm-packages 1\nmanager=apt\nnow=100\ncache_mtime=40\n@dpkg\nk8sbm-demo\tall\t1.0-1\trc \n@end\n';
        const f = parsePackagesOutput({ code: 0, signal: null, stdout: text, stderr: '' }, q(['k8sbm-demo'], false));
        assert.deepEqual(f, { manager: 'apt', packages: { 'k8sbm-demo': { installed: false, version: '1.0-1', status: 'config-files' } }, cacheAge: 60 });
    });
    it('without candidates the policy section is absent and so is every candidate field', () => {
        const f = parsePackagesOutput(out('packages', 'apt-no-candidates.txt'), q(['k8sbm-demo', 'dpkg'], false));
        assert.equal(f.packages['k8sbm-demo'].candidate, undefined);
        assert.equal(f.packages['k8sbm-demo'].held, true);
    });
    it('dnf: rpm -q, versionlock list (excludes are not locks), repoquery candidates', () => {
        const f = parsePackagesOutput(out('packages', 'dnf-rocky9-written.txt'), q(['kubelet', 'kubeadm', 'podman'], true, 'dnf'));
        assert.equal(f.manager, 'dnf');
        assert.deepEqual(f.packages.kubelet, { installed: true, version: '1.31.2-150500.1.1', arch: 'x86_64', held: true, candidate: '1.31.3-150500.1.1' });
        assert.deepEqual(f.packages.kubeadm, { installed: false, candidate: '1.31.3-150500.1.1' });
        assert.equal(f.packages.podman.version, '2:4.9.4-1.el9');
        assert.equal(f.cacheAge, null);
        assert.deepEqual([...parseVersionlockList(['kubernetes-cni-0:1.5.1-150500.1.1.*', '# c', '', '!x-1.0'])], ['kubernetes-cni']);
    });
    it('no apt, no dnf: manager unknown; a cut-off or failed query is an error, not a guess', () => {
        const unknown = parsePackagesOutput({ code: 0, signal: null, stdout: 'k8sbm-packages 1\nmanager=unknown\nnow=1\n@end\n', stderr: '' }, q(['x'], false, 'auto'));
        assert.deepEqual(unknown, { manager: 'unknown', packages: { x: { installed: false } }, cacheAge: null });
        assert.throws(() => parsePackagesOutput({ code: 0, signal: null, stdout: 'k8sbm-packages 1\nmanager=apt\n@dpkg\n', stderr: '' }, q(['x'], false)), FactParseError);
        assert.throws(() => parsePackagesOutput({ code: 1, signal: null, stdout: '', stderr: 'sh: 1: boom' }, q(['x'], false)), /boom/);
    });
    it('keys name the set of packages, in one spelling', () => {
        assert.equal(packageFactKey({ names: ['kubelet', 'kubeadm', 'kubelet'] }), 'kubeadm kubelet');
        assert.equal(packageFactKey({ names: ['kubelet'] }), 'kubelet');
    });
});
describe('service fact (systemctl show, SysV scripts)', () => {
    it('SysV: stopped without links, running with S links, running disabled (K links), missing', () => {
        assert.deepEqual(parseServiceOutput(out('services', 'sysv-stopped-no-links.txt'), 'k8sbm-demo'), {
            init: 'sysv', exists: true, unit: '/etc/init.d/k8sbm-demo', active: false, activeState: 'not running',
            enabled: false, enabledState: 'no links', enableTool: 'update-rc.d', hasLinks: false,
        });
        const on = parseServiceOutput(out('services', 'sysv-running-enabled.txt'), 'k8sbm-demo');
        assert.deepEqual([on.active, on.enabled, on.enabledState, on.hasLinks], [true, true, 'S links', true]);
        const off = parseServiceOutput(out('services', 'sysv-running-disabled.txt'), 'k8sbm-demo');
        assert.deepEqual([off.active, off.enabled, off.enabledState], [true, false, 'K links']);
        assert.deepEqual(parseServiceOutput(out('services', 'sysv-missing.txt'), 'kubelet.service'), {
            init: 'sysv', exists: false, unit: '/etc/init.d/kubelet', enableTool: 'update-rc.d',
        });
    });
    it('systemd: activating counts as running; reload needed; masked; not found', () => {
        const k = parseServiceOutput(out('services', 'systemd-kubelet-written.txt'), 'kubelet');
        assert.deepEqual(k, {
            init: 'systemd', exists: true, unit: 'kubelet.service', active: true, activeState: 'activating/auto-restart',
            enabled: true, enabledState: 'enabled', masked: false, needsDaemonReload: true,
        });
        assert.equal(parseServiceOutput(out('services', 'systemd-masked-written.txt'), 'ufw').masked, true);
        assert.deepEqual(parseServiceOutput(out('services', 'systemd-missing-written.txt'), 'nosuch'), { init: 'systemd', exists: false, unit: 'nosuch.service' });
    });
    it('names: kubelet and kubelet.service are one service; other unit types keep their suffix', () => {
        assert.equal(serviceKey('kubelet.service'), 'kubelet');
        assert.equal(systemdUnitName('kubelet'), 'kubelet.service');
        assert.equal(systemdUnitName('docker.socket'), 'docker.socket');
    });
});
describe('apt source fact (list, keyring, key_url in one exec)', () => {
    const binaryKey = readFileSync(fixture('facts', 'apt', 'capture-key.gpg'));
    it('reads the list text, the keyring and the key the URL serves', () => {
        const query = { list: '/etc/apt/sources.list.d/k8sbm-demo.list', keyring: '/etc/apt/keyrings/k8sbm-demo.gpg', keyUrl: 'file:///srv/k8sbm-repo/key.asc' };
        const st = parseAptSourceOutput(out('apt', 'source-present-key-url.txt'), query);
        assert.equal(st.listText, 'deb [signed-by=/etc/apt/keyrings/k8sbm-demo.gpg] file:/srv/k8sbm-repo stable main\n');
        assert.equal(st.list.mode, '0644');
        assert.equal(st.list.owner, 'root');
        assert.equal('content' in st.list, false, 'facts stay plain JSON');
        assert.equal(st.keyring.size, binaryKey.length);
        assert.equal(st.keyring.type, 'file');
        assert.ok(st.fetchedKey && 'base64' in st.fetchedKey);
        assert.match(Buffer.from(st.fetchedKey.base64, 'base64').toString('utf8'), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    });
    it('absent files and a URL that cannot be fetched', () => {
        const query = { list: '/etc/apt/sources.list.d/other.sources', keyring: '/etc/apt/keyrings/other.gpg', keyUrl: 'file:///srv/nothing-here.asc' };
        const st = parseAptSourceOutput(out('apt', 'source-absent-url-missing.txt'), query);
        assert.equal(st.list.exists, false);
        assert.equal(st.keyring.exists, false);
        assert.ok(st.fetchedKey && 'error' in st.fetchedKey);
        assert.match(st.fetchedKey.error, /curl: \(37\)|Couldn't read file|exit 37/);
        assert.equal(aptSourceKey(query), '/etc/apt/sources.list.d/other.sources|/etc/apt/keyrings/other.gpg|file:///srv/nothing-here.asc');
    });
});
//# sourceMappingURL=package-facts.test.js.map