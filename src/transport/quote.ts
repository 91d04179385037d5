import { K8sbmError } from '../source/errors.js';
import type { BecomeSpec, ExecRequest } from './connection.js';
import { canExec, supervisedArgv } from './supervise.js';

/**
 * The ONE place that turns arguments into shell text. Everything else passes argv arrays.
 * Single quotes make every character literal except the single quote itself, which is closed,
 * escaped and reopened: it's -> 'it'\''s'.
 */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (arg.includes('\0')) {
    // No shell, exec or sshd passes it on: refused here, before a connection sees it.
    throw new K8sbmError('K8SBM_NUL_BYTE', `a command argument holds a NUL byte: ${JSON.stringify(arg.length > 60 ? `${arg.slice(0, 57)}...` : arg)}`, {
      hint: 'remove the \\0 (a NUL cannot be passed in a command, an environment variable or a path); to write binary data, put it in a file and use copy with src',
    });
  }
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Linux takes at most 128 KiB in one argument (MAX_ARG_STRLEN), and a command reaches the node
 * as one: the argument of `sh -c`. What wraps it (cd, env, sudo, the supervisor) gets 4 KiB.
 */
export const MAX_COMMAND_BYTES = 128 * 1024 - 4096;

export function toShellLine(argv: readonly string[]): string {
  const line = argv.map(shellQuote).join(' ');
  if (line.length > MAX_COMMAND_BYTES / 4 && Buffer.byteLength(line) > MAX_COMMAND_BYTES) {
    throw new K8sbmError('K8SBM_COMMAND_TOO_LONG', `the command line is ${Buffer.byteLength(line)} bytes; a command can be at most ${MAX_COMMAND_BYTES} (the kernel's limit on one argument, less room for the wrapping)`, {
      hint: 'pass large data in a file (copy with content or src, then use the file) instead of in the command',
    });
  }
  return line;
}

/**
 * The other way round: POSIX shell word splitting without expansions, as Ansible's command
 * module does (shlex): quotes group, backslash escapes; `|`, `>`, `$HOME` and `*` stay literal.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < line.length) cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote in: ${line}`);
  if (inWord) words.push(cur);
  return words;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a request runs through sudo: only when it asks for a user other than the login user. */
export function needsBecome(req: ExecRequest, currentUser?: string): boolean {
  return req.become !== undefined && !(currentUser !== undefined && currentUser === req.become.user);
}

export interface RemoteCommandOptions {
  /** sudo authenticates with a password fed on stdin (see becomeWrap) instead of failing with -n. */
  readonly becomePassword?: boolean | undefined;
  /**
   * Enforce req.timeoutMs on the remote side with timeout(1): TERM, then KILL a second later
   * (exit 124 or 137). sshd refuses signal requests on root sessions, so the far end must do it.
   */
  readonly remoteTimeout?: boolean | undefined;
  /**
   * Run the command under the supervisor (see supervise.ts), which stops it when the channel's
   * stdin ends. The transport then keeps stdin open for as long as the command runs, and writes
   * PAYLOAD_END after a payload of `stdinBytes` bytes.
   */
  readonly supervise?: { readonly stdinBytes: number } | undefined;
}

/**
 * The full command line a transport runs for a request: cwd, environment and privilege
 * escalation wrapped around the quoted argv, as one `sh -c` string; with `supervise`, the
 * supervisor's argv (see supervisedCommand) as a line that execs it.
 */
export function buildRemoteCommand(req: ExecRequest, currentUser?: string, opts: RemoteCommandOptions = {}): string {
  if (opts.supervise) return `exec ${toShellLine(supervisedCommand(req, currentUser, { ...opts, supervise: opts.supervise }))}`;
  const inner = commandLine(req, opts, false);
  return req.become && needsBecome(req, currentUser) ? becomeWrap(req.become, inner, { password: opts.becomePassword === true }) : inner;
}

/**
 * The program and arguments that run a request under the supervisor (supervise.ts): sudo when
 * becoming another user (so that the supervisor runs as that user), then `sh -c` with the
 * supervisor's scripts and the command line. A local transport spawns it as it is.
 */
export function supervisedCommand(req: ExecRequest, currentUser: string | undefined, opts: RemoteCommandOptions & { readonly supervise: { readonly stdinBytes: number } }): string[] {
  const become = req.become && needsBecome(req, currentUser) ? req.become : undefined;
  const password = opts.becomePassword === true;
  const argv = supervisedArgv(commandLine(req, opts, true), opts.supervise.stdinBytes, { announce: become && password ? ANNOUNCE_READY : undefined });
  return become ? [...sudoArgv(become, password), ...argv] : argv;
}

