import type { ClientChannel } from 'ssh2';
import { interruptedError, UnreachableError, type Connection, type ConnectionSpec, type ExecRequest, type ExecResult, type SshOptions, type StopOutcome } from './connection.js';
import { ExecStreams } from './exec-io.js';
import { withTimeoutNote } from './local.js';
import { buildRemoteCommand, hostShellCommand, needsBecome } from './quote.js';
import { fitsHostShell, HostShell, type ShellChannel } from './host-shell.js';
import { DialError, endpointLabel, type SshClient } from './ssh-dial.js';
import { SshRun } from './ssh-run.js';
import { Semaphore } from '../util/semaphore.js';
import { RunningCommands } from './running.js';
import { payloadBytes } from './supervise.js';
import { resolveEndpoint, resolveRoute, type SshEndpoint } from './ssh-settings.js';

/**
 * Channels open at once on one connection. OpenSSH refuses more than MaxSessions (default 10)
 * per connection; staying below leaves room for a human's `ssh -o ControlMaster` habits.
 */
export const MAX_CHANNELS = 8;

/**
 * How long after its timeout a command that did not end is abandoned (timeout -k 1 plus slack):
 * its channel is closed, which makes the supervisor on the host stop it.
 */
const KILL_GRACE_MS = 3_000;
const CLOSE_WAIT_MS = 2_000;
/** Host shells started per connection at most (one per user it runs as, a new one after one ended). */
const MAX_SHELL_STARTS = 4;
/** K8SBM_HOST_SHELL=0 runs every command on a channel of its own (to compare, or to rule the shell out). */
const HOST_SHELL_ON = (): boolean => process.env.K8SBM_HOST_SHELL !== '0';
/** Refused channel opens retried while none of ours is open (backoff from 50 ms up to 1 s each). */
const OPEN_RETRIES = 6;

/**
 * One persistent SSH connection to a host for the whole run, opened on first use. Every exec is a
 * channel on it (up to MAX_CHANNELS at once). A connection lost mid-run fails the commands in
 * flight and every later one with UnreachableError: the host stays unreachable. Every command
 * runs under the supervisor (supervise.ts): the end of its channel's stdin, whether sent by
 * stopCommands() or by the connection going away, stops it on the host with its process group.
 */
export class SshConnection implements Connection {
  readonly host: string;
  #count = 0;
  #upkeep = 0;
  #opening: Promise<void> | undefined;
  #client: SshClient | undefined;
  #endpoint: SshEndpoint | undefined;
  #lost: UnreachableError | undefined;
  #closing = false;
  #lastError: string | undefined;
  #releaseRoute: (() => void) | undefined;
  /** Exec channels of ours open now. */
  #channels = 0;
  readonly #inflight = new Set<(e: UnreachableError) => void>();
  readonly #running = new RunningCommands();
  readonly #slots = new Semaphore(MAX_CHANNELS);
  readonly #run: SshRun;
  /** Host shells (host-shell.ts) by the user they run as ('' for the login user). */
  readonly #shells = new Map<string, HostShell | Promise<HostShell | undefined> | 'off'>();
  #shellStarts = 0;
  readonly #lightSeen = new Set<string>();
  #channelsOpened = 0;

  constructor(readonly spec: ConnectionSpec, private readonly opts: SshOptions, run?: SshRun) {
    this.host = spec.host;
    this.#run = run ?? new SshRun(opts);
  }

