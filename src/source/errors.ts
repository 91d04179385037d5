import { type Loc, formatLoc } from './loc.js';
import { sourceLine } from './yaml.js';

/** Stable error codes: scripts and docs rely on them, so never rename one. */
export type ErrorCode = `K8SBM_${string}`;

export interface ErrorInit {
  readonly loc?: Loc | undefined;
  readonly hint?: string | undefined;
  /** Extra lines shown under the headline (e.g. a schema path and its complaint). */
  readonly details?: readonly string[] | undefined;
  /** What the error is about, e.g. `task "enable forwarding" (sysctl)`. */
  readonly subject?: string | undefined;
  /** Values never to print (a secret param's, as written): masked in the source excerpt. */
  readonly secrets?: readonly string[] | undefined;
  readonly cause?: unknown;
}

/**
 * A user-facing error: code, place, message and a remedy. The CLI prints it without a stack
 * trace; anything that is not a K8sbmError is a bug in k8sbm and is shown with its stack.
 */
export class K8sbmError extends Error {
  readonly code: ErrorCode;
  readonly loc: Loc | undefined;
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly subject: string | undefined;
  readonly secrets: readonly string[];

  constructor(code: ErrorCode, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'K8sbmError';
    this.code = code;
    this.loc = init.loc;
    this.hint = init.hint;
    this.details = init.details ?? [];
    this.subject = init.subject;
    this.secrets = init.secrets ?? [];
  }
}

export function isK8sbmError(e: unknown): e is K8sbmError {
  return e instanceof K8sbmError;
}

/**
 *     site.yml:42:9  K8SBM_PARAM_INVALID  task "enable forwarding" (sysctl)
 *       /value must be string or integer, got array
 *       > 42 |       value: [1]
 *       hint: multi-field values are one string: "4096 87380 6291456"
 */
export function formatError(e: K8sbmError): string {
  const head = [e.loc ? formatLoc(e.loc) : undefined, e.code, e.subject].filter(Boolean).join('  ');
  // A message of several lines (one per problem) keeps its indentation on each.
  const lines = [head, ...e.message.split('\n').map((l) => `  ${l}`)];
  for (const d of e.details) lines.push(`  ${d}`);
  if (e.loc) for (const l of sourceExcerpt(e.loc, e.secrets)) lines.push(`  ${l}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  return lines.join('\n');
}

/**
 * The source line a place points at, with a caret under its column (nothing when the text is
 * unknown); `secrets` are shown as *** (a password is not printed because the line holds it).
 */
const EXCERPT_WIDTH = 160;

export function sourceExcerpt(loc: Loc, secrets: readonly string[] = []): string[] {
  let text = sourceLine(loc.file, loc.line);
  if (text === undefined) return [];
  // Longest first, so a secret inside another is not left half shown.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s !== '') text = text.split(s).join('***');
  const gutter = ' '.repeat(String(loc.line).length);
  // A long line (minified, or hostile) shows a window around the column, marked where cut.
  let col = Math.max(0, loc.col - 1);
  if (text.length > EXCERPT_WIDTH) {
    const start = Math.max(0, Math.min(col - EXCERPT_WIDTH / 2, text.length - EXCERPT_WIDTH));
    const cut = text.slice(start, start + EXCERPT_WIDTH);
    text = `${start > 0 ? '…' : ''}${cut}${start + EXCERPT_WIDTH < text.length ? '…' : ''}`;
    col = col - start + (start > 0 ? 1 : 0);
  }
  return [`> ${loc.line} | ${text}`, `  ${gutter} | ${' '.repeat(col)}^`];
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** The closest candidate within a sensible distance, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c ? `did you mean "${c}"?` : undefined;
}
