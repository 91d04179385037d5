import type { ExecRequest } from './connection.js';
import { runsInHostShell } from './quote.js';

/**
 * A payload up to this size, text without a NUL byte, for a script that takes its stdin as an
 * argument (ExecRequest.stdinAsArg): it travels quoted in the request's text instead of after it.
 * That spares the two program starts of a payload (`head -c` into the session's file, and
 * whatever the command reads it with), but the shell reads text a byte at a time: measured on a
 * lab node, 300 bytes cost 0.26 ms so, and `head` and `cat` 1.3 ms together, even at some 1.5 KiB.
 */
export const INLINE_PAYLOAD_MAX = 1024;

/**
 * The request with its payload as a last argument, when the script takes it so and it is short
 * text (bytes that come back the same from a string, no NUL: a shell variable cannot hold one);
 * only for a script the shell runs itself, whose arguments no `ps` shows (runsInHostShell).
 */
export function withInlinePayload(req: ExecRequest): ExecRequest | undefined {
  if (!req.stdinAsArg || req.stdin === undefined || !runsInHostShell(req)) return undefined;
  const text = typeof req.stdin === 'string' ? req.stdin : req.stdin.toString('utf8');
  if (text.includes('\0') || Buffer.byteLength(text, 'utf8') > INLINE_PAYLOAD_MAX) return undefined;
  if (typeof req.stdin !== 'string' && !Buffer.from(text, 'utf8').equals(req.stdin)) return undefined;
  return { ...req, argv: [...req.argv, text], stdin: undefined };
}
