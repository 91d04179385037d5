import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A real, signed apt repository built on the machine: .deb packages made with dpkg-deb, indexed
 * with dpkg-scanpackages, the Release file signed (InRelease) with a gpg key of its own. Nothing
 * is installed on the machine; the repository is a folder that is then copied into lab nodes.
 * The lab's Kubernetes package repository (lab-packages.ts) and the package tests' demo
 * repository are both built here.
 */

export interface DebFile {
  readonly content: string | Buffer;
  readonly mode: number;
}

export interface DebPackage {
  readonly name: string;
  readonly version: string;
  /** Paths relative to the package root ("usr/bin/kubelet"). */
  readonly files: Readonly<Record<string, DebFile>>;
  readonly conffiles?: readonly string[] | undefined;
  readonly depends?: readonly string[] | undefined;
  readonly description?: string | undefined;
}

/** Where the index goes: a flat repository ("deb URI /") or a suite with one component. */
export type RepoLayout = { readonly flat: true } | { readonly suite: string; readonly component: string };

export interface SigningKey {
  readonly gnupgHome: string;
  readonly uid: string;
  /** ASCII-armored public key. */
  readonly armored: string;
  /** The same key as `gpg --export` gives it (what a keyring file holds). */
  readonly binary: Buffer;
}

/**
 * Runs a tool to its end, asynchronously (the lab keeps starting its nodes meanwhile); its stdout,
 * or an error naming the command with the tail of its stderr.
 */
export function run(argv: readonly string[], opts: { cwd?: string } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { cwd: opts.cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const tail = stderr.toString('utf8').trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${argv.slice(0, 2).join(' ')} failed: ${tail || err.message}`));
    });
  });
}

export const gpg = (home: string, args: readonly string[]): Promise<Buffer> =>
  run(['gpg', '--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);

/** A new ed25519 signing key in `gnupgHome` (made 0700). */
export async function createSigningKey(gnupgHome: string, uid: string): Promise<SigningKey> {
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  chmodSync(gnupgHome, 0o700);
  const email = /<([^>]+)>/.exec(uid)?.[1] ?? uid;
  await gpg(gnupgHome, ['--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  return { gnupgHome, uid: email, armored: (await gpg(gnupgHome, ['--armor', '--export', email])).toString('utf8'), binary: await gpg(gnupgHome, ['--export', email]) };
}

/** Stops the gpg-agent that key generation and signing started for this home. */
export function stopGpgAgent(gnupgHome: string): void {
  spawnSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'all'], { stdio: 'ignore' });
}

/** The control file of a package, as dpkg-deb wants it. */
export function controlFileOf(pkg: DebPackage): string {
  return [
    `Package: ${pkg.name}`, `Version: ${pkg.version}`, 'Architecture: all', 'Maintainer: k8sbm tests <tests@k8sbm.test>',
    ...(pkg.depends?.length ? [`Depends: ${pkg.depends.join(', ')}`] : []),
    'Section: misc', 'Priority: optional', `Description: ${pkg.description ?? `${pkg.name} for k8sbm's package tests`}`, '',
  ].join('\n');
}

/** Builds one package into `pool` (its staging tree under `stage`); returns the .deb's path. */
export async function buildDeb(stage: string, pool: string, pkg: DebPackage): Promise<string> {
  const root = join(stage, `${pkg.name}_${pkg.version}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'DEBIAN'), { recursive: true, mode: 0o755 });
  for (const [rel, f] of Object.entries(pkg.files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, rel), f.content);
    chmodSync(join(root, rel), f.mode);
  }
  writeFileSync(join(root, 'DEBIAN', 'control'), controlFileOf(pkg));
  if (pkg.conffiles?.length) writeFileSync(join(root, 'DEBIAN', 'conffiles'), `${pkg.conffiles.join('\n')}\n`);
  mkdirSync(pool, { recursive: true, mode: 0o755 });
  const deb = join(pool, `${pkg.name}_${pkg.version}_all.deb`);
  await run(['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', root, deb]);
  return deb;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The Release file's text for one Packages index (`rel` is its path from the Release file's folder). */
export function renderRelease(opts: { suite: string; arch: string; components?: string | undefined; rel: string; packages: Buffer; date: Date; label: string }): string {
  return [
    `Origin: ${opts.label}`, `Label: ${opts.label}`, `Suite: ${opts.suite}`, `Codename: ${opts.suite}`,
    `Date: ${opts.date.toUTCString()}`, `Architectures: ${opts.arch} all`,
    ...(opts.components ? [`Components: ${opts.components}`] : []),
    `Description: ${opts.label}`, 'SHA256:', ` ${sha256(opts.packages)} ${opts.packages.length} ${opts.rel}`, '',
  ].join('\n');
}

export interface BuildRepoOptions {
  /** The repository root, made anew. */
  readonly dir: string;
  readonly layout: RepoLayout;
  readonly packages: readonly DebPackage[];
  readonly key: SigningKey;
  /** Staging folder for the package trees (removed after). */
  readonly stage: string;
  readonly label?: string | undefined;
}

/**
 * Builds the repository for the machine's architecture (`dpkg --print-architecture`, which the
 * lab's nodes share) and signs it: a flat one has Packages, Release and InRelease at its root,
 * a suite one under dists/SUITE/. The key is beside them as Release.key, world-readable like the
 * rest: apt reads file: repositories as its unprivileged _apt user.
 */
export async function buildSignedRepo(o: BuildRepoOptions): Promise<void> {
  rmSync(o.dir, { recursive: true, force: true });
  const component = 'flat' in o.layout ? undefined : o.layout.component;
  const pool = join(o.dir, 'pool', component ?? 'main');
  try {
    await Promise.all(o.packages.map((p) => buildDeb(o.stage, pool, p)));
  } finally {
    rmSync(o.stage, { recursive: true, force: true });
  }
  const arch = (await run(['dpkg', '--print-architecture'])).toString('utf8').trim();
  const packages = await run(['dpkg-scanpackages', '--multiversion', 'pool', '/dev/null'], { cwd: o.dir });
  const releaseDir = 'flat' in o.layout ? o.dir : join(o.dir, 'dists', o.layout.suite);
  const rel = 'flat' in o.layout ? 'Packages' : `${o.layout.component}/binary-${arch}/Packages`;
  mkdirSync(dirname(join(releaseDir, rel)), { recursive: true });
  writeFileSync(join(releaseDir, rel), packages);
  // A flat repository's suite is its path ("/"), which apt does not compare with the Release file.
  const suite = 'flat' in o.layout ? 'stable' : o.layout.suite;
  writeFileSync(join(releaseDir, 'Release'), renderRelease({ suite, arch, components: component, rel, packages, date: new Date(), label: o.label ?? 'k8sbm-tests' }));
  await gpg(o.key.gnupgHome, ['--yes', '--local-user', o.key.uid, '--clearsign', '--output', join(releaseDir, 'InRelease'), join(releaseDir, 'Release')]);
  writeFileSync(join(o.dir, 'Release.key'), o.key.armored);
  await makeWorldReadable(o.dir);
}

export async function makeWorldReadable(dir: string): Promise<void> {
  await run(['chmod', '-R', 'u=rwX,go=rX', dir]);
  if ((statSync(dir).mode & 0o005) !== 0o005) throw new Error(`${dir} is not world-readable`);
}