  get execCount(): number { return this.#count; }

  get upkeepCount(): number { return this.#upkeep; }

  /** Channels opened so far: sessions of sshd on the host (an exec in the host shell opens none). */
  get channelCount(): number { return this.#channelsOpened; }

  /** The settings the connection uses (after connect). */
  get endpoint(): SshEndpoint | undefined { return this.#endpoint; }

  connect(): Promise<void> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<void> {
    const env = this.#run.settingsEnv();
    const config = this.#run.config();
    const ep = resolveEndpoint({
      alias: this.spec.address,
      // ConnectionSpec says 22 when the inventory says nothing: let ssh_config's Port apply then.
      port: this.spec.port === 22 ? undefined : this.spec.port,
      user: this.spec.user,
      keyFile: this.spec.privateKeyFile,
      commonArgs: this.spec.sshCommonArgs,
    }, config, env);
    this.#endpoint = ep;
    this.#run.noteEndpoint(ep, this.host);
    if (ep.problem) throw new UnreachableError(this.host, ep.problem);
    let route: SshEndpoint[];
    try {
      route = resolveRoute(ep, config, env);
    } catch (e) {
      throw new UnreachableError(this.host, (e as Error).message);
    }
    const opened = this.#run.openRoute(route);
    this.#releaseRoute = opened.release;
    try {
      const via = await opened.client;
      const label = route.length ? `jump host ${endpointLabel(route[route.length - 1]!)}` : '';
      this.#client = await this.#run.dial(ep, via ? { client: via, label } : undefined);
    } catch (e) {
      opened.release();
      if (e instanceof DialError) throw new UnreachableError(this.host, e.reason, e.hint);
      throw e;
    }
    const client = this.#client;
    client.on('error', (e: Error) => { this.#lastError = e.message; });
    client.on('close', () => {
      this.#lost = this.#closing ? new UnreachableError(this.host, 'connection closed') : UnreachableError.lost(this.host, this.#lastError ?? 'closed by the remote side');
      for (const fail of [...this.#inflight]) fail(this.#lost);
    });
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    if (req.upkeep) this.#upkeep++;
    else this.#count++;
    if (this.#running.stopping && !req.afterStop) throw interruptedError(this.host);
    await this.connect();
    if (this.#lost) throw this.#lost;
    const inShell = await this.#inShell(req);
    if (inShell) return inShell;
    if (this.#lost) throw this.#lost;
    if (this.#running.stopping && !req.afterStop) throw interruptedError(this.host);
    const release = await this.#slots.acquire();
    try {
      if (this.#lost) throw this.#lost;
      if (this.#running.stopping && !req.afterStop) throw interruptedError(this.host);
      return await this.#exec(this.#client!, req);
    } finally {
      release();
    }
  }

  /**
   * The request run in the host shell of the user it runs as, when it may (light, no become
   * password) and that shell is free; undefined: it takes a channel of its own.
   */
  async #inShell(req: ExecRequest): Promise<ExecResult | undefined> {
    if (!HOST_SHELL_ON() || !fitsHostShell(req)) return undefined;
    const become = needsBecome(req, this.#endpoint!.user) ? req.become : undefined;
    if (become && this.opts.becomePassword) return undefined;
    const key = become?.user ?? '';
    let entry = this.#shells.get(key);
    // The first such request takes a channel: a host that gets one (a converged run's batch
    // of facts) is not worth a shell. The second starts it.
    if (entry === undefined && !this.#lightSeen.has(key)) {
      this.#lightSeen.add(key);
      return undefined;
    }
    if (entry === undefined) {
      // A few starts per connection at most: a shell that keeps ending is not worth another.
      if (this.#shellStarts >= MAX_SHELL_STARTS) return undefined;
      this.#shellStarts++;
      entry = this.#startShell(key, become);
      this.#shells.set(key, entry);
    }
    const shell = entry === 'off' ? undefined : await entry;
    if (!shell || this.#lost || (this.#running.stopping && !req.afterStop)) return undefined;
    // A patient request waits for the shell to be free, within its patience in all.
    const until = Date.now() + (req.patient ?? 0);
    while (req.patient !== undefined && shell.busy && Date.now() < until && !this.#lost && !this.#running.stopping) await shell.whenFree(until - Date.now());
    if (this.#lost || (this.#running.stopping && !req.afterStop)) return undefined;
    const running = shell.run(req);
    if (!running) return undefined;
    const onLost = (e: UnreachableError): void => shell.abandon(e);
    this.#inflight.add(onLost);
    const ended = this.#running.add(() => shell.stop());
    try {
      return await running;
    } finally {
      this.#inflight.delete(onLost);
      ended();
    }
  }

  /** Starts a host shell on two channels of its own (the shell and its watcher), held while it lives. */
  async #startShell(key: string, become: ExecRequest['become']): Promise<HostShell | undefined> {
    const releases = [await this.#slots.acquire(), await this.#slots.acquire()];
    const releaseAll = (): void => { for (const r of releases.splice(0)) r(); };
    try {
      const shell = await HostShell.start((argv) => this.#openChannel(hostShellCommand(argv, become)), () => {
        releaseAll();
        if (this.#shells.get(key) === shell) this.#shells.delete(key);
      });
      if (!shell) {
        releaseAll();
        this.#shells.set(key, 'off');
        return undefined;
      }
      this.#shells.set(key, shell);
      return shell;
    } catch {
      // The host refused the channels (MaxSessions?): its requests take a channel each, as before.
      releaseAll();
      this.#shells.set(key, 'off');
      return undefined;
    }
  }

  /**
   * Opens a channel for the host shell. A refused open is tried again as #exec does (sshd may
   * not yet have freed a session that just closed), so that one transient refusal does not turn
   * the shell off for the rest of the run.
   */
  #openChannel(line: string): Promise<ShellChannel> {
    const client = this.#client!;
    return new Promise<ShellChannel>((resolve, reject) => {
      let refusals = 0;
      let refusedAlone = 0;
      const attempt = (): void => {
        if (this.#lost) { reject(this.#lost); return; }
        try {
          client.exec(line, opened);
        } catch (e) {
          reject(e as Error);
        }
      };
      const opened = (err: Error | undefined, ch: ClientChannel): void => {
        if (err) {
          refusals++;
          refusedAlone = this.#channels > 0 ? 0 : refusedAlone + 1;
          if (!this.#lost && refusals <= 4 * OPEN_RETRIES && refusedAlone <= OPEN_RETRIES) setTimeout(attempt, Math.min(1_000, 25 * 2 ** refusals));
          else reject(err);
          return;
        }
        this.#channels++;
        this.#channelsOpened++;
        let code: number | null = null;
        const closers: ((c: number | null) => void)[] = [];
        ch.on('exit', (c: number | null) => { code = c ?? null; });
        ch.on('error', () => { /* the close that follows ends it */ });
        ch.on('close', () => {
          this.#channels--;
          for (const f of closers) f(code);
        });
        resolve({
          write: (d) => { try { ch.write(d); } catch { /* closed: the close settles it */ } },
          end: () => { try { ch.end(); } catch { /* closed already */ } },
          onStdout: (f) => { ch.removeAllListeners('data'); ch.on('data', f); },
          onStderr: (f) => { ch.stderr.removeAllListeners('data'); ch.stderr.on('data', f); },
          onClose: (f) => { closers.push(f); },
        });
      };
      attempt();
    });
  }

  #exec(client: SshClient, req: ExecRequest): Promise<ExecResult> {
    const user = this.#endpoint!.user;
    const password = this.opts.becomePassword && needsBecome(req, user) ? this.opts.becomePassword.reveal() : undefined;
    const line = buildRemoteCommand(req, user, { becomePassword: password !== undefined, remoteTimeout: true, supervise: { stdinBytes: payloadBytes(req.stdin) } });
    return new Promise<ExecResult>((resolve, reject) => {
      let done = false;
      let counted = false;
      let refusals = 0;
      let refusedAlone = 0;
      const timers: NodeJS.Timeout[] = [];
      let ended = (): void => {};
      const finish = (f: () => void): void => {
        if (done) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        this.#inflight.delete(onLost);
        ended();
        if (counted) this.#channels--;
        f();
      };
      const onLost = (e: UnreachableError): void => finish(() => reject(e));
      this.#inflight.add(onLost);
      const attempt = (): void => {
        if (done) return;
        try {
          client.exec(line, opened);
        } catch (e) {
          finish(() => reject(this.#lost ?? UnreachableError.lost(this.host, (e as Error).message)));
        }
      };
      const opened = (err: Error | undefined, ch: ClientChannel): void => {
        if (err && !this.#lost && !done) {
          // sshd counts a session against MaxSessions until its main loop frees it, after both
          // sides closed the channel: an open sent right after one of ours closed can be refused
          // on a busy host. While another of ours is open, a session will come free: keep trying.
          refusals++;
          refusedAlone = this.#channels > 0 ? 0 : refusedAlone + 1;
          if (refusedAlone <= OPEN_RETRIES) {
            timers.push(setTimeout(attempt, Math.min(1_000, 25 * 2 ** refusals)));
            return;
          }
        }
        if (err) {
          finish(() => reject(this.#lost ?? new UnreachableError(this.host, `cannot open an SSH channel: ${err.message}`,
            `the server refused a session channel ${refusedAlone} times with none of ours open: check MaxSessions in its sshd_config (k8sbm opens up to ${MAX_CHANNELS} at once)`)));
          return;
        }
        if (done || (this.#running.stopping && !req.afterStop)) {
          ch.close();
          if (!done) finish(() => reject(interruptedError(this.host)));
          return;
        }
        counted = true;
        this.#channels++;
        this.#channelsOpened++;
        const io = new ExecStreams({ write: (d) => ch.write(d), end: () => ch.end() }, req.stdin, password, req.onOutput, { supervised: true });
        ended = this.#running.add(() => io.stop());
        let code: number | null = null;
        let signal: string | null = null;
        let timedOut = false;
        ch.on('data', (b: Buffer) => io.stdout(b));
        ch.stderr.on('data', (b: Buffer) => io.stderr(b));
        ch.on('exit', (c: number | null, s?: string) => {
          code = c ?? null;
          signal = c === null || c === undefined ? s ?? null : null;
        });
        ch.on('error', () => { /* the close that follows settles the exec */ });
        const result = (): ExecResult => {
          const { stdout, stderr } = io.result();
          if (timedOut) {
            // timeout(1) says 124 after TERM and 137 after KILL; an exit before it fired stays as it is.
            const sig = code === 124 ? 'SIGTERM' : code === 137 || code === null ? signal ?? 'SIGKILL' : undefined;
            if (sig) return { code: null, signal: sig, stdout, stderr: withTimeoutNote(stderr, req.timeoutMs!) };
          }
          if (code === null && signal === null) return { code: null, signal: null, stdout, stderr: `${stderr}k8sbm: the channel closed without an exit status\n` };
          return { code, signal, stdout, stderr };
        };
        ch.on('close', () => finish(() => resolve(result())));
        if (req.timeoutMs) {
          timers.push(setTimeout(() => { timedOut = true; }, req.timeoutMs));
          // The far end kills the command (see remoteTimeout); if it still has not ended, give up on
          // it: the end of its stdin has the supervisor stop it.
          timers.push(setTimeout(() => {
            timedOut = true;
            io.stop();
            ch.close();
            finish(() => resolve(result()));
          }, req.timeoutMs + KILL_GRACE_MS));
        }
        io.start();
      };
      attempt();
    });
  }

  stopCommands(waitMs: number): Promise<StopOutcome> {
    return this.#running.stopAll(waitMs);
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#opening) await this.#opening.catch(() => undefined);
    const client = this.#client;
    if (client && !this.#lost) {
      // Host shells end by themselves once their stdin ends; their watchers then touch nothing.
      const shells = [...this.#shells.values()].filter((s): s is HostShell => s instanceof HostShell);
      await Promise.all(shells.map((s) => s.close(CLOSE_WAIT_MS)));
      await new Promise<void>((resolve) => {
        // A server that does not answer the goodbye must not hold up the end of the run.
        const force = setTimeout(() => client.destroy(), CLOSE_WAIT_MS);
        client.once('close', () => { clearTimeout(force); resolve(); });
        client.end();
      });
    }
    this.#releaseRoute?.();
  }
}