/**
 * The line the host shell (host-shell.ts) runs for a request, in a subshell of its own. `ref`
 * names a shell variable that holds a long argument (sent once per session), or says to quote it
 * here. A script run with `sh -c SCRIPT NAME ARGS` and no environment or timeout of its own runs
 * in that subshell itself (`set -- ARGS; eval SCRIPT`): no program start for `sh` (its `$0` is
 * the host shell's, `k8sbm`, as under the supervisor); a script that asks for its own process
 * (`$$`) is run by `sh` as it asks.
 */
export function hostShellLine(req: ExecRequest, ref: (text: string) => string | undefined): string {
  const word = (arg: string): string => {
    const name = ref(arg);
    return name === undefined ? shellQuote(arg) : `"$${name}"`;
  };
  const cd = req.cwd ? `cd ${shellQuote(req.cwd)} && ` : '';
  if (runsInHostShell(req)) return `${cd}set -- ${req.argv.slice(4).map(shellQuote).join(' ')}; eval ${word(req.argv[2]!)}`;
  return commandLine(req, { remoteTimeout: true }, true, word);
}

/**
 * A script the host shell runs in its own subshell (`set -- ARGS; eval SCRIPT`), no `sh` started:
 * its arguments are never a program's command line, so they show nowhere on the host (`ps`).
 */
export function runsInHostShell(req: ExecRequest): boolean {
  const [program, flag, script] = req.argv;
  return program === 'sh' && flag === '-c' && script !== undefined && !script.includes('$$') && !req.timeoutMs && Object.keys(req.env ?? {}).length === 0;
}

/** The command line that starts the host shell or its watcher: through `sudo -n` when it runs as another user. */
export function hostShellCommand(argv: readonly string[], become: BecomeSpec | undefined): string {
  return `exec ${toShellLine(become ? [...sudoArgv(become, false), ...argv] : argv)}`;
}

/** cd, env and timeout(1) around the quoted argv; `exec` in front of the program where it can be. */
function commandLine(req: ExecRequest, opts: RemoteCommandOptions, exec: boolean, word?: (arg: string) => string): string {
  let inner = word ? req.argv.map(word).join(' ') : toShellLine(req.argv);
  let program = req.argv[0] ?? '';
  if (opts.remoteTimeout && req.timeoutMs) {
    inner = `timeout -k 1 ${req.timeoutMs / 1000} ${inner}`;
    program = 'timeout';
  }
  const envPairs = Object.entries(req.env ?? {});
  for (const [k] of envPairs) {
    if (!ENV_NAME.test(k)) {
      throw new K8sbmError('K8SBM_ENV_NAME_INVALID', `invalid environment variable name: ${JSON.stringify(k)}`, { hint: 'names are letters, digits and _, not starting with a digit' });
    }
  }
  if (envPairs.length) {
    inner = `env ${envPairs.map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ')} ${inner}`;
    program = 'env';
  }
  // exec: the program takes the shell's place, so the exit status sshd or sudo reports is its own.
  if (exec && canExec(program)) inner = `exec ${inner}`;
  if (req.cwd) inner = `cd ${shellQuote(req.cwd)} && ${inner}`;
  return inner;
}

/**
 * What sudo prints (on stderr, because of -S) when it wants the password. No `%`: sudo expands
 * %-escapes in prompts.
 */
export const BECOME_PROMPT = '[k8sbm-become-password]';
/** The first line the command writes to stderr once sudo let it run. */
export const BECOME_READY = 'k8sbm-become-ready';
const ANNOUNCE_READY = `printf '%s\\n' ${BECOME_READY} >&2`;

/**
 * Without a password: `sudo -n` fails at once instead of waiting for a prompt nobody answers.
 * With one: `sudo -S -p PROMPT` reads it from stdin. The password is never in argv; the transport
 * writes it only after sudo printed PROMPT, and the command's own stdin only after it printed
 * READY. Writing the password blindly as the first stdin line would hand it to the command
 * whenever sudo does not ask (NOPASSWD rules, cached credentials, root becoming another user).
 * `-k` keeps sudo from updating a timestamp that a later exec would then find.
 */
export function becomeWrap(become: BecomeSpec, inner: string, opts: { password: boolean } = { password: false }): string {
  return toShellLine([...sudoArgv(become, opts.password), 'sh', '-c', opts.password ? `${ANNOUNCE_READY}; ${inner}` : inner]);
}

function sudoArgv(become: BecomeSpec, password: boolean): string[] {
  return password
    ? ['sudo', '-S', '-k', '-p', BECOME_PROMPT, '-H', '-u', become.user, '--']
    : ['sudo', '-n', '-H', '-u', become.user, '--'];
}
