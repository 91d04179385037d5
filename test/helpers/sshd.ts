import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { removeTempDir, tempDir } from './temp.js';

/**
 * Real OpenSSH servers for end-to-end tests: `/usr/sbin/sshd -D -e` on 127.0.0.1 and a free
 * port, with its own host keys, authorized_keys and pid file in a temp dir. Needs root.
 */

export interface KeyPair {
  readonly privateKeyFile: string;
  /** `type base64 comment`, as in an authorized_keys or .pub file. */
  readonly publicLine: string;
}

/** ssh-keygen a key pair (ed25519 unless told), optionally encrypted with a passphrase. */
export function generateKey(dir: string, name: string, opts: { type?: string; passphrase?: string } = {}): KeyPair {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', name, '-f', file], { stdio: 'ignore' });
  return { privateKeyFile: file, publicLine: readFileSync(`${file}.pub`, 'utf8').trim() };
}

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  /** The login password sudo asks for. */
  readonly password: string;
  /** password: sudo asks for it; nopasswd: a NOPASSWD rule. */
  readonly sudo: 'password' | 'nopasswd';
}

export interface SshdOptions {
  readonly authorizedKeys: readonly string[];
  /** Host key types to generate (default ed25519). */
  readonly hostKeyTypes?: readonly string[];
  readonly allowTcpForwarding?: boolean;
  readonly extraConfig?: readonly string[];
  /**
   * Extra login users. They exist only inside a private mount namespace in which sshd runs, with
   * bind-mounted copies of /etc/passwd, /etc/shadow, /etc/group and /etc/sudoers: the real /etc
   * is not touched.
   */
  readonly users?: readonly TestUser[];
}

export interface HostKey {
  readonly type: string;
  /** `type base64`. */
  readonly publicLine: string;
  readonly blob: Buffer;
}

export interface Sshd {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  readonly hostKeys: readonly HostKey[];
  /** `[127.0.0.1]:PORT type base64` lines for every host key. */
  knownHostsLines(): string[];
  /** sshd's log so far. */
  log(): string;
  /** Successful logins so far, each one a separate TCP connection. */
  acceptedLogins(): number;
  /** Kills the per-connection sshd processes (and their sessions), leaving the listener up. */
  killSessions(): number;
  stop(): Promise<void>;
}

export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  // sshd's privilege separation directory; the system's ssh service would create it at boot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = tempDir('sshd');
  const hostKeys: HostKey[] = [];
  const hostKeyLines: string[] = [];
  for (const type of opts.hostKeyTypes ?? ['ed25519']) {
    const k = generateKey(dir, `host_${type}`, { type });
    const [t, b64] = k.publicLine.split(' ') as [string, string];
    hostKeys.push({ type: t, publicLine: `${t} ${b64}`, blob: Buffer.from(b64, 'base64') });
    hostKeyLines.push(`HostKey ${k.privateKeyFile}`);
  }
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, opts.authorizedKeys.map((l) => `${l}\n`).join(''), { mode: 0o644 });
  const users = opts.users ?? [];
  const mounts = users.length ? prepareUsers(dir, users) : undefined;

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const cfg = join(dir, 'sshd_config');
    writeFileSync(cfg, [
      // sshd keeps the first value it reads: the test's own lines go first so they win.
      ...(opts.extraConfig ?? []),
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      ...hostKeyLines,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel VERBOSE',
      `AllowTcpForwarding ${opts.allowTcpForwarding ? 'yes' : 'no'}`,
      '',
    ].join('\n'));
    const child = mounts
      ? spawn('unshare', ['-m', '--propagation', 'private', '--', '/bin/sh', '-c',
        'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shadow && mount --bind "$3" /etc/group && mount --bind "$4" /etc/sudoers && exec /usr/sbin/sshd -D -e -f "$5"',
        'sshd-ns', mounts.passwd, mounts.shadow, mounts.group, mounts.sudoers, cfg], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { log += d; });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitForBanner(port, exited, 10_000);
    } catch (e) {
      child.kill('SIGKILL');
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      removeTempDir(dir);
      throw new Error(`sshd did not start: ${(e as Error).message}\n${log}`);
    }
    return makeHandle(child, port, dir, hostKeys, () => log, exited);
  }
}

