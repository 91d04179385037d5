import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { loadCrdFiles } from '../../src/modules/kubernetes/k8s-schemas.js';
import { apiGroupsOf, SHIPPED_UPSTREAMS, shippedCrdFiles, shippedDir } from '../../src/modules/kubernetes/shipped-crds.js';
import { K8sbmError } from '../../src/source/errors.js';
import { packageRoot, packageRootFrom } from '../../src/util/package-root.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
/**
 * The upstream releases shipped under the roles that deploy them: every file is the one its
 * SHA256SUMS names, VERSION is the version the code pins, and the maintainer script that replaces
 * a release agrees with the layout (what can be tried without a network).
 */
function filesUnder(dir, base = dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? filesUnder(join(dir, e.name), base) : [relative(base, join(dir, e.name))]);
}
function sums(dir) {
    const lines = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean);
    return new Map(lines.map((l) => {
        const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(l);
        assert.ok(m, `not a sha256sum line: ${l}`);
        return [m[2], m[1]];
    }));
}
function versionFile(dir) {
    return Object.fromEntries(readFileSync(join(dir, 'VERSION'), 'utf8').split('\n').filter(Boolean).map((l) => {
        const eq = l.indexOf('=');
        return [l.slice(0, eq), l.slice(eq + 1)];
    }));
}
const script = join(repoRoot, 'scripts', 'fetch-upstream.sh');
const fetchUpstream = (...args) => spawnSync('bash', [script, ...args], { encoding: 'utf8' });
describe('shipped upstream releases', () => {
    for (const u of SHIPPED_UPSTREAMS) {
        const dir = shippedDir(u);
        it(`${u.project}: every file matches SHA256SUMS, and SHA256SUMS lists every file`, () => {
            const listed = sums(dir);
            const present = filesUnder(dir).filter((f) => f !== 'SHA256SUMS' && f !== 'VERSION').sort();
            assert.deepEqual([...listed.keys()].sort(), present);
            assert.ok(listed.has('LICENSE'));
            for (const [file, hash] of listed) {
                assert.equal(createHash('sha256').update(readFileSync(join(dir, file))).digest('hex'), hash, file);
            }
        });
        it(`${u.project}: VERSION names the pinned version and its source`, () => {
            const v = versionFile(dir);
            assert.equal(v.project, u.project);
            assert.equal(v.version, u.version);
            assert.match(v.source ?? '', new RegExp(`^https://raw\\.githubusercontent\\.com/[\\w-]+/[\\w-]+/${u.version.replace(/\./g, '\\.')}$`));
            assert.match(v.release ?? '', new RegExp(`/releases/tag/${u.version.replace(/\./g, '\\.')}$`));
        });
        it(`${u.project}: its CRDs define exactly the API groups pinned for it`, () => {
            const files = shippedCrdFiles(new Set(u.groups));
            assert.ok(files.length >= 1);
            assert.ok(files.every((f) => f.startsWith(`${dir}/`)), files.join(', '));
            const groups = new Set(loadCrdFiles(files).kinds().map((k) => k.slice(0, k.lastIndexOf('/'))));
            assert.deepEqual([...groups].sort(), [...u.groups].sort());
        });
        it(`${u.project}: the fetch script's plan for ${u.version} is exactly the shipped files`, () => {
            const r = fetchUpstream('--dry-run', u.project, u.version);
            assert.equal(r.status, 0, r.stderr);
            const lines = r.stdout.trim().split('\n');
            const dests = lines.map((l) => l.split(' -> ')[1]).map((d) => relative(join(repoRoot, u.dir), join(repoRoot, d))).sort();
            assert.deepEqual(dests, [...sums(dir).keys()].sort());
            for (const l of lines)
                assert.match(l, new RegExp(`^https://raw\\.githubusercontent\\.com/\\S+/${u.version.replace(/\./g, '\\.')}/\\S+ -> `));
            assert.equal(versionFile(dir).source, /^(\S+?\/v[^/]+)\//.exec(lines[0])[1]);
        });
    }
    it('no manifest group, no shipped CRD read; a MetalLB object, only the MetalLB CRDs', () => {
        assert.deepEqual(shippedCrdFiles(apiGroupsOf([{ apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'apps/v1', kind: 'Deployment' }, 'junk'])), []);
        const metallb = shippedCrdFiles(apiGroupsOf([{ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' }]));
        assert.ok(metallb.length > 0 && metallb.every((f) => f.includes('/roles/metallb/')), metallb.join(', '));
    });
});
describe('the package root', () => {
    it('is the checkout, found from the code\'s own place', () => {
        assert.equal(packageRoot(), repoRoot);
    });
    it('stops at the first package.json above: another package\'s is an error, never a step further up', () => {
        const top = tempDir('pkgroot');
        writeFileSync(join(top, 'package.json'), JSON.stringify({ name: 'k8sbm' }));
        const nested = join(top, 'node_modules', 'other', 'dist', 'src', 'util');
        mkdirSync(nested, { recursive: true });
        assert.equal(packageRootFrom(join(top, 'dist', 'src', 'util')), top);
        writeFileSync(join(top, 'node_modules', 'other', 'package.json'), JSON.stringify({ name: 'other' }));
        assert.throws(() => packageRootFrom(nested), (e) => e instanceof K8sbmError && e.code === 'K8SBM_INSTALL_BROKEN' && /names "other"/.test(e.message));
    });
});
describe('scripts/fetch-upstream.sh without a network', () => {
    it('--help explains itself and exits 0', () => {
        const r = fetchUpstream('--help');
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^Usage: scripts\/fetch-upstream\.sh \[--dry-run\] PROJECT VERSION$/m);
        assert.match(r.stdout, /rook_ceph\/files\/upstream/);
    });
    it('refuses what is not a release tag, an unknown project, a wrong count or option: exit 2 before any download', () => {
        const cases = [
            [['rook', '1.20.6'], /version "1\.20\.6" is not a release tag such as v0\.16\.1/],
            [['metallb', 'v0.16.1;touch x'], /is not a release tag/],
            [['metallb', 'main'], /version "main" is not a release tag/],
            [['metallb', 'v0.16'], /is not a release tag/],
            [['calico', 'v3.28.0'], /unknown project "calico": metallb or rook/],
            [['metallb'], /expected PROJECT and VERSION, got 1 argument/],
            [['--force', 'metallb', 'v0.16.1'], /unknown option --force/],
        ];
        for (const [args, message] of cases) {
            const r = fetchUpstream(...args);
            assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
            assert.match(r.stderr, message, args.join(' '));
            assert.equal(r.stdout, '', args.join(' '));
        }
    });
    it('accepts a pre-release tag (dry run)', () => {
        const r = fetchUpstream('--dry-run', 'rook', 'v1.21.0-beta.0');
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /rook\/v1\.21\.0-beta\.0\/deploy\/examples\/operator\.yaml -> /);
    });
});
//# sourceMappingURL=shipped-upstream.test.js.map