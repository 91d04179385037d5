import type { BecomeSpec, ExecRequest } from './connection.js';

/**
 * The ONE place that turns arguments into shell text. Everything else passes argv arrays.
 * Single quotes make every character literal except the single quote itself, which is closed,
 * escaped and reopened: it's -> 'it'\''s'.
 */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function toShellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The full command line a transport runs for a request: cwd, environment and privilege
 * escalation wrapped around the quoted argv, as one `sh -c` string.
 */
export function buildRemoteCommand(req: ExecRequest, currentUser?: string): string {
  let inner = toShellLine(req.argv);
  const envPairs = Object.entries(req.env ?? {});
  for (const [k] of envPairs) {
    if (!ENV_NAME.test(k)) throw new Error(`invalid environment variable name: ${k}`);
  }
  if (envPairs.length) inner = `env ${envPairs.map(([k, v]) => shellQuote(`${k}=${v}`)).join(' ')} ${inner}`;
  if (req.cwd) inner = `cd ${shellQuote(req.cwd)} && ${inner}`;
  if (req.become && !(currentUser !== undefined && currentUser === req.become.user)) {
    return becomeWrap(req.become, inner);
  }
  return inner;
}

export function becomeWrap(become: BecomeSpec, inner: string): string {
  return toShellLine(['sudo', '-n', '-H', '-u', become.user, '--', 'sh', '-c', inner]);
}