function makeHandle(child: ChildProcess, port: number, dir: string, hostKeys: HostKey[], log: () => string, exited: Promise<number | null>): Sshd {
  const pid = child.pid!;
  return {
    host: '127.0.0.1',
    port,
    dir,
    pid,
    hostKeys,
    knownHostsLines: () => hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicLine}`),
    log,
    acceptedLogins: () => (log().match(/Accepted publickey for /g) ?? []).length,
    killSessions: () => {
      const victims = descendantsOf(pid);
      for (const p of victims) { try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ } }
      return victims.length;
    },
    stop: async () => {
      for (const p of descendantsOf(pid)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      child.kill('SIGTERM');
      await exited;
      removeTempDir(dir);
    },
  };
}

/** Every process below `root`, from /proc. */
export function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, pp] of parent) if (pp === p) { out.push(child); walk(child); }
  };
  walk(root);
  return out;
}

/** A port nothing listens on right now (the kernel's pick for an ephemeral bind). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls the port until it answers with an SSH banner, the process exits, or the deadline passes. */
async function waitForBanner(port: number, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => { gone = true; });
  for (;;) {
    if (gone) throw new Error('sshd exited');
    if (await answersSsh(port)) return;
    if (Date.now() > deadline) throw new Error(`no SSH banner on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
    s.once('data', (d: Buffer) => { s.destroy(); resolve(d.toString('latin1').startsWith('SSH-')); });
    s.once('error', () => resolve(false));
  });
}

/** Copies of the account files with the test users added, and a sudoers for them. */
function prepareUsers(dir: string, users: readonly TestUser[]): { passwd: string; shadow: string; group: string; sudoers: string } {
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  const add = (file: string, lines: string[], mode: number): string => {
    const out = join(etc, file);
    const base = readFileSync(`/etc/${file}`, 'utf8');
    writeFileSync(out, `${base}${base.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`, { mode });
    chmodSync(out, mode);
    return out;
  };
  const home = (u: TestUser): string => join(dir, 'home', u.name);
  for (const u of users) {
    mkdirSync(home(u), { recursive: true });
    chownSync(home(u), u.uid, u.uid);
  }
  chmodSync(join(dir, 'home'), 0o755);
  const hash = (pw: string): string => execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: pw }).toString().trim();
  const sudoers = join(etc, 'sudoers');
  writeFileSync(sudoers, [
    'Defaults env_reset',
    'Defaults lecture=never',
    'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    'root ALL=(ALL:ALL) ALL',
    ...users.map((u) => `${u.name} ALL=(ALL:ALL) ${u.sudo === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL`),
    '',
  ].join('\n'));
  chmodSync(sudoers, 0o440);
  return {
    passwd: add('passwd', users.map((u) => `${u.name}:x:${u.uid}:${u.uid}:k8sbm test:${home(u)}:/bin/sh`), 0o644),
    group: add('group', users.map((u) => `${u.name}:x:${u.uid}:`), 0o644),
    shadow: add('shadow', users.map((u) => `${u.name}:${hash(u.password)}:19000:0:99999:7:::`), 0o640),
    sudoers,
  };
}

export interface Agent {
  readonly socket: string;
  add(keyFile: string): void;
  stop(): Promise<void>;
}

/** A real ssh-agent on a socket in `dir`, in the foreground so the test owns the process. */
export async function startAgent(dir: string): Promise<Agent> {
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // In the foreground the agent prints its SSH_AUTH_SOCK line once it listens.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; if (out.includes('SSH_AUTH_SOCK')) resolve(); });
    child.once('exit', () => reject(new Error(`ssh-agent exited: ${out}`)));
  });
  return {
    socket,
    add: (keyFile) => { execFileSync('ssh-add', ['-q', keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' }); },
    stop: async () => { child.kill('SIGTERM'); await exited; },
  };
}

/** A TCP listener that accepts and never says a word (an SSH handshake to it times out). */
export async function startSilentListener(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const srv: Server = createServer((s) => { sockets.push(s); s.on('error', () => undefined); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as { port: number }).port,
    accepted: () => sockets.length,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
