/**
 * The lab's Kubernetes package repository (src/lab/lab-packages.ts), built on the machine into a
 * temporary folder: what pkgs.k8s.io-like layout it has, that apt's signature check (gpgv against
 * the shipped Release.key) passes, what each TEST DOUBLE package holds and prints, and the cache
 * (built once, again with the same key when a double changes).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { controlFileOf } from '../../src/lab/apt-repo.js';
import { doubleWrapper, ensureLabAptRepo, LAB_APT_DIR, LAB_KUBE_VERSIONS, minorDirOf } from '../../src/lab/lab-packages.js';
import { renderLabVars } from '../../src/lab/render.js';
import { evalExpression } from '../../src/template/condition.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';

const work = tempDir('lab-packages');
let repo: string;
before(async () => {
  repo = (await ensureLabAptRepo(join(work, 'apt'), repoRoot)).dir;
});
after(() => removeTempDir(work));

/** Index stanzas of a Packages file as name -> field -> value. */
function stanzas(text: string): Record<string, string>[] {
  return text.trim().split(/\n\n+/).map((s) => Object.fromEntries(s.split('\n').filter((l) => /^\S+: /.test(l)).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
}

/** Verifies an InRelease file against an armored key, as apt does with signed-by. */
function verifies(inRelease: string, armoredKey: string): boolean {
  const keyring = join(work, `keyring-${Math.random().toString(36).slice(2)}.gpg`);
  writeFileSync(keyring, execFileSync('gpg', ['--batch', '--dearmor'], { input: armoredKey }));
  return spawnSync('gpgv', ['--keyring', keyring, inRelease], { stdio: 'ignore' }).status === 0;
}

/** A package's files, unpacked; its /usr/bin/NAME run with the double's log kept in the folder. */
function unpack(minor: string, name: string, version: string): string {
  const dir = join(work, 'x', `${name}-${version}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('dpkg-deb', ['-x', join(repo, minor, 'pool', 'main', `${name}_${version}_all.deb`), dir]);
  return dir;
}
const runIn = (dir: string, name: string, args: readonly string[]): string =>
  execFileSync(join(dir, 'usr', 'bin', name), args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', [`K8SBM_${name.toUpperCase()}_DOUBLE_LOG`]: join(dir, 'calls.log') } }).trim();

describe("the lab's Kubernetes package repository", () => {
  it('has one flat repository per minor release, like pkgs.k8s.io, each signed by the key it ships (Release.key), and the key at its root', () => {
    assert.deepEqual(LAB_KUBE_VERSIONS.map(minorDirOf), ['v1.31', 'v1.32']);
    const key = readFileSync(join(repo, 'Release.key'), 'utf8');
    assert.match(key, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    for (const [minor, version] of [['v1.31', '1.31.4-1.1'], ['v1.32', '1.32.0-1.1']] as const) {
      const index = stanzas(readFileSync(join(repo, minor, 'Packages'), 'utf8'));
      assert.deepEqual(index.map((s) => `${s.Package}=${s.Version}`).sort(), ['kubeadm', 'kubectl', 'kubelet'].map((n) => `${n}=${version}`));
      assert.equal(readFileSync(join(repo, minor, 'Release.key'), 'utf8'), key);
      assert.ok(verifies(join(repo, minor, 'InRelease'), key), `${minor}/InRelease verifies with Release.key`);
      assert.match(readFileSync(join(repo, minor, 'Release'), 'utf8'), /^ [0-9a-f]{64} \d+ Packages$/m);
    }
    // World-readable: apt reads file: repositories as its _apt user.
    assert.equal(execFileSync('find', [repo, '!', '-perm', '-o=r'], { encoding: 'utf8' }), '');
  });

  it('packages the repository\'s doubles as they are, each /usr/bin tool printing its package\'s version', () => {
    for (const v of ['1.31.4', '1.32.0']) {
      const deb = `${v}-1.1`;
      const adm = unpack(minorDirOf(v), 'kubeadm', deb);
      assert.deepEqual(readFileSync(join(adm, 'usr/lib/k8sbm-lab-doubles/kubeadm')), readFileSync(join(repoRoot, 'test/doubles/kubeadm')), 'the kubeadm double, byte for byte');
      assert.equal(runIn(adm, 'kubeadm', ['version', '-o', 'short']), `v${v}`);
      assert.match(readFileSync(join(adm, 'calls.log'), 'utf8'), /"argv": \["version", "-o", "short"\]/, 'the double recorded the call');
      const let_ = unpack(minorDirOf(v), 'kubelet', deb);
      assert.equal(runIn(let_, 'kubelet', ['--version']), `Kubernetes v${v}`);
      assert.match(readFileSync(join(let_, 'etc/init.d/kubelet'), 'utf8'), /^# Provides: +kubelet$/m, 'a SysV init script: lab nodes have no systemd');
      const ctl = unpack(minorDirOf(v), 'kubectl', deb);
      assert.equal(runIn(ctl, 'kubectl', ['version', '--client']), `Client Version: v${v}`);
    }
    assert.match(doubleWrapper('kubelet', '1.31.4'), /^# TEST DOUBLE of kubelet 1\.31\.4/m);
    // The lab has no controllers: the packaged kubectl has what it applies roll out a second later
    // (site.yml's MetalLB wait on the lab), where the raw double waits for a test's flag.
    const ctl = unpack('v1.31', 'kubectl', '1.31.4-1.1');
    const state = join(ctl, 'state');
    const env = { PATH: process.env.PATH ?? '', K8SBM_KUBECTL_DOUBLE_STATE: state, K8SBM_KUBECTL_DOUBLE_LOG: join(ctl, 'calls.log'), K8SBM_KUBECTL_DOUBLE_JOURNAL: join(ctl, 'journal') };
    const deployment = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } } });
    execFileSync(join(ctl, 'usr/bin/kubectl'), ['apply', '--server-side', '--field-manager=t', '-f', '-'], { input: deployment, env });
    const rollout = (bin: string, timeout: string) => spawnSync(bin, ['rollout', 'status', 'deployment/web', '-n', 'default', `--timeout=${timeout}`], { encoding: 'utf8', env });
    assert.notEqual(rollout(join(ctl, 'usr/lib/k8sbm-lab-doubles/kubectl'), '0.3s').status, 0, 'the raw double: not ready without a flag');
    const packaged = rollout(join(ctl, 'usr/bin/kubectl'), '20s');
    assert.equal(packaged.status, 0, packaged.stderr);
    assert.match(controlFileOf({ name: 'kubelet', version: '1.31.4-1.1', files: {} }), /^Package: kubelet\nVersion: 1\.31\.4-1\.1\nArchitecture: all\n/);
  });

  it('is built once: a second call reuses it; a changed double rebuilds it, signed by the same key', async () => {
    const key = readFileSync(join(repo, 'Release.key'), 'utf8');
    assert.equal((await ensureLabAptRepo(join(work, 'apt'), repoRoot)).built, false);
    // A copy of the repository's doubles with one changed stands in for an edited clone.
    const clone = join(work, 'clone');
    cpSync(join(repoRoot, 'test', 'doubles'), join(clone, 'test', 'doubles'), { recursive: true });
    writeFileSync(join(clone, 'test', 'doubles', 'kubelet'), `${readFileSync(join(clone, 'test', 'doubles', 'kubelet'), 'utf8')}# changed\n`);
    // Another cache holding this lab's signing key: the one build this costs is the rebuild's.
    mkdirSync(join(work, 'apt2'));
    cpSync(join(work, 'apt', 'signing-key.asc'), join(work, 'apt2', 'signing-key.asc'));
    cpSync(join(work, 'apt', 'repo'), join(work, 'apt2', 'repo'), { recursive: true });
    cpSync(join(work, 'apt', 'inputs.sha256'), join(work, 'apt2', 'inputs.sha256'));
    const again = await ensureLabAptRepo(join(work, 'apt2'), clone);
    assert.equal(again.built, true);
    assert.equal(readFileSync(join(again.dir, 'Release.key'), 'utf8'), key, 'the same signing key');
    assert.ok(verifies(join(again.dir, 'v1.31', 'InRelease'), key));
    assert.equal(existsSync(join(work, 'apt2', 'repo.new')), false);
  });

  it("the lab's group_vars point kube_packages at it, by kubernetes_version's minor release", () => {
    const vars = parseYaml(renderLabVars('198.18.7.0/24', '198.18.7.1')) as Record<string, string>;
    assert.equal(vars.kube_packages_key_url, `file://${LAB_APT_DIR}/Release.key`);
    const m = /^file:\/\/\/srv\/k8sbm-lab-apt\/v\{\{(.*)\}\}\/$/.exec(vars.kube_packages_repo_url!);
    assert.ok(m, vars.kube_packages_repo_url);
    assert.equal(evalExpression(m[1]!, { kubernetes_version: '1.32.0' }), '1.32');
    assert.equal(evalExpression(m[1]!, { kubernetes_version: '1.31.4' }), '1.31');
  });
});
