import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { toShellLine } from '../transport/quote.js';

/** Running the machine's tools (argv only) and checking that the lab can run here at all. */

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCommand(argv: readonly string[], stdin?: string): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => { /* the tool may exit without reading its input */ });
    child.stdin.end(stdin ?? '');
  });
}

/** Runs a command that must succeed; a failure becomes K8SBM_LAB_COMMAND_FAILED with stderr. */
export async function mustRun(argv: readonly string[], what: string, stdin?: string): Promise<string> {
  const r = await runCommand(argv, stdin);
  if (r.code !== 0) throw commandFailed(argv, what, r);
  return r.stdout;
}

export function commandFailed(argv: readonly string[], what: string, r: CommandResult): K8sbmError {
  const tail = r.stderr.trim().split('\n').slice(-5);
  return new K8sbmError('K8SBM_LAB_COMMAND_FAILED', `${what} failed (exit ${r.code ?? 'signal'})`, {
    details: [`$ ${toShellLine(argv)}`, ...tail.map((l) => `| ${l}`)],
    hint: 'run `k8sbm lab down` to clean up, then try again; the message above is the tool\'s own',
  });
}

/** Tools the lab runs, and the Debian package that ships each. */
export const LAB_TOOLS: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  unshare: 'util-linux',
  nsenter: 'util-linux',
  pivot_root: 'util-linux',
  mount: 'mount',
  umount: 'mount',
  'ssh-keygen': 'openssh-client',
  sshd: 'openssh-server',
  sudo: 'sudo',
  useradd: 'passwd',
  chpasswd: 'passwd',
  hostname: 'hostname',
  // The lab's package repository (lab-packages.ts); dpkg-deb is dpkg's, on every Debian system.
  'dpkg-scanpackages': 'dpkg-dev',
  gpg: 'gnupg',
};

/** The node runs Debian's sshd by its full path: PATH inside a node is not the caller's. */
export const SSHD_PATH = '/usr/sbin/sshd';

export interface PlatformFacts {
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
  /** The PATH to look tools up in (sbin directories are added: root's tools live there). */
  readonly path: string;
  readonly exists: (file: string) => boolean;
}

export function currentPlatform(): PlatformFacts {
  return {
    platform: process.platform,
    uid: process.getuid?.(),
    path: process.env.PATH ?? '',
    exists: (file) => { try { accessSync(file, constants.X_OK); return true; } catch { return false; } },
  };
}

export function findTool(tool: string, facts: PlatformFacts): string | undefined {
  if (tool === 'sshd') return facts.exists(SSHD_PATH) ? SSHD_PATH : undefined;
  const dirs = [...facts.path.split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    const f = join(d, tool);
    if (facts.exists(f)) return f;
  }
  return undefined;
}

/** Linux, root, and every tool present; otherwise the error says what is missing and how to get it. */
export function checkLabPrerequisites(facts: PlatformFacts = currentPlatform()): Map<string, string> {
  if (facts.platform !== 'linux') {
    throw new K8sbmError('K8SBM_LAB_UNSUPPORTED', `k8sbm lab needs Linux (network namespaces, overlayfs), this is ${facts.platform}`, {
      hint: 'run the lab on a Linux machine or VM; playbooks themselves run from any platform',
    });
  }
  if (facts.uid !== 0) {
    throw new K8sbmError('K8SBM_LAB_NEEDS_ROOT', 'k8sbm lab needs root: it creates network namespaces, a bridge, mounts and sshd processes', {
      hint: 'run it as root, e.g. `sudo npx k8sbm lab up` (the lab touches nothing outside its own directory, namespaces and bridge)',
    });
  }
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const tool of Object.keys(LAB_TOOLS)) {
    const f = findTool(tool, facts);
    if (f) found.set(tool, f);
    else missing.push(tool);
  }
  if (missing.length) {
    const pkgs = [...new Set(missing.map((t) => LAB_TOOLS[t]!))];
    throw new K8sbmError('K8SBM_LAB_MISSING_TOOL', `k8sbm lab needs ${missing.map((t) => (t === 'sshd' ? SSHD_PATH : t)).join(', ')}, not found`, {
      details: missing.map((t) => `${t === 'sshd' ? SSHD_PATH : t}: Debian package ${LAB_TOOLS[t]}`),
      hint: `install ${pkgs.length > 1 ? 'them' : 'it'}: apt-get install ${pkgs.join(' ')}`,
    });
  }
  return found;
}

/** Overlay lab nodes cannot run where the kernel has no overlayfs (a node's log then says so). */
export function kernelHasOverlay(): boolean {
  try { return /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8')); } catch { return false; }
}
